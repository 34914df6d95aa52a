/// A JSON value whose objects keep their members in the order given, so output keys are stable.
///
/// Numbers are analytics (`Double`, written in Swift's shortest round-trip form, e.g. `0.2`,
/// `1e-05`; NaN and ±∞ become `null`) or counts (`Int`); exact decimals are written as strings by
/// the commands, never as numbers.
indirect enum CalcJSON {
    case string(String)
    case number(Double)
    case integer(Int)
    case bool(Bool)
    case null
    case array([CalcJSON])
    case object([(key: String, value: CalcJSON)])

    /// `.number(value)`, or `.null` when there is no value.
    static func number(_ value: Double?) -> CalcJSON { value.map(CalcJSON.number) ?? .null }

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

    private func writeContainer(_ items: [(String?, CalcJSON)], open: String, close: String,
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

    private static func quoted(_ s: String) -> String {
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

/// Plain-text tables: columns padded to their widest cell, two spaces apart, no trailing blanks.
enum CalcTable {
    /// One `key  value` line per member, keys left-aligned.
    static func keyValue(_ members: [(key: String, value: CalcJSON)]) -> String {
        grid(header: nil, rows: members.map { [$0.key, $0.value.cell] }, rightAligned: [])
    }

    /// A header line (if any) and one line per row; columns in `rightAligned` are right-aligned.
    static func grid(header: [String]?, rows: [[String]], rightAligned: Set<Int>) -> String {
        let all = (header.map { [$0] } ?? []) + rows
        let count = all.map(\.count).max() ?? 0
        let widths = (0..<count).map { c in all.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        let lines = all.map { row in
            row.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                return rightAligned.contains(c) ? pad + cell : cell + pad
            }
            .joined(separator: "  ")
        }
        return lines.map { String($0.reversed().drop(while: { $0 == " " }).reversed()) }.joined(separator: "\n")
    }
}

extension CalcFormat {
    /// Prints `json` or `table()` to standard output, as this format asks.
    func emit(json: CalcJSON, table: () -> String) {
        switch self {
        case .json: printLine(json.rendered)
        case .table: printLine(table())
        }
    }
}
