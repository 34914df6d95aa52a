import PortfolioLedger

extension ReportJSONValue {
    /// An object's members in order; empty for anything else (tables read a document's tree).
    var members: [(key: String, value: ReportJSONValue)] {
        if case .object(let members) = self { return members }
        return []
    }
}

extension CalcFormat {
    /// Prints `document` as JSON through `ReportJSONEncoder`, or the table `table` makes of its tree.
    func emit(document: some Encodable, table: (ReportJSONValue) -> String) throws {
        switch self {
        case .json: printLine(try ReportJSONEncoder().encode(document))
        case .table: printLine(table(try ReportJSONEncoder().tree(document)))
        }
    }
}
