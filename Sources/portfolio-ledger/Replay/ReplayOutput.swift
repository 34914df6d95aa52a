import Foundation
import LedgerMath
import PortfolioLedger

/// Tables, JSON and the health chart of `replay` (the sweep grid is ``SweepChart``).
enum ReplayOutput {
    static func comparisonTable(_ comparison: ReplayComparison, from: Instant, to: Instant) -> String {
        let extended = hasOtherActions(comparison.layers[0].policy)
        var header = ["layer", "outcome", "min HF", "borrowing cost ETH", "cost USD", "hedge P&L USD", "condors", "buffer ETH", "XIRR", "multiple"]
        if extended { header.insert(contentsOf: ["pledged", "hedge sold → ETH"], at: 8) }
        let rows = comparison.layers.map { layer -> [String] in
            let o = layer.outcome
            var row = [layer.name, outcome(o), o.minimumHealthFactor.map { fixed($0, 3) + " " + date(o.minimumHealthFactorAt) } ?? "-",
                       o.borrowingCostETH.formatted(fractionDigits: 4), fixed(o.borrowingCostUSD, 2), o.hedgePnLUSD.formatted(fractionDigits: 2),
                       String(o.condorCycles), o.bufferRepayments == 0 ? "-" : "\(o.bufferCashUsedETH.formatted(fractionDigits: 4)) (\(o.bufferRepayments)×)",
                       xirr(o.xirr), o.moneyMultiple.map { fixed($0, 3) + "x" } ?? "-"]
            if extended { row.insert(contentsOf: actionColumns(o), at: 8) }
            return row
        }
        var text = "replay of \"\(comparison.layers[0].policy.name)\" \(ISO8601.formatDate(from))…\(ISO8601.formatDate(to)) (simulated; floor proxy: \(comparison.layers[0].policy.floor.rawValue) daily sale)\n"
        text += PlainTable.grid(header: header, rows: rows, rightAligned: Set(2..<header.count))
        for note in comparison.layers[0].outcome.notes { text += "\nnote: \(note)" }
        return text
    }

    static func comparisonJSON(_ comparison: ReplayComparison, from: Instant, to: Instant) throws -> String {
        try ReportJSONEncoder().encode(ReplayComparisonDocument(comparison, from: from, to: to))
    }

    /// `showActions` (a `--buffer-actions` axis) adds the point's actions and what they did.
    static func sweepTable(_ points: [ReplaySweepPoint], showActions: Bool = false) -> String {
        let rows = points.map { p -> [String] in
            var row = [fixed(p.ltv, 2), p.bufferHealthFactor.map { fixed($0, 2) } ?? "off", p.hedge ? "on" : "off", outcome(p.outcome),
                       p.outcome.minimumHealthFactor.map { fixed($0, 3) } ?? "-", xirr(p.outcome.xirr), p.outcome.moneyMultiple.map { fixed($0, 3) + "x" } ?? "-"]
            if showActions {
                row.insert(p.bufferActions.map(actionNames) ?? "-", at: 2)
                row.insert(contentsOf: [p.outcome.bufferRepayments == 0 ? "-" : p.outcome.bufferCashUsedETH.formatted(fractionDigits: 4)]
                           + actionColumns(p.outcome), at: 6)
            }
            return row
        }
        let survived = points.filter(\.outcome.survived).count
        let header = showActions ? ["LTV", "buffer HF", "actions", "hedge", "outcome", "min HF", "repaid ETH", "pledged", "hedge sold → ETH", "XIRR", "multiple"]
                                 : ["LTV", "buffer HF", "hedge", "outcome", "min HF", "XIRR", "multiple"]
        return PlainTable.grid(header: header, rows: rows, rightAligned: showActions ? [0, 1, 5, 6, 7, 8, 9, 10] : [0, 1, 4, 5, 6])
            + "\n\(survived) of \(points.count) points survived"
    }

    static func sweepJSON(_ points: [ReplaySweepPoint], showActions: Bool = false) throws -> String {
        try ReportJSONEncoder().encode(points.map { ReplaySweepPointDocument($0, showActions: showActions) })
    }

    /// True when the buffer does more than repay from cash (the extra columns and keys are shown only then,
    /// so a repay-only policy prints what it always did).
    private static func hasOtherActions(_ policy: ReplayPolicy) -> Bool {
        policy.buffer.map { $0.actions != [.repay] } ?? false
    }

    private static func actionNames(_ actions: [ReplayPolicy.BufferAction]) -> String { actions.map(\.rawValue).joined(separator: "+") }

    /// Tokens pledged, and condors sold with the debt they repaid.
    private static func actionColumns(_ o: ReplayOutcome) -> [String] {
        [o.collateralPledges == 0 ? "-" : String(o.collateralPledges),
         o.hedgeSales == 0 ? "-" : "\(o.hedgeRepaidETH.formatted(fractionDigits: 4)) (\(o.hedgeSales)×)"]
    }

    /// The policy's health factor beside the same policy without its buffer rule.
    static func healthChart(_ policy: ReplayPolicy, market: ReplayMarket, from: Instant, to: Instant) throws -> String {
        var noBuffer = policy
        noBuffer.buffer = nil
        let runs = [(policy, "with the buffer rule", "#1f77b4", false), (noBuffer, "without the buffer rule", "#d62728", true)]
        var series: [LineChart.Series] = []
        for (variant, name, color, dashed) in runs where variant.loan != nil && (variant == policy || policy.buffer != nil) {
            let run = try ReplayRun.simulate(variant, market: market, from: from, to: to)
            series.append(LineChart.Series(name: "health factor, \(name)", points: run.path.compactMap { day in day.healthFactor.map { (day.at, $0) } },
                                           color: color, dashed: dashed))
        }
        var lines = [LineChart.ReferenceLine(value: 1, label: "liquidation (HF = 1)", color: "#d62728")]
        if let trigger = policy.buffer?.belowHealthFactor { lines.append(LineChart.ReferenceLine(value: trigger, label: "buffer trigger", color: "#2ca02c")) }
        let chart = LineChart(title: "Replay: \(policy.name)", subtitle: "simulated, \(ISO8601.formatDate(from))…\(ISO8601.formatDate(to)), floor proxy: \(policy.floor.rawValue) daily sale",
                              yAxisLabel: "health factor", series: series, referenceLines: lines)
        do { return try chart.svg() } catch let error as LineChart.ChartError {
            throw CLIFailure(message: error.description, exitCode: CLIFailure.missingData)
        }
    }

    static func write(_ svg: String, to path: String) throws {
        do { try Data(svg.utf8).write(to: URL(fileURLWithPath: path)) } catch {
            throw CLIFailure(message: "cannot write \(path): \(error.localizedDescription)", exitCode: CLIFailure.databaseError)
        }
        printLine("wrote \(path)")
    }

    static func outcome(_ o: ReplayOutcome) -> String {
        guard let liquidation = o.liquidation else { return "survived" }
        return "liquidated \(date(liquidation.at)) at floor \(fixed(liquidation.floor, 2)) ETH"
    }

    /// Annualised over a few weeks of a tenfold rise, XIRR runs to 10¹⁰ %: large values in 3 significant digits.
    static func xirr(_ result: XIRR.Result) -> String {
        guard let rate = result.rate else { return "n/a" }
        return abs(rate) < 100 ? fixed(rate * 100, 2) + " %" : String(format: "%.3g %%", rate * 100)
    }
    static func fixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }
    static func date(_ instant: Instant?) -> String { instant.map(ISO8601.formatDate) ?? "-" }
}
