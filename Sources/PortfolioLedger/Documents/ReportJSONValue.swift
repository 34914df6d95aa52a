/// A JSON value whose objects keep their members in the order they were written: the output
/// stage of ``ReportJSONEncoder``, and what views that walk a report's JSON (the HTML page) read.
///
/// Numbers are analytics (`Double`, written in Swift's shortest round-trip form, e.g. `0.2`,
/// `1e-05`; NaN and ±∞ become `null`) or counts (`Int`); exact decimals are strings.
public indirect enum ReportJSONValue: Sendable, Equatable {
    /// A string.
    case string(String)
    /// A floating-point number (`null` when not finite).
    case number(Double)
    /// An integer.
    case integer(Int)
    /// `true` or `false`.
    case bool(Bool)
    /// `null`.
    case null
    /// An array.
    case array([ReportJSONValue])
    /// An object, its members in order.
    case object([(key: String, value: ReportJSONValue)])

    /// Pretty-printed with two-space indentation, `"key": value`; arrays of scalars stay on one line.
    public var rendered: String {
        var out = ""
        write(to: &out, indent: 0)
        return out
    }

    /// On one line without spaces (`{"a":1,"b":[2,3]}`): the journal's style
    /// (``ReportJSONEncoder/Style/compact``).
    public var compact: String {
        var out = ""
        writeCompact(to: &out)
        return out
    }

    private func writeCompact(to out: inout String) {
        switch self {
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.writeCompact(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, member) in members.enumerated() {
                if i > 0 { out += "," }
                out += JSONString.quoted(member.key) + ":"
                member.value.writeCompact(to: &out)
            }
            out += "}"
        default: write(to: &out, indent: 0)
        }
    }

    /// The value as a table cell: strings bare, arrays of scalars comma-separated, `-` for null.
    public var cell: String {
        switch self {
        case .string(let s): s
        case .null: "-"
        case .array(let items): items.isEmpty ? "-" : items.map(\.cell).joined(separator: ", ")
        default: rendered
        }
    }

    /// Compares structurally; numbers compare by value (NaN equals NaN: both are written `null`).
    public static func == (lhs: ReportJSONValue, rhs: ReportJSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): a == b
        case (.number(let a), .number(let b)): a == b || (!a.isFinite && !b.isFinite)
        case (.integer(let a), .integer(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.null, .null): true
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }

    private var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }

    private func write(to out: inout String, indent: Int) {
        switch self {
        case .string(let s): out += JSONString.quoted(s)
        case .number(let d): out += d.isFinite ? "\(d)" : "null"
        case .integer(let i): out += String(i)
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .array(let items):
            if items.allSatisfy(\.isScalar) {
                out += "[" + items.map(\.rendered).joined(separator: ", ") + "]"
                return
            }
            writeContainer(items.map { (nil, $0) }, open: "[", close: "]", to: &out, indent: indent)
        case .object(let members):
            writeContainer(members.map { ($0.key, $0.value) }, open: "{", close: "}", to: &out, indent: indent)
        }
    }

    private func writeContainer(_ items: [(String?, ReportJSONValue)], open: String, close: String,
                                to out: inout String, indent: Int) {
        guard !items.isEmpty else {
            out += open + close
            return
        }
        let inner = String(repeating: "  ", count: indent + 1)
        out += open + "\n"
        for (i, (key, value)) in items.enumerated() {
            out += inner
            if let key { out += JSONString.quoted(key) + ": " }
            value.write(to: &out, indent: indent + 1)
            out += i < items.count - 1 ? ",\n" : "\n"
        }
        out += String(repeating: "  ", count: indent) + close
    }
}
