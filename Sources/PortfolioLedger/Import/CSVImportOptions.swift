import Foundation
import LedgerMath

/// What a CSV file holds. Each kind has documented logical columns (`docs/import.md`); a file's
/// own header names are mapped onto them with ``CSVImportOptions/columns``.
public enum CSVImportKind: String, Sendable, Hashable, CaseIterable {
    /// Observations of a price series (created when missing).
    case prices
    /// Option quotes (contracts created when missing).
    case quotes
    /// Collections, tokens and their acquisitions or disposals.
    case nfts
    /// Loans with their terms and collateral.
    case loans
    /// Events of loans referenced by protocol + external ref, or by id.
    case loanEvents = "loan-events"
    /// Option trades of hedges referenced by name (created when missing).
    case optionTrades = "option-trades"
    /// States of an Aave-style lending reserve (`ReserveDataUpdated` events): indexes and rates in ray.
    case reserveIndex = "reserve-index"
    /// Running loans, one collateral NFT each, as loan aggregators list them: collections, NFTs
    /// (opening positions of unknown cost) and loans with each protocol's interest model.
    case loanSnapshot = "loan-snapshot"
    /// A marketplace's sales history: the rows where one of ``CSVImportOptions/wallets`` sold or
    /// bought become the user's disposals and acquisitions.
    case sales

    /// The logical columns of this kind; required ones first. A required column must be in the
    /// file (under its name or a mapped one) or given a constant value.
    public var columns: (required: [String], optional: [String]) {
        switch self {
        case .prices:
            (["observed_at", "price", "series"],
             ["kind", "base", "quote", "chain", "contract_address", "collection_name", "token_id", "protocol"])
        case .quotes:
            (["root", "option_type", "strike", "expires_at", "quoted_at"],
             ["bid", "ask", "mark", "implied_vol", "underlying", "multiplier"])
        case .nfts:
            (["chain", "contract_address", "collection_name", "token_id"], ["side", "traded_at", "currency", "price", "fees", "note"])
        case .loans:
            (["protocol", "currency", "principal", "started_at", "interest_model", "collateral_chain", "collateral_contract", "collateral_token_ids"],
             ["external_ref", "amount_received", "maturity_at", "repayment", "rate_bps", "rounding", "cap_at_maturity",
              "maximum_repayment", "rate_ray", "index_ray_at_start", "apr_numerator", "apr_denominator", "max_ltv",
              "liquidation_threshold", "refinances_external_ref"])
        case .loanEvents:
            (["event_kind", "occurred_at"],
             ["loan_id", "protocol", "external_ref", "amount", "interest_part", "principal_part", "fee", "new_rate_bps", "index_ray",
              "new_maturity_at", "note", "collateral_chain", "collateral_contract", "collateral_token_id"])
        case .optionTrades:
            (["hedge", "root", "option_type", "strike", "expires_at", "traded_at", "quantity", "price"], ["strategy", "fees", "multiplier"])
        case .reserveIndex:
            (["protocol", "asset", "updated_at", "variable_borrow_index", "variable_borrow_rate"], ["liquidity_index", "liquidity_rate"])
        case .loanSnapshot:
            (["protocol", "external_ref", "collection_name", "contract_address", "token_id", "currency", "principal", "maximum_repayment",
              "started_at", "maturity_at"], ["chain", "apr_pct", "loan_version", "wallet"])
        case .sales:
            (["chain", "contract_address", "collection_name", "token_id", "traded_at", "seller", "buyer"],
             ["price", "price_wei", "currency"])
        }
    }

    /// The logical column that holds the row's main instant (what `--time-column` maps).
    public var timeColumn: String {
        switch self {
        case .prices: "observed_at"
        case .quotes: "quoted_at"
        case .nfts, .optionTrades, .sales: "traded_at"
        case .loans, .loanSnapshot: "started_at"
        case .loanEvents: "occurred_at"
        case .reserveIndex: "updated_at"
        }
    }
}

/// The time of day given to date-only values (`2021-03-11`), in a time zone.
///
/// A date-only value is a whole day; which instant stands for it decides what a report as of that
/// instant may know. Use the moment the value became known: a daily close at the close (16:00
/// New York for SPX), a daily sales summary at the end of its day (23:59:59 UTC). Giving it the
/// start of the day would let a report at 09:00 see that day's close — look-ahead.
public struct DateOnlyTime: Sendable, Hashable, CustomStringConvertible {
    /// Seconds after local midnight (0 ..< 86,400).
    public let secondsOfDay: Int
    /// IANA time zone identifier (`UTC`, `America/New_York`).
    public let timeZone: String

    /// Midnight UTC.
    public static let midnightUTC = DateOnlyTime(uncheckedSeconds: 0, timeZone: "UTC")

    /// - Parameters:
    ///   - time: `HH:MM` or `HH:MM:SS`, 24-hour clock.
    ///   - timeZone: an IANA time-zone name (`America/New_York`), `UTC` by default.
    /// - Throws: ``LedgerError/invalidValue(field:reason:)`` for a malformed time or an unknown zone.
    public init(_ time: String, timeZone: String = "UTC") throws(LedgerError) {
        let parts = time.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) }),
              let h = Int(parts[0]), let m = Int(parts[1]), let s = parts.count == 3 ? Int(parts[2]) : 0,
              (0..<24).contains(h), (0..<60).contains(m), (0..<60).contains(s)
        else { throw .invalidValue(field: "at-time", reason: "'\(time)' is not a time of day HH:MM[:SS]") }
        guard TimeZone(identifier: timeZone) != nil else {
            throw .invalidValue(field: "time-zone", reason: "'\(timeZone)' is not a known IANA time zone (e.g. UTC, America/New_York)")
        }
        self.init(uncheckedSeconds: h * 3600 + m * 60 + s, timeZone: timeZone)
    }

    init(uncheckedSeconds: Int, timeZone: String) {
        secondsOfDay = uncheckedSeconds
        self.timeZone = timeZone
    }

    /// `HH:MM:SS ZONE`.
    public var description: String {
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : String(v) }
        return "\(two(secondsOfDay / 3600)):\(two(secondsOfDay % 3600 / 60)):\(two(secondsOfDay % 60)) \(timeZone)"
    }
}

/// How a CSV file writes instants.
public enum InstantFormat: String, Sendable, Hashable, CaseIterable {
    /// `YYYY-MM-DD` dates and `YYYY-MM-DDTHH:MM:SSZ` UTC instants (the default; see docs/import.md).
    case iso8601
    /// Whole Unix seconds, e.g. `1615423719`: seconds since 1970-01-01T00:00:00Z (UTC, no leap
    /// seconds), 0 … 253402300799. Digits only: no sign, fraction or exponent.
    case unixSeconds = "unix-seconds"
}

/// How a CSV file's columns map onto a kind's logical columns, constants for columns the file
/// lacks, and the time of day of date-only values.
///
/// ```swift
/// var options = CSVImportOptions()
/// options.columns = ["observed_at": "snapshot_utc", "price": "price_usd"]
/// options.constants = ["series": "ETH/USD", "kind": "fx", "base": "ETH", "quote": "USD"]
/// ```
public struct CSVImportOptions: Sendable, Hashable {
    /// Logical column → the file's header name. Unmapped logical columns are looked up under
    /// their own name.
    public var columns: [String: String]
    /// Logical column → one value for every row (used when the file has no such column).
    public var constants: [String: String]
    /// The instant given to date-only values (default: midnight UTC).
    public var dateOnlyTime: DateOnlyTime
    /// The preset these options came from, if any (reported, and part of the content hash).
    public var preset: String?
    /// How the file writes instants (every time column of the kind; default ISO 8601).
    public var instantFormat: InstantFormat
    /// `sales`: the user's wallet addresses (compared case-insensitively).
    public var wallets: [String] = []

    public init(columns: [String: String] = [:], constants: [String: String] = [:],
                dateOnlyTime: DateOnlyTime = .midnightUTC, preset: String? = nil, instantFormat: InstantFormat = .iso8601) {
        self.columns = columns
        self.constants = constants
        self.dateOnlyTime = dateOnlyTime
        self.preset = preset
        self.instantFormat = instantFormat
    }

    /// Checks every mapped or constant name is a logical column of `kind`.
    public func validate(for kind: CSVImportKind) throws(LedgerError) {
        let known = Set(kind.columns.required + kind.columns.optional)
        for name in Set(columns.keys).union(constants.keys).sorted() where !known.contains(name) {
            throw .invalidValue(field: "column mapping", reason: "'\(name)' is not a column of \(kind.rawValue) imports (known: \(known.sorted().joined(separator: ", ")))")
        }
    }

    /// A stable text of the options, hashed into the import's content hash: the same file
    /// imported with another mapping is another import.
    var canonicalText: String {
        let mapped = columns.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\u{1F}")
        let fixed = constants.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\u{1F}")
        // The default format adds nothing, so files imported before the option existed keep their hash.
        let format = instantFormat == .iso8601 ? "" : "\u{1E}instants:\(instantFormat.rawValue)"
        // Another set of wallets takes other rows of the same file: another import.
        let owners = wallets.isEmpty ? "" : "\u{1E}wallets:" + wallets.map(ContractAddress.canonical).sorted().joined(separator: ",")
        return "columns:\(mapped)\u{1E}constants:\(fixed)\u{1E}date-only:\(dateOnlyTime)" + format + owners
    }
}
