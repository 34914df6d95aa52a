/// One JSON object of the JSON Lines journal, with its keys in the order they were added.
///
/// Booked money is written as strings (exact), observations as JSON numbers in Swift's shortest
/// round-trip form, so `import` reads back exactly what was stored.
struct JournalLine {
    private(set) var text = "{"

    init(type: String) { add("type", type) }

    mutating func add(_ key: String, _ value: String) { member(key, Self.quoted(value)) }
    mutating func add(_ key: String, _ value: String?) { if let value { add(key, value) } }
    mutating func add(_ key: String, _ value: Int64) { member(key, String(value)) }
    mutating func add(_ key: String, _ value: Int) { member(key, String(value)) }
    mutating func add(_ key: String, _ value: Double?) { if let value { member(key, "\(value)") } }
    /// A value that is already JSON (a nested object or array).
    mutating func addRaw(_ key: String, _ json: String) { member(key, json) }

    var rendered: String { text + "}" }

    private mutating func member(_ key: String, _ json: String) {
        if text.count > 1 { text += "," }
        text += Self.quoted(key) + ":" + json
    }

    static func object(_ members: [(String, String)]) -> String {
        "{" + members.map { quoted($0.0) + ":" + quoted($0.1) }.joined(separator: ",") + "}"
    }

    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
