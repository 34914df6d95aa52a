import LedgerMath

/// A report's JSON document: a flat value that pins the CLI's JSON contract for one output.
///
/// Every document says what instant it is at and whether it is an as-known-at view
/// (`as_known_at`, `null` when not given). Encode it with ``ReportJSONEncoder``; `JSONDecoder`
/// reads it back to an equal value.
public protocol ReportDocument: Codable, Sendable, Equatable {
    /// The knowledge cut-off of an as-known-at view, or `nil` for the ledger as it stands.
    var asKnownAt: Instant? { get set }
}

extension Double {
    /// `self`, or `nil` when NaN or ±∞ (written `null`, and read back as `nil`).
    var finiteOrNil: Double? { isFinite ? self : nil }
}

extension Optional where Wrapped == Double {
    /// The value when present and finite.
    var finiteOrNil: Double? { self.flatMap(\.finiteOrNil) }
}

/// A health factor in JSON: a number, the string `"no_debt"`, or (as an optional) `null`.
public enum HealthFactorValue: Codable, Sendable, Equatable {
    /// The loan has no debt, so no health factor.
    case noDebt
    /// The health factor.
    case value(Double)

    /// The JSON form of `healthFactor`; `nil` when absent or not finite.
    public init?(_ healthFactor: HealthFactor?) {
        switch healthFactor {
        case .none: return nil
        case .noDebt?: self = .noDebt
        case .value(let v)?:
            guard v.isFinite else { return nil }
            self = .value(v)
        }
    }

    /// Reads a number or `"no_debt"`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            self = .value(number)
            return
        }
        let text = try container.decode(String.self)
        guard text == "no_debt" else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a number or \"no_debt\", got \"\(text)\"")
        }
        self = .noDebt
    }

    /// Writes a number or `"no_debt"`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .noDebt: try container.encode("no_debt")
        case .value(let v): try container.encode(v)
        }
    }
}

/// A price a figure used: an observation, or a rate assumed by rule (`observed_at` and
/// `age_seconds` null, `assumption` says what was assumed; the key is absent for observations).
public struct PriceUsedDocument: Codable, Sendable, Equatable {
    /// The series name.
    public var series: String
    /// The series kind (`floor`, `oracle`, `fx`, …).
    public var kind: String
    /// The price (as used: inverted when `inverted`).
    public var price: Double?
    /// When the observation was made; `nil` for an assumed rate.
    public var observedAt: Instant?
    /// Age of the observation at the instant valued; `nil` for an assumed rate.
    public var ageSeconds: Int64?
    /// Whether the series was inverted to convert.
    public var inverted: Bool
    /// What was assumed and why, for a rate taken by rule; `nil` for an observation.
    @OmittedWhenAbsent public var assumption: String?

    enum CodingKeys: String, CodingKey {
        case series, kind, price, observedAt = "observed_at", ageSeconds = "age_seconds", inverted, assumption
    }

    /// The document of `price`.
    public init(_ price: PriceUsed) {
        series = price.series
        kind = price.kind.rawValue
        self.price = price.price.finiteOrNil
        inverted = price.inverted
        if let assumed = price.assumption {
            assumption = assumed.description
        } else {
            observedAt = price.observedAt
            ageSeconds = price.ageSeconds
        }
    }
}

/// A time-weighted return in JSON: `status` `ok` with the figures, or `undefined` with a reason.
public struct TWRDocument: Codable, Sendable, Equatable {
    /// Cumulative return over the period.
    public var cumulative: Double?
    /// Annualized return.
    public var annualized: Double?
    /// Years the annualized figure extrapolates from (`ok` only).
    public var years: Double?
    /// Start of the period (`ok` only).
    public var since: Instant?
    /// Number of sub-periods chained (`ok` only).
    public var subPeriods: Int?
    /// `ok` or `undefined`.
    public var status: String
    /// Why the return is undefined (`undefined` only).
    public var reason: String?

    enum CodingKeys: String, CodingKey {
        case cumulative, annualized, years, since, subPeriods = "sub_periods", status, reason
    }

    /// The document of `result`.
    public init(_ result: TimeWeightedReturn.Result) {
        switch result {
        case .value(let v):
            cumulative = v.cumulative.finiteOrNil
            annualized = v.annualized.finiteOrNil
            years = v.years.finiteOrNil
            since = v.since
            subPeriods = v.subPeriods.count
            status = "ok"
        case .undefined(let reason):
            status = "undefined"
            self.reason = reason
        }
    }

    /// `ok`: cumulative, annualized, years, since, sub_periods, status; `undefined`: cumulative
    /// and annualized null, status, reason.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(cumulative, forKey: .cumulative)
        try c.encodeIfPresent(annualized, forKey: .annualized)
        if status == "ok" {
            try c.encodeIfPresent(years, forKey: .years)
            try c.encodeIfPresent(since, forKey: .since)
            try c.encodeIfPresent(subPeriods, forKey: .subPeriods)
            try c.encode(status, forKey: .status)
        } else {
            try c.encode(status, forKey: .status)
            try c.encodeIfPresent(reason, forKey: .reason)
        }
    }
}

/// An XIRR result in JSON: `rate` (null unless `ok`), `status` (`ok`, `no_solution`, `invalid`)
/// and whether several roots are possible.
public struct XIRRDocument: Codable, Sendable, Equatable {
    /// The annual rate, when solved.
    public var rate: Double?
    /// `ok`, `no_solution` or `invalid`.
    public var status: String
    /// Whether the cash flows change sign more than once (several roots possible).
    public var multipleRootsPossible: Bool

    enum CodingKeys: String, CodingKey {
        case rate, status, multipleRootsPossible = "multiple_roots_possible"
    }

    /// The document of `result`.
    public init(_ result: XIRR.Result) {
        switch result {
        case .ok(let s): (rate, status, multipleRootsPossible) = (s.rate.finiteOrNil, "ok", s.multipleRootsPossible)
        case .noSolution: (rate, status, multipleRootsPossible) = (nil, "no_solution", false)
        case .invalid: (rate, status, multipleRootsPossible) = (nil, "invalid", false)
        }
    }
}

extension RateAssumption {
    /// The texts of `assumptions`, once each, or `nil` when there are none (documents then omit the key).
    static func documentTexts(_ assumptions: [RateAssumption]) -> [String]? {
        let unique = unique(assumptions)
        return unique.isEmpty ? nil : unique.map(\.description)
    }
}
