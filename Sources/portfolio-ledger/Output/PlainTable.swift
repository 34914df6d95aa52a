import PortfolioLedger

/// Plain-text tables: columns padded to their widest cell, two spaces apart, no trailing blanks.
enum PlainTable {
    /// One `key  value` line per member, keys left-aligned.
    static func keyValue(_ members: [(key: String, value: ReportJSONValue)]) -> String {
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
