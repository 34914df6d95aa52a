/// Escaping for HTML text and attribute values: every string that reaches the page — a name the
/// user booked, a ledger path, an error message — goes through ``escape(_:)``, so `<script>` in a
/// collection's name is shown as text and never parsed.
enum HTMLText {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// A JSON member name as a column or row label: `net_equity_usd` → `net equity usd`,
    /// `time_weighted_return.cumulative` → `time weighted return › cumulative`.
    static func label(_ key: String) -> String {
        escape(key.replacingOccurrences(of: "_", with: " ").replacingOccurrences(of: ".", with: " › "))
    }
}
