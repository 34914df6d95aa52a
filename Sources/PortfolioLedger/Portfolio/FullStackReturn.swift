import LedgerMath

/// What a return covers.
public enum ReturnScope: Sendable, Hashable {
    /// Every NFT, loan, hedge and yield position of the book.
    case portfolio
    /// One NFT with the loans it backed, the hedges protecting those loans and the yield positions they funded.
    case nft(NFTID)
}

/// The layer a flow belongs to.
public enum ReturnLayer: String, Sendable, Hashable, CaseIterable {
    case nft, loan, hedge
    /// Yield positions: deposits (−), withdrawals (+), value at mark.
    case yield
}

/// One flow of a return, from the investor's side (− invested/paid, + received), converted at its own instant.
public struct ReturnFlow: Sendable, Hashable {
    public var layer: ReturnLayer
    public var description: String
    public var amount: ConvertedAmount
    /// The loan the flow belongs to (loan-layer flows only).
    public var loan: LoanID?
    /// The yield position the flow belongs to (yield-layer flows only).
    public var yieldPosition: YieldPositionID? = nil
}

/// The returns of one set of flows plus start and terminal values: money-weighted (XIRR),
/// time-weighted (TWR), money multiple and holding-period return (docs/analytics.md §7).
public struct LayerReturn: Sendable, Hashable {
    /// Value at t0 (entered as −value at t0), numeraire.
    public var startValue: Double
    /// Value at t1 (entered as +value at t1), numeraire.
    public var terminalValue: Double
    /// Σ flows + terminal − start: the gain, numeraire.
    public var gain: Double
    public var xirr: XIRR.Result
    /// Gross contributions and distributions: the money multiple and the holding-period return.
    public var money: MoneyMultiple
    /// True time-weighted return, sub-periods split at each of the layer's flows.
    public var timeWeighted: TimeWeightedReturn.Result
    public var moneyMultiple: Double? { money.multiple }
    public var holdingPeriodReturn: Double? { money.holdingPeriodReturn }
}

/// The return of one yield position on its own (deposits −, withdrawals +, value at the ends).
public struct YieldPositionReturn: Sendable, Hashable {
    public var position: YieldPositionID
    /// The loan that funded it, if any.
    public var fundingLoan: LoanID?
    public var layer: LayerReturn
}

/// The return of one loan on its own, from the borrower's side (proceeds +, payments −, debt owed −).
public struct LoanLayerReturn: Sendable, Hashable {
    public var loan: LoanID
    public var layer: LayerReturn
}

/// Full-stack return of a scope over `[t0, t1]` (DESIGN §4 "Returns").
///
/// Flows: the scope's journal entries in `(t0, t1]` (NFT purchases, sales and fees; loan proceeds,
/// repayments, interest, fees; option premiums, fees and settlements), each converted into the
/// numeraire at its own instant. Start value at t0 and terminal value at t1 are
/// `NFT values − debt + hedge MTM` (cash is not part of the scope, so external deposits and
/// withdrawals are not flows of it). XIRR on `−V0 @ t0, flows, +V1 @ t1` (Act/365F, whole days);
/// beside it, per layer and per loan, the money multiple, the holding-period return and the true
/// time-weighted return (``LayerReturn``, docs/analytics.md §7.1).
public struct FullStackReturnReport: Sendable, Hashable {
    public var scope: ReturnScope
    public var from: Instant
    public var to: Instant
    public var numeraire: Numeraire
    public var flows: [ReturnFlow]
    public var startValue: Double
    public var terminalValue: Double
    /// Components of the start and terminal values: (layer → value) at t0 and t1.
    public var startByLayer: [ReturnLayer: Double]
    public var terminalByLayer: [ReturnLayer: Double]
    public var total: LayerReturn
    /// NFT alone (unlevered).
    public var nftAlone: LayerReturn
    /// NFT and its loans.
    public var nftWithLoans: LayerReturn
    /// The hedge alone.
    public var hedgeAlone: LayerReturn
    /// The yield positions alone; `nil` when the scope has none (books without yield positions
    /// report exactly what they did before the layer existed).
    public var yieldAlone: LayerReturn? = nil
    /// Each yield position of the scope on its own.
    public var perYieldPosition: [YieldPositionReturn] = []
    /// Every loan of the scope on its own (the loan layer split per loan).
    public var perLoan: [LoanLayerReturn]
    /// Borrowing cost of the scope's loans over their lives up to t1, numeraire.
    public var borrowingCost: Double
    /// Every price used (values and conversions), once.
    public var prices: [PriceUsed]
    /// Prices missing under `.flag`: each left a flow or a value out, so the figures are incomplete.
    public var problems: [String] = []
    public var isComplete: Bool { problems.isEmpty }
}

/// A hedge as a return's valuations see it: its margin, and when it stops holding anything.
struct HedgeWindow {
    var margin: (amount: ExactDecimal, posted: Instant, released: Instant)?
    var woundUpFrom: Instant?
}

extension LedgerSnapshot {
    /// The full-stack return of `scope` over `[from, to]` in `numeraire`.
    public func fullStackReturn(_ scope: ReturnScope, from: Instant, to: Instant, numeraire: Numeraire = .usd,
                                policy: PricingPolicy = .default, market: OptionMarketInputs = .default) throws -> FullStackReturnReport {
        guard from < to else { throw AnalyticsError.invalidArgument(name: "period", reason: "\(from) is not before \(to)") }
        let (allNFTs, loanIDs, hedgeIDs) = try members(of: scope)
        let yieldIDs = try yieldMembers(of: scope, loans: loanIDs)
        // An opening position of unknown cost has no measurable return: counting it at zero cost
        // would show its whole value as gain, so it is left out and the report says so.
        let unknownCost = try allNFTs.sorted().filter { try hasUnknownCost($0, at: to) }
        let nftIDs = allNFTs.subtracting(unknownCost)
        let unknownCostProblems = try unknownCost.map { "\(try describe($0)) (nft \($0)): opening position of unknown cost, left out" }
        var prices: [PriceUsed] = [], seen: Set<PriceUsed> = []
        func note(_ ps: [PriceUsed]) { for p in ps where seen.insert(p).inserted { prices.append(p) } }
        let missing = MissingPrices(policy)
        var flows = try scopeFlows(nftIDs, loanIDs, hedgeIDs, yieldIDs, from: from.adding(seconds: 1), to: to, numeraire: numeraire,
                                   policy: policy, note: note, missing: missing)
        // Capital a defined-risk hedge ties up: the margin posted at its opening and released at expiry.
        let margins = try hedgeIDs.sorted().compactMap { try hedgeMargin($0, market: market) }
        for margin in margins {
            for (instant, sign, text) in [(margin.posted, -1, "hedge margin posted (widest wing)"), (margin.released, 1, "hedge margin released")]
            where instant > from && instant <= to {
                guard let c = try missing.attempt(text + " at \(instant)", {
                    try convert(Money(sign < 0 ? -margin.amount : margin.amount, .usd), to: numeraire, at: instant, policy: policy)
                }) else { continue }
                note(c.prices)
                flows.append(ReturnFlow(layer: .hedge, description: text, amount: c))
            }
        }
        flows.sort { $0.amount.at < $1.amount.at }
        let windows = try hedgeWindows(hedgeIDs, market: market)
        func value(at instant: Instant, pricedAt: Instant? = nil) throws -> ScopeValue {
            try scopeValue(nftIDs, loanIDs, windows, yieldIDs, at: instant, pricedAt: pricedAt, numeraire: numeraire, policy: policy, market: market,
                           note: note, missing: missing)
        }
        let start = try value(at: from), end = try value(at: to)
        // What the scope held one second before each flow instant, priced at that instant: the
        // value just before money moved, at the prices the flows were converted at.
        let flowInstants = Array(Set(flows.map(\.amount.at))).sorted()
        var beforeFlows: [Instant: ScopeValue] = [:]
        var valuationProblem: String?
        do {
            for instant in flowInstants { beforeFlows[instant] = try value(at: instant.adding(seconds: -1), pricedAt: instant) }
        } catch let error as AnalyticsError {
            valuationProblem = "a value just before a flow is missing: \(error)"
        }
        func layerReturn(_ slice: ReturnSlice) -> LayerReturn {
            let v0 = slice.value(start), v1 = slice.value(end)
            let own = flows.filter(slice.includes)
            var xf: [XIRR.Flow] = [XIRR.Flow(from, -v0)]
            for f in own { xf.append(XIRR.Flow(f.amount.at, f.amount.converted)) }
            xf.append(XIRR.Flow(to, v1))
            let amounts = own.map(\.amount.converted)
            let twr: TimeWeightedReturn.Result = valuationProblem.map { .undefined(reason: $0) }
                ?? timeWeighted(own, slice: slice, from: (from, v0), to: (to, v1), before: beforeFlows)
            return LayerReturn(startValue: v0, terminalValue: v1, gain: amounts.reduce(0, +) + v1 - v0, xirr: XIRR.solve(xf),
                               money: MoneyMultiple(startValue: v0, flows: amounts, terminalValue: v1), timeWeighted: twr)
        }
        var cost = 0.0
        for loan in loanIDs.sorted() {
            guard let record = try self.loan(loan), record.inBookFrom <= to else { continue }
            cost += try missing.attempt("loan \(loan) borrowing cost") {
                try borrowingCost(loan, at: to, numeraire: numeraire, policy: policy).costInNumeraire
            } ?? 0
        }
        let total = layerReturn(.layers(Set(ReturnLayer.allCases)))
        let perLoan = loanIDs.sorted().filter { id in flows.contains { $0.loan == id } || start.debts[id] != nil || end.debts[id] != nil }
            .map { LoanLayerReturn(loan: $0, layer: layerReturn(.loan($0))) }
        let fundedBy = Dictionary(uniqueKeysWithValues: try yieldIDs.map { ($0, try yieldPosition($0)?.fundingLoan) })
        var report = FullStackReturnReport(scope: scope, from: from, to: to, numeraire: numeraire, flows: flows,
                                     startValue: total.startValue, terminalValue: total.terminalValue,
                                     startByLayer: start.byLayer, terminalByLayer: end.byLayer, total: total,
                                     nftAlone: layerReturn(.layers([.nft])), nftWithLoans: layerReturn(.layers([.nft, .loan])),
                                     hedgeAlone: layerReturn(.layers([.hedge])), perLoan: perLoan, borrowingCost: cost,
                                     // By time, then series: the valuations before each flow note their prices out of order.
                                     prices: prices.sorted { ($0.observedAt, $0.asOf, $0.series) < ($1.observedAt, $1.asOf, $1.series) },
                                     problems: unknownCostProblems + missing.problems)
        if !yieldIDs.isEmpty {
            report.yieldAlone = layerReturn(.layers([.yield]))
            report.perYieldPosition = yieldIDs.sorted().map {
                YieldPositionReturn(position: $0, fundingLoan: fundedBy[$0] ?? nil, layer: layerReturn(.yieldPosition($0)))
            }
        }
        return report
    }

    /// The yield positions of a scope: every one for the portfolio; for one NFT, those its loans funded.
    func yieldMembers(of scope: ReturnScope, loans: Set<LoanID>) throws -> Set<YieldPositionID> {
        let all = try yieldPositions()
        switch scope {
        case .portfolio: return Set(all.map(\.id))
        case .nft: return Set(all.filter { $0.fundingLoan.map(loans.contains) ?? false }.map(\.id))
        }
    }

    /// The layer's sub-periods split at each of its flow instants: capital at the start = value one
    /// second before the flows − their sum (money put in raises it, money taken out lowers it);
    /// value at the end = value one second before the next flows, or the terminal value.
    private func timeWeighted(_ own: [ReturnFlow], slice: ReturnSlice, from: (Instant, Double), to: (Instant, Double),
                              before: [Instant: ScopeValue]) -> TimeWeightedReturn.Result {
        var netByInstant: [(Instant, Double)] = []
        for f in own {
            if let last = netByInstant.last, last.0 == f.amount.at { netByInstant[netByInstant.count - 1].1 += f.amount.converted }
            else { netByInstant.append((f.amount.at, f.amount.converted)) }
        }
        var periods: [TimeWeightedReturn.SubPeriod] = []
        var open: (Instant, Double)? = from.1 == 0 ? nil : from
        for (instant, net) in netByInstant {
            guard let valueBefore = before[instant].map(slice.value) else { continue }
            if let (start, capital) = open, start < instant {
                periods.append(.init(start: start, end: instant, startCapital: capital, endValue: valueBefore))
            }
            open = (instant, valueBefore - net)
        }
        if let (start, capital) = open, start < to.0 {
            periods.append(.init(start: start, end: to.0, startCapital: capital, endValue: to.1))
        }
        return TimeWeightedReturn.chain(periods)
    }

    /// The journal entries in `[from, to]` that belong to the scope, each tagged with its layer and
    /// converted into the numeraire at its own instant.
    func scopeFlows(_ nftIDs: Set<NFTID>, _ loanIDs: Set<LoanID>, _ hedgeIDs: Set<HedgeID>, _ yieldIDs: Set<YieldPositionID> = [],
                    from: Instant, to: Instant,
                    numeraire: Numeraire, policy: PricingPolicy, note: ([PriceUsed]) -> Void,
                    missing: MissingPrices? = nil) throws -> [ReturnFlow] {
        var flows: [ReturnFlow] = []
        for entry in try journal(from: from, to: to) {
            let layer: ReturnLayer
            if let n = entry.nftID, nftIDs.contains(n) { layer = .nft }
            else if let l = entry.loanID, loanIDs.contains(l) { layer = .loan }
            else if let h = entry.hedgeID, hedgeIDs.contains(h) { layer = .hedge }
            else if let y = entry.yieldPositionID, yieldIDs.contains(y) { layer = .yield }
            else { continue }
            guard let c = try missing.attempt("flow '\(entry.description)' at \(entry.at)", {
                try convert(entry.amount, to: numeraire, at: entry.at, policy: policy)
            }) else { continue }
            note(c.prices)
            flows.append(ReturnFlow(layer: layer, description: entry.description, amount: c, loan: layer == .loan ? entry.loanID : nil,
                                    yieldPosition: layer == .yield ? entry.yieldPositionID : nil))
        }
        return flows
    }

    /// Whether `nft` was held at some point up to `at` through an opening position of unknown cost.
    func hasUnknownCost(_ nft: NFTID, at: Instant) throws -> Bool {
        try trades(of: nft).contains { $0.isOpening && !$0.isCostKnown && $0.tradedAt <= at }
    }

    /// NFTs, loans and hedges of a scope.
    func members(of scope: ReturnScope) throws -> (Set<NFTID>, Set<LoanID>, Set<HedgeID>) {
        switch scope {
        case .portfolio:
            var nfts = Set<NFTID>()
            for loan in try loans() { nfts.formUnion(try nftsEverPledged(to: loan.id)) }
            for entry in try journal(from: Instant(unixSeconds: 0), to: Instant(unixSeconds: 253_402_300_799)) {
                if let n = entry.nftID { nfts.insert(n) }
            }
            return (nfts, Set(try loans().map(\.id)), Set(try hedges().map(\.id)))
        case .nft(let id):
            guard try nft(id) != nil else { throw AnalyticsError.unknownEntity(kind: "nft", id: id.description) }
            let loans = Set(try loans(collateral: id).map(\.id))
            let hedges = Set(try hedges().filter { !Set($0.protectedLoans).isDisjoint(with: loans) }.map(\.id))
            return ([id], loans, hedges)
        }
    }

    /// Value of the scope's layers at `at` in the numeraire: NFTs held (not disposed), −debt, hedge MTM.
    /// With `pricedAt`, what was held at `at` is priced (floors, FX) at `pricedAt` instead.
    private func scopeValue(_ nfts: Set<NFTID>, _ loans: Set<LoanID>, _ hedges: [HedgeID: HedgeWindow], _ yields: Set<YieldPositionID>,
                            at: Instant, pricedAt: Instant? = nil,
                            numeraire: Numeraire, policy: PricingPolicy, market: OptionMarketInputs, note: ([PriceUsed]) -> Void,
                            missing: MissingPrices? = nil) throws -> ScopeValue {
        let priced = pricedAt ?? at
        var nftValue = 0.0, debts: [LoanID: Double] = [:], hedgeValue = 0.0
        for id in nfts.sorted() {
            guard let holding = try holding(of: id, at: at), holding.status.isHeld else { continue }
            guard let (p, c) = try missing.attempt("nft \(id) at \(priced)", { () throws -> (PriceUsed, ConvertedAmount) in
                let series = try valuationSeries(for: id)
                let p = try priceUsed(series, at: priced, policy: policy)
                return (p, try convert(Money(exact(p.price), series.quote ?? .eth), to: numeraire, at: priced, policy: policy))
            }) else { continue }
            note([p] + c.prices)
            nftValue += c.converted
        }
        for id in loans.sorted() {
            guard try loanStatus(id, at: at) == .open, let record = try loan(id) else { continue }
            let replay = try debtReplay(of: record, at: at)
            let owed = Money(try replay.debt(at: priced, loan: id), record.currency)
            guard let c = try missing.attempt("loan \(id) debt at \(priced)", { try convert(owed, to: numeraire, at: priced, policy: policy) })
            else { continue }
            note(c.prices)
            debts[id] = c.converted
        }
        for (id, window) in hedges.sorted(by: { $0.key < $1.key }) {
            guard let hedge = try hedge(id), hedge.openedAt <= at else { continue }
            // A wound-up hedge is worth 0 without valuing its legs (its 0 is still converted below,
            // so the prices used are the same either way).
            let valueUSD: Double
            if let from = window.woundUpFrom, at >= from {
                valueUSD = 0
            } else {
                guard let v = try missing.attempt("hedge \(id) at \(at)", { try hedgeValuation(id, at: at, market: market) }) else { continue }
                valueUSD = v.valueUSD
            }
            // Margin still locked at `at` is part of what the hedge layer holds.
            var locked = 0.0
            if let margin = window.margin, margin.posted <= at, at < margin.released { locked = margin.amount.doubleValue }
            guard let c = try missing.attempt("hedge \(id) at \(priced)", {
                try convert(Money(exact(valueUSD + locked), .usd), to: numeraire, at: priced, policy: policy)
            }) else { continue }
            note(c.prices)
            hedgeValue += c.converted
        }
        var yieldValues: [YieldPositionID: Double] = [:]
        for id in yields.sorted() {
            guard let position = try yieldPosition(id) else { continue }
            guard let c = try missing.attempt("yield position \(id) at \(priced)", { () throws -> ConvertedAmount in
                let v = try yieldValue(id, at: at, pricedAt: priced, policy: policy)
                if let p = v.sharePrice { note([p]) }
                return try convert(Money(exact(v.value), position.currency), to: numeraire, at: priced, policy: policy)
            }) else { continue }
            note(c.prices)
            yieldValues[id] = c.converted
        }
        return ScopeValue(nft: nftValue, debts: debts, hedge: hedgeValue, yields: yieldValues)
    }

    /// Each hedge's margin and the instant from which it holds nothing (its last trade,
    /// settlement and margin release are past and every position has settled: worth 0 from then
    /// on), computed once per return. Valuing each hedge ever opened at each of many flow instants
    /// — with its margin's condor rebuilt each time — made a return over a long history quadratic
    /// in it (found by the derived analytics, which run one over the whole book).
    func hedgeWindows(_ hedges: Set<HedgeID>, market: OptionMarketInputs) throws -> [HedgeID: HedgeWindow] {
        var windows: [HedgeID: HedgeWindow] = [:]
        for id in hedges {
            let margin = try hedgeMargin(id, market: market)
            var last = try hedge(id)?.openedAt ?? Instant(unixSeconds: 0)
            for trade in try optionTrades(of: id) { last = max(last, trade.tradedAt) }
            for settlement in try optionSettlements(of: id) { last = max(last, settlement.settledAt) }
            if let margin { last = max(last, margin.released) }
            let settled = try positions(of: id, at: last).allSatisfy { $0.settlement != nil }
            windows[id] = HedgeWindow(margin: margin, woundUpFrom: settled ? last : nil)
        }
        return windows
    }

    /// The margin a defined-risk hedge (an iron condor) ties up: its widest wing × multiplier ×
    /// contracts (= max loss + credit), posted when it opens and released at its last expiry.
    /// It depends on the strikes only, so no price is needed. Other hedges report none.
    func hedgeMargin(_ id: HedgeID, market: OptionMarketInputs) throws -> (amount: ExactDecimal, posted: Instant, released: Instant)? {
        guard let hedge = try hedge(id) else { return nil }
        let positions = try self.positions(of: id, at: hedge.openedAt)
        guard let release = positions.map(\.contract.expiresAt).max(), let multiplier = positions.first?.contract.multiplier else { return nil }
        let legs = positions.map { OptionLeg($0.contract.optionType, strike: $0.contract.strike, quantity: $0.quantity, premium: .zero,
                                             expiry: $0.contract.expiresAt) }
        guard let condor = try? IronCondor(legs: legs, multiplier: multiplier) else { return nil }
        let amount = max(condor.putWingWidth, condor.callWingWidth) * ExactDecimal(multiplier) * ExactDecimal(condor.contracts)
        return (amount, hedge.openedAt, release)
    }
}

/// What a scope holds at one instant, in the numeraire: NFTs, each open loan's debt, hedges.
struct ScopeValue {
    var nft: Double
    /// Debt per open loan (positive).
    var debts: [LoanID: Double]
    var hedge: Double
    /// Value per yield position.
    var yields: [YieldPositionID: Double] = [:]

    // Summed in a fixed order (by loan id; layers in declaration order): a Dictionary's or Set's
    // iteration order changes from process to process, and so would the last bits of a Double sum.
    var byLayer: [ReturnLayer: Double] {
        var layers: [ReturnLayer: Double] = [.nft: nft, .loan: -debts.sorted { $0.key < $1.key }.reduce(0) { $0 + $1.value }, .hedge: hedge]
        // Only a scope with yield positions has the layer: the others' totals keep their exact sums.
        if !yields.isEmpty { layers[.yield] = yields.sorted { $0.key < $1.key }.reduce(0) { $0 + $1.value } }
        return layers
    }
}

/// A part of a scope whose return is reported: some layers, or one loan.
enum ReturnSlice {
    case layers(Set<ReturnLayer>)
    case loan(LoanID)
    case yieldPosition(YieldPositionID)

    func includes(_ flow: ReturnFlow) -> Bool {
        switch self {
        case .layers(let layers): layers.contains(flow.layer)
        case .loan(let id): flow.loan == id
        case .yieldPosition(let id): flow.yieldPosition == id
        }
    }

    func value(_ v: ScopeValue) -> Double {
        switch self {
        case .layers(let layers):
            let values = v.byLayer
            return ReturnLayer.allCases.filter(layers.contains).reduce(0) { $0 + (values[$1] ?? 0) }
        case .loan(let id): return -(v.debts[id] ?? 0)
        case .yieldPosition(let id): return v.yields[id] ?? 0
        }
    }
}
