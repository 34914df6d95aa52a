import ArgumentParser
import LedgerMath
import PortfolioLedger

/// `report hedges`: every hedge at mark.
struct ReportHedges: ReportView {
    static let configuration = CommandConfiguration(
        commandName: "hedges",
        abstract: "Every hedge at an instant: value at mark, time value, theta per day (USD), P&L."
    )

    @OptionGroup var options: ReportOptions
    @OptionGroup var marketOptions: OptionMarketOptions

    func output() throws -> ReportOutput {
        try options.refuseWallet("report hedges", because: ReportOptions.hedgesHaveNoWallet)
        let at = try options.atInstant
        let valuations = try options.read { book in
            try book.hedges().filter { $0.openedAt <= at }.map { try book.hedgeValuation($0.id, at: at, market: marketOptions.market) }
        }
        return try Self.render(valuations, at: at).stamped(options, at: at)
    }

    static let header = ["hedge", "name", "legs", "value USD", "time value USD", "theta/day USD", "net premium USD", "P&L USD"]

    static func row(_ v: HedgeValuation) -> [String] {
        [String(v.hedge.id.rawValue), v.hedge.name, String(v.legs.count), Fmt.usd(v.valueUSD), Fmt.usd(v.extrinsicUSD),
         Fmt.usd(v.thetaPerDayUSD), v.netPremiumUSD.description, Fmt.usd(v.pnlUSD)]
    }

    static func render(_ valuations: [HedgeValuation], at: Instant) throws -> ReportOutput {
        let text = "Hedges at \(at)\n\n" + PlainTable.grid(header: header, rows: valuations.map(row), rightAligned: [2, 3, 4, 5, 6, 7])
        return try ReportOutput(document: HedgesDocument(valuations, at: at), text: text, csvHeader: header, csvRows: valuations.map(row))
    }
}

/// `report hedge ID`: one hedge's legs and its theta decay series.
struct ReportHedge: ReportView {
    static let configuration = CommandConfiguration(
        commandName: "hedge",
        abstract: "One hedge: legs at mark with greeks (and where each mark came from), condor metrics, and model theta vs realized time-value decay over --from…--to."
    )

    @OptionGroup var options: ReportOptions
    @OptionGroup var marketOptions: OptionMarketOptions
    @Argument(help: "The hedge id.")
    var id: Int64
    @Option(help: "Start of the theta series (default: the hedge's opening).")
    var from: String?
    @Option(help: "End of the theta series (default: --at).")
    var to: String?

    func output() throws -> ReportOutput {
        try options.refuseWallet("report hedge", because: ReportOptions.hedgesHaveNoWallet)
        let at = try options.atInstant
        let hedgeID = HedgeID(id)
        let (valuation, decay) = try options.read { book in
            guard let hedge = try book.hedge(hedgeID) else { throw LedgerError.unknownEntity(kind: "hedge", id: String(id)) }
            let valuation = try book.hedgeValuation(hedgeID, at: at, market: marketOptions.market)
            let from = try from.map { try parseInstant($0, option: "--from") } ?? hedge.openedAt
            let to = try to.map { try parseInstant($0, option: "--to") } ?? at
            return (valuation, try book.thetaDecay(hedgeID, from: from, to: to, market: marketOptions.market))
        }
        return try Self.render(valuation, decay).stamped(options, at: at)
    }

    static func render(_ v: HedgeValuation, _ d: ThetaDecayReport) throws -> ReportOutput {
        var text = "Hedge \(v.hedge.id) '\(v.hedge.name)' at \(v.at) (r = \(v.rate), q = \(v.dividendYield))\n\n"
        let legRows = v.legs.map { l in
            [l.contract.root.rawValue, l.contract.optionType.rawValue, l.contract.strike.description, String(l.quantity),
             Fmt.num(l.mark, 2), l.markSource.rawValue, Fmt.num(l.underlying, 2), Fmt.pct(l.impliedVol),
             Fmt.num(l.intrinsic, 2), Fmt.num(l.extrinsic, 2), Fmt.num(l.greeks?.delta, 3), Fmt.usd(l.thetaPerDayUSD)]
        }
        text += PlainTable.grid(header: ["root", "type", "strike", "qty", "mark", "mark source", "underlying", "IV", "intrinsic",
                                         "extrinsic", "delta", "theta/day USD"], rows: legRows, rightAligned: [2, 3, 4, 6, 7, 8, 9, 10, 11])
        if let c = v.condor {
            let breakEvens = c.breakEvens.map(\.description).joined(separator: ", ")
            text += "\n\n" + PlainTable.keyValue([
                ("condor", .string(c.kind.rawValue)), ("net credit USD", .string(c.netCredit.description)),
                ("max profit USD", .string(c.maxProfit.description)), ("max loss USD", .string(c.maxLoss.description)),
                ("break-evens", .string(breakEvens.isEmpty ? "none" : breakEvens)),
            ])
        }
        text += "\n\n" + PlainTable.keyValue([
            ("value USD", .string(Fmt.usd(v.valueUSD))), ("time value USD", .string(Fmt.usd(v.extrinsicUSD))),
            ("theta/day USD", .string(Fmt.usd(v.thetaPerDayUSD))), ("net premium USD", .string(v.netPremiumUSD.description)),
            ("fees USD", .string(v.feesUSD.description)), ("settlement cash USD", .string(v.settlementCashUSD.description)),
            ("P&L USD", .string(Fmt.usd(v.pnlUSD))),
        ])
        let decayRows = d.points.map { p in
            [p.at.description, Fmt.usd(p.extrinsicUSD), Fmt.usd(p.modelThetaPerDayUSD), p.modelDecayUSD.map(Fmt.usd) ?? "-",
             p.realizedDecayUSD.map(Fmt.usd) ?? "-", Fmt.usd(p.cumulativeModelUSD), Fmt.usd(p.cumulativeRealizedUSD),
             Set(p.markSources.map(\.rawValue)).sorted().joined(separator: "+")]
        }
        let decayHeader = ["at", "time value USD", "model theta/day USD", "model decay USD", "realized decay USD",
                           "cum. model USD", "cum. realized USD", "marks"]
        text += "\n\nTheta: model vs realized time-value decay (they differ by design: the model holds spot and vol fixed)\n"
        text += PlainTable.grid(header: decayHeader, rows: decayRows, rightAligned: [1, 2, 3, 4, 5, 6])
        if !d.skipped.isEmpty {
            text += "\n\nLeft out of the series (a leg held then had no value):\n"
                + d.skipped.map { "  \($0.at): \($0.reason)" }.joined(separator: "\n")
        }
        return try ReportOutput(document: HedgeDocument(v, decay: d), text: text, csvHeader: decayHeader, csvRows: decayRows)
    }
}
