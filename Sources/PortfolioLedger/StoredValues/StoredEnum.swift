import LedgerMath

/// An enum the ledger stores as text (a column of a table or view, a JSON Lines value): its raw
/// value is the stored text, and this is the one place that turns text back into a case.
///
/// Every reader — the snapshot reading rows, the CSV and JSON Lines importers, the exporter's
/// round trip — decodes through ``decode(_:field:)``, so a value has one spelling everywhere and an
/// unknown one is refused the same way: a ``LedgerError/invalidValue(field:reason:)`` that names
/// the column or key as written (`stored event_kind`, `protocol`, `terms.model`) and lists the
/// known values. Writers bind `rawValue`.
protocol StoredEnum: RawRepresentable, CaseIterable, Sendable where RawValue == String {
    /// What one value is, for errors ("lending protocol").
    static var storedName: String { get }
}

extension StoredEnum {
    /// The known values as stored, in declaration order, for errors and docs.
    static var storedValues: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// The case stored as `text`; `field` names where the text came from, as the user or the
    /// schema spells it.
    static func decode(_ text: String, field: String) throws(LedgerError) -> Self {
        guard let value = Self(rawValue: text) else {
            let article = storedName.first.map { "aeiou".contains($0) } == true ? "an" : "a"
            throw .invalidValue(field: field, reason: "'\(text.prefix(40))' is not \(article) \(storedName) (\(storedValues))")
        }
        return value
    }
}

extension LendingProtocol: StoredEnum { static var storedName: String { "protocol" } }
extension TradeSide: StoredEnum { static var storedName: String { "trade side" } }
extension HedgeRecord.Strategy: StoredEnum { static var storedName: String { "hedge strategy" } }
extension OptionRoot: StoredEnum { static var storedName: String { "option root" } }
extension OptionType: StoredEnum { static var storedName: String { "option type" } }
extension PriceSeriesKind: StoredEnum { static var storedName: String { "price series kind" } }
extension ExternalFlow.Kind: StoredEnum { static var storedName: String { "external flow kind" } }
