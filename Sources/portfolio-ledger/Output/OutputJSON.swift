import PortfolioLedger

/// The ordered JSON tree, now the library's ``ReportJSONValue`` (outputs not yet converted to documents).
typealias OutputJSON = ReportJSONValue

extension ReportJSONValue {
    /// `.number(value)`, or `.null` when there is no value.
    static func number(_ value: Double?) -> ReportJSONValue { value.map(ReportJSONValue.number) ?? .null }
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
