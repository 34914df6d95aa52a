import LedgerMath

// Fuzzes `ExactDecimal(parsing:)` against the grammar it documents, and its canonical text: a value
// parses iff the text is `-?[0-9]+(\.[0-9]+)?` within the limits (78 integer and 36 fractional
// significant digits), its `description` parses back to the same value, and the description is a
// fixed point. Exact arithmetic must round-trip: (a + b) - b == a and a × 1 == a.

private func matchesGrammar(_ bytes: [UInt8]) -> Bool {
    var i = 0
    if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
    let intStart = i
    while i < bytes.count, (48...57).contains(bytes[i]) { i += 1 }
    guard i > intStart else { return false }
    let intDigits = bytes[intStart..<i].drop { $0 == 48 }.count
    var fracDigits = 0
    if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
        i += 1
        let fracStart = i
        while i < bytes.count, (48...57).contains(bytes[i]) { i += 1 }
        guard i > fracStart else { return false }
        fracDigits = Array(bytes[fracStart..<i]).reversed().drop { $0 == 48 }.count
    }
    return i == bytes.count && intDigits <= 78 && fracDigits <= 36
}

func fuzzExactDecimal(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let text = String(validating: bytes, as: UTF8.self) else {
        _ = try? ExactDecimal(parsing: String(decoding: bytes, as: UTF8.self))
        return 0
    }
    let parsed = try? ExactDecimal(parsing: text)
    let expected = bytes.count <= 200 && matchesGrammar(bytes)
    // Texts longer than the limit's text length are refused whatever they hold.
    if bytes.count <= 200, (parsed != nil) != expected {
        fatalError("\(text.debugDescription): parsed \(String(describing: parsed)), grammar says \(expected)")
    }
    guard let value = parsed else { return 0 }
    let canonical = value.description
    guard let again = try? ExactDecimal(parsing: canonical), again == value, again.description == canonical else {
        fatalError("\(text.debugDescription) → \(canonical) does not round-trip")
    }
    let half = bytes.count / 2
    if let other = try? ExactDecimal(parsing: String(decoding: bytes[half...], as: UTF8.self)) {
        guard (value + other) - other == value, value * ExactDecimal(1) == value else {
            fatalError("arithmetic does not round-trip for \(value) and \(other)")
        }
    }
    _ = value.formatted(fractionDigits: Int(bytes.first ?? 0) % 40)
    return 0
}
