import LedgerMath

/// Where the momentum report takes a collection's daily floor from.
public enum MomentumFloorSource: Sendable, Hashable {
    /// The collection's `floor` series (or the one named): the last observation of each UTC day.
    case floorSeries(name: String?)
    /// The median sale price of each day with sales (`collection_daily_sales`).
    case salesMedian

    public static let floorSeries = MomentumFloorSource.floorSeries(name: nil)
}

/// One UTC day of a collection's momentum figures (fields are `nil` where the day has no data).
///
/// Its figures are JSON scalars already (RSI inputs are validated finite), so it is its own
/// document in `report momentum`'s `days` (docs/decisions.md, DOCUMENTS-4).
public struct MomentumDay: Codable, Sendable, Hashable {
    /// The day (midnight UTC).
    public var day: Instant
    /// The floor: the day's last floor observation, or its median sale.
    public var floor: Double?
    /// Wilder RSI of the floor.
    public var floorRSI: Double?
    /// Sales that day.
    public var salesCount: Int?
    /// Sales volume that day.
    public var volume: Double?
    /// Wilder RSI of the volume.
    public var volumeRSI: Double?
    /// Sales above the previous day's floor.
    public var advancing: Int?
    /// Sales below it.
    public var declining: Int?
    /// Cumulative Σ (advancing − declining) up to this day, over the days with counts.
    public var advanceDeclineLine: Int?

    enum CodingKeys: String, CodingKey {
        case day, floor, floorRSI = "floor_rsi", salesCount = "sales_count", volume, volumeRSI = "volume_rsi", advancing, declining
        case advanceDeclineLine = "advance_decline_line"
    }
}

/// Collection momentum from stored market data (issue #9): Wilder RSI of the daily floor and of
/// the daily sales volume, and the advance/decline line of daily sales against the previous day's
/// median. RSI periods are the days with data (no calendar filling).
///
/// The figures warm up from all stored history before ``from``: Wilder's smoothing and the
/// advance/decline line run from the first stored day, and only the days in `[from, to]` are
/// listed, so a report starting at D shows the same values on D as one starting earlier.
public struct CollectionMomentumReport: Sendable, Hashable {
    public var collection: CollectionID
    public var from: Instant
    public var to: Instant
    /// The first stored day the figures were computed from (on or before ``from``); `nil` without data.
    public var historyFrom: Instant?
    public var period: Int
    public var floorSource: MomentumFloorSource
    /// The floor series used (``MomentumFloorSource/floorSeries(name:)``).
    public var floorSeries: String?
    /// Currency of floor and volume.
    public var quote: Currency?
    public var days: [MomentumDay]
    public var latestFloorRSI: Double? { days.last { $0.floorRSI != nil }?.floorRSI }
    public var latestVolumeRSI: Double? { days.last { $0.volumeRSI != nil }?.volumeRSI }
    public var advanceDeclineLine: Int? { days.last { $0.advanceDeclineLine != nil }?.advanceDeclineLine }
    /// Days whose advance/decline counts are stored.
    public var daysWithAdvanceDecline: Int { days.count { $0.advancing != nil } }
}

extension LedgerSnapshot {
    /// RSI (Wilder, `period` days) of the daily floor and the daily sales volume of `collection`
    /// over `[from, to]`, and its advance/decline line, warmed up from the stored history before
    /// `from`. Needs at least one of a floor series and daily sales rows.
    public func collectionMomentum(_ collection: CollectionID, from: Instant, to: Instant, period: Int = 14,
                                   floorSource: MomentumFloorSource = .floorSeries) throws -> CollectionMomentumReport {
        guard try self.collection(collection) != nil else { throw AnalyticsError.unknownEntity(kind: "collection", id: collection.description) }
        guard from <= to else { throw AnalyticsError.invalidArgument(name: "period", reason: "\(from) is after \(to)") }
        guard period >= 1 else { throw AnalyticsError.invalidArgument(name: "RSI period", reason: "\(period) must be at least 1") }
        // Warm-up: everything stored up to `to`; the days before `from` are dropped at the end.
        let history = Instant(unixSeconds: 0)
        let sales = try collectionDailySales(collection, from: history, to: to)
        var floors: [(Int64, Double)] = []
        var seriesName: String?
        var quote = sales.first?.quote
        switch floorSource {
        case .floorSeries(let name):
            let series = try uniqueSeries(kind: .floor, subject: "collection \(collection)", named: name) { $0.collectionID == collection }
            seriesName = series.name
            quote = quote ?? series.quote
            try observations(of: series.id, from: history, to: to) { o in
                let day = Self.utcDay(o.observedAt)
                if floors.last?.0 == day { floors[floors.count - 1].1 = o.price } else { floors.append((day, o.price)) }
            }
        case .salesMedian:
            floors = sales.compactMap { s in s.medianPrice.map { (s.day.unixSeconds, $0) } }
        }
        let floorRSI = try rsi(floors.map(\.1), period: period)
        let volumeRSI = try rsi(sales.map(\.volume), period: period)
        var days: [Int64: MomentumDay] = [:]
        for (i, f) in floors.enumerated() {
            days[f.0, default: MomentumDay(day: Instant(unixSeconds: f.0))].floor = f.1
            days[f.0]?.floorRSI = floorRSI[i]
        }
        for (i, s) in sales.enumerated() {
            let key = s.day.unixSeconds
            var d = days[key] ?? MomentumDay(day: s.day)
            d.salesCount = s.salesCount
            d.volume = s.volume
            d.volumeRSI = volumeRSI[i]
            d.advancing = s.advancing
            d.declining = s.declining
            days[key] = d
        }
        var ordered = days.keys.sorted().compactMap { days[$0] }
        var line: Int?
        for i in ordered.indices {
            if let a = ordered[i].advancing, let d = ordered[i].declining {
                line = (line ?? 0) + a - d
                ordered[i].advanceDeclineLine = line
            }
        }
        let firstListed = Self.utcDay(from)
        return CollectionMomentumReport(collection: collection, from: from, to: to, historyFrom: ordered.first?.day, period: period,
                                        floorSource: floorSource, floorSeries: seriesName, quote: quote,
                                        days: ordered.filter { $0.day.unixSeconds >= firstListed })
    }

    private func rsi(_ values: [Double], period: Int) throws -> [Double?] {
        do { return try WilderRSI.series(values, period: period).map { $0?.rsi } } catch {
            throw AnalyticsError.invalidArgument(name: "RSI input", reason: error.description)
        }
    }

    /// Midnight UTC of the day containing `t`.
    static func utcDay(_ t: Instant) -> Int64 {
        t.unixSeconds - ((t.unixSeconds % 86_400) + 86_400) % 86_400
    }
}

extension MomentumDay {
    init(day: Instant) { self.init(day: day, floor: nil, floorRSI: nil, salesCount: nil, volume: nil, volumeRSI: nil, advancing: nil,
                                   declining: nil, advanceDeclineLine: nil) }
}
