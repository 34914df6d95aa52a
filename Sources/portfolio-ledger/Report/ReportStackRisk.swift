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
        try options.refuseWallet("report break-even", because: "the stack's P&L since inception counts hedges and flows that name no wallet "
            + "and is not split by wallet; use --nft for one NFT's stack")
        let at = try options.atInstant
        let report = try options.read { book in
            try book.stackBreakEven(nft.map { .nft(NFTID($0)) } ?? .portfolio, at: at, collection: collection.map(CollectionID.init),
                                    floorSeries: floorSeries, numeraire: numeraire, policy: options.policy, market: marketOptions.market)
        }
        return try Self.render(report).stamped(options, at: at)
    }

    static func thresholdName(_ t: FloorThreshold) -> String { t.name }

    static func render(_ r: StackBreakEvenReport) throws -> ReportOutput {
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
        return try ReportOutput(document: BreakEvenDocument(r), text: text, csvHeader: ["threshold", "floor", "distance"],
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
            if let start {
                return try book.weightedBorrowingCost(from: start, to: at, numeraire: numeraire, policy: options.policy, wallet: options.walletScope)
            }
            return try book.weightedBorrowingCost(at: at, numeraire: numeraire, policy: options.policy, wallet: options.walletScope)
        }
        return try Self.render(report).stamped(options, at: at)
    }

    static let header = ["loan", "protocol", "currency", "basis", "horizon", "cost", "received", "APR", "APR (numeraire)", "weight"]

    static func render(_ r: WeightedBorrowingCostReport) throws -> ReportOutput {
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
        var summary: [(key: String, value: ReportJSONValue)] = [("all loans, in \(n)", .string(Fmt.pct(r.inNumeraire.apr)))]
        if r.fundsYield { summary.append(("all loans net of yield, in \(n)", .string(Fmt.pct(r.inNumeraireNetOfYield.apr)))) }
        for c in r.byCurrency.keys.sorted() { summary.append(("in \(c)", .string(Fmt.pct(r.byCurrency[c]?.apr)))) }
        for p in r.byProtocol.keys.sorted(by: { $0.rawValue < $1.rawValue }) { summary.append(("\(p.rawValue), in \(n)", .string(Fmt.pct(r.byProtocol[p]?.apr)))) }
        text += "\n\nWeighted APR\n" + PlainTable.keyValue(summary) + "\n" + Fmt.pricesText(r.prices)
        return try ReportOutput(document: BorrowingWACCDocument(r), text: text, csvHeader: header, csvRows: rows)
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
            try book.collateralBuffer(at: at, loans: try options.walletScope.map { try book.loans(in: $0).map(\.id) }, historyFrom: start, riskSource: riskSource.source, policy: options.policy)
        }
        return try Self.render(report).stamped(options, at: at)
    }

    static let header = ["loan", "target", "HF", "HF buffer", "LTV", "LTV buffer", "in breach", "repay to cure", "or add collateral", "breaches"]

    static func target(_ p: BufferPolicyRecord?) -> String {
        guard let p else { return "none" }
        let parts = [p.target.minHealthFactor.map { "HF ≥ \($0)" }, p.target.maxLTV.map { "LTV ≤ \(Fmt.pct($0))" }].compactMap { $0 }
        return parts.joined(separator: ", ") + " (\(p.scope))"
    }

    static func render(_ r: CollateralBufferReport) throws -> ReportOutput {
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
        return try ReportOutput(document: BufferDocument(r), text: text, csvHeader: header, csvRows: rows)
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
        try options.refuseWallet("report momentum", because: "momentum is of a collection's floor and sales, which no wallet holds")
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

    static func render(_ r: CollectionMomentumReport, last: Int) throws -> ReportOutput {
        var text = "Momentum of collection \(r.collection), \(r.from) → \(r.to) (RSI \(r.period), floor from "
            + (r.floorSeries.map { "'\($0)'" } ?? "the daily median sale") + ")\n"
            + (r.historyFrom.map { "warmed up from the history since \(String($0.description.prefix(10)))\n" } ?? "") + "\n"
        text += PlainTable.keyValue([
            ("floor RSI", .string(Fmt.num(r.latestFloorRSI, 2))), ("volume RSI", .string(Fmt.num(r.latestVolumeRSI, 2))),
            ("advance/decline line", .string(r.advanceDeclineLine.map(String.init) ?? "- (no per-sale counts stored)")),
            ("days", .integer(r.days.count)), ("days with advance/decline", .integer(r.daysWithAdvanceDecline)),
        ])
        text += "\n\n" + PlainTable.grid(header: header, rows: r.days.suffix(max(0, last)).map(row), rightAligned: [1, 2, 3, 4, 5, 6, 7, 8])
        return try ReportOutput(document: MomentumDocument(r, at: r.to), text: text, csvHeader: header, csvRows: r.days.map(row))
    }
}
