import LedgerMath

/// Why an analytics report cannot be produced. Every case names what is missing and where, so a
/// report never silently guesses a price, a rate or a token's decimals.
public enum AnalyticsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A referenced loan, NFT, hedge or contract does not exist (or is not visible as known then).
    case unknownEntity(kind: String, id: String)
    /// No price series of the wanted kind for the subject (e.g. no floor series for a collection).
    case noSeries(kind: PriceSeriesKind, subject: String)
    /// More than one series would fit; name the one to use.
    case ambiguousSeries(kind: PriceSeriesKind, subject: String, candidates: [String])
    /// No observation of `series` at or before `at`.
    case missingPrice(series: String, at: Instant)
    /// The latest observation of `series` at or before `at` is older than the accepted age.
    case stalePrice(series: String, at: Instant, observedAt: Instant, maxAgeSeconds: Int64)
    /// No FX series converts `from` into `to` (directly or inverted).
    case noFXSeries(from: Currency, to: Currency)
    /// The loan's currency has no entry in ``TokenDecimals`` (the interest models need it).
    case unknownTokenDecimals(Currency)
    /// The interest model could not replay the loan's stored terms and events.
    case interestModel(loan: LoanID, event: LoanEventID?, reason: String)
    /// An event kind this interest model cannot replay (e.g. borrowing more on a fixed-repayment loan).
    case unsupportedEvent(loan: LoanID, event: LoanEventID, reason: String)
    /// No underlying level for an option at an instant (no quote underlying and no index series given).
    case noUnderlying(contract: OptionContractID, at: Instant)
    /// No mark, no mid and no implied vol: the option cannot be valued at that instant.
    case noOptionValue(contract: OptionContractID, at: Instant)
    /// An argument out of its domain: which one and why.
    case invalidArgument(name: String, reason: String)

    public var description: String {
        switch self {
        case let .unknownEntity(kind, id): "no \(kind) with id \(id)"
        case let .noSeries(kind, subject): "no \(kind.rawValue) series for \(subject)"
        case let .ambiguousSeries(kind, subject, candidates):
            "several \(kind.rawValue) series for \(subject) (\(candidates.joined(separator: ", "))); name the one to use"
        case let .missingPrice(series, at): "no observation of '\(series)' at or before \(at)"
        case let .stalePrice(series, at, observed, maxAge):
            "the latest observation of '\(series)' at or before \(at) is from \(observed), older than \(maxAge) s"
        case let .noFXSeries(from, to): "no fx series converts \(from) into \(to)"
        case let .unknownTokenDecimals(currency): "no token decimals known for \(currency); see TokenDecimals"
        case let .interestModel(loan, event, reason):
            "loan \(loan)\(event.map { " event \($0)" } ?? ""): the interest model cannot replay it: \(reason)"
        case let .unsupportedEvent(loan, event, reason): "loan \(loan) event \(event): \(reason)"
        case let .noUnderlying(contract, at): "no underlying level for contract \(contract) at \(at): no quote underlying and no index series"
        case let .noOptionValue(contract, at): "contract \(contract) at \(at) has no mark, no bid/ask and no implied vol"
        case let .invalidArgument(name, reason): "invalid \(name): \(reason)"
        }
    }
}
