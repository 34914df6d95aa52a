import Foundation
import LedgerMath
import PortfolioLedger

/// A sweep as an SVG grid: one panel per hedge setting, LTV across, buffer trigger down; a cell is
/// green with the stack's XIRR when the loan survived, red with the liquidation date when not.
struct SweepChart {
    var title: String
    var from: Instant
    var to: Instant
    var points: [ReplaySweepPoint]

    func svg() -> String {
        let ltvs = Array(Set(points.map(\.ltv))).sorted()
        let triggers = Array(Set(points.map { $0.bufferHealthFactor ?? 0 })).sorted()
        let hedges = [true, false].filter { h in points.contains { $0.hedge == h } }
        let cell = (w: 64.0, h: 30.0), left = 90.0, top = 80.0, gap = 40.0
        let panelWidth = Double(ltvs.count) * cell.w
        let width = left + Double(hedges.count) * (panelWidth + gap) + 20, height = top + Double(triggers.count) * cell.h + 60
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif" font-size="11">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(left)" y="24" font-size="15" font-weight="bold">\(LineChart.escape(title))</text>
            <text x="\(left)" y="42">simulated, \(ISO8601.formatDate(from))…\(ISO8601.formatDate(to)); green: survived (stack XIRR, annualised), red: liquidated (date)</text>

            """
        for (p, hedge) in hedges.enumerated() {
            let x0 = left + Double(p) * (panelWidth + gap)
            svg += "<text x=\"\(x0)\" y=\"\(top - 22)\" font-weight=\"bold\">hedge \(hedge ? "on" : "off") — LTV →</text>\n"
            for (c, ltv) in ltvs.enumerated() {
                svg += "<text x=\"\(LineChart.f(x0 + (Double(c) + 0.5) * cell.w))\" y=\"\(top - 6)\" text-anchor=\"middle\">\(Int((ltv * 100).rounded())) %</text>\n"
            }
            for (r, trigger) in triggers.enumerated() {
                let y = top + Double(r) * cell.h
                if p == 0 {
                    svg += "<text x=\"\(left - 8)\" y=\"\(LineChart.f(y + cell.h / 2 + 4))\" text-anchor=\"end\">\(trigger == 0 ? "no buffer" : "HF &lt; \(String(format: "%.2f", trigger))")</text>\n"
                }
                for (c, ltv) in ltvs.enumerated() {
                    guard let point = points.first(where: { $0.hedge == hedge && $0.ltv == ltv && ($0.bufferHealthFactor ?? 0) == trigger }) else { continue }
                    let x = x0 + Double(c) * cell.w
                    let label = point.outcome.liquidation.map { String(ISO8601.formatDate($0.at).dropFirst(2)) }
                        ?? point.outcome.xirr.rate.map { String(format: "%.3g %%", $0 * 100) } ?? "n/a"
                    svg += "<rect x=\"\(LineChart.f(x))\" y=\"\(LineChart.f(y))\" width=\"\(cell.w - 2)\" height=\"\(cell.h - 2)\" fill=\"\(point.outcome.survived ? "#b7e1b0" : "#f4a6a6")\"/>"
                    svg += "<text x=\"\(LineChart.f(x + cell.w / 2 - 1))\" y=\"\(LineChart.f(y + cell.h / 2 + 3))\" text-anchor=\"middle\" font-size=\"10\">\(label)</text>\n"
                }
            }
        }
        return svg + "</svg>\n"
    }
}
