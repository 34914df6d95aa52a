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
    /// Tokens backing the loan (or, without one, every collateral token held).
    private var held: [String] = []
    /// Reserve tokens held outside the loan, for the buffer's `add_collateral`.
    private var spare: [String] = []
    private var loan: OpenLoan?
    /// The open condor and the cash it brought in at the sale (premium − fees, USD).
    private var condor: (legs: [OptionLeg], expiry: Instant, openingCash: ExactDecimal)?
    private var nextHedgeAt = Instant(unixSeconds: 0)
    private var reserve: ExactDecimal = .zero
    private var liquidation: ReplayLiquidation?
    private var borrowingCostETH: ExactDecimal = .zero
    private var borrowingCostUSD = 0.0
    private var hedgePnL: ExactDecimal = .zero
    private var condorCycles = 0
    private var bufferRepayments = 0
    private var bufferCashUsed: ExactDecimal = .zero
    private var collateralPledges = 0
    private var hedgeSales = 0
    private var hedgeRepaid: ExactDecimal = .zero
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
            for purchase in purchases[day] ?? [] { try acquire(purchase, at: mark) }
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
            bufferRepayments: bufferRepayments, bufferCashUsedETH: bufferCashUsed, collateralPledges: collateralPledges,
            hedgeSales: hedgeSales, hedgeRepaidETH: hedgeRepaid, flowsUSD: flows, terminalValueUSD: terminal,
            xirr: XIRR.solve(flows), moneyMultiple: paid > 0 ? received / paid : nil, notes: notes)
        return ReplayRun(policy: policy, from: firstDay, to: end, bookings: bookings, path: path, outcome: outcome)
    }

    // MARK: - Schedule

    /// A token bought on a day: collateral, or a buffer reserve token held outside the loan.
    private struct Purchase {
        var token: String
        var price: ExactDecimal?
        var reserve: Bool
    }

    /// Purchase days (00:00 UTC) → tokens and explicit prices; tokens held from the start are bought
    /// on the first day. Collateral first, then reserve tokens, each in the policy's order.
    private func purchaseDays() throws(LedgerError) -> [Instant: [Purchase]] {
        var days: [Instant: [Purchase]] = [:]
        let listed = policy.collateral.enumerated().map { ($1, "collateral[\($0)]", false) }
            + (policy.buffer?.reserveTokens ?? []).enumerated().map { ($1, "buffer.reserveTokens[\($0)]", true) }
        for (token, field, reserve) in listed {
            let day = try token.boughtAt.map { (d) throws(LedgerError) in try ReplayPolicy.day(d, "\(field).boughtAt") } ?? firstDay
            guard day >= firstDay, day <= lastDay else {
                throw .invalidValue(field: "\(field).boughtAt", reason: "\(ISO8601.formatDate(day)) is outside the replay")
            }
            let price = try token.priceETH.map { (p) throws(LedgerError) in try ReplayPolicy.amount(p, "\(field).priceETH", allowZero: false) }
            days[day, default: []].append(Purchase(token: token.token, price: price, reserve: reserve))
        }
        return days
    }

    private func loanDay(after purchases: [Instant: [Purchase]]) throws(LedgerError) -> Instant? {
        guard let loan = policy.loan else { return nil }
        let lastPurchase = purchases.filter { $0.value.contains { !$0.reserve } }.keys.max() ?? firstDay
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

    private mutating func acquire(_ purchase: Purchase, at mark: Instant) throws {
        let price = try purchase.price ?? ExactDecimal(try floor(at: mark), scale: 6, mode: .halfEven)
        bookings.append(.acquire(at: mark, token: purchase.token, price: price))
        // A reserve token, like the cash reserve, enters the stack's flows only when the buffer commits it (pledgeReserveTokens).
        if purchase.reserve {
            spare.append(purchase.token)
        } else {
            held.append(purchase.token)
            try flowETH(-price, at: mark)
        }
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
        var value = try collateralValue(at: mark)
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
        if let buffer = policy.buffer, hf < buffer.belowHealthFactor {
            let restore = buffer.restoreHealthFactor ?? max(terms.liquidationThreshold / terms.targetLTV, buffer.belowHealthFactor)
            for action in buffer.actions {
                // Tried in order until the health factor is back at `restore`.
                guard value * terms.liquidationThreshold / debt.doubleValue < restore else { break }
                // The repayment that would bring the health factor back to `restore` (target debt rounded down to 10⁻⁶ ETH).
                let wanted = debt - (try ExactDecimal(value * terms.liquidationThreshold / restore, scale: 6, mode: .down))
                switch action {
                case .repay: try repayFromReserve(wanted, at: mark)
                case .addCollateral: try pledgeReserveTokens(until: restore, debt: debt, terms: terms, at: mark)
                case .sellHedge: try sellHedge(repaying: wanted, at: mark)
                }
                value = try collateralValue(at: mark)
                debt = try loan!.model.debt(at: mark)
            }
        }
        // BendDAO's rule is strict: liquidatable when debt > value × threshold.
        if debt.doubleValue > value * terms.liquidationThreshold {
            try liquidate(at: mark, debt: debt, value: value, terms: terms)
        }
    }

    // MARK: - Buffer actions

    /// `repay`: pays up to `wanted` from the cash reserve, interest first.
    private mutating func repayFromReserve(_ wanted: ExactDecimal, at mark: Instant) throws {
        let amount = min(wanted, reserve)
        guard amount.signum > 0 else { return }
        let repaid = try pay(amount, at: mark)
        reserve -= amount
        bufferCashUsed += amount
        bufferRepayments += 1
        bookings.append(.repay(at: mark, repaid))
    }

    /// `add_collateral`: pledges held reserve tokens, in the policy's order, one at a time until
    /// the health factor reaches `restore` (a token is indivisible: the last one may overshoot).
    private mutating func pledgeReserveTokens(until restore: Double, debt: ExactDecimal, terms: ReplayPolicy.Loan, at mark: Instant) throws {
        for token in (policy.buffer?.reserveTokens ?? []).map(\.token) where spare.contains(token) {
            guard (try collateralValue(at: mark)) * terms.liquidationThreshold / debt.doubleValue < restore else { return }
            spare.removeAll { $0 == token }
            held.append(token)
            collateralPledges += 1
            // Committed to the stack at its value then (as cash is when it repays); kept in the terminal value from here.
            try flowETH(-(try ExactDecimal(try floor(at: mark), scale: 6, mode: .halfEven)), at: mark)
            bookings.append(.pledge(at: mark, token: token))
        }
    }

    /// `sell_hedge`: closes the open condor at the day's price and repays up to `wanted` from its net
    /// proceeds — the opening credit net of fees minus the cost of buying the condor back (a short
    /// condor has no sale value of its own; what it has earned so far is the cash there is). A
    /// condor whose closing would cost more than it brought in is kept to expiry (closing it would
    /// take cash from the defence, not add to it), and so is one on a day without an SPX session.
    private mutating func sellHedge(repaying wanted: ExactDecimal, at mark: Instant) throws {
        guard let open = condor, let hedge = policy.hedge else { return }
        let day = Instant(unixSeconds: mark.unixSeconds - mark.unixSeconds % 86_400)
        guard let (close, spot) = market.spx.asOf(mark), close >= day else {
            notes.append("\(ISO8601.formatDate(mark)): sell_hedge skipped; no SPX session that day")
            return
        }
        guard let prices = try closingPrices(open.legs, hedge: hedge, spot: spot, at: close) else { return }
        let contracts = open.legs.map { abs($0.quantity) }.max() ?? 0
        let feesPerLeg = try ReplayPolicy.amount(hedge.feesPerContractUSD, "hedge.feesPerContractUSD", allowZero: true) * ExactDecimal(contracts)
        var closingCash = feesPerLeg * -4
        for (leg, price) in zip(open.legs, prices) { closingCash += ExactDecimal(leg.quantity) * price * 100 }
        let proceeds = open.openingCash + closingCash
        guard proceeds.signum > 0 else {
            notes.append("\(ISO8601.formatDate(mark)): sell_hedge skipped; closing the condor would cost \((-closingCash).formatted(fractionDigits: 2)) USD, more than the \(open.openingCash.formatted(fractionDigits: 2)) USD it brought in")
            return
        }
        hedgePnL += closingCash
        hedgeSales += 1
        flows.append(XIRR.Flow(mark, closingCash.doubleValue))
        bookings.append(.closeCondor(at: mark, legs: zip(open.legs, prices).map { leg, price in
            OptionLeg(leg.optionType, strike: leg.strike, quantity: -leg.quantity, premium: price, expiry: leg.expiry)
        }, feesPerLeg: feesPerLeg))
        condor = nil
        let fx = try usdPerETH(at: mark)
        let amount = min(wanted, try ExactDecimal(proceeds.doubleValue / fx, scale: 6, mode: .down))
        guard amount.signum > 0 else { return }
        let repaid = try pay(amount, at: mark)
        hedgeRepaid += amount
        bookings.append(.repayFromHedge(at: mark, repaid, proceedsUSD: proceeds, usdPerETH: fx))
    }

    /// The price per unit of each leg at the SPX close `close`: the stored quotes' mid when the
    /// session quotes all four contracts, else Black–Scholes at that day's VIX (tick-rounded);
    /// nil (noted) without a VIX close within 4 days.
    private mutating func closingPrices(_ legs: [OptionLeg], hedge: ReplayPolicy.Hedge, spot: Double, at close: Instant) throws -> [ExactDecimal]? {
        if let chain = market.optionQuotes?.chain(on: close) {
            let quoted = legs.compactMap { leg in leg.expiry.flatMap { chain.quote(leg.optionType, strike: leg.strike, expiry: $0)?.mid } }
            if quoted.count == legs.count {
                notes.append("\(ISO8601.formatDate(close)): condor closed at the stored quotes (mid of bid and ask)")
                return quoted
            }
        }
        guard let vix = market.vix.asOf(close.adding(seconds: 900)), vix.at.seconds(to: close) < 4 * 86_400 else {
            notes.append("\(ISO8601.formatDate(close)): sell_hedge skipped; no VIX close within 4 days to price the condor")
            return nil
        }
        var prices: [ExactDecimal] = []
        for leg in legs {
            guard let expiry = leg.expiry else { return nil }
            let price = try BlackScholes.price(leg.optionType, spot: spot, strike: leg.strike.doubleValue, volatility: vix.value / 100,
                                               rate: hedge.riskFreeRate, dividendYield: hedge.dividendYield,
                                               timeToExpiry: close.yearFraction(to: expiry))
            prices.append(try SPXTick.rounded(price))
        }
        return prices
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
        // Reserve tokens never pledged stay outside the stack, like unspent reserve cash.
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
        let vol = vix.value / 100
        var legs: [OptionLeg] = []
        if let chain = market.optionQuotes?.chain(on: close) {
            if let quoted = try quotedLegs(chain, hedge, contracts: contracts, spot: spot, volatility: vol, earliest: earliest, at: close) {
                legs = quoted
                nextHedgeAt = quoted[0].expiry ?? expiry
                notes.append("\(ISO8601.formatDate(close)): condor priced from the stored quotes (mid of bid and ask, strikes snapped to quoted ones)")
            } else {
                notes.append("\(ISO8601.formatDate(close)): the stored quotes lack the condor's expiry or strikes; priced by the model")
            }
        }
        if legs.isEmpty {
            let years = close.yearFraction(to: expiry)
            let (shortPut, shortCall) = try Self.shortStrikes(hedge, spot: spot, volatility: vol, years: years)
            let plan: [(OptionType, Double, Int)] = [(.put, shortPut - width, contracts), (.put, shortPut, -contracts),
                                                     (.call, shortCall, -contracts), (.call, shortCall + width, contracts)]
            for (type, k, quantity) in plan {
                let price = try BlackScholes.price(type, spot: spot, strike: k, volatility: vol, rate: hedge.riskFreeRate,
                                                   dividendYield: hedge.dividendYield, timeToExpiry: years)
                legs.append(OptionLeg(type, strike: ExactDecimal(Int(k)), quantity: quantity, premium: try SPXTick.rounded(price), expiry: expiry))
            }
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
        condor = (legs, legs[0].expiry ?? expiry, cash)
    }

    /// The condor from a session's stored quotes: the first quoted expiry at least `tenorDays` out
    /// that is an SPX close within the replay; the model's short strikes snapped to the nearest
    /// quoted strike (a tie goes further from spot); the wings the nearest quoted strikes to
    /// `wingWidthPoints` beyond them; every leg at the mid of its bid and ask. nil when the
    /// session lacks any of it (the caller falls back to the model).
    private func quotedLegs(_ chain: ReplayOptionQuotes.Chain, _ hedge: ReplayPolicy.Hedge, contracts: Int, spot: Double, volatility: Double,
                            earliest: Instant, at close: Instant) throws -> [OptionLeg]? {
        let end = lastDay.adding(seconds: Self.markSeconds)
        guard let expiry = chain.expiries.first(where: { $0 >= earliest && $0 <= end && market.spx.instants.contains($0.unixSeconds) }) else {
            return nil
        }
        let target = try Self.shortStrikes(hedge, spot: spot, volatility: volatility, years: close.yearFraction(to: expiry))
        let width = Double(hedge.wingWidthPoints)
        func nearest(_ type: OptionType, to k: Double, where allowed: (Double) -> Bool, tieOutward outward: Double) -> ExactDecimal? {
            chain.strikes(type, expiry: expiry).filter { allowed($0.doubleValue) }
                .min { a, b in
                    let da = abs(a.doubleValue - k), db = abs(b.doubleValue - k)
                    return da != db ? da < db : (a.doubleValue - b.doubleValue) * outward > 0
                }
        }
        guard let shortPut = nearest(.put, to: target.put, where: { $0 < spot }, tieOutward: -1),
              let shortCall = nearest(.call, to: target.call, where: { $0 > spot }, tieOutward: 1),
              let longPut = nearest(.put, to: shortPut.doubleValue - width, where: { $0 < shortPut.doubleValue }, tieOutward: -1),
              let longCall = nearest(.call, to: shortCall.doubleValue + width, where: { $0 > shortCall.doubleValue }, tieOutward: 1) else {
            return nil
        }
        var legs: [OptionLeg] = []
        for (type, strike, quantity) in [(OptionType.put, longPut, contracts), (.put, shortPut, -contracts), (.call, shortCall, -contracts),
                                         (.call, longCall, contracts)] {
            guard let quote = chain.quote(type, strike: strike, expiry: expiry) else { return nil }
            legs.append(OptionLeg(type, strike: strike, quantity: quantity, premium: quote.mid, expiry: expiry))
        }
        return legs
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
