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

    /// What the buffer rule does when the health factor falls below its trigger (docs/replay.md).
    public enum BufferAction: String, Codable, Sendable, Hashable, CaseIterable {
        /// Repay debt from the cash reserve (`buffer.cashETH`), interest first.
        case repay
        /// Pledge reserve tokens (`buffer.reserveTokens`) to the running loan, one at a time in the listed order.
        case addCollateral = "add_collateral"
        /// Close the open condor at the day's price and repay debt with its net proceeds
        /// (premium received − fees − the cost to close), converted at that day's ETH/USD.
        case sellHedge = "sell_hedge"
    }

    /// The buffer rule: when the health factor at a daily mark is below `belowHealthFactor`,
    /// try `actions` in order until it is back at `restoreHealthFactor` (or every action is spent).
    public struct Buffer: Codable, Sendable, Hashable {
        public var belowHealthFactor: Double
        /// Defaults to the health factor at the target LTV (liquidation threshold ÷ target LTV), or
        /// `belowHealthFactor` when that is higher.
        public var restoreHealthFactor: Double?
        /// The cash reserve in ETH (decimal text) set aside at the start for repayments; required when
        /// `actions` contains `repay`, otherwise "0" when absent.
        public var cashETH: String
        /// Tried in order at a mark below the trigger; default `["repay"]`.
        public var actions: [BufferAction]
        /// Tokens held outside the loan (bought like `collateral`) that `add_collateral` pledges.
        public var reserveTokens: [Collateral]

        public init(belowHealthFactor: Double, restoreHealthFactor: Double? = nil, cashETH: String,
                    actions: [BufferAction] = [.repay], reserveTokens: [Collateral] = []) {
            self.belowHealthFactor = belowHealthFactor
            self.restoreHealthFactor = restoreHealthFactor
            self.cashETH = cashETH
            self.actions = actions
            self.reserveTokens = reserveTokens
        }

        enum CodingKeys: String, CodingKey { case belowHealthFactor, restoreHealthFactor, cashETH, actions, reserveTokens }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let actions = try c.decodeIfPresent([BufferAction].self, forKey: .actions) ?? [.repay]
            // The reserve is needed only to repay; a rule that never repays may leave it out.
            let cash = actions.contains(.repay) ? try c.decode(String.self, forKey: .cashETH)
                                                : try c.decodeIfPresent(String.self, forKey: .cashETH) ?? "0"
            self.init(belowHealthFactor: try c.decode(Double.self, forKey: .belowHealthFactor),
                      restoreHealthFactor: try c.decodeIfPresent(Double.self, forKey: .restoreHealthFactor), cashETH: cash,
                      actions: actions, reserveTokens: try c.decodeIfPresent([Collateral].self, forKey: .reserveTokens) ?? [])
        }

        /// Writes `actions` and `reserveTokens` only when they are not the defaults, so a policy
        /// without them keeps the canonical JSON (and the ledger origin) it always had.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(belowHealthFactor, forKey: .belowHealthFactor)
            try c.encodeIfPresent(restoreHealthFactor, forKey: .restoreHealthFactor)
            try c.encode(cashETH, forKey: .cashETH)
            if actions != [.repay] { try c.encode(actions, forKey: .actions) }
            if !reserveTokens.isEmpty { try c.encode(reserveTokens, forKey: .reserveTokens) }
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
    /// The policy without its hedge rule, and so without the buffer's `sell_hedge` (a buffer left
    /// with no action is dropped): the "no hedge" layer of a comparison or a hedge-off sweep point.
    public func withoutHedge() -> ReplayPolicy {
        var policy = self
        policy.hedge = nil
        if var buffer = policy.buffer, buffer.actions.contains(.sellHedge) {
            buffer.actions.removeAll { $0 == .sellHedge }
            policy.buffer = buffer.actions.isEmpty ? nil : buffer
        }
        return policy
    }

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
        for (i, token) in collateral.enumerated() { try Self.validate(token, "collateral[\(i)]", seen: &seen) }
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
            try Self.validate(buffer, loan: loan, collateral: collateral, hasHedge: hedge != nil)
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

    private static func validate(_ buffer: Buffer, loan: Loan, collateral: [Collateral], hasHedge: Bool) throws(LedgerError) {
        guard !buffer.actions.isEmpty else { throw .invalidValue(field: "buffer.actions", reason: "name at least one of repay, add_collateral, sell_hedge") }
        guard Set(buffer.actions).count == buffer.actions.count else {
            throw .invalidValue(field: "buffer.actions", reason: "\(buffer.actions.map(\.rawValue)) lists an action twice")
        }
        // Blend-style liens are repaid whole; a partial repayment is not a move the protocol offers.
        if loan.model == .continuous, let partial = buffer.actions.first(where: { $0 != .addCollateral }) {
            throw .invalidValue(field: "buffer", reason: "its action \(partial.rawValue) repays part of the loan, but a continuous (Blend-style) loan is repaid only in full; it needs an aave_index loan")
        }
        guard buffer.belowHealthFactor.isFinite, buffer.belowHealthFactor > 1 else {
            throw .invalidValue(field: "buffer.belowHealthFactor", reason: "\(buffer.belowHealthFactor) must be above 1")
        }
        if let restore = buffer.restoreHealthFactor, !(restore.isFinite && restore >= buffer.belowHealthFactor) {
            throw .invalidValue(field: "buffer.restoreHealthFactor", reason: "\(restore) is below belowHealthFactor \(buffer.belowHealthFactor)")
        }
        _ = try Self.amount(buffer.cashETH, "buffer.cashETH", allowZero: true)
        if buffer.actions.contains(.sellHedge), !hasHedge {
            throw .invalidValue(field: "buffer.actions", reason: "sell_hedge needs a hedge rule to sell")
        }
        if buffer.actions.contains(.addCollateral) {
            guard !buffer.reserveTokens.isEmpty else {
                throw .invalidValue(field: "buffer.reserveTokens", reason: "add_collateral needs at least one reserve token to pledge")
            }
        } else if !buffer.reserveTokens.isEmpty {
            throw .invalidValue(field: "buffer.reserveTokens", reason: "reserve tokens are pledged only by add_collateral, which buffer.actions does not list")
        }
        var seen = Set(collateral.map(\.token))
        for (i, token) in buffer.reserveTokens.enumerated() {
            try Self.validate(token, "buffer.reserveTokens[\(i)]", seen: &seen)
        }
    }

    /// A token of `collateral` or `buffer.reserveTokens`: a token id, listed once across both, a date and a price.
    private static func validate(_ token: Collateral, _ field: String, seen: inout Set<String>) throws(LedgerError) {
        do { _ = try TokenID(token.token) } catch { throw .invalidValue(field: "\(field).token", reason: "'\(token.token)' is not a token id") }
        guard seen.insert(token.token).inserted else { throw .invalidValue(field: "\(field).token", reason: "token \(token.token) is listed twice") }
        if let date = token.boughtAt { _ = try Self.day(date, "\(field).boughtAt") }
        if let price = token.priceETH { _ = try Self.amount(price, "\(field).priceETH", allowZero: false) }
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
