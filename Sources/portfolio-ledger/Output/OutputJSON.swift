import PortfolioLedger

/// The ordered JSON tree, now the library's ``ReportJSONValue`` (outputs not yet converted to documents).
typealias OutputJSON = ReportJSONValue

extension ReportJSONValue {
    /// `.number(value)`, or `.null` when there is no value.
    static func number(_ value: Double?) -> ReportJSONValue { value.map(ReportJSONValue.number) ?? .null }
}

extension ReportJSONValue {
    /// An object's members in order; empty for anything else.
    var members: [(key: String, value: ReportJSONValue)] {
        if case .object(let members) = self { return members }
        return []
    }
}

extension CalcFormat {
    /// Prints `document` as JSON through ``ReportJSONEncoder``, or the table `table` makes of its tree.
    func emit(document: some Encodable, table: (ReportJSONValue) -> String) throws {
        switch self {
        case .json: printLine(try ReportJSONEncoder().encode(document))
        case .table: printLine(table(try ReportJSONEncoder().tree(document)))
        }
    }

    /// Prints `json` or `table()` to standard output, as this format asks.
    func emit(json: OutputJSON, table: () -> String) {
        switch self {
        case .json: printLine(json.rendered)
        case .table: printLine(table())
        }
    }
}
