import Foundation
import LedgerMath

/// A time-series line chart rendered as a standalone SVG document: titled, with labelled axes and
/// units, optional horizontal reference lines (e.g. the liquidation threshold), and a legend.
struct LineChart {
    struct Series {
        var name: String
        var points: [(Instant, Double)]
        var color: String
        var dashed = false
        /// Drawn as steps (the value holds until the next point), e.g. invested capital.
        var step = false
    }

    /// A labelled point marked on the plot, e.g. a deposit or the minimum health factor.
    struct Marker {
        enum Shape { case up, down, dot }
        var at: Instant
        var value: Double
        var label: String
        var color: String
        var shape: Shape = .dot
    }

    struct ReferenceLine {
        var value: Double
        var label: String
        var color: String
    }

    var title: String
    var subtitle: String?
    var yAxisLabel: String
    var series: [Series]
    var referenceLines: [ReferenceLine] = []
    var markers: [Marker] = []
    var width = 900.0
    var height = 420.0

    /// The subtitle's lines (a `\n` in it starts a new one).
    private var subtitleLines: [String] { subtitle.map { $0.split(separator: "\n").map(String.init) } ?? [] }

    private var margin: (left: Double, right: Double, top: Double, bottom: Double) {
        (78, 24, 43 + 15 * Double(max(subtitleLines.count, 1)), 62)
    }

    /// The SVG text. Throws when there is nothing to draw.
    func svg() throws -> String {
        let all = series.flatMap(\.points).filter { $0.1.isFinite }
        guard let first = all.first else { throw ChartError.noData(title) }
        var xMin = first.0.unixSeconds, xMax = xMin
        var yMin = first.1, yMax = first.1
        for (t, v) in all {
            xMin = min(xMin, t.unixSeconds); xMax = max(xMax, t.unixSeconds)
            yMin = min(yMin, v); yMax = max(yMax, v)
        }
        for line in referenceLines { yMin = min(yMin, line.value); yMax = max(yMax, line.value) }
        for marker in markers where marker.value.isFinite { yMin = min(yMin, marker.value); yMax = max(yMax, marker.value) }
        if xMax == xMin { xMax = xMin + 86_400 }
        // Headroom for the legend and for labels above markers at the top of the range.
        yMax += (yMax - yMin) * (markers.isEmpty ? 0.04 : 0.1)
        let yTicks = Self.niceTicks(yMin, yMax, count: 6)
        yMin = yTicks.first ?? yMin
        yMax = yTicks.last ?? yMax
        if yMax == yMin { yMax = yMin + 1 }
        let plotWidth = width - margin.left - margin.right, plotHeight = height - margin.top - margin.bottom
        func x(_ t: Instant) -> Double { margin.left + Double(t.unixSeconds - xMin) / Double(xMax - xMin) * plotWidth }
        func y(_ v: Double) -> Double { margin.top + (1 - (v - yMin) / (yMax - yMin)) * plotHeight }

        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="Helvetica, Arial, sans-serif">
            <rect width="100%" height="100%" fill="#ffffff"/>
            <text x="\(margin.left)" y="24" font-size="17" font-weight="bold" fill="#222">\(Self.escape(title))</text>

            """
        for (index, line) in subtitleLines.enumerated() {
            out += "<text x=\"\(margin.left)\" y=\"\(43 + 15 * index)\" font-size=\"12\" fill=\"#555\">\(Self.escape(line))</text>\n"
        }
        // Grid and y axis.
        for tick in yTicks {
            let ty = Self.f(y(tick))
            out += "<line x1=\"\(Self.f(margin.left))\" y1=\"\(ty)\" x2=\"\(Self.f(width - margin.right))\" y2=\"\(ty)\" stroke=\"#e5e5e5\"/>\n"
            out += "<text x=\"\(Self.f(margin.left - 8))\" y=\"\(ty)\" font-size=\"11\" fill=\"#444\" text-anchor=\"end\" dominant-baseline=\"middle\">\(Self.label(tick))</text>\n"
        }
        // x axis: days, month or quarter starts, each with a light vertical grid line.
        for (tick, text) in Self.timeTicks(xMin, xMax) {
            let tx = Self.f(x(Instant(unixSeconds: tick)))
            out += "<line x1=\"\(tx)\" y1=\"\(Self.f(margin.top))\" x2=\"\(tx)\" y2=\"\(Self.f(height - margin.bottom))\" stroke=\"#f0f0f0\"/>\n"
            out += "<line x1=\"\(tx)\" y1=\"\(Self.f(height - margin.bottom))\" x2=\"\(tx)\" y2=\"\(Self.f(height - margin.bottom + 5))\" stroke=\"#444\"/>\n"
            out += "<text x=\"\(tx)\" y=\"\(Self.f(height - margin.bottom + 18))\" font-size=\"11\" fill=\"#444\" text-anchor=\"middle\">\(text)</text>\n"
        }
        out += "<line x1=\"\(Self.f(margin.left))\" y1=\"\(Self.f(height - margin.bottom))\" x2=\"\(Self.f(width - margin.right))\" y2=\"\(Self.f(height - margin.bottom))\" stroke=\"#444\"/>\n"
        out += "<line x1=\"\(Self.f(margin.left))\" y1=\"\(Self.f(margin.top))\" x2=\"\(Self.f(margin.left))\" y2=\"\(Self.f(height - margin.bottom))\" stroke=\"#444\"/>\n"
        out += "<text x=\"18\" y=\"\(Self.f(margin.top + plotHeight / 2))\" font-size=\"12\" fill=\"#333\" text-anchor=\"middle\" transform=\"rotate(-90 18 \(Self.f(margin.top + plotHeight / 2)))\">\(Self.escape(yAxisLabel))</text>\n"
        out += "<text x=\"\(Self.f(margin.left + plotWidth / 2))\" y=\"\(Self.f(height - 14))\" font-size=\"12\" fill=\"#333\" text-anchor=\"middle\">date (UTC)</text>\n"
        for line in referenceLines {
            let ly = Self.f(y(line.value))
            out += "<line x1=\"\(Self.f(margin.left))\" y1=\"\(ly)\" x2=\"\(Self.f(width - margin.right))\" y2=\"\(ly)\" stroke=\"\(line.color)\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n"
            out += "<text x=\"\(Self.f(width - margin.right - 4))\" y=\"\(Self.f(y(line.value) - 5))\" font-size=\"11\" fill=\"\(line.color)\" text-anchor=\"end\">\(Self.escape(line.label))</text>\n"
        }
        for item in series where !item.points.isEmpty {
            var path = ""
            var previous: Double?
            for point in item.points where point.1.isFinite {
                if let previous, item.step { path += " L" + Self.f(x(point.0)) + " " + Self.f(y(previous)) }
                path += (previous == nil ? "M" : " L") + Self.f(x(point.0)) + " " + Self.f(y(point.1))
                previous = point.1
            }
            let dash = item.dashed ? " stroke-dasharray=\"4 3\"" : ""
            out += "<path d=\"\(path)\" fill=\"none\" stroke=\"\(item.color)\" stroke-width=\"1.8\"\(dash)/>\n"
        }
        for marker in markers where marker.value.isFinite {
            let mx = x(marker.at), my = y(marker.value)
            let shape: String = switch marker.shape {
            case .dot: "<circle cx=\"\(Self.f(mx))\" cy=\"\(Self.f(my))\" r=\"4.5\" fill=\"\(marker.color)\" stroke=\"#fff\"/>"
            case .up: "<path d=\"M\(Self.f(mx)) \(Self.f(my - 6)) L\(Self.f(mx + 5.5)) \(Self.f(my + 4)) L\(Self.f(mx - 5.5)) \(Self.f(my + 4)) Z\" fill=\"\(marker.color)\" stroke=\"#fff\"/>"
            case .down: "<path d=\"M\(Self.f(mx)) \(Self.f(my + 6)) L\(Self.f(mx + 5.5)) \(Self.f(my - 4)) L\(Self.f(mx - 5.5)) \(Self.f(my - 4)) Z\" fill=\"\(marker.color)\" stroke=\"#fff\"/>"
            }
            out += shape + "\n"
            if !marker.label.isEmpty {
                let anchor = mx > margin.left + plotWidth * 0.8 ? "end" : "start"
                let dx = anchor == "end" ? -8.0 : 8.0
                out += "<text x=\"\(Self.f(mx + dx))\" y=\"\(Self.f(my - 14))\" font-size=\"11\" fill=\"\(marker.color)\" stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\" text-anchor=\"\(anchor)\">\(Self.escape(marker.label))</text>\n"
            }
        }
        // Legend, on a white band so lines passing under it do not cross its text.
        let legendWidth = series.reduce(8.0) { $0 + 40 + Double($1.name.count) * 6.2 }
        out += "<rect x=\"\(Self.f(margin.left + 2))\" y=\"\(Self.f(margin.top + 1))\" width=\"\(Self.f(legendWidth))\" height=\"19\" fill=\"#fff\" fill-opacity=\"0.85\"/>\n"
        var legendX = margin.left + 8
        for item in series {
            let dash = item.dashed ? " stroke-dasharray=\"4 3\"" : ""
            out += "<line x1=\"\(Self.f(legendX))\" y1=\"\(Self.f(margin.top + 10))\" x2=\"\(Self.f(legendX + 22))\" y2=\"\(Self.f(margin.top + 10))\" stroke=\"\(item.color)\" stroke-width=\"2\"\(dash)/>\n"
            out += "<text x=\"\(Self.f(legendX + 28))\" y=\"\(Self.f(margin.top + 14))\" font-size=\"11\" fill=\"#222\">\(Self.escape(item.name))</text>\n"
            legendX += 40 + Double(item.name.count) * 6.2
        }
        return out + "</svg>\n"
    }

    enum ChartError: Error, CustomStringConvertible {
        case noData(String)
        var description: String {
            switch self { case .noData(let title): "nothing to chart for '\(title)': the series has no points in the period" }
        }
    }

    /// Round tick values ("nice numbers") covering [low, high].
    static func niceTicks(_ low: Double, _ high: Double, count: Int) -> [Double] {
        let span = high - low
        guard span > 0, span.isFinite else { return [low - 1, low, low + 1] }
        let raw = span / Double(max(count - 1, 1))
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        let start = floor(low / step) * step
        var ticks: [Double] = []
        var value = start
        while value <= high + step * 0.5 && ticks.count < 50 {
            ticks.append(value)
            value += step
        }
        if let last = ticks.last, last < high { ticks.append(last + step) }
        return ticks
    }

    /// Time ticks a reader can scan: days (labelled `Jan 05`) up to 45 days, month starts
    /// (`Jan 2021`, with mid-month `Jan 15` up to 120 days) up to 8 months, quarter starts (`Q1 2021`) up to 3 years, then year starts.
    static func timeTicks(_ start: Int64, _ end: Int64) -> [(Int64, String)] {
        let days = (end - start) / 86_400
        var ticks: [(Int64, String)] = []
        if days <= 45 {
            let step = max(1, (days + 7) / 8) * 86_400
            var t = (start / 86_400 + 1) * 86_400
            while t <= end {
                let (_, month, day) = civil(t)
                ticks.append((t, "\(monthNames[month - 1]) \(day < 10 ? "0" : "")\(day)"))
                t += step
            }
            return ticks
        }
        let monthStep = days > 3 * 365 ? 12 : (days > 240 ? 3 : 1)
        var t = (start / 86_400) * 86_400
        while t <= end {
            let (year, month, day) = civil(t)
            if day == 15 && days <= 120 {
                ticks.append((t, "\(monthNames[month - 1]) 15"))
            } else if day == 1 && (month - 1) % monthStep == 0 {
                let text = switch monthStep {
                case 12: "\(year)"
                case 3: "Q\((month - 1) / 3 + 1) \(year)"
                default: "\(monthNames[month - 1]) \(year)"
                }
                ticks.append((t, text))
            }
            t += 86_400
        }
        return ticks
    }

    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// (year, month, day) of a UTC instant.
    static func civil(_ t: Int64) -> (Int, Int, Int) {
        let date = ISO8601.formatDate(Instant(unixSeconds: t))
        return (Int(date.prefix(4)) ?? 0, Int(date.dropFirst(5).prefix(2)) ?? 1, Int(date.suffix(2)) ?? 1)
    }

    static func label(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 1_000_000 { return String(format: "%.1fM", value / 1_000_000) }
        if magnitude >= 10_000 { return String(format: "%.0fk", value / 1_000) }
        if magnitude >= 100 || value == value.rounded() { return String(format: "%.0f", value) }
        if magnitude >= 1 && value * 10 == (value * 10).rounded() { return String(format: "%.1f", value) }
        return String(format: magnitude >= 1 ? "%.2f" : "%.3f", value)
    }

    static func f(_ value: Double) -> String { String(format: "%.1f", value) }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
