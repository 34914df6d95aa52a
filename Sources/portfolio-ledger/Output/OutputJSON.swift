import PortfolioLedger

/// A JSON value whose objects keep their members in the order given, so output keys are stable.
///
/// Numbers are analytics (`Double`, written in Swift's shortest round-trip form, e.g. `0.2`,
/// `1e-05`; NaN and ±∞ become `null`) or counts (`Int`); exact decimals are written as strings by
/// the commands, never as numbers. Used by `calc` and `report`.
indirect enum OutputJSON {
    case string(String)
    case number(Double)
    case integer(Int)
    case bool(Bool)
    case null
    case array([OutputJSON])
    case object([(key: String, value: OutputJSON)])

    /// `.number(value)`, or `.null` when there is no value.
    static func number(_ value: Double?) -> OutputJSON { value.map(OutputJSON.number) ?? .null }

    /// Pretty-printed with two-space indentation; arrays of scalars stay on one line.
    var rendered: String {
        var out = ""
        write(to: &out, indent: 0)
        return out
    }

    /// The value as a table cell: strings bare, arrays of scalars comma-separated, `-` for null.
    var cell: String {
        switch self {
        case .string(let s): s
        case .null: "-"
        case .array(let items): items.isEmpty ? "-" : items.map(\.cell).joined(separator: ", ")
        default: rendered
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
        case .string(let s): out += Self.quoted(s)
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

    private func writeContainer(_ items: [(String?, OutputJSON)], open: String, close: String,
                                to out: inout String, indent: Int) {
        guard !items.isEmpty else {
            out += open + close
            return
        }
        let inner = String(repeating: "  ", count: indent + 1)
        out += open + "\n"
        for (i, (key, value)) in items.enumerated() {
            out += inner
            if let key { out += Self.quoted(key) + ": " }
            value.write(to: &out, indent: indent + 1)
            out += i < items.count - 1 ? ",\n" : "\n"
        }
        out += String(repeating: "  ", count: indent) + close
    }

    private static func quoted(_ s: String) -> String { JSONString.quoted(s) }
}

extension CalcFormat {
    /// Prints `json` or `table()` to standard output, as this format asks.
    func emit(json: OutputJSON, table: () -> String) {
        switch self {
        case .json: printLine(json.rendered)
        case .table: printLine(table())
        }
    }
}
