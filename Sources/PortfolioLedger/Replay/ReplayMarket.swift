import Foundation
import LedgerMath

/// The market history a replay runs on: a CryptoPunks floor proxy (ETH), ETH/USD, the S&P 500
/// close and the VIX close, each an ascending daily series stamped when it is known.
///
/// Stamps follow the import presets (docs/data.md): the floor proxy at 23:59:59 UTC of its day
/// (a daily sales summary is known only at the end of the day), ETH/USD at its 00:00 UTC
/// snapshot, SPX at 16:00 New York and VIX at 16:15 New York. Lookups return the latest
/// observation at or before an instant, never a later one.
public struct ReplayMarket: Sendable {
    /// One daily series: ascending instants (Unix seconds) and values.
    public struct Series: Sendable {
        public let name: String
        public let instants: [Int64]
        public let values: [Double]

        /// The latest observation at or before `at`. O(log n).
        public func asOf(_ at: Instant) -> (at: Instant, value: Double)? {
            var low = 0, high = instants.count
            while low < high {
                let mid = (low + high) / 2
                if instants[mid] <= at.unixSeconds { low = mid + 1 } else { high = mid }
            }
            return low == 0 ? nil : (Instant(unixSeconds: instants[low - 1]), values[low - 1])
        }

        /// Observations in `[from, to]`, plus the last one before `from` (what an as-of lookup at `from` sees).
        func window(from: Instant, to: Instant) -> [(Instant, Double)] {
            zip(instants, values).enumerated().filter { i, pair in
                pair.0 <= to.unixSeconds && (pair.0 >= from.unixSeconds || (i + 1 < instants.count && instants[i + 1] > from.unixSeconds))
            }.map { (Instant(unixSeconds: $0.1.0), $0.1.1) }
        }
    }

    /// The floor proxies in ETH: the day's median sale and the day's cheapest sale.
    public let floorMedian: Series
    public let floorMinimum: Series
    public let ethUSD: Series
    public let spx: Series
    public let vix: Series
    /// Stored SPX option quotes; a condor sold or closed on a session they cover is priced from
    /// them (mid of bid and ask, strikes snapped to quoted ones) instead of the model. nil = model only.
    public var optionQuotes: ReplayOptionQuotes?

    /// Ledger series names, as the import presets name them.
    static let ethUSDName = "ETH/USD", spxName = "SPX", vixName = "VIX"

    /// Builds the market from the CSV texts of the shared data folder's files (or the bundled copies).
    ///
    /// - Parameters:
    ///   - punksDaily: `nft/cryptopunks_daily_punksmarket.csv` (date, median_price_eth, min_price_eth)
    ///   - ethUSD: `market/eth_usd_daily_coingecko.csv` (snapshot_utc, price_usd)
    ///   - spx: `market/spx_daily_close_fred.csv` (date, close_index_points)
    ///   - vix: `market/vix_daily_cboe.csv` (date, close_vol_pct)
    /// - Throws: ``LedgerError/invalidValue(field:reason:)`` naming the file and line of a bad row.
    public init(punksDaily: String, ethUSD: String, spx: String, vix: String) throws(LedgerError) {
        floorMedian = try Self.parse(punksDaily, file: "cryptopunks_daily_punksmarket.csv", name: "CryptoPunks floor (median sale)",
                                     time: "date", value: "median_price_eth", stamp: .utc(secondsOfDay: 86_399))
        floorMinimum = try Self.parse(punksDaily, file: "cryptopunks_daily_punksmarket.csv", name: "CryptoPunks floor (min sale)",
                                      time: "date", value: "min_price_eth", stamp: .utc(secondsOfDay: 86_399))
        self.ethUSD = try Self.parse(ethUSD, file: "eth_usd_daily_coingecko.csv", name: Self.ethUSDName, time: "snapshot_utc", value: "price_usd",
                                     stamp: .instant)
        self.spx = try Self.parse(spx, file: "spx_daily_close_fred.csv", name: Self.spxName, time: "date", value: "close_index_points",
                                  stamp: .newYork(secondsOfDay: 16 * 3600))
        self.vix = try Self.parse(vix, file: "vix_daily_cboe.csv", name: Self.vixName, time: "date", value: "close_vol_pct",
                                  stamp: .newYork(secondsOfDay: 16 * 3600 + 15 * 60))
    }

    /// The floor proxy a policy values its collateral with.
    public func floor(_ choice: ReplayPolicy.FloorSeries) -> Series {
        choice == .median ? floorMedian : floorMinimum
    }

    /// The span every series covers: `[latest first observation, earliest last observation]`.
    public var coverage: ClosedRange<Instant>? {
        let all = [floorMedian, ethUSD, spx, vix]
        guard all.allSatisfy({ !$0.instants.isEmpty }) else { return nil }
        let start = all.map { $0.instants[0] }.max()!, end = all.map { $0.instants[$0.instants.count - 1] }.min()!
        return start <= end ? Instant(unixSeconds: start)...Instant(unixSeconds: end) : nil
    }

    private enum Stamp {
        case instant
        case utc(secondsOfDay: Int64)
        case newYork(secondsOfDay: Int)
    }

    private static func parse(_ text: String, file: String, name: String, time: String, value: String, stamp: Stamp) throws(LedgerError) -> Series {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).makeIterator()
        guard let header = lines.next()?.split(separator: ",").map(String.init),
              let timeIndex = header.firstIndex(of: time), let valueIndex = header.firstIndex(of: value) else {
            throw .invalidValue(field: "\(file):1", reason: "the header lacks '\(time)' or '\(value)'")
        }
        var instants: [Int64] = [], values: [Double] = []
        var lineNumber = 1
        while let line = lines.next() {
            lineNumber += 1
            if line.isEmpty { continue }
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            guard cells.count > max(timeIndex, valueIndex) else { throw .invalidValue(field: "\(file):\(lineNumber)", reason: "too few columns") }
            let cell = cells[valueIndex]
            if cell.isEmpty { continue }   // the source had no price that day (docs/data.md)
            guard let number = Double(cell), number.isFinite, number > 0 else {
                throw .invalidValue(field: "\(file):\(lineNumber) \(value)", reason: "'\(cell)' is not a positive number")
            }
            let at: Instant
            do {
                let parsed = try ISO8601.parse(String(cells[timeIndex]))
                switch stamp {
                case .instant: at = parsed
                case .utc(let seconds): at = parsed.adding(seconds: seconds)
                case .newYork(let seconds): at = NewYorkTime.instant(onUTCDate: parsed, secondsOfDay: seconds)
                }
            } catch {
                throw .invalidValue(field: "\(file):\(lineNumber) \(time)", reason: error.description)
            }
            if let last = instants.last, at.unixSeconds <= last {
                throw .invalidValue(field: "\(file):\(lineNumber) \(time)", reason: "\(at) is not after the previous row")
            }
            instants.append(at.unixSeconds)
            values.append(number)
        }
        return Series(name: name, instants: instants, values: values)
    }
}
