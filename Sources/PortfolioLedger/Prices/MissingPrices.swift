import LedgerMath

extension AnalyticsError {
    /// A price (or the series to take it from) is missing or stale: what `--flag-missing-prices` flags.
    public var isPriceProblem: Bool {
        switch self {
        case .missingPrice, .stalePrice, .noSeries, .noFXSeries, .noUnderlying, .noOptionValue: true
        default: false
        }
    }
}

/// The prices a report could not find under `PricingPolicy.OnMissingPrice.flag`. Each one left an
/// item out of the report's figures, so a report with any is incomplete and must say so; under
/// `.fail` nothing is caught and the first missing price is the report's error.
final class MissingPrices {
    let policy: PricingPolicy
    private(set) var problems: [String] = []

    init(_ policy: PricingPolicy) { self.policy = policy }

    /// `body`'s result, or `nil` with the problem noted when it lacks a price and the policy flags.
    func attempt<T>(_ what: @autoclosure () -> String, _ body: () throws -> T) throws -> T? {
        do { return try body() } catch let error as AnalyticsError where policy.onMissingPrice == .flag && error.isPriceProblem {
            problems.append("\(what()): \(error)")
            return nil
        }
    }
}

extension Optional where Wrapped == MissingPrices {
    /// Without a collector every missing price is an error, as under `.fail`.
    func attempt<T>(_ what: @autoclosure () -> String, _ body: () throws -> T) throws -> T? {
        switch self {
        case .some(let missing): try missing.attempt(what(), body)
        case .none: try body()
        }
    }
}
