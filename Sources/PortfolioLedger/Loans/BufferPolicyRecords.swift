import LedgerMath

/// What a collateral buffer policy covers.
public enum BufferPolicyScope: Sendable, Hashable, CustomStringConvertible {
    /// Every loan that has no policy of its own.
    case portfolio
    /// One loan (overrides the portfolio policy for it).
    case loan(LoanID)

    public var description: String {
        switch self {
        case .portfolio: "portfolio"
        case .loan(let id): "loan \(id)"
        }
    }

    var loanID: LoanID? {
        if case .loan(let id) = self { return id }
        return nil
    }
}

/// A user-set collateral buffer target: keep `HF ≥ minHealthFactor` and/or `LTV ≤ maxLTV`.
/// Both `nil` means "no target" (a row that clears an earlier target).
public struct BufferTarget: Sendable, Hashable {
    /// Health factor to stay at or above (≥ 1), e.g. 1.6.
    public var minHealthFactor: Double?
    /// Loan-to-value to stay at or below, a fraction in (0, 1], e.g. 0.35.
    public var maxLTV: Double?

    public init(minHealthFactor: Double? = nil, maxLTV: Double? = nil) {
        self.minHealthFactor = minHealthFactor
        self.maxLTV = maxLTV
    }

    /// True when the target sets nothing.
    public var isEmpty: Bool { minHealthFactor == nil && maxLTV == nil }
}

/// One stored buffer policy row: a target for a scope, in force from `effectiveAt`.
public struct BufferPolicyRecord: Sendable, Hashable {
    public var id: BufferPolicyID
    public var scope: BufferPolicyScope
    public var effectiveAt: Instant
    public var target: BufferTarget
    public var note: String?
    public var recordedAt: Instant
}

/// One day of a collection's sales (market data), prices and volume in ``quote``.
public struct CollectionDailySales: Sendable, Hashable {
    /// Midnight UTC of the day.
    public var day: Instant
    public var quote: Currency
    public var salesCount: Int
    /// Σ sale prices of the day.
    public var volume: Double
    public var minPrice: Double?
    public var medianPrice: Double?
    public var maxPrice: Double?
    /// Sales of the day above / below the median of the previous day with sales (`nil`: not known,
    /// e.g. imported from daily aggregates).
    public var advancing: Int?
    public var declining: Int?

    public init(day: Instant, quote: Currency, salesCount: Int, volume: Double, minPrice: Double? = nil, medianPrice: Double? = nil,
                maxPrice: Double? = nil, advancing: Int? = nil, declining: Int? = nil) {
        self.day = day
        self.quote = quote
        self.salesCount = salesCount
        self.volume = volume
        self.minPrice = minPrice
        self.medianPrice = medianPrice
        self.maxPrice = maxPrice
        self.advancing = advancing
        self.declining = declining
    }
}

/// One sale of a collection's token, for ``CollectionDailySales/aggregate(_:quote:)``.
public struct CollectionSale: Sendable, Hashable {
    public var at: Instant
    public var price: Double
    public init(at: Instant, price: Double) {
        self.at = at
        self.price = price
    }
}

extension CollectionDailySales {
    /// Daily rows from individual sales: count, volume, min, median (mean of the two middle prices
    /// for an even count), max per UTC day, and the advance/decline counts against the median of
    /// the previous day with sales (the first day has none: `nil`). Sales need not be sorted.
    public static func aggregate(_ sales: [CollectionSale], quote: Currency) -> [CollectionDailySales] {
        var byDay: [Int64: [Double]] = [:]
        for sale in sales {
            let day = sale.at.unixSeconds - ((sale.at.unixSeconds % 86_400) + 86_400) % 86_400
            byDay[day, default: []].append(sale.price)
        }
        var rows: [CollectionDailySales] = []
        var previousMedian: Double?
        for day in byDay.keys.sorted() {
            let prices = (byDay[day] ?? []).sorted()
            guard let first = prices.first, let last = prices.last else { continue }
            let mid = prices.count / 2
            let median = prices.count % 2 == 1 ? prices[mid] : (prices[mid - 1] + prices[mid]) / 2
            var row = CollectionDailySales(day: Instant(unixSeconds: day), quote: quote, salesCount: prices.count,
                                           volume: prices.reduce(0, +), minPrice: first, medianPrice: median, maxPrice: last)
            if let previousMedian {
                row.advancing = prices.count { $0 > previousMedian }
                row.declining = prices.count { $0 < previousMedian }
            }
            rows.append(row)
            previousMedian = median
        }
        return rows
    }
}
