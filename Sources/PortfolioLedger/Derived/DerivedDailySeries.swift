import LedgerMath

/// The daily series behind the derived tables, computed with the library's own analytics
/// (`loanState`, `optionValuation`, the portfolio valuation's pricing, `fullStackReturn`).
///
/// Linear in history: each loan is walked over its own open days, each hedge over the days it
/// holds contracts, each NFT over the days it is held, and the journal once, forward; no
/// report that reads the whole history runs per day. The portfolio's layers are sums of those
/// walks (debt per loan-day, hedge value per hedge-day), so a day costs what the book holds that
/// day, not what it held before.
extension LedgerSnapshot {
    /// First and last UTC day with something to value: from the first cash movement to the latest
    /// booked instant (cash movement, price observation or option quote). `nil` for an empty book.
    func derivedDayRange() throws -> (from: Int64, through: Int64)? {
        let journal = try self.journal(from: Instant(unixSeconds: 0), to: Instant(unixSeconds: 253_402_300_799))
        guard let first = journal.first, var last = journal.last?.at else { return nil }
        let end = Instant(unixSeconds: 253_402_300_799)
        for series in try allSeries() {
            if let p = try priceIfAny(of: series.id, at: end), p.observedAt > last { last = p.observedAt }
        }
        for hedge in try hedges() {
            for contract in Set(try optionTrades(of: hedge.id).map(\.contractID)) {
                if let q = try latestQuote(of: contract, at: end), q.quotedAt > last { last = q.quotedAt }
            }
        }
        return (DerivedDay.start(of: first.at), DerivedDay.start(of: last))
    }

    /// Every derived row for the days `emitFrom…through` (the return layers over `from…through`).
    func derivedRows(_ parameters: DerivedAnalyticsParameters, from: Int64, through: Int64, emitFrom: Int64) throws -> DerivedRows {
        var rows = DerivedRows()
        // No new day (an incremental refresh after a booking that adds none): only the returns.
        let dayCount = max(0, Int((through - emitFrom) / DerivedDay.seconds) + 1)
        var portfolio = (0..<dayCount).map { PortfolioDayRow(dayAt: emitFrom + Int64($0) * DerivedDay.seconds) }
        let policy = parameters.policy
        // Loans: debt and risk per open day; the debt in USD feeds the portfolio's debt layer.
        for record in try loans() {
            let events = try loanEvents(of: record.id)
            var day = max(DerivedDay.start(of: record.inBookFrom), emitFrom)
            while day <= through {
                let at = DerivedDay.valuationInstant(day)
                let state = try loanState(record, events: events, at: at, riskSource: .floor, policy: policy, shock: .none)
                if state.status != .open { if state.status == .notStarted { day += DerivedDay.seconds; continue } else { break } }
                rows.loanDays.append(LoanDayRow(state, dayAt: day))
                let index = Int((day - emitFrom) / DerivedDay.seconds)
                do {
                    portfolio[index].debtUSD += try convert(Money(state.debt, record.currency), to: .usd, at: at, policy: policy).converted
                } catch let error as AnalyticsError where error.isPriceProblem {
                    portfolio[index].problems.append("loan \(record.id) debt: \(error)")
                }
                day += DerivedDay.seconds
            }
        }
        try appendHedgeLegDays(parameters, through: through, emitFrom: emitFrom, into: &rows, portfolio: &portfolio)
        try addNFTValues(policy, through: through, emitFrom: emitFrom, to: &portfolio)
        try addYieldValues(policy, through: through, emitFrom: emitFrom, to: &portfolio)
        try addCashAndFlows(policy, through: through, emitFrom: emitFrom, to: &portfolio)
        rows.portfolioDays = portfolio
        do {
            let report = try fullStackReturn(.portfolio, from: Instant(unixSeconds: from), to: DerivedDay.valuationInstant(through),
                                             policy: policy, market: parameters.market)
            let span = (report.from, report.to)
            rows.returnLayers = [("total", report.total), ("nft", report.nftAlone), ("nft_with_loans", report.nftWithLoans),
                                 ("hedge", report.hedgeAlone)].map { ReturnLayerRow(layer: $0.0, loan: nil, from: span.0, to: span.1, result: $0.1) }
                + (report.yieldAlone.map { [ReturnLayerRow(layer: "yield", loan: nil, from: span.0, to: span.1, result: $0)] } ?? [])
                + report.perLoan.map { ReturnLayerRow(layer: "loan", loan: $0.loan, from: span.0, to: span.1, result: $0.layer) }
        } catch let error as AnalyticsError {
            rows.returnsProblem = error.description
        }
        return rows
    }

    /// Per hedge, every contract it holds, each day from its first trade while any leg is
    /// unsettled; a hedge whose legs all value adds its mark-to-market to the portfolio's day.
    private func appendHedgeLegDays(_ parameters: DerivedAnalyticsParameters, through: Int64, emitFrom: Int64,
                                    into rows: inout DerivedRows, portfolio: inout [PortfolioDayRow]) throws {
        for hedge in try hedges() {
            let trades = try optionTrades(of: hedge.id)
            guard let firstTrade = trades.map(\.tradedAt).min(), let lastTrade = trades.map(\.tradedAt).max() else { continue }
            var day = max(DerivedDay.start(of: min(firstTrade, hedge.openedAt)), emitFrom)
            while day <= through {
                let at = DerivedDay.valuationInstant(day)
                let live = try positions(of: hedge.id, at: at).filter { ($0.settlement?.settledAt.unixSeconds ?? .max) >= day }
                if live.isEmpty && day > DerivedDay.start(of: lastTrade) { break }
                let index = Int((day - emitFrom) / DerivedDay.seconds)
                var hedgeUSD = 0.0
                var failure: String?
                let rate: Double?
                do { rate = try optionRate(parameters.market, at: at).rate } catch let error as AnalyticsError { rate = nil; failure = error.description }
                for position in live {
                    var row = HedgeLegDayRow(hedge: hedge.id, contract: position.contract.id, dayAt: day, quantity: position.quantity)
                    if let rate {
                        do {
                            let leg = try optionValuation(position.contract.id, quantity: position.quantity, settlement: position.settlement,
                                                          at: at, market: parameters.market, rate: rate, shock: .none)
                            row.valuation = leg
                            if leg.markSource != .settled { hedgeUSD += leg.valueUSD }
                        } catch let error as AnalyticsError {
                            row.problem = error.description
                            failure = failure ?? error.description
                        }
                    } else {
                        row.problem = failure
                    }
                    rows.hedgeLegDays.append(row)
                }
                if hedge.openedAt <= at {
                    if let failure { portfolio[index].problems.append("hedge \(hedge.id): \(failure)") } else { portfolio[index].hedgeUSD += hedgeUSD }
                }
                day += DerivedDay.seconds
            }
        }
    }

    /// The NFT layer: each NFT's held days counted per valuation series, then one as-of price and
    /// one FX rate per series and day (the portfolio valuation's appraisal-else-floor rule).
    private func addNFTValues(_ policy: PricingPolicy, through: Int64, emitFrom: Int64, to portfolio: inout [PortfolioDayRow]) throws {
        // Held NFTs per valuation series, per wallet they are kept in ("" = none named), per day.
        var heldBySeries: [PriceSeriesID: (series: PriceSeries, days: [String: [Int]])] = [:]
        var unpriced: [Int: [String]] = [:]
        for holding in try nfts(at: DerivedDay.valuationInstant(through)) {
            let timeline = try holdingTimeline(of: holding.nft.id)
            let transfers = try self.transfers(of: holding.nft.id)
            let series: Result<PriceSeries, AnalyticsError>
            do { series = .success(try valuationSeries(for: holding.nft.id)) } catch let error as AnalyticsError { series = .failure(error) }
            var day = max(DerivedDay.start(of: holding.acquisition.tradedAt), emitFrom)
            while day <= through {
                let index = Int((day - emitFrom) / DerivedDay.seconds)
                let at = DerivedDay.valuationInstant(day)
                let (state, acquisition) = timeline.state(at: at)
                switch state {
                case .held, .pledged:
                    let wallet = Self.wallet(keptSince: acquisition, transfers: transfers, at: at) ?? ""
                    portfolio[index].nftCountByWallet[wallet, default: 0] += 1
                    switch series {
                    case .success(let s):
                        heldBySeries[s.id, default: (s, [:])].days[wallet, default: Array(repeating: 0, count: portfolio.count)][index] += 1
                    case .failure(let error):
                        unpriced[index, default: []].append("nft \(holding.nft.id): \(error)")
                    }
                case .neverHeld, .disposed, .lost: break
                }
                day += DerivedDay.seconds
            }
        }
        for (index, problems) in unpriced { portfolio[index].problems += problems }
        for (_, entry) in heldBySeries.sorted(by: { $0.key < $1.key }) {
            let quote = entry.series.quote ?? .eth
            for index in portfolio.indices {
                let counts = entry.days.compactMap { wallet, days in days[index] > 0 ? (wallet, days[index]) : nil }.sorted { $0.0 < $1.0 }
                let count = counts.reduce(0) { $0 + $1.1 }
                guard count > 0 else { continue }
                let at = DerivedDay.valuationInstant(portfolio[index].dayAt)
                do {
                    let price = try priceUsed(entry.series, at: at, policy: policy)
                    let usd = try fxRate(from: quote, to: .usd, at: at, policy: policy)
                    portfolio[index].nftUSD += Double(count) * price.price * usd.rate
                    for (wallet, n) in counts { portfolio[index].nftUSDByWallet[wallet, default: 0] += Double(n) * price.price * usd.rate }
                } catch let error as AnalyticsError where error.isPriceProblem {
                    portfolio[index].problems.append("\(count) NFT(s) valued by '\(entry.series.name)': \(error)")
                }
            }
        }
    }

    /// Each yield position's value (shares × the as-of share price, or the accrued balance) on
    /// every day from its first flow, as the portfolio valuation counts it.
    private func addYieldValues(_ policy: PricingPolicy, through: Int64, emitFrom: Int64, to portfolio: inout [PortfolioDayRow]) throws {
        for position in try yieldPositions() {
            guard let first = try yieldFlows(of: position.id).map(\.flowedAt).min() else { continue }
            var day = max(DerivedDay.start(of: first), emitFrom)
            while day <= through {
                let at = DerivedDay.valuationInstant(day)
                let index = Int((day - emitFrom) / DerivedDay.seconds)
                do {
                    let value = try yieldValue(position.id, at: at, policy: policy).value
                    if value != 0 {
                        portfolio[index].yieldUSD += try convert(Money(exact(value), position.currency), to: .usd, at: at, policy: policy).converted
                    }
                } catch let error as AnalyticsError where error.isPriceProblem {
                    portfolio[index].problems.append("yield position \(position.id): \(error)")
                }
                day += DerivedDay.seconds
            }
        }
    }

    /// Cash per currency and external flows, walking the journal once, forward.
    private func addCashAndFlows(_ policy: PricingPolicy, through: Int64, emitFrom: Int64, to portfolio: inout [PortfolioDayRow]) throws {
        let journal = try self.journal(from: Instant(unixSeconds: 0), to: DerivedDay.valuationInstant(through))
        var balances: [Currency: ExactDecimal] = [:]
        var invested = 0.0
        var next = 0
        var day = DerivedDay.start(of: journal.first?.at ?? Instant(unixSeconds: emitFrom))
        while day <= through {
            let at = DerivedDay.valuationInstant(day)
            var flowed = 0.0
            var flowProblems: [String] = []
            while next < journal.count, journal[next].at <= at {
                let entry = journal[next]
                balances[entry.amount.currency, default: .zero] += entry.amount.amount
                // The statement's external flows: deposits and withdrawals, opening cash balances,
                // the owner's contributions of opening positions and running loans (WALLETS-2, -4).
                if Self.statementKind(of: entry)?.isExternalFlow == true {
                    do {
                        flowed += try convert(entry.amount, to: .usd, at: entry.at, policy: policy).converted
                    } catch let error as AnalyticsError where error.isPriceProblem {
                        flowProblems.append("external flow \(entry.entryID): \(error)")
                    }
                }
                next += 1
            }
            invested += flowed
            if day >= emitFrom {
                let index = Int((day - emitFrom) / DerivedDay.seconds)
                portfolio[index].externalFlowUSD = flowed
                portfolio[index].investedCapitalUSD = invested
                portfolio[index].problems += flowProblems
                for currency in balances.keys.sorted() {
                    guard let amount = balances[currency], !amount.isZero else { continue }
                    do {
                        portfolio[index].cashUSD += try convert(Money(amount, currency), to: .usd, at: at, policy: policy).converted
                    } catch let error as AnalyticsError where error.isPriceProblem {
                        portfolio[index].problems.append("cash \(currency): \(error)")
                    }
                }
            }
            day += DerivedDay.seconds
        }
    }
}

extension LoanDayRow {
    init(_ state: LoanStateReport, dayAt: Int64) {
        let risk = state.risk
        self.init(loan: state.loan.id, dayAt: dayAt, outstandingPrincipal: state.outstandingPrincipal, debt: state.debt,
                  accruedInterest: state.accruedInterest, collateralValue: risk?.collateral.value,
                  collateralCount: risk?.collateral.items.count ?? 0, loanToValue: risk?.loanToValue,
                  liquidationThreshold: risk?.liquidationThreshold, healthFactor: risk?.healthFactor?.doubleValue,
                  noDebt: risk?.healthFactor == .noDebt, liquidationFloorPrice: risk?.liquidationFloorPrice,
                  isLiquidatable: risk?.isLiquidatable, price: risk?.collateral.items.first?.price,
                  priceProblem: state.priceProblem?.description)
    }
}
