import Foundation
import LedgerMath

/// A borrowing-and-hedging policy to replay over market history (docs/replay.md).
///
/// Read from JSON with ``decode(_:)``; every field is named as the JSON writes it, and a bad
/// value is reported with that name. Amounts are decimal text (`"2.5"`), fractions are numbers.
///
/// ```json
/// { "name": "40% LTV, HF 1.5 buffer, monthly condor",
///   "collateral": [{ "token": "6818" }, { "token": "4915", "boughtAt": "2020-12-18" }],
///   "loan": { "rateBps": 2000, "targetLTV": 0.4, "liquidationThreshold": 0.65 },
///   "buffer": { "belowHealthFactor": 1.5, "cashETH": "3" },
///   "hedge": { "shortPutMoneyness": 0.95, "shortCallMoneyness": 1.05, "wingWidthPoints": 50,
///              "tenorDays": 30, "maxLossPerDebt": 0.5 } }
/// ```
public struct ReplayPolicy: Codable, Sendable, Hashable {
    /// Which column of the daily CryptoPunks sales summary values the collateral.
    public enum FloorSeries: String, Codable, Sendable, Hashable, CaseIterable {
        /// The day's median sale (the default: robust to wash "sales" of a few wei).
        case median
        /// The day's cheapest sale (noisy: some "sales" are transfers of a few wei).
        case minimum
    }

    /// A token held as collateral: bought at the floor on `boughtAt` (a date), or held from the start.
    public struct Collateral: Codable, Sendable, Hashable {
        /// The CryptoPunk id (decimal text).
        public var token: String
        /// `YYYY-MM-DD`; nil = held from the start of the replay (booked as bought then, at the floor).
        public var boughtAt: String?
        /// Price paid in ETH (decimal text); nil = the floor at the purchase.
        public var priceETH: String?

        public init(token: String, boughtAt: String? = nil, priceETH: String? = nil) {
            self.token = token
            self.boughtAt = boughtAt
            self.priceETH = priceETH
        }
    }

    /// The interest model of the replayed loan (all with a price liquidation at the policy's threshold).
    public enum LoanModel: String, Codable, Sendable, Hashable, CaseIterable {
        /// BendDAO-style Aave index (variable-rate pool loan).
        case aaveIndex = "aave_index"
        /// Blend-style continuous compounding.
        case continuous
    }

    /// The loan: borrowed in ETH against every collateral token at `targetLTV` of the floor value.
    public struct Loan: Codable, Sendable, Hashable {
        public var lendingProtocol: LendingProtocol
        public var model: LoanModel
        /// APR in basis points.
        public var rateBps: Int
        /// Principal = targetLTV × collateral value when borrowing (and when refinancing).
        public var targetLTV: Double
        /// Liquidated when debt > value × liquidationThreshold (BendDAO's strict rule).
        public var liquidationThreshold: Double
        /// `YYYY-MM-DD`; nil = the day the last token is held.
        public var borrowAt: String?
        /// Repay and borrow again at `targetLTV` every so many days (nil = never).
        public var refinanceEveryDays: Int?
        /// The auction's discount to the floor on liquidation; the borrower gets
        /// `value × (1 − discount) − debt` when positive (BendDAO: bids start at 95 % of the floor).
        public var liquidationDiscount: Double

        enum CodingKeys: String, CodingKey {
            case lendingProtocol = "protocol", model, rateBps, targetLTV, liquidationThreshold, borrowAt, refinanceEveryDays, liquidationDiscount
        }

        public init(lendingProtocol: LendingProtocol = .benddao, model: LoanModel = .aaveIndex, rateBps: Int, targetLTV: Double,
                    liquidationThreshold: Double, borrowAt: String? = nil, refinanceEveryDays: Int? = nil, liquidationDiscount: Double = 0.05) {
            self.lendingProtocol = lendingProtocol
            self.model = model
            self.rateBps = rateBps
            self.targetLTV = targetLTV
            self.liquidationThreshold = liquidationThreshold
            self.borrowAt = borrowAt
            self.refinanceEveryDays = refinanceEveryDays
            self.liquidationDiscount = liquidationDiscount
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(lendingProtocol: try c.decodeIfPresent(LendingProtocol.self, forKey: .lendingProtocol) ?? .benddao,
                      model: try c.decodeIfPresent(LoanModel.self, forKey: .model) ?? .aaveIndex,
                      rateBps: try c.decode(Int.self, forKey: .rateBps), targetLTV: try c.decode(Double.self, forKey: .targetLTV),
                      liquidationThreshold: try c.decode(Double.self, forKey: .liquidationThreshold),
                      borrowAt: try c.decodeIfPresent(String.self, forKey: .borrowAt),
                      refinanceEveryDays: try c.decodeIfPresent(Int.self, forKey: .refinanceEveryDays),
                      liquidationDiscount: try c.decodeIfPresent(Double.self, forKey: .liquidationDiscount) ?? 0.05)
        }
    }

    /// The buffer rule: when the health factor at a daily mark is below `belowHealthFactor`,
    /// repay from the cash reserve until it is back at `restoreHealthFactor` (or the reserve is spent).
    public struct Buffer: Codable, Sendable, Hashable {
        public var belowHealthFactor: Double
        /// Defaults to the health factor at the target LTV (liquidation threshold ÷ target LTV), or
        /// `belowHealthFactor` when that is higher.
        public var restoreHealthFactor: Double?
        /// The cash reserve in ETH (decimal text) set aside at the start for repayments.
        public var cashETH: String

        public init(belowHealthFactor: Double, restoreHealthFactor: Double? = nil, cashETH: String) {
            self.belowHealthFactor = belowHealthFactor
            self.restoreHealthFactor = restoreHealthFactor
            self.cashETH = cashETH
        }
    }

    /// The hedge rule: sell an SPX iron condor (PM-settled SPXW) at the first close after the loan
    /// starts and again at each expiry while the loan is open; short strikes relative to spot (or,
    /// when `shortDelta` is set, the nearest 5-point strikes whose |delta| is at most it),
    /// wings `wingWidthPoints` further out, contracts sized so that the condor's widest possible
    /// loss is about `maxLossPerDebt` × the loan's debt in USD (none that cycle when it rounds to 0).
    /// Priced with Black–Scholes at VIX/100 as the implied volatility; settled at the expiry close.
    public struct Hedge: Codable, Sendable, Hashable {
        public var shortPutMoneyness: Double
        public var shortCallMoneyness: Double
        /// Short strikes by delta instead of moneyness, e.g. 0.16: the put with Δ ≥ −0.16 and the call with Δ ≤ 0.16 nearest spot.
        public var shortDelta: Double?
        public var wingWidthPoints: Int
        public var tenorDays: Int
        public var maxLossPerDebt: Double
        /// Fees per leg per contract, USD (decimal text).
        public var feesPerContractUSD: String
        /// Stated assumptions of the model price (not market data).
        public var riskFreeRate: Double
        public var dividendYield: Double

        public init(shortPutMoneyness: Double = 0.95, shortCallMoneyness: Double = 1.05, shortDelta: Double? = nil, wingWidthPoints: Int = 50,
                    tenorDays: Int = 30, maxLossPerDebt: Double = 0.5, feesPerContractUSD: String = "0.66", riskFreeRate: Double = 0.001,
                    dividendYield: Double = 0.015) {
            self.shortPutMoneyness = shortPutMoneyness
            self.shortCallMoneyness = shortCallMoneyness
            self.shortDelta = shortDelta
            self.wingWidthPoints = wingWidthPoints
            self.tenorDays = tenorDays
            self.maxLossPerDebt = maxLossPerDebt
            self.feesPerContractUSD = feesPerContractUSD
            self.riskFreeRate = riskFreeRate
            self.dividendYield = dividendYield
        }

        enum CodingKeys: String, CodingKey {
            case shortPutMoneyness, shortCallMoneyness, shortDelta, wingWidthPoints, tenorDays, maxLossPerDebt, feesPerContractUSD, riskFreeRate, dividendYield
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = Hedge()
            self.init(shortPutMoneyness: try c.decodeIfPresent(Double.self, forKey: .shortPutMoneyness) ?? d.shortPutMoneyness,
                      shortCallMoneyness: try c.decodeIfPresent(Double.self, forKey: .shortCallMoneyness) ?? d.shortCallMoneyness,
                      shortDelta: try c.decodeIfPresent(Double.self, forKey: .shortDelta),
                      wingWidthPoints: try c.decodeIfPresent(Int.self, forKey: .wingWidthPoints) ?? d.wingWidthPoints,
                      tenorDays: try c.decodeIfPresent(Int.self, forKey: .tenorDays) ?? d.tenorDays,
                      maxLossPerDebt: try c.decodeIfPresent(Double.self, forKey: .maxLossPerDebt) ?? d.maxLossPerDebt,
                      feesPerContractUSD: try c.decodeIfPresent(String.self, forKey: .feesPerContractUSD) ?? d.feesPerContractUSD,
                      riskFreeRate: try c.decodeIfPresent(Double.self, forKey: .riskFreeRate) ?? d.riskFreeRate,
                      dividendYield: try c.decodeIfPresent(Double.self, forKey: .dividendYield) ?? d.dividendYield)
        }
    }

    public var name: String
    public var floor: FloorSeries
    public var collateral: [Collateral]
    /// nil = unlevered (the tokens are only held).
    public var loan: Loan?
    public var buffer: Buffer?
    public var hedge: Hedge?

    public init(name: String, floor: FloorSeries = .median, collateral: [Collateral], loan: Loan?, buffer: Buffer? = nil, hedge: Hedge? = nil) {
        self.name = name
        self.floor = floor
        self.collateral = collateral
        self.loan = loan
        self.buffer = buffer
        self.hedge = hedge
    }

    enum CodingKeys: String, CodingKey { case name, floor, collateral, loan, buffer, hedge }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(name: try c.decode(String.self, forKey: .name), floor: try c.decodeIfPresent(FloorSeries.self, forKey: .floor) ?? .median,
                  collateral: try c.decode([Collateral].self, forKey: .collateral), loan: try c.decodeIfPresent(Loan.self, forKey: .loan),
                  buffer: try c.decodeIfPresent(Buffer.self, forKey: .buffer), hedge: try c.decodeIfPresent(Hedge.self, forKey: .hedge))
    }
}

extension ReplayPolicy {
    /// Decodes and validates a policy from JSON.
    /// - Throws: ``LedgerError/invalidValue(field:reason:)`` naming the JSON field (`loan.targetLTV`).
    public static func decode(_ data: Data) throws(LedgerError) -> ReplayPolicy {
        let policy: ReplayPolicy
        do {
            policy = try JSONDecoder().decode(ReplayPolicy.self, from: data)
        } catch let error as DecodingError {
            throw Self.describe(error)
        } catch {
            throw .invalidValue(field: "policy", reason: "\(error)")
        }
        try policy.validate()
        return policy
    }

    /// The policy as canonical JSON (sorted keys): what a replayed ledger records as its origin.
    public func canonicalJSON() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings, numbers and optionals cannot fail.
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    private static func describe(_ error: DecodingError) -> LedgerError {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }.description
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            return .invalidValue(field: field, reason: "is required")
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            let field = context.codingPath.isEmpty ? "policy" : path(context.codingPath)
            return .invalidValue(field: field, reason: context.debugDescription)
        @unknown default:
            return .invalidValue(field: "policy", reason: "\(error)")
        }
    }

    /// Checks every value's range; names the field as the JSON writes it.
    public func validate() throws(LedgerError) {
        try Validate.text(name, "name", maxLength: 200)
        guard !collateral.isEmpty else { throw .invalidValue(field: "collateral", reason: "name at least one token") }
        var seen: Set<String> = []
        for (i, token) in collateral.enumerated() {
            do { _ = try TokenID(token.token) } catch { throw .invalidValue(field: "collateral[\(i)].token", reason: "'\(token.token)' is not a token id") }
            guard seen.insert(token.token).inserted else { throw .invalidValue(field: "collateral[\(i)].token", reason: "token \(token.token) is listed twice") }
            if let date = token.boughtAt { _ = try Self.day(date, "collateral[\(i)].boughtAt") }
            if let price = token.priceETH { _ = try Self.amount(price, "collateral[\(i)].priceETH", allowZero: false) }
        }
        if let loan {
            try Self.fraction(loan.targetLTV, "loan.targetLTV")
            try Self.fraction(loan.liquidationThreshold, "loan.liquidationThreshold")
            guard loan.targetLTV < loan.liquidationThreshold else {
                throw .invalidValue(field: "loan.targetLTV", reason: "\(loan.targetLTV) is not below the liquidation threshold \(loan.liquidationThreshold)")
            }
            guard (0...100_000).contains(loan.rateBps) else { throw .invalidValue(field: "loan.rateBps", reason: "\(loan.rateBps) is outside 0…100,000") }
            if let date = loan.borrowAt { _ = try Self.day(date, "loan.borrowAt") }
            if let days = loan.refinanceEveryDays, !(1...3650).contains(days) {
                throw .invalidValue(field: "loan.refinanceEveryDays", reason: "\(days) is outside 1…3650")
            }
            guard loan.liquidationDiscount.isFinite, (0..<1).contains(loan.liquidationDiscount) else {
                throw .invalidValue(field: "loan.liquidationDiscount", reason: "\(loan.liquidationDiscount) is not in [0, 1)")
            }
        }
        if let buffer {
            guard let loan else { throw .invalidValue(field: "buffer", reason: "a buffer rule needs a loan") }
            // Blend-style liens are repaid whole; a partial repayment is not a move the protocol offers.
            guard loan.model != .continuous else {
                throw .invalidValue(field: "buffer", reason: "a continuous (Blend-style) loan is repaid only in full; the buffer's partial repayment needs an aave_index loan")
            }
            guard buffer.belowHealthFactor.isFinite, buffer.belowHealthFactor > 1 else {
                throw .invalidValue(field: "buffer.belowHealthFactor", reason: "\(buffer.belowHealthFactor) must be above 1")
            }
            if let restore = buffer.restoreHealthFactor, !(restore.isFinite && restore >= buffer.belowHealthFactor) {
                throw .invalidValue(field: "buffer.restoreHealthFactor", reason: "\(restore) is below belowHealthFactor \(buffer.belowHealthFactor)")
            }
            _ = try Self.amount(buffer.cashETH, "buffer.cashETH", allowZero: true)
        }
        if let hedge {
            guard loan != nil else { throw .invalidValue(field: "hedge", reason: "the hedge is sized from the loan; it needs a loan") }
            guard hedge.shortPutMoneyness.isFinite, hedge.shortPutMoneyness > 0, hedge.shortPutMoneyness < 1 else {
                throw .invalidValue(field: "hedge.shortPutMoneyness", reason: "\(hedge.shortPutMoneyness) is not in (0, 1)")
            }
            guard hedge.shortCallMoneyness.isFinite, hedge.shortCallMoneyness > 1, hedge.shortCallMoneyness < 3 else {
                throw .invalidValue(field: "hedge.shortCallMoneyness", reason: "\(hedge.shortCallMoneyness) is not in (1, 3)")
            }
            if let delta = hedge.shortDelta, !(delta.isFinite && delta > 0.01 && delta < 0.5) {
                throw .invalidValue(field: "hedge.shortDelta", reason: "\(delta) is not in (0.01, 0.5)")
            }
            guard (5...2000).contains(hedge.wingWidthPoints), hedge.wingWidthPoints % 5 == 0 else {
                throw .invalidValue(field: "hedge.wingWidthPoints", reason: "\(hedge.wingWidthPoints) is not a multiple of 5 in 5…2000")
            }
            guard (1...365).contains(hedge.tenorDays) else { throw .invalidValue(field: "hedge.tenorDays", reason: "\(hedge.tenorDays) is outside 1…365") }
            guard hedge.maxLossPerDebt.isFinite, hedge.maxLossPerDebt > 0, hedge.maxLossPerDebt <= 10 else {
                throw .invalidValue(field: "hedge.maxLossPerDebt", reason: "\(hedge.maxLossPerDebt) is not in (0, 10]")
            }
            _ = try Self.amount(hedge.feesPerContractUSD, "hedge.feesPerContractUSD", allowZero: true)
            for (field, value) in [("hedge.riskFreeRate", hedge.riskFreeRate), ("hedge.dividendYield", hedge.dividendYield)]
            where !(value.isFinite && abs(value) < 1) {
                throw .invalidValue(field: field, reason: "\(value) is not a rate in (−1, 1)")
            }
        }
    }

    static func fraction(_ value: Double, _ field: String) throws(LedgerError) {
        guard value.isFinite, value > 0, value < 1 else { throw .invalidValue(field: field, reason: "\(value) is not a fraction in (0, 1)") }
    }

    static func amount(_ text: String, _ field: String, allowZero: Bool) throws(LedgerError) -> ExactDecimal {
        let value: ExactDecimal
        do { value = try ExactDecimal(parsing: text) } catch { throw .invalidValue(field: field, reason: "'\(text)' is not a decimal amount") }
        guard !value.isNegative, allowZero || !value.isZero else {
            throw .invalidValue(field: field, reason: "\(text) must be \(allowZero ? "zero or more" : "greater than zero")")
        }
        return value
    }

    /// A `YYYY-MM-DD` date as its 00:00 UTC instant.
    static func day(_ text: String, _ field: String) throws(LedgerError) -> Instant {
        guard text.count == 10, let instant = try? ISO8601.parse(text) else {
            throw .invalidValue(field: field, reason: "'\(text)' is not a date YYYY-MM-DD")
        }
        return instant
    }
}
