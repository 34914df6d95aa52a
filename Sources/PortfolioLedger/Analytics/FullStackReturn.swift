import LedgerMath

/// What a return covers.
public enum ReturnScope: Sendable, Hashable {
    /// Every NFT, loan and hedge of the book.
    case portfolio
    /// One NFT with the loans it backed and the hedges protecting those loans.
    case nft(NFTID)
}

/// The layer a flow belongs to.
public enum ReturnLayer: String, Sendable, Hashable, CaseIterable {
    case nft, loan, hedge
}

/// One flow of a return, from the investor's side (− invested/paid, + received), converted at its own instant.
public struct ReturnFlow: Sendable, Hashable {
    public var layer: ReturnLayer
    public var description: String
    public var amount: ConvertedAmount
}

/// XIRR of one set of flows plus start and terminal values.
public struct LayerReturn: Sendable, Hashable {
    /// Value at t0 (entered as −value at t0), numeraire.
    public var startValue: Double
    /// Value at t1 (entered as +value at t1), numeraire.
    public var terminalValue: Double
    /// Σ flows + terminal − start: the gain, numeraire.
    public var gain: Double
    public var xirr: XIRR.Result
}

/// Full-stack return of a scope over `[t0, t1]` (DESIGN §4 "Returns").
///
/// Flows: the scope's journal entries in `(t0, t1]` (NFT purchases, sales and fees; loan proceeds,
/// repayments, interest, fees; option premiums, fees and settlements), each converted into the
/// numeraire at its own instant. Start value at t0 and terminal value at t1 are
/// `NFT values − debt + hedge MTM` (cash is not part of the scope, so external deposits and
/// withdrawals are not flows of it). XIRR on `−V0 @ t0, flows, +V1 @ t1` (Act/365F, whole days).
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
    /// Borrowing cost of the scope's loans over their lives up to t1, numeraire.
    public var borrowingCost: Double
    /// Every price used (values and conversions), once.
    public var prices: [PriceUsed]
}

extension LedgerSnapshot {
    /// The full-stack return of `scope` over `[from, to]` in `numeraire`.
    public func fullStackReturn(_ scope: ReturnScope, from: Instant, to: Instant, numeraire: Numeraire = .usd,
                                policy: PricingPolicy = .default, market: OptionMarketInputs = .default) throws -> FullStackReturnReport {
        guard from < to else { throw AnalyticsError.invalidArgument(name: "period", reason: "\(from) is not before \(to)") }
        let (nftIDs, loanIDs, hedgeIDs) = try members(of: scope)
        var prices: [PriceUsed] = []
        func note(_ ps: [PriceUsed]) { for p in ps where !prices.contains(p) { prices.append(p) } }
        var flows = try scopeFlows(nftIDs, loanIDs, hedgeIDs, from: from.adding(seconds: 1), to: to, numeraire: numeraire,
                                   policy: policy, note: note)
        // Capital a defined-risk hedge ties up: the margin posted at its opening and released at expiry.
        let margins = try hedgeIDs.sorted().compactMap { try hedgeMargin($0, market: market) }
        for margin in margins {
            for (instant, sign, text) in [(margin.posted, -1, "hedge margin posted (widest wing)"), (margin.released, 1, "hedge margin released")]
            where instant > from && instant <= to {
                let c = try convert(Money(sign < 0 ? -margin.amount : margin.amount, .usd), to: numeraire, at: instant, policy: policy)
                note(c.prices)
                flows.append(ReturnFlow(layer: .hedge, description: text, amount: c))
            }
        }
        flows.sort { $0.amount.at < $1.amount.at }
        let start = try scopeValue(nftIDs, loanIDs, hedgeIDs, at: from, numeraire: numeraire, policy: policy, market: market, note: note)
        let end = try scopeValue(nftIDs, loanIDs, hedgeIDs, at: to, numeraire: numeraire, policy: policy, market: market, note: note)
        func layerReturn(_ layers: Set<ReturnLayer>) -> LayerReturn {
            let v0 = layers.reduce(0) { $0 + (start[$1] ?? 0) }
            let v1 = layers.reduce(0) { $0 + (end[$1] ?? 0) }
            var xf: [XIRR.Flow] = [XIRR.Flow(from, -v0)]
            var sum = 0.0
            for f in flows where layers.contains(f.layer) {
                xf.append(XIRR.Flow(f.amount.at, f.amount.converted))
                sum += f.amount.converted
            }
            xf.append(XIRR.Flow(to, v1))
            return LayerReturn(startValue: v0, terminalValue: v1, gain: sum + v1 - v0, xirr: XIRR.solve(xf))
        }
        var cost = 0.0
        for loan in loanIDs {
            guard let record = try self.loan(loan), record.startedAt <= to else { continue }
            cost += try borrowingCost(loan, at: to, numeraire: numeraire, policy: policy).costInNumeraire
        }
        let total = layerReturn(Set(ReturnLayer.allCases))
        return FullStackReturnReport(scope: scope, from: from, to: to, numeraire: numeraire, flows: flows,
                                     startValue: total.startValue, terminalValue: total.terminalValue,
                                     startByLayer: start, terminalByLayer: end, total: total,
                                     nftAlone: layerReturn([.nft]), nftWithLoans: layerReturn([.nft, .loan]), hedgeAlone: layerReturn([.hedge]),
                                     borrowingCost: cost, prices: prices)
    }

    /// The journal entries in `[from, to]` that belong to the scope, each tagged with its layer and
    /// converted into the numeraire at its own instant.
    func scopeFlows(_ nftIDs: Set<NFTID>, _ loanIDs: Set<LoanID>, _ hedgeIDs: Set<HedgeID>, from: Instant, to: Instant,
                    numeraire: Numeraire, policy: PricingPolicy, note: ([PriceUsed]) -> Void) throws -> [ReturnFlow] {
        var flows: [ReturnFlow] = []
        for entry in try journal(from: from, to: to) {
            let layer: ReturnLayer
            if let n = entry.nftID, nftIDs.contains(n) { layer = .nft }
            else if let l = entry.loanID, loanIDs.contains(l) { layer = .loan }
            else if let h = entry.hedgeID, hedgeIDs.contains(h) { layer = .hedge }
            else { continue }
            let c = try convert(entry.amount, to: numeraire, at: entry.at, policy: policy)
            note(c.prices)
            flows.append(ReturnFlow(layer: layer, description: entry.description, amount: c))
        }
        return flows
    }

    /// NFTs, loans and hedges of a scope.
    func members(of scope: ReturnScope) throws -> (Set<NFTID>, Set<LoanID>, Set<HedgeID>) {
        switch scope {
        case .portfolio:
            var nfts = Set<NFTID>()
            for loan in try loans() { nfts.formUnion(loan.collateral) }
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
    private func scopeValue(_ nfts: Set<NFTID>, _ loans: Set<LoanID>, _ hedges: Set<HedgeID>, at: Instant, numeraire: Numeraire,
                            policy: PricingPolicy, market: OptionMarketInputs, note: ([PriceUsed]) -> Void) throws -> [ReturnLayer: Double] {
        var nftValue = 0.0, debt = 0.0, hedgeValue = 0.0
        for id in nfts.sorted() {
            guard let holding = try holding(of: id, at: at), holding.status.isHeld else { continue }
            let series = try valuationSeries(for: id)
            let p = try priceUsed(series, at: at, policy: policy)
            let c = try convert(Money(exact(p.price), series.quote ?? .eth), to: numeraire, at: at, policy: policy)
            note([p] + c.prices)
            nftValue += c.converted
        }
        for id in loans.sorted() {
            guard try loanStatus(id, at: at) == .open, let record = try loan(id) else { continue }
            let replay = try debtReplay(of: record, at: at)
            let c = try convert(Money(try replay.debt(at: at, loan: id), record.currency), to: numeraire, at: at, policy: policy)
            note(c.prices)
            debt += c.converted
        }
        for id in hedges.sorted() {
            guard let hedge = try hedge(id), hedge.openedAt <= at else { continue }
            let v = try hedgeValuation(id, at: at, market: market)
            // Margin still locked at `at` is part of what the hedge layer holds.
            var locked = 0.0
            if let margin = try hedgeMargin(id, market: market), margin.posted <= at, at < margin.released { locked = margin.amount.doubleValue }
            let c = try convert(Money(exact(v.valueUSD + locked), .usd), to: numeraire, at: at, policy: policy)
            note(c.prices)
            hedgeValue += c.converted
        }
        return [.nft: nftValue, .loan: -debt, .hedge: hedgeValue]
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
