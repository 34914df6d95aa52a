import PortfolioLedger
import Foundation

/// Renders a report's JSON document (the one `--format json` prints) as HTML, so the page shows the
/// report's own values and nothing recomputed: scalar members as label/value rows, arrays of
/// objects as sortable tables, nested objects under their own heading.
///
/// Every scalar cell carries `data-path` (where it is in the JSON, e.g. `loans[0].debt`) and
/// `data-value` (the scalar exactly as the JSON writes it); the text shown is that value rounded for
/// reading. The browser test compares every `data-value` with the JSON report named by the
/// enclosing `data-report`.
enum HTMLJSONView {
    /// Tables longer than this scroll on screen (they print in full).
    static let scrollingRows = 16

    static func render(_ json: ReportJSONValue, path: String = "", skipping skipped: Set<String> = []) -> String {
        switch json {
        case .object(let members):
            let kept = members.filter { !skipped.contains($0.key) }
            let simple = kept.filter { isCellValue($0.value) }
            var out = ""
            if !simple.isEmpty {
                out += "<table class=\"kv\"><tbody>\n"
                for (key, value) in simple {
                    out += "<tr><th scope=\"row\">\(HTMLText.label(key))</th>\(cell(value, path: join(path, key)))</tr>\n"
                }
                out += "</tbody></table>\n"
            }
            // Sibling objects of scalars (a report's layers) read best as the rows of one table.
            var rowKeys: [String] = []
            for (key, value) in kept where !isCellValue(value) && scalarLeaves(value) != nil { rowKeys.append(key) }
            if rowKeys.count < 2 { rowKeys = [] }
            out += siblingTable(kept, rows: rowKeys, path: path)
            for (key, value) in kept where !isCellValue(value) && !rowKeys.contains(key) {
                out += "<h4>\(HTMLText.label(key))</h4>\n" + render(value, path: join(path, key))
            }
            return out
        case .array(let items):
            return table(items, path: path)
        default:
            return "<p>\(cell(json, path: path, tag: "span"))</p>\n"
        }
    }

    /// Rows of `items` (objects) as one sortable table; nested arrays of objects follow it, one per row.
    static func table(_ items: [ReportJSONValue], path: String) -> String {
        guard !items.isEmpty else { return "<p class=\"none\">none</p>\n" }
        let rows: [[(String, ReportJSONValue)]] = items.map { item in
            guard case .object(let members) = item else { return [("value", item)] }
            return members.flatMap { key, value -> [(String, ReportJSONValue)] in
                // Nested objects of scalars become columns `price.series`, `price.price`, …
                if let inner = scalarLeaves(value) { return inner.map { ("\(key).\($0.0)", $0.1) } }
                return [(key, value)]
            }
        }
        var columns: [String] = []
        for row in rows { for (key, _) in row where !columns.contains(key) { columns.append(key) } }
        let scrolls = items.count > scrollingRows
        var out = scrolls ? "<div class=\"wide tall\">" : "<div class=\"wide\">"
        out += "<table class=\"sortable\"><thead><tr>"
        out += columns.map { "<th scope=\"col\" tabindex=\"0\">\(HTMLText.label($0))</th>" }.joined()
        out += "</tr></thead><tbody>\n"
        var nested: [(String, ReportJSONValue)] = []
        for (index, row) in rows.enumerated() {
            let rowPath = "\(path)[\(index)]"
            out += "<tr>"
            for column in columns {
                guard let value = row.first(where: { $0.0 == column })?.1 else {
                    out += "<td></td>"
                    continue
                }
                if isCellValue(value) {
                    out += cell(value, path: join(rowPath, column))
                } else {
                    let count = if case .array(let a) = value { a.count } else { 1 }
                    out += "<td class=\"num\">\(count) below</td>"
                    nested.append((join(rowPath, column), value))
                }
            }
            out += "</tr>\n"
        }
        out += "</tbody></table></div>\n"
        for (nestedPath, value) in nested {
            out += "<h5>\(HTMLText.escape(nestedPath))</h5>\n" + render(value, path: nestedPath)
        }
        return out
    }

    /// The members named `rows` (objects of scalars) as one table, a row each named by its key.
    static func siblingTable(_ members: [(key: String, value: ReportJSONValue)], rows: [String], path: String) -> String {
        guard !rows.isEmpty else { return "" }
        var leaves: [String: [(String, ReportJSONValue)]] = [:]
        var columns: [String] = []
        for (key, value) in members where rows.contains(key) {
            let cells = scalarLeaves(value) ?? []
            leaves[key] = cells
            for (column, _) in cells where !columns.contains(column) { columns.append(column) }
        }
        var out = "<div class=\"wide\"><table class=\"sortable\"><thead><tr><th scope=\"col\" tabindex=\"0\"></th>"
        out += columns.map { "<th scope=\"col\" tabindex=\"0\">\(HTMLText.label($0))</th>" }.joined() + "</tr></thead><tbody>\n"
        for name in rows {
            let cells = leaves[name] ?? []
            out += "<tr><th scope=\"row\">\(HTMLText.label(name))</th>"
            for column in columns {
                if let found = cells.first(where: { $0.0 == column }) {
                    out += cell(found.1, path: join(join(path, name), column))
                } else {
                    out += "<td></td>"
                }
            }
            out += "</tr>\n"
        }
        return out + "</tbody></table></div>\n"
    }

    /// An object's scalar leaves under dotted keys (`time_weighted_return.cumulative`); nil when it
    /// is not an object or holds an array of objects (a table of its own).
    static func scalarLeaves(_ value: ReportJSONValue) -> [(String, ReportJSONValue)]? {
        guard case .object(let members) = value else { return nil }
        var out: [(String, ReportJSONValue)] = []
        for (key, member) in members {
            if isCellValue(member) {
                out.append((key, member))
            } else if let inner = scalarLeaves(member) {
                for (innerKey, innerValue) in inner { out.append(("\(key).\(innerKey)", innerValue)) }
            } else {
                return nil
            }
        }
        return out
    }

    /// One value: `<td>` (or `tag`) with its JSON path and exact JSON scalar; arrays of scalars joined.
    static func cell(_ value: ReportJSONValue, path: String, tag: String = "td") -> String {
        switch value {
        case .array(let items):
            let text = items.isEmpty ? "–" : items.map { scalarText($0) ?? "" }.joined(separator: ", ")
            return "<\(tag)>\(HTMLText.escape(text))</\(tag)>"
        default:
            let exact = scalarText(value) ?? ""
            let isNumber = isNumeric(value)
            let attributes = "data-path=\"\(HTMLText.escape(path))\" data-value=\"\(HTMLText.escape(exact))\""
                + (isNull(value) ? " data-null=\"\"" : "") + (isNumber ? " class=\"num\"" : "")
            return "<\(tag) \(attributes)>\(HTMLText.escape(display(value)))</\(tag)>"
        }
    }

    /// The value at `path` (member names; `[i]` indexes arrays) of a report's JSON.
    static func value(_ json: ReportJSONValue, _ keys: String...) -> ReportJSONValue? {
        var current = json
        for key in keys {
            guard case .object(let members) = current, let next = members.first(where: { $0.key == key })?.value else { return nil }
            current = next
        }
        return current
    }

    /// A headline figure: its label over the value, bound to the JSON like every cell.
    static func figure(_ label: String, _ json: ReportJSONValue, _ keys: String...) -> String {
        var current: ReportJSONValue? = json
        for key in keys { current = current.flatMap { value($0, key) } }
        let shown = current ?? .null
        return "<div class=\"figure\"><div class=\"label\">\(HTMLText.escape(label))</div>"
            + cell(shown, path: keys.joined(separator: "."), tag: "div") + "</div>"
    }

    private static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private static func isCellValue(_ value: ReportJSONValue) -> Bool {
        switch value {
        case .object: false
        case .array(let items): !items.contains { if case .object = $0 { true } else if case .array = $0 { true } else { false } }
        default: true
        }
    }

    private static func isNumeric(_ value: ReportJSONValue) -> Bool {
        switch value {
        case .number, .integer: true
        case .string(let s): ExactLooking.isDecimal(s)
        default: false
        }
    }

    private static func isNull(_ value: ReportJSONValue) -> Bool { if case .null = value { true } else { false } }

    /// The scalar as `--format json` writes it (strings unquoted), nil for containers.
    static func scalarText(_ value: ReportJSONValue) -> String? {
        switch value {
        case .string(let s): s
        case .number(let d): d.isFinite ? "\(d)" : ""
        case .integer(let i): String(i)
        case .bool(let b): b ? "true" : "false"
        case .null: ""
        case .array, .object: nil
        }
    }

    /// What a reader sees: analytics rounded (2 places from 100 up, 4 below, 3 significant digits
    /// for tiny values such as gamma), exact decimals and text as they are.
    static func display(_ value: ReportJSONValue) -> String {
        switch value {
        case .number(let d):
            guard d.isFinite else { return "–" }
            if d == 0 { return "0" }
            let magnitude = abs(d)
            if magnitude != 0 && magnitude < 0.001 { return String(format: "%.3g", d) }
            return grouped(Fmt.num(d, magnitude >= 100 ? 2 : 4))
        case .integer(let i): return String(i)
        case .null: return "–"
        case .bool(let b): return b ? "yes" : "no"
        case .string(let s): return s
        case .array, .object: return ""
        }
    }

    /// `12345.67` → `12,345.67`: thousands grouped in the integer part.
    static func grouped(_ text: String) -> String {
        let negative = text.hasPrefix("-")
        let body = negative ? String(text.dropFirst()) : text
        let parts = body.split(separator: ".", maxSplits: 1)
        guard let integer = parts.first, integer.count > 3 else { return text }
        var digits = Array(integer)
        var index = digits.count - 3
        while index > 0 {
            digits.insert(",", at: index)
            index -= 3
        }
        return (negative ? "-" : "") + String(digits) + (parts.count > 1 ? "." + parts[1] : "")
    }
}

/// Whether a JSON string is an exact decimal (booked money, `-12.5`), so the page aligns and sorts it as a number.
enum ExactLooking {
    static func isDecimal(_ text: String) -> Bool {
        var body = Substring(text)
        if body.hasPrefix("-") { body = body.dropFirst() }
        guard let first = body.first, first.isASCII, first.isNumber else { return false }
        var seenPoint = false
        for character in body {
            if character == "." {
                if seenPoint { return false }
                seenPoint = true
            } else if !(character.isASCII && character.isNumber) {
                return false
            }
        }
        return !body.hasSuffix(".")
    }
}
