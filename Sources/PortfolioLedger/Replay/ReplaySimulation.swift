import BigInt
import LedgerMath

extension ReplayRun {
    /// Replays `policy` over `[from, to]` (whole UTC days) on `market`.
    ///
    /// Each day: at the SPX close, the open condor settles if it expires and, while the loan is
    /// open, a new one is sold; at the 23:59:59 UTC mark, purchases, the loan, refinancing, the
    /// buffer rule and the liquidation rule act on that mark's floor. Debt comes from the same
    /// interest models the ledger's reports use (``LoanRecord/interestModel()``), so the written
    /// ledger and the simulation agree to the wei.
    ///
    /// - Parameters:
    ///   - policy: the policy to replay (validated first).
    ///   - market: the daily floor, ETH/USD, SPX and VIX history.
    ///   - from: the first day.
    ///   - to: the last day.
    ///   - recordPath: keep one ``ReplayDay`` per mark (a sweep leaves it off).
    /// - Throws: ``LedgerError/invalidValue(field:reason:)`` for dates outside the data or out of
    ///   order, or a mark without a floor, ETH/USD or SPX observation at or before it.
    public static func simulate(_ policy: ReplayPolicy, market: ReplayMarket, from: Instant, to: Instant,
                                recordPath: Bool = true) throws -> ReplayRun {
        try policy.validate()
        var simulator = try ReplaySimulator(policy: policy, market: market, from: from, to: to, recordPath: recordPath)
        return try simulator.run()
    }
}

/// The replay's rules, in one place: the ledger writer only books what this decides.
struct ReplaySimulator {
    let policy: ReplayPolicy
    let market: ReplayMarket
    let floorSeries: ReplayMarket.Series
    let firstDay: Instant
    let lastDay: Instant
    let recordPath: Bool

    private var bookings: [ReplayBooking] = []
    private var path: [ReplayDay] = []
    private var notes: [String] = []
    private var flows: [XIRR.Flow] = []
    private var held: [String] = []
    private var loan: OpenLoan?
    private var condor: (legs: [OptionLeg], expiry: Instant)?
    private var nextHedgeAt = Instant(unixSeconds: 0)
    private var reserve: ExactDecimal = .zero
    private var liquidation: ReplayLiquidation?
    private var borrowingCostETH: ExactDecimal = .zero
    private var borrowingCostUSD = 0.0
    private var hedgePnL: ExactDecimal = .zero
    private var condorCycles = 0
    private var bufferRepayments = 0
    private var bufferCashUsed: ExactDecimal = .zero
    private var minimumHF: (Double, Instant)?

    private struct OpenLoan {
        var model: InterestModel
        var principal: ExactDecimal
        var start: Instant
    }

    static let markSeconds: Int64 = 86_399

    init(policy: ReplayPolicy, market: ReplayMarket, from: Instant, to: Instant, recordPath: Bool) throws(LedgerError) {
        self.policy = policy
        self.market = market
        floorSeries = market.floor(policy.floor)
        firstDay = Instant(unixSeconds: from.unixSeconds - from.unixSeconds % 86_400)
        lastDay = Instant(unixSeconds: to.unixSeconds - to.unixSeconds % 86_400)
        self.recordPath = recordPath
        guard firstDay <= lastDay else { throw .invalidValue(field: "to", reason: "\(ISO8601.formatDate(to)) is before from \(ISO8601.formatDate(from))") }
        guard let coverage = market.coverage else { throw .invalidValue(field: "market", reason: "a series is empty") }
        guard firstDay.adding(seconds: Self.markSeconds) >= coverage.lowerBound else {
            throw .invalidValue(field: "from", reason: "\(ISO8601.formatDate(from)) is before the data starts (\(ISO8601.formatDate(coverage.lowerBound)))")
        }
        guard lastDay.adding(seconds: Self.markSeconds) <= coverage.upperBound else {
            throw .invalidValue(field: "to", reason: "\(ISO8601.formatDate(to)) is after the data ends (\(ISO8601.formatDate(coverage.upperBound)))")
        }
    }

    mutating func run() throws -> ReplayRun {
        let purchases = try purchaseDays()
        let borrowDay = try loanDay(after: purchases)
        if let buffer = policy.buffer {
            reserve = try ReplayPolicy.amount(buffer.cashETH, "buffer.cashETH", allowZero: true)
            if reserve.signum > 0 { bookings.append(.deposit(at: firstDay.adding(seconds: Self.markSeconds), amount: reserve)) }
        }
        var day = firstDay
        while day <= lastDay {
            try marketClose(on: day)
            let mark = day.adding(seconds: Self.markSeconds)
            for (token, price) in purchases[day] ?? [] { try acquire(token, price: price, at: mark) }
            if day == borrowDay, liquidation == nil, loan == nil { try borrow(at: mark, refinancing: nil) }
            try dailyRules(at: mark)
            day = day.adding(seconds: 86_400)
        }
        let end = lastDay.adding(seconds: Self.markSeconds)
        let terminal = try terminalValue(at: end)
        flows.append(XIRR.Flow(end, terminal))
        let paid = flows.filter { $0.amount < 0 }.reduce(0) { $0 - $1.amount }
        let received = flows.filter { $0.amount > 0 }.reduce(0) { $0 + $1.amount }
        let outcome = ReplayOutcome(
            liquidation: liquidation, minimumHealthFactor: minimumHF?.0, minimumHealthFactorAt: minimumHF?.1,
            borrowingCostETH: borrowingCostETH, borrowingCostUSD: borrowingCostUSD, hedgePnLUSD: hedgePnL, condorCycles: condorCycles,
            bufferRepayments: bufferRepayments, bufferCashUsedETH: bufferCashUsed, flowsUSD: flows, terminalValueUSD: terminal,
            xirr: XIRR.solve(flows), moneyMultiple: paid > 0 ? received / paid : nil, notes: notes)
        return ReplayRun(policy: policy, from: firstDay, to: end, bookings: bookings, path: path, outcome: outcome)
    }

    // MARK: - Schedule

    /// Purchase days (00:00 UTC) → tokens and explicit prices; tokens held from the start are bought on the first day.
    private func purchaseDays() throws(LedgerError) -> [Instant: [(String, ExactDecimal?)]] {
        var days: [Instant: [(String, ExactDecimal?)]] = [:]
        for (i, token) in policy.collateral.enumerated() {
            let day = try token.boughtAt.map { (d) throws(LedgerError) in try ReplayPolicy.day(d, "collateral[\(i)].boughtAt") } ?? firstDay
            guard day >= firstDay, day <= lastDay else {
                throw .invalidValue(field: "collateral[\(i)].boughtAt", reason: "\(ISO8601.formatDate(day)) is outside the replay")
            }
            let price = try token.priceETH.map { (p) throws(LedgerError) in try ReplayPolicy.amount(p, "collateral[\(i)].priceETH", allowZero: false) }
            days[day, default: []].append((token.token, price))
        }
        return days
    }

    private func loanDay(after purchases: [Instant: [(String, ExactDecimal?)]]) throws(LedgerError) -> Instant? {
        guard let loan = policy.loan else { return nil }
        let lastPurchase = purchases.keys.max() ?? firstDay
        guard let text = loan.borrowAt else { return lastPurchase }
        let day = try ReplayPolicy.day(text, "loan.borrowAt")
        guard day >= lastPurchase, day <= lastDay else {
            throw .invalidValue(field: "loan.borrowAt", reason: "\(text) is not between the last purchase (\(ISO8601.formatDate(lastPurchase))) and the end")
        }
        return day
    }

    // MARK: - Prices

    private func floor(at mark: Instant) throws(LedgerError) -> Double {
        guard let found = floorSeries.asOf(mark) else { throw .invalidValue(field: floorSeries.name, reason: "no observation at or before \(mark)") }
        return found.value
    }

    private func usdPerETH(at instant: Instant) throws(LedgerError) -> Double {
        guard let found = market.ethUSD.asOf(instant) else { throw .invalidValue(field: market.ethUSD.name, reason: "no observation at or before \(instant)") }
        return found.value
    }

    private mutating func flowETH(_ amount: ExactDecimal, at: Instant) throws(LedgerError) {
        flows.append(XIRR.Flow(at, amount.doubleValue * (try usdPerETH(at: at))))
    }

    // MARK: - Collateral and loan

    private mutating func acquire(_ token: String, price explicit: ExactDecimal?, at mark: Instant) throws {
        let price = try explicit ?? ExactDecimal(try floor(at: mark), scale: 6, mode: .halfEven)
        held.append(token)
        bookings.append(.acquire(at: mark, token: token, price: price))
        try flowETH(-price, at: mark)
    }

    private func collateralValue(at mark: Instant) throws(LedgerError) -> Double {
        Double(held.count) * (try floor(at: mark))
    }

    private mutating func borrow(at mark: Instant, refinancing: ReplayBooking.Repayment?) throws {
        guard let terms = policy.loan else { return }
        let principal = try ExactDecimal(terms.targetLTV * (try collateralValue(at: mark)), scale: 4, mode: .down)
        guard principal.signum > 0 else {
            notes.append("\(ISO8601.formatDate(mark)): the loan at \(terms.targetLTV) LTV rounds to 0 ETH; not borrowed")
            return
        }
        let model = try LoanRecord.model(Self.loanTerms(terms), principal: principal, start: mark, maturity: nil,
                                         protocol: terms.lendingProtocol, decimals: 18)
        loan = OpenLoan(model: model, principal: principal, start: mark)
        bookings.append(.borrow(at: mark, principal: principal, refinancing: refinancing))
        try flowETH(principal, at: mark)
    }

    /// The stored terms of a replayed loan (what the ledger books and its reports read back).
    static func loanTerms(_ loan: ReplayPolicy.Loan) -> LoanTerms {
        switch loan.model {
        case .aaveIndex: .aaveIndex(rateRay: RateUnits.ray(fromBps: BigInt(loan.rateBps)).description,
                                    indexRayAtStart: BigInt(10).power(27).description)
        case .continuous: .continuous(rateBps: loan.rateBps)
        }
    }

    /// Pays `amount` off the open loan through its interest model; returns the split.
    private mutating func pay(_ amount: ExactDecimal, at mark: Instant) throws -> ReplayBooking.Repayment {
        guard var open = loan else { throw LedgerError.conflict("no open loan to repay") }
        let (split, after) = try open.model.applyingPayment(amount, at: mark)
        open.model = after
        open.principal -= split.principal
        loan = open
        try addBorrowingCost(split.interest, at: mark)
        try flowETH(-amount, at: mark)
        return ReplayBooking.Repayment(interest: split.interest, principal: split.principal)
    }

    private mutating func addBorrowingCost(_ interest: ExactDecimal, at: Instant) throws(LedgerError) {
        borrowingCostETH += interest
        borrowingCostUSD += interest.doubleValue * (try usdPerETH(at: at))
    }

    private mutating func dailyRules(at mark: Instant) throws {
        if let terms = policy.loan, let days = terms.refinanceEveryDays, let open = loan,
           open.start.seconds(to: mark) >= Int64(days) * 86_400 {
            let repaid = try pay(try open.model.debt(at: mark), at: mark)
            loan = nil
            try borrow(at: mark, refinancing: repaid)
        }
        let value = try collateralValue(at: mark)
        guard let terms = policy.loan, let open = loan else {
            if recordPath { path.append(ReplayDay(at: mark, floor: try floor(at: mark), collateralValue: value, debt: 0, healthFactor: nil)) }
            return
        }
        var debt = try open.model.debt(at: mark)
        let hf = value * terms.liquidationThreshold / debt.doubleValue
        if minimumHF.map({ hf < $0.0 }) ?? true { minimumHF = (hf, mark) }
        if recordPath {
            path.append(ReplayDay(at: mark, floor: try floor(at: mark), collateralValue: value, debt: debt.doubleValue, healthFactor: hf))
        }
        if let buffer = policy.buffer, hf < buffer.belowHealthFactor, reserve.signum > 0 {
            let restore = buffer.restoreHealthFactor ?? max(terms.liquidationThreshold / terms.targetLTV, buffer.belowHealthFactor)
            let wanted = debt - (try ExactDecimal(value * terms.liquidationThreshold / restore, scale: 6, mode: .down))
            let amount = min(wanted, reserve)
            if amount.signum > 0 {
                let repaid = try pay(amount, at: mark)
                reserve -= amount
                bufferCashUsed += amount
                bufferRepayments += 1
                bookings.append(.repay(at: mark, repaid))
                debt = try loan!.model.debt(at: mark)
            }
        }
        // BendDAO's rule is strict: liquidatable when debt > value × threshold.
        if debt.doubleValue > value * terms.liquidationThreshold {
            try liquidate(at: mark, debt: debt, value: value, terms: terms)
        }
    }

    private mutating func liquidate(at mark: Instant, debt: ExactDecimal, value: Double, terms: ReplayPolicy.Loan) throws {
        guard let open = loan else { return }
        let left = try ExactDecimal(max(0, value * (1 - terms.liquidationDiscount) - debt.doubleValue), scale: 6, mode: .down)
        let floorNow = try floor(at: mark)
        try addBorrowingCost(debt - open.principal, at: mark)
        liquidation = ReplayLiquidation(at: mark, floor: floorNow, debt: debt, surplus: left)
        bookings.append(.liquidation(at: mark, floor: floorNow, debt: debt, surplus: left))
        if left.signum > 0 { try flowETH(left, at: mark) }
        held = []
        loan = nil
    }

    private mutating func terminalValue(at end: Instant) throws -> Double {
        let fx = try usdPerETH(at: end)
        var value = (try collateralValue(at: end)) * fx
        if let open = loan {
            let debt = try open.model.debt(at: end)
            try addBorrowingCost(debt - open.principal, at: end)
            value -= debt.doubleValue * fx
        }
        return value
    }

    // MARK: - Hedge

    /// At the SPX close of `day` (when there is one): settle an expiring condor, sell the next one.
    private mutating func marketClose(on day: Instant) throws {
        // The 16:00 New York close falls on the same UTC date (20:00 or 21:00 UTC).
        guard let (close, spot) = market.spx.asOf(day.adding(seconds: Self.markSeconds)), close >= day else { return }
        if let open = condor, open.expiry == close {
            let value = try ExactDecimal(spot, scale: 2, mode: .halfEven)
            var cash = ExactDecimal.zero
            for leg in open.legs { cash += ExactDecimal(leg.quantity) * leg.payoff(at: value) * 100 }
            hedgePnL += cash
            flows.append(XIRR.Flow(close, cash.doubleValue))
            bookings.append(.settleCondor(at: close, settlementValue: value))
            condor = nil
        }
        guard let hedge = policy.hedge, let open = loan, condor == nil, close >= nextHedgeAt else { return }
        try sellCondor(hedge, debt: try open.model.debt(at: close), spot: spot, at: close)
    }

    private mutating func sellCondor(_ hedge: ReplayPolicy.Hedge, debt: ExactDecimal, spot: Double, at close: Instant) throws {
        let earliest = close.adding(seconds: Int64(hedge.tenorDays) * 86_400)
        guard let expiry = market.spx.instants.first(where: { $0 >= earliest.unixSeconds }).map(Instant.init(unixSeconds:)),
              expiry <= lastDay.adding(seconds: Self.markSeconds) else {
            nextHedgeAt = Instant(unixSeconds: .max)
            notes.append("\(ISO8601.formatDate(close)): no condor sold; its expiry would fall after the end of the replay")
            return
        }
        nextHedgeAt = expiry
        guard let vix = market.vix.asOf(close.adding(seconds: 900)), vix.at.seconds(to: close) < 4 * 86_400 else {
            notes.append("\(ISO8601.formatDate(close)): no condor sold; no VIX close within 4 days")
            return
        }
        let width = Double(hedge.wingWidthPoints)
        let contracts = Int((debt.doubleValue * (try usdPerETH(at: close)) * hedge.maxLossPerDebt / (width * 100)).rounded(.down))
        guard contracts > 0 else {
            notes.append("\(ISO8601.formatDate(close)): no condor sold; the loan is too small for one contract")
            return
        }
        let years = close.yearFraction(to: expiry), vol = vix.value / 100
        let (shortPut, shortCall) = try Self.shortStrikes(hedge, spot: spot, volatility: vol, years: years)
        let plan: [(OptionType, Double, Int)] = [(.put, shortPut - width, contracts), (.put, shortPut, -contracts),
                                                 (.call, shortCall, -contracts), (.call, shortCall + width, contracts)]
        var legs: [OptionLeg] = []
        for (type, k, quantity) in plan {
            let price = try BlackScholes.price(type, spot: spot, strike: k, volatility: vol, rate: hedge.riskFreeRate,
                                               dividendYield: hedge.dividendYield, timeToExpiry: years)
            legs.append(OptionLeg(type, strike: ExactDecimal(Int(k)), quantity: quantity, premium: try SPXTick.rounded(price), expiry: expiry))
        }
        guard let built = try? IronCondor(legs: legs), built.kind == .credit else {
            notes.append("\(ISO8601.formatDate(close)): no condor sold; the model premiums give no credit at these strikes")
            return
        }
        let feesPerLeg = try ReplayPolicy.amount(hedge.feesPerContractUSD, "hedge.feesPerContractUSD", allowZero: true) * ExactDecimal(contracts)
        var cash = feesPerLeg * -4
        for leg in legs { cash -= ExactDecimal(leg.quantity) * leg.premium * 100 }
        hedgePnL += cash
        condorCycles += 1
        flows.append(XIRR.Flow(close, cash.doubleValue))
        bookings.append(.openCondor(at: close, legs: legs, feesPerLeg: feesPerLeg))
        condor = (legs, expiry)
    }

    /// Short strikes on the 5-point grid: spot × moneyness, or by delta — walking out from the
    /// strike nearest spot, the first put with Δ ≥ −target and the first call with Δ ≤ target.
    static func shortStrikes(_ hedge: ReplayPolicy.Hedge, spot: Double, volatility: Double, years: Double) throws -> (put: Double, call: Double) {
        func grid(_ x: Double) -> Double { (x / 5).rounded() * 5 }
        guard let target = hedge.shortDelta else { return (grid(spot * hedge.shortPutMoneyness), grid(spot * hedge.shortCallMoneyness)) }
        func delta(_ type: OptionType, _ k: Double) throws -> Double {
            try BlackScholes.greeks(type, spot: spot, strike: k, volatility: volatility, rate: hedge.riskFreeRate,
                                    dividendYield: hedge.dividendYield, timeToExpiry: years).delta
        }
        var put = grid(spot), call = grid(spot)
        while try delta(.put, put) < -target, put > 5 { put -= 5 }
        while try delta(.call, call) > target { call += 5 }
        return (put, call)
    }
}
