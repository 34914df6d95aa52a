import Foundation
import LedgerMath

/// Stored end-of-session SPX option quotes a replay prices its condors with when a session has
/// them (docs/replay.md "Stored quotes"): the CSV of `options/spx_option_chain_snapshots.csv`.
///
/// Only PM-settled SPXW contracts are kept (the replay settles at the 16:00 New York close), and
/// only two-sided quotes (bid > 0, ask > 0, ask ≥ bid): a leg is priced at the mid of its bid and
/// ask, exactly. Expiries are stamped at the 16:00 New York close of their date, like the SPX closes.
public struct ReplayOptionQuotes: Sendable {
    /// One two-sided quote of an SPXW contract at a session's close.
    public struct Quote: Sendable, Hashable {
        /// Put or call.
        public var type: OptionType
        /// Index points.
        public var strike: ExactDecimal
        /// The 16:00 New York close of the expiration date.
        public var expiry: Instant
        /// Index points per unit; both are > 0 and ask ≥ bid.
        public var bid: ExactDecimal
        public var ask: ExactDecimal
        /// (bid + ask) ÷ 2, exact.
        public var mid: ExactDecimal { (bid + ask) * ExactDecimal(significand: 5, scale: 1) }
    }

    /// One session's chain.
    public struct Chain: Sendable {
        /// The session's UTC date (00:00 UTC).
        public let session: Instant
        public let quotes: [Quote]

        /// Expiries with a two-sided quote, ascending.
        public var expiries: [Instant] { Array(Set(quotes.map(\.expiry))).sorted() }

        /// The quote of one contract, when the session has a two-sided one.
        public func quote(_ type: OptionType, strike: ExactDecimal, expiry: Instant) -> Quote? {
            quotes.first { $0.type == type && $0.strike == strike && $0.expiry == expiry }
        }

        /// Quoted strikes of `type` at `expiry`, ascending.
        func strikes(_ type: OptionType, expiry: Instant) -> [ExactDecimal] {
            quotes.filter { $0.type == type && $0.expiry == expiry }.map(\.strike).sorted()
        }
    }

    /// Sessions by their UTC date (Unix seconds of 00:00 UTC).
    private let chains: [Int64: Chain]

    /// The session dates, ascending.
    public var sessions: [Instant] { chains.keys.sorted().map(Instant.init(unixSeconds:)) }

    /// Reads the chain snapshots CSV (header: `session_date, expiration_date, root, option_type,
    /// strike_pts, bid_pts, ask_pts`, other columns ignored).
    /// - Throws: ``LedgerError/invalidValue(field:reason:)`` naming `FILE:LINE column` of a bad row.
    public init(csv text: String, file: String = "spx_option_chain_snapshots.csv") throws(LedgerError) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).makeIterator()
        let header = lines.next()?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? []
        let names = ["session_date", "expiration_date", "root", "option_type", "strike_pts", "bid_pts", "ask_pts"]
        var column: [String: Int] = [:]
        for name in names {
            guard let index = header.firstIndex(of: name) else { throw .invalidValue(field: "\(file):1", reason: "the header lacks '\(name)'") }
            column[name] = index
        }
        var bySession: [Int64: [Quote]] = [:]
        var lineNumber = 1
        while let line = lines.next() {
            lineNumber += 1
            if line.isEmpty { continue }
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard cells.count >= header.count else { throw .invalidValue(field: "\(file):\(lineNumber)", reason: "too few columns") }
            func cell(_ name: String) -> String { cells[column[name]!] }
            guard cell("root") == "SPXW" else { continue }   // AM-settled SPX is not what the replay settles
            func day(_ name: String) throws(LedgerError) -> Instant {
                guard cell(name).count == 10, let day = try? ISO8601.parse(cell(name)) else {
                    throw .invalidValue(field: "\(file):\(lineNumber) \(name)", reason: "'\(cell(name))' is not a date YYYY-MM-DD")
                }
                return day
            }
            func number(_ name: String) throws(LedgerError) -> ExactDecimal {
                guard let value = try? ExactDecimal(parsing: cell(name)), !value.isNegative else {
                    throw .invalidValue(field: "\(file):\(lineNumber) \(name)", reason: "'\(cell(name))' is not a non-negative decimal")
                }
                return value
            }
            let type: OptionType
            switch cell("option_type") {
            case "C": type = .call
            case "P": type = .put
            default: throw .invalidValue(field: "\(file):\(lineNumber) option_type", reason: "'\(cell("option_type"))' is not C or P")
            }
            let session = try day("session_date"), expiryDate = try day("expiration_date")
            let strike = try number("strike_pts"), bid = try number("bid_pts"), ask = try number("ask_pts")
            guard strike.signum > 0 else { throw .invalidValue(field: "\(file):\(lineNumber) strike_pts", reason: "'\(cell("strike_pts"))' is not positive") }
            // One-sided or crossed quotes give no mid worth trading at.
            guard bid.signum > 0, ask.signum > 0, ask >= bid else { continue }
            let expiry = NewYorkTime.instant(onUTCDate: expiryDate, secondsOfDay: 16 * 3600)
            guard expiry > session else { continue }   // expiring that session: nothing left to sell
            bySession[session.unixSeconds, default: []].append(Quote(type: type, strike: strike, expiry: expiry, bid: bid, ask: ask))
        }
        chains = Dictionary(uniqueKeysWithValues: bySession.map { ($0.key, Chain(session: Instant(unixSeconds: $0.key), quotes: $0.value)) })
    }

    /// The chain of the session on the UTC date of `instant`, if stored.
    public func chain(on instant: Instant) -> Chain? {
        chains[instant.unixSeconds - instant.unixSeconds % 86_400]
    }
}
