import LedgerMath

/// Amounts that an API serialised as 32-bit floats, turned back into the decimal that was meant.
///
/// NFTfi's data API returns amounts as float32: 7.4 WETH arrives as `7.400000095367432`, 0.0001 as
/// `9.999999747378752e-05`. A float32 holds about 7 significant digits, so the meant amount is
/// the shortest decimal that reads back as the same float32 (`7.4`, `0.0001`): what Swift prints
/// for a `Float`. A value that is not exactly a float32 (`19.032192`: the API wrote a decimal)
/// is taken as written.
enum Float32Amount {
    static func decimal(_ text: String) throws(LedgerError) -> ExactDecimal {
        guard let wide = Double(text), wide.isFinite, wide >= 0 else {
            throw .invalidValue(field: "amount", reason: "'\(text.prefix(40))' is not a non-negative number")
        }
        let narrow = Float(wide)
        let plain = plainDecimal(Double(narrow) == wide ? narrow.description : text)
        do { return try ExactDecimal(parsing: plain) } catch {
            throw .invalidValue(field: "amount", reason: "'\(text.prefix(40))': \(error)")
        }
    }

    /// `1e-04` → `0.0001`, `1.5e+07` → `15000000`; plain text unchanged.
    static func plainDecimal(_ text: String) -> String {
        guard let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }), let exponent = Int(text[text.index(after: e)...]) else { return text }
        let mantissa = text[..<e]
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let whole = String(parts[0]), fraction = parts.count > 1 ? String(parts[1]) : ""
        let digits = whole + fraction
        let point = whole.count + exponent
        if point <= 0 { return "0." + String(repeating: "0", count: -point) + digits }
        if point >= digits.count { return digits + String(repeating: "0", count: point - digits.count) }
        return String(digits.prefix(point)) + "." + String(digits.dropFirst(point))
    }
}
