/// One JSON Lines value parsed strictly (RFC 8259 and nothing more), so that what the journal
/// importer accepts is exactly what the format allows.
///
/// Foundation's parser resolves a duplicate key silently (the first value wins), accepts a
/// trailing comma and lets `"\u0000"` through into text; this one refuses each, naming the key
/// path as written in the file (`terms.rate_bps`, `collateral[1].token_id`). Numbers keep their
/// literal text, so a schema can tell `1.5` or a 30-digit integer from an integer that fits.
indirect enum StrictJSON {
    case object([(key: String, value: StrictJSON)])
    case array([StrictJSON])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    /// The JSON type's name, as errors say it.
    var typeName: String {
        switch self {
        case .object: "object"
        case .array: "array"
        case .string: "string"
        case .number(let text): "number \(text.prefix(40))"
        case .bool(let value): value ? "true" : "false"
        case .null: "null"
        }
    }
}

/// Why a line is not strict JSON: the key path where it happened (nil at the top) and why.
struct StrictJSONError: Error {
    var path: String?
    var reason: String
}

/// A recursive-descent parser over one line's bytes (already known to be UTF-8).
struct StrictJSONParser {
    /// Deeper nesting than any journal entry needs is refused before it can exhaust the stack.
    static let maximumDepth = 16

    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    private var path: [String] = []

    /// Parses `bytes` as exactly one JSON value with optional whitespace around it.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(StrictJSONError) -> StrictJSON {
        var parser = StrictJSONParser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.value()
        parser.skipWhitespace()
        guard parser.position == bytes.count else { throw parser.fail("not valid JSON: text after the end of the value (byte \(parser.position + 1))") }
        return value
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    private var pathText: String? { path.isEmpty ? nil : Self.join(path) }

    /// `a`, `a.b`, `a[0].b`.
    static func join(_ parts: [String]) -> String {
        var text = ""
        for part in parts {
            if part.hasPrefix("[") { text += part } else { text += text.isEmpty ? part : "." + part }
        }
        return text
    }

    /// A refusal at the current key path; plain syntax errors ("not valid JSON") name no key, as
    /// the key before a syntax error is rarely the one at fault.
    private func fail(_ reason: String) -> StrictJSONError {
        StrictJSONError(path: reason.hasPrefix("not valid JSON") ? nil : pathText, reason: reason)
    }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { position += 1 }
    }

    private mutating func value() throws(StrictJSONError) -> StrictJSON {
        guard let byte = current else { throw fail("not valid JSON: the line ends where a value should be") }
        switch byte {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case 0xEF where position + 2 < bytes.count && bytes[position + 1] == 0xBB && bytes[position + 2] == 0xBF:
            throw fail("a byte-order mark (U+FEFF) is only allowed at the very start of the file")
        default:
            throw fail("not valid JSON: unexpected character at byte \(position + 1)")
        }
    }

    private mutating func literal(_ word: String) throws(StrictJSONError) {
        let expected = Array(word.utf8), count = expected.count
        guard position + count <= bytes.count else { throw fail("not valid JSON: unexpected character at byte \(position + 1)") }
        for i in 0..<count where bytes[position + i] != expected[i] {
            throw fail("not valid JSON: unexpected character at byte \(position + i + 1)")
        }
        position += count
    }

    private mutating func nest() throws(StrictJSONError) {
        guard path.count < Self.maximumDepth else { throw fail("nested deeper than \(Self.maximumDepth) levels") }
    }

    private mutating func object() throws(StrictJSONError) -> StrictJSON {
        try nest()
        position += 1
        var members: [(key: String, value: StrictJSON)] = []
        var seen: Set<String> = []
        skipWhitespace()
        if current == UInt8(ascii: "}") { position += 1; return .object([]) }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else {
                throw fail(current == UInt8(ascii: "}") ? "a trailing comma before '}' is not JSON" : "not valid JSON: expected a key in quotes at byte \(position + 1)")
            }
            let key = try string()
            path.append(key)
            guard seen.insert(key).inserted else { throw fail("the key appears twice in one object; write it once") }
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw fail("not valid JSON: expected ':' after the key at byte \(position + 1)") }
            position += 1
            skipWhitespace()
            members.append((key, try value()))
            path.removeLast()
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"): position += 1; return .object(members)
            default: throw fail("not valid JSON: expected ',' or '}' at byte \(position + 1)")
            }
        }
    }

    private mutating func array() throws(StrictJSONError) -> StrictJSON {
        try nest()
        position += 1
        var elements: [StrictJSON] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") { position += 1; return .array([]) }
        while true {
            skipWhitespace()
            if current == UInt8(ascii: "]") { throw fail("a trailing comma before ']' is not JSON") }
            path.append("[\(elements.count)]")
            elements.append(try value())
            path.removeLast()
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"): position += 1; return .array(elements)
            default: throw fail("not valid JSON: expected ',' or ']' at byte \(position + 1)")
            }
        }
    }

    private mutating func number() throws(StrictJSONError) -> String {
        let start = position
        func digits(_ parser: inout StrictJSONParser) -> Int {
            let from = parser.position
            while let byte = parser.current, byte >= 0x30 && byte <= 0x39 { parser.position += 1 }
            return parser.position - from
        }
        if current == UInt8(ascii: "-") { position += 1 }
        if current == UInt8(ascii: "0") {
            position += 1
            if let byte = current, byte >= 0x30 && byte <= 0x39 { throw fail("not valid JSON: a number cannot have a leading zero") }
        } else if digits(&self) == 0 {
            throw fail("not valid JSON: a number needs digits at byte \(position + 1)")
        }
        if current == UInt8(ascii: ".") {
            position += 1
            guard digits(&self) > 0 else { throw fail("not valid JSON: a number needs digits after '.'") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard digits(&self) > 0 else { throw fail("not valid JSON: a number needs digits in its exponent") }
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
    }

    private mutating func string() throws(StrictJSONError) -> String {
        position += 1
        var scalars = String.UnicodeScalarView()
        var runStart = position
        func flush(_ parser: StrictJSONParser, _ scalars: inout String.UnicodeScalarView, to end: Int) {
            if end > runStart {
                scalars.append(contentsOf: String(decoding: UnsafeBufferPointer(rebasing: parser.bytes[runStart..<end]), as: UTF8.self).unicodeScalars)
            }
        }
        while true {
            guard let byte = current else { throw fail("not valid JSON: a string is not closed") }
            switch byte {
            case UInt8(ascii: "\""):
                flush(self, &scalars, to: position)
                position += 1
                return String(scalars)
            case 0x00:
                throw fail("a NUL character is not allowed in text")
            case ..<0x20:
                throw fail("not valid JSON: a control character (U+\(Self.hex(UInt32(byte)))) must be escaped in a string")
            case 0xEF where position + 2 < bytes.count && bytes[position + 1] == 0xBB && bytes[position + 2] == 0xBF:
                throw fail("a byte-order mark (U+FEFF) is only allowed at the very start of the file")
            case UInt8(ascii: "\\"):
                flush(self, &scalars, to: position)
                position += 1
                scalars.append(try escape())
                runStart = position
            default:
                position += 1
            }
        }
    }

    private mutating func escape() throws(StrictJSONError) -> Unicode.Scalar {
        guard let byte = current else { throw fail("not valid JSON: a string is not closed") }
        position += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let unit = try hex4()
            if unit == 0 { throw fail("a NUL character (\\u0000) is not allowed in text") }
            if unit == 0xFEFF { throw fail("a byte-order mark (U+FEFF) is only allowed at the very start of the file") }
            if (0xD800...0xDBFF).contains(unit) {
                guard current == UInt8(ascii: "\\"), position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u") else {
                    throw fail("not valid JSON: a lone surrogate \\u\(Self.hex(unit))")
                }
                position += 2
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw fail("not valid JSON: a lone surrogate \\u\(Self.hex(unit))") }
                return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))!
            }
            guard let scalar = Unicode.Scalar(unit) else { throw fail("not valid JSON: a lone surrogate \\u\(Self.hex(unit))") }
            return scalar
        default:
            throw fail("not valid JSON: unknown escape at byte \(position)")
        }
    }

    private mutating func hex4() throws(StrictJSONError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw fail("not valid JSON: \\u needs four hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x41...0x46: digit = byte - 0x41 + 10
            case 0x61...0x66: digit = byte - 0x61 + 10
            default: throw fail("not valid JSON: \\u needs four hex digits")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    private static func hex(_ value: UInt32) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - text.count)) + text
    }
}
