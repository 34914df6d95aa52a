import BigInt

extension ExactDecimal: CustomStringConvertible, LosslessStringConvertible {
    /// Parses a plain decimal: `-?[0-9]+(\.[0-9]+)?` in ASCII.
    ///
    /// Accepted beyond canonical form: leading zeros (`007`), trailing fractional zeros (`1.50`) and
    /// `-0`; all are normalised. Refused, each with a typed reason: empty text, a lone `-`, a leading
    /// `+`, `1.` and `.5` (a point must have digits on both sides, so a truncated field is not taken
    /// for a number), exponents (`1e5`), `NaN`/`inf`, grouping (`1,000`, `1_000`), spaces, and
    /// non-ASCII digits (e.g. Arabic-Indic `٣`); texts over the ``Limits``.
    public init(parsing text: String) throws(ExactDecimalError) {
        let bytes = Array(text.utf8)
        func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
        func fail(_ reason: String) -> ExactDecimalError {
            .malformed(text: ExactDecimalError.excerpt(text), reason: reason)
        }
        guard !bytes.isEmpty else { throw fail("empty text") }
        guard bytes.count <= Limits.maxTextLength else {
            throw .tooLarge(text: ExactDecimalError.excerpt(text), integerDigits: bytes.count,
                            limit: Limits.maxIntegerDigits)
        }
        var i = 0
        var negative = false
        if bytes[0] == UInt8(ascii: "-") {
            negative = true
            i = 1
        } else if bytes[0] == UInt8(ascii: "+") {
            throw fail("a leading '+' is not accepted")
        }
        let intStart = i
        while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        let intEnd = i
        var fracStart = i
        var fracEnd = i
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            fracStart = i
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
            fracEnd = i
            guard fracEnd > fracStart else { throw fail("no digits after the decimal point") }
        }
        if i < bytes.count {
            throw fail(Self.describeUnexpected(text: text, byteOffset: i, bytes: bytes))
        }
        guard intEnd > intStart else {
            throw fail(fracEnd > fracStart ? "no digits before the decimal point" : "no digits")
        }
        // Significant digits only: leading integer zeros and trailing fraction zeros carry no value.
        var firstSignificant = intStart
        while firstSignificant < intEnd - 1, bytes[firstSignificant] == UInt8(ascii: "0") { firstSignificant += 1 }
        var lastFraction = fracEnd
        while lastFraction > fracStart, bytes[lastFraction - 1] == UInt8(ascii: "0") { lastFraction -= 1 }
        let integerDigits = intEnd - firstSignificant
        let fractionDigits = lastFraction - fracStart
        if integerDigits > Limits.maxIntegerDigits {
            throw .tooLarge(text: ExactDecimalError.excerpt(text), integerDigits: integerDigits,
                            limit: Limits.maxIntegerDigits)
        }
        if fractionDigits > Limits.maxFractionDigits {
            throw .tooPrecise(text: ExactDecimalError.excerpt(text), fractionDigits: fractionDigits,
                              limit: Limits.maxFractionDigits)
        }
        let digits = String(decoding: bytes[firstSignificant..<intEnd] + bytes[fracStart..<lastFraction], as: UTF8.self)
        guard let magnitude = BigInt(digits, radix: 10) else { throw fail("no digits") }
        self.init(significand: negative ? -magnitude : magnitude, scale: fractionDigits)
    }

    /// Failable form of ``init(parsing:)`` for `LosslessStringConvertible`.
    public init?(_ description: String) {
        guard let value = try? ExactDecimal(parsing: description) else { return nil }
        self = value
    }

    /// The canonical text (see the type's documentation).
    public var description: String {
        let digits = significand.magnitude.description
        let sign = isNegative ? "-" : ""
        guard scale > 0 else { return sign + digits }
        let padded = digits.count > scale ? digits : String(repeating: "0", count: scale - digits.count + 1) + digits
        let cut = padded.index(padded.endIndex, offsetBy: -scale)
        return sign + padded[..<cut] + "." + padded[cut...]
    }

    /// Fixed-point text with exactly `fractionDigits` digits after the point (none when 0), rounded
    /// with `mode` if needed — for display (e.g. USD to the cent). `fractionDigits` below 0 counts as 0.
    public func formatted(fractionDigits: Int, rounding mode: RoundingMode = .halfEven) -> String {
        let places = max(0, fractionDigits)
        let r = rounded(scale: places, mode: mode)
        var text = r.description
        guard places > 0 else { return text }
        if r.scale == 0 { text += "." }
        return text + String(repeating: "0", count: places - r.scale)
    }


    private static func describeUnexpected(text: String, byteOffset: Int, bytes: [UInt8]) -> String {
        let b = bytes[byteOffset]
        if b >= 0x80 { return "non-ASCII character at byte \(byteOffset) (only ASCII digits 0-9 are accepted)" }
        let ch = Character(UnicodeScalar(b))
        switch ch {
        case "e", "E": return "exponent notation is not accepted"
        case ",", "_", "'": return "digit grouping ('\(ch)') is not accepted"
        case " ", "\t", "\n", "\r": return "whitespace at byte \(byteOffset)"
        case ".": return "more than one decimal point"
        default:
            let lower = text.lowercased()
            if lower.contains("nan") || lower.contains("inf") { return "NaN and infinity are not numbers here" }
            return "unexpected character '\(ch)' at byte \(byteOffset)"
        }
    }
}

extension ExactDecimal: ExpressibleByIntegerLiteral {
    /// Integer literals cannot be malformed, so this is the one literal form offered; decimal
    /// fractions are written `try ExactDecimal(parsing: "1.5")` so that bad text is an error, not a trap.
    public init(integerLiteral value: Int) { self.init(value) }
}

extension ExactDecimal: Codable {
    /// Decodes from a JSON string in the grammar of ``init(parsing:)`` (never from a JSON number,
    /// which decoders read through `Double`).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try ExactDecimal(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    /// Encodes the canonical text as a string; refuses values outside ``Limits`` (they could not be read back).
    public func encode(to encoder: any Encoder) throws {
        do {
            _ = try validated()
        } catch {
            throw EncodingError.invalidValue(self, .init(codingPath: encoder.codingPath, debugDescription: error.description))
        }
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
