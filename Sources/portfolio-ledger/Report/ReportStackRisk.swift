import ArgumentParser
import LedgerMath
import PortfolioLedger

/// `report break-even`: the floor at which a stack's P&L since inception is zero, beside each loan's liquidation floor.
struct ReportBreakEven: ReportView {
    static let configuration = CommandConfiguration(
        commandName: "break-even",
        abstract: "The collateral floor at which the stack's P&L since inception is zero (other prices held), and each loan's liquidation floor."
    )

    @OptionGroup var options: ReportOptions
    @OptionGroup var marketOptions: OptionMarketOptions
    @Option(help: "One NFT's stack (the NFT, its loans, the hedges protecting them); default: the portfolio.")
    var nft: Int64?
    @Option(help: "The collection whose floor varies (default: the one collection the scope holds).")
    var collection: Int64?
    @Option(name: .customLong("floor-series"), help: "The floor series to use when the collection has several.")
    var floorSeries: String?
    @Option(help: "Numeraire of the P&L: usd or eth.")
    var numeraire: Numeraire = .usd

    func output() throws -> ReportOutput {
        let at = try options.atInstant
        let report = try options.read { book in
            try book.stackBreakEven(nft.map { .nft(NFTID($0)) } ?? .portfolio, at: at, collection: collection.map(CollectionID.init),
                                    floorSeries: floorSeries, numeraire: numeraire, policy: options.policy, market: marketOptions.market)
        }
        return try Self.render(report).stamped(options, at: at)
    }

    static func thresholdName(_ t: FloorThreshold) -> String {
        switch t.kind {
        case .breakEven: "break-even"
        case .liquidation(let loan): "loan \(loan) liquidation"
        }
    }

    static func render(_ r: StackBreakEvenReport) -> ReportOutput {
        let n = r.numeraire.rawValue, c = r.floorCurrency.code
        let scope = switch r.scope { case .portfolio: "portfolio"; case .nft(let id): "NFT \(id)" }
        var text = "Break-even floor of the \(scope) at \(r.at) (P&L in \(n), floor '\(r.floorSeries)' in \(c))\n\n"
        let breakEven: String = switch r.breakEven {
        case let .at(price, usd): "\(Fmt.num(price)) \(c)" + (usd.map { " = \(Fmt.usd($0)) USD" } ?? "")
        case .none(let reason): "none: \(reason)"
        }
        text += PlainTable.keyValue([
            ("current floor", .string("\(Fmt.num(r.currentFloor.price)) \(c)")), ("NFTs moving with the floor", .integer(r.floorNFTCount)),
            ("flows since inception", .string(Fmt.num(r.flowsTotal, 2))), ("other NFTs", .string(Fmt.num(r.fixedNFTValue, 2))),
            ("debt", .string(Fmt.num(-r.debt, 2))), ("hedge MTM", .string(Fmt.num(r.hedgeValue, 2))),
            ("P&L at current floor", .string(Fmt.num(r.pnlAtCurrentFloor, 2))),
            ("P&L per 1 \(c) of floor", .string(Fmt.num(r.slope, 2))), ("break-even floor", .string(breakEven)),
        ])
        let rows = r.thresholds.map { [thresholdName($0), Fmt.num($0.price), Fmt.pct($0.distance)] }
        text += "\n\nAs the floor falls (highest first)\n" + PlainTable.grid(header: ["threshold", "floor (\(c))", "distance"], rows: rows, rightAligned: [1, 2])
        for l in r.loans { if case .none(let reason) = l.priceLiquidation { text += "\nloan \(l.loan): no price liquidation: \(reason)" } }
        text += "\n" + Fmt.pricesText(r.prices)
        let json: OutputJSON = .object([
            ("report", .string("break-even")), ("at", .string(r.at.description)), ("scope", .string(scope)), ("numeraire", .string(n)),
            ("collection_id", .integer(Int(r.collection.rawValue))), ("floor_series", .string(r.floorSeries)), ("floor_currency", .string(c)),
            ("current_floor", Fmt.priceJSON(r.currentFloor)), ("floor_nft_count", .integer(r.floorNFTCount)),
            ("floor_to_numeraire", .number(r.floorToNumeraire)), ("flows_total", .number(r.flowsTotal)),
            ("fixed_nft_value", .number(r.fixedNFTValue)), ("debt", .number(r.debt)), ("hedge_value", .number(r.hedgeValue)),
            ("slope", .number(r.slope)), ("pnl_at_zero_floor", .number(r.pnlAtZeroFloor)), ("pnl_at_current_floor", .number(r.pnlAtCurrentFloor)),
            ("break_even_floor", .number(r.breakEven.price)),
            ("break_even_floor_usd", { if case .at(_, let usd) = r.breakEven { return .number(usd) } else { return .null } }()),
            ("break_even_note", { if case .none(let reason) = r.breakEven { return .string(reason) } else { return .null } }()),
            ("thresholds", .array(r.thresholds.map { .object([("threshold", .string(thresholdName($0))), ("floor", .number($0.price)),
                                                             ("distance", .number($0.distance))]) })),
            ("loans", .array(r.loans.map { l in .object([
                ("loan_id", .integer(Int(l.loan.rawValue))), ("protocol", .string(l.lendingProtocol.rawValue)),
                ("liquidation_floor", l.price.map { .string($0.description) } ?? .null), ("liquidation_floor_usd", .number(l.priceUSD)),
                ("price_liquidation", .string(ReportLoans.caseNone(l.priceLiquidation) ?? "by price"))]) })),
            ("flows", .array(r.flows.map { f in .object([
                ("layer", .string(f.layer.rawValue)), ("description", .string(f.description)), ("at", .string(f.amount.at.description)),
                ("amount", .string(f.amount.amount.amount.description)), ("currency", .string(f.amount.amount.currency.code)),
                ("converted", .number(f.amount.converted))]) })),
            ("prices", .array(r.prices.map(Fmt.priceJSON))),
        ])
        return ReportOutput(json: json, text: text, csvHeader: ["threshold", "floor", "distance"],
                            csvRows: r.thresholds.map { [thresholdName($0), "\($0.price)", "\($0.distance)"] })
    }
}

/// `report borrowing-wacc`: the weighted average all-in APR of borrowed capital.
struct ReportBorrowingWACC: ReportView {
    static let configuration = CommandConfiguration(
        commandName: "borrowing-wacc",
        abstract: "Weighted average cost of borrowed capital: all-in effective APR of the loans, weighted by principal (at --at) or principal × time (--from…--at), per currency, in the numeraire and per protocol."
    )

    @OptionGroup var options: ReportOptions
    @Option(help: "Start of a period: weights become principal × time over --from…--at (default: the loans open at --at).")
    var from: String?
    @Option(help: "Numeraire: usd or eth.")
    var numeraire: Numeraire = .usd

    func output() throws -> ReportOutput {
        let at = try options.atInstant
        let start = try from.map { try parseInstant($0, option: "--from") }
        let report = try options.read { book in
            if let start { return try book.weightedBorrowingCost(from: start, to: at, numeraire: numeraire, policy: options.policy) }
            return try book.weightedBorrowingCost(at: at, numeraire: numeraire, policy: options.policy)
        }
        return try Self.render(report).stamped(options, at: at)
    }

    static let header = ["loan", "protocol", "currency", "basis", "horizon", "cost", "received", "APR", "APR (numeraire)", "weight"]

    static func render(_ r: WeightedBorrowingCostReport) -> ReportOutput {
        let n = r.numeraire.rawValue
        let period = r.from.map { "\($0) → \(r.to) (principal × time)" } ?? "\(r.to) (outstanding principal)"
        // Net of yield only when some loan funded a yield position: other books read as before.
        let header = Self.header + (r.fundsYield ? ["yield earned (numeraire)", "APR net of yield (numeraire)"] : [])
        let rows = r.loans.map { l in
            [String(l.loan.rawValue), l.lendingProtocol.rawValue, l.currency.code, l.basis.rawValue, l.horizon.description,
             l.cost.description, l.received.description, Fmt.pct(l.effectiveAPR), Fmt.pct(l.effectiveAPRInNumeraire), Fmt.num(l.weight, 2)]
                + (r.fundsYield ? [Fmt.num(l.yieldEarnedInNumeraire, 2), Fmt.pct(l.netEffectiveAPRInNumeraire)] : [])
        }
        var text = "Weighted cost of borrowed capital, \(period)\n\n"
            + PlainTable.grid(header: header, rows: rows, rightAligned: Set(5..<header.count))
        var summary: [(key: String, value: OutputJSON)] = [("all loans, in \(n)", .string(Fmt.pct(r.inNumeraire.apr)))]
        if r.fundsYield { summary.append(("all loans net of yield, in \(n)", .string(Fmt.pct(r.inNumeraireNetOfYield.apr)))) }
        for c in r.byCurrency.keys.sorted() { summary.append(("in \(c)", .string(Fmt.pct(r.byCurrency[c]?.apr)))) }
        for p in r.byProtocol.keys.sorted(by: { $0.rawValue < $1.rawValue }) { summary.append(("\(p.rawValue), in \(n)", .string(Fmt.pct(r.byProtocol[p]?.apr)))) }
        text += "\n\nWeighted APR\n" + PlainTable.keyValue(summary) + "\n" + Fmt.pricesText(r.prices)
        func weighted(_ w: WeightedAPR?) -> OutputJSON {
            .object([("apr", .number(w?.apr)), ("weight", .number(w?.weight)), ("loans", .integer(w?.loanCount ?? 0))])
        }
        let json: OutputJSON = .object([
            ("report", .string("borrowing-wacc")), ("from", r.from.map { .string($0.description) } ?? .null), ("to", .string(r.to.description)),
            ("numeraire", .string(n)), ("in_numeraire", weighted(r.inNumeraire)),
        ] + (r.fundsYield ? [("in_numeraire_net_of_yield", weighted(r.inNumeraireNetOfYield))] : []) + [
            ("by_currency", .object(r.byCurrency.keys.sorted().map { ($0.code, weighted(r.byCurrency[$0])) })),
            ("by_protocol", .object(r.byProtocol.keys.sorted(by: { $0.rawValue < $1.rawValue }).map { ($0.rawValue, weighted(r.byProtocol[$0])) })),
            ("loans", .array(r.loans.map { l in .object([
                ("loan_id", .integer(Int(l.loan.rawValue))), ("protocol", .string(l.lendingProtocol.rawValue)), ("currency", .string(l.currency.code)),
                ("basis", .string(l.basis.rawValue)), ("horizon", .string(l.horizon.description)), ("cost", .string(l.cost.description)),
                ("received", .string(l.received.description)), ("effective_apr", .number(l.effectiveAPR)),
                ("cost_in_numeraire", .number(l.costInNumeraire)), ("effective_apr_in_numeraire", .number(l.effectiveAPRInNumeraire)),
                ("weight", .number(l.weight)), ("weight_in_numeraire", .number(l.weightInNumeraire))]
                + (r.fundsYield ? [("yield_earned_in_numeraire", .number(l.yieldEarnedInNumeraire)),
                                   ("net_effective_apr_in_numeraire", .number(l.netEffectiveAPRInNumeraire))] : [])) })),
            ("prices", .array(r.prices.map(Fmt.priceJSON))),
        ])
        return ReportOutput(json: json, text: text, csvHeader: header, csvRows: rows)
    }
}

/// `report buffer`: every open loan against its collateral buffer target.
struct ReportBuffer: ReportView {
    static let configuration = CommandConfiguration(
        commandName: "buffer",
        abstract: "Open loans against their buffer targets (set with `policy set`): buffer now, breaches over the history, and the repayment or extra collateral that restores the target."
    )

    @OptionGroup var options: ReportOptions
    @Option(help: "Start of the breach history (default: each loan's start).")
    var from: String?
    @Option(name: .customLong("risk-source"), help: "Value collateral on the user's floor series or the protocol's oracle series.")
    var riskSource: RiskSourceOption = .floor

    func output() throws -> ReportOutput {
        let at = try options.atInstant
        let start = try from.map { try parseInstant($0, option: "--from") }
        let report = try options.read { book in
            try book.collateralBuffer(at: at, historyFrom: start, riskSource: riskSource.source, policy: options.policy)
        }
        return try Self.render(report).stamped(options, at: at)
    }

    static let header = ["loan", "target", "HF", "HF buffer", "LTV", "LTV buffer", "in breach", "repay to cure", "or add collateral", "breaches"]

    static func target(_ p: BufferPolicyRecord?) -> String {
        guard let p else { return "none" }
        let parts = [p.target.minHealthFactor.map { "HF ≥ \($0)" }, p.target.maxLTV.map { "LTV ≤ \(Fmt.pct($0))" }].compactMap { $0 }
        return parts.joined(separator: ", ") + " (\(p.scope))"
    }

    static func render(_ r: CollateralBufferReport) -> ReportOutput {
        let rows = r.loans.map { s in
            [String(s.loan.id.rawValue), target(s.policy), Fmt.num(s.healthFactor), Fmt.num(s.healthFactorBuffer), Fmt.pct(s.loanToValue),
             Fmt.pct(s.loanToValueBuffer), s.inBreach ? "YES" : "no", s.cure.map { "\($0.repayment) \(s.loan.currency)" } ?? "-",
             s.cure.map { "\($0.extraCollateralValue) \(s.loan.currency)" } ?? "-", String(s.breaches.count)]
        }
        var text = "Collateral buffers at \(r.at) (risk on \(r.riskSource))\n\n" + PlainTable.grid(header: header, rows: rows, rightAligned: [2, 3, 4, 5])
        for s in r.loans {
            for b in s.breaches {
                text += "\nloan \(s.loan.id): breach \(b.start) → \(b.end) (\(b.samples) samples, worst HF \(Fmt.num(b.worstHealthFactor)), "
                    + "worst LTV \(Fmt.pct(b.worstLoanToValue)))" + (b.recoveredAt.map { ", back within target \($0)" } ?? ", not recovered")
            }
            for note in s.notes { text += "\nloan \(s.loan.id): \(note)" }
            if let problem = s.priceProblem { text += "\nloan \(s.loan.id): price problem: \(problem)" }
        }
        let json: OutputJSON = .object([
            ("report", .string("buffer")), ("at", .string(r.at.description)), ("risk_source", .string(r.riskSource.description)),
            ("loans_in_breach", .array(r.loansInBreach.map { .integer(Int($0.rawValue)) })),
            ("loans", .array(r.loans.map { s in .object([
                ("loan_id", .integer(Int(s.loan.id.rawValue))), ("currency", .string(s.loan.currency.code)),
                ("policy", s.policy.map { p in .object([("scope", .string(p.scope.description)), ("effective_at", .string(p.effectiveAt.description)),
                                                         ("min_health_factor", .number(p.target.minHealthFactor)), ("max_ltv", .number(p.target.maxLTV))]) } ?? .null),
                ("debt", .string(s.debt.description)), ("collateral_value", s.collateralValue.map { .string($0.description) } ?? .null),
                ("health_factor", .number(s.healthFactor)), ("health_factor_buffer", .number(s.healthFactorBuffer)),
                ("loan_to_value", .number(s.loanToValue)), ("loan_to_value_buffer", .number(s.loanToValueBuffer)), ("in_breach", .bool(s.inBreach)),
                ("cure", s.cure.map { c in .object([
                    ("repayment", .string(c.repayment.description)), ("repayment_usd", .number(c.repaymentUSD)),
                    ("extra_collateral_value", .string(c.extraCollateralValue.description)), ("extra_collateral_value_usd", .number(c.extraCollateralValueUSD)),
                    ("extra_nfts_at_current_price", c.extraNFTsAtCurrentPrice.map(OutputJSON.integer) ?? .null)]) } ?? .null),
                ("history_samples", .integer(s.historySamples)),
                ("breaches", .array(s.breaches.map { b in .object([
                    ("start", .string(b.start.description)), ("end", .string(b.end.description)),
                    ("recovered_at", b.recoveredAt.map { .string($0.description) } ?? .null), ("samples", .integer(b.samples)),
                    ("worst_health_factor", .number(b.worstHealthFactor)), ("worst_loan_to_value", .number(b.worstLoanToValue))]) })),
                ("notes", .array(s.notes.map(OutputJSON.string))),
                ("price_problem", s.priceProblem.map { .string($0.description) } ?? .null)]) })),
        ])
        return ReportOutput(json: json, text: text, csvHeader: header, csvRows: rows)
    }
}

/// `report momentum COLLECTION`: RSI of the daily floor and volume, and the advance/decline line.
struct ReportMomentum: ReportView {
    static let configuration = CommandConfiguration(
        commandName: "momentum",
        abstract: "A collection's momentum from stored market data: Wilder RSI of the daily floor and of daily sales volume, and the advance/decline line."
    )

    enum FloorSourceOption: String, ExpressibleByArgument, CaseIterable { case floor, salesMedian = "sales-median" }

    @OptionGroup var options: ReportOptions
    @Argument(help: "The collection id.")
    var collection: Int64
    @Option(help: "Start of the period (default: 365 days before --at).")
    var from: String?
    @Option(help: "RSI period in days with data (Wilder: 14).")
    var period: Int = 14
    @Option(name: .customLong("floor-source"), help: "Daily floor from the floor series or the daily median sale: floor or sales-median.")
    var floorSource: FloorSourceOption = .floor
    @Option(name: .customLong("floor-series"), help: "The floor series to use when the collection has several.")
    var floorSeries: String?
    @Option(help: "Rows of the daily table to show in the table format (the latest ones).")
    var last: Int = 20

    func output() throws -> ReportOutput {
        let at = try options.atInstant
        let start = try from.map { try parseInstant($0, option: "--from") } ?? at.adding(seconds: -365 * 86_400)
        let source: MomentumFloorSource = floorSource == .floor ? .floorSeries(name: floorSeries) : .salesMedian
        let report = try options.read { book in
            try book.collectionMomentum(CollectionID(collection), from: start, to: at, period: period, floorSource: source)
        }
        return try Self.render(report, last: last).stamped(options, at: at)
    }

    static let header = ["day", "floor", "floor RSI", "sales", "volume", "volume RSI", "advancing", "declining", "A/D line"]

    static func row(_ d: MomentumDay) -> [String] {
        [String(d.day.description.prefix(10)), Fmt.num(d.floor), Fmt.num(d.floorRSI, 2), d.salesCount.map(String.init) ?? "-", Fmt.num(d.volume),
         Fmt.num(d.volumeRSI, 2), d.advancing.map(String.init) ?? "-", d.declining.map(String.init) ?? "-", d.advanceDeclineLine.map(String.init) ?? "-"]
    }

    static func render(_ r: CollectionMomentumReport, last: Int) -> ReportOutput {
        var text = "Momentum of collection \(r.collection), \(r.from) → \(r.to) (RSI \(r.period), floor from "
            + (r.floorSeries.map { "'\($0)'" } ?? "the daily median sale") + ")\n"
            + (r.historyFrom.map { "warmed up from the history since \(String($0.description.prefix(10)))\n" } ?? "") + "\n"
        text += PlainTable.keyValue([
            ("floor RSI", .string(Fmt.num(r.latestFloorRSI, 2))), ("volume RSI", .string(Fmt.num(r.latestVolumeRSI, 2))),
            ("advance/decline line", .string(r.advanceDeclineLine.map(String.init) ?? "- (no per-sale counts stored)")),
            ("days", .integer(r.days.count)), ("days with advance/decline", .integer(r.daysWithAdvanceDecline)),
        ])
        text += "\n\n" + PlainTable.grid(header: header, rows: r.days.suffix(max(0, last)).map(row), rightAligned: [1, 2, 3, 4, 5, 6, 7, 8])
        let json: OutputJSON = .object([
            ("report", .string("momentum")), ("collection_id", .integer(Int(r.collection.rawValue))), ("from", .string(r.from.description)),
            ("to", .string(r.to.description)), ("history_from", r.historyFrom.map { .string($0.description) } ?? .null), ("period", .integer(r.period)), ("floor_series", r.floorSeries.map(OutputJSON.string) ?? .null),
            ("quote", r.quote.map { .string($0.code) } ?? .null), ("latest_floor_rsi", .number(r.latestFloorRSI)),
            ("latest_volume_rsi", .number(r.latestVolumeRSI)), ("advance_decline_line", r.advanceDeclineLine.map(OutputJSON.integer) ?? .null),
            ("days", .array(r.days.map { d in .object([
                ("day", .string(d.day.description)), ("floor", .number(d.floor)), ("floor_rsi", .number(d.floorRSI)),
                ("sales_count", d.salesCount.map(OutputJSON.integer) ?? .null), ("volume", .number(d.volume)), ("volume_rsi", .number(d.volumeRSI)),
                ("advancing", d.advancing.map(OutputJSON.integer) ?? .null), ("declining", d.declining.map(OutputJSON.integer) ?? .null),
                ("advance_decline_line", d.advanceDeclineLine.map(OutputJSON.integer) ?? .null)]) })),
        ])
        return ReportOutput(json: json, text: text, csvHeader: header, csvRows: r.days.map(row))
    }
}
