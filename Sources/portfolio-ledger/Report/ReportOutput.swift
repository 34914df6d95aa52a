import Foundation
import LedgerMath
import PortfolioLedger

/// One rendered report: the JSON document, the human text, and the main table for CSV.
struct ReportOutput {
    /// The JSON as a tree (what the HTML page walks), encoded from `document` when there is one.
    private(set) var json: ReportJSONValue
    /// The library's document for this report's JSON.
    private(set) var document: (any ReportDocument)?
    var text: String
    var csvHeader: [String]
    var csvRows: [[String]]

    private init(json: ReportJSONValue, text: String, csvHeader: [String], csvRows: [[String]]) {
        self.json = json
        self.text = text
        self.csvHeader = csvHeader
        self.csvRows = csvRows
    }

    /// A report whose JSON is `document`, encoded by ``ReportJSONEncoder``.
    init(document: some ReportDocument, text: String, csvHeader: [String], csvRows: [[String]]) throws {
        self.init(json: try ReportJSONEncoder().tree(document), text: text, csvHeader: csvHeader, csvRows: csvRows)
        self.document = document
    }

    /// An output whose JSON is `document` as it is (no instant to stamp), encoded by ``ReportJSONEncoder``.
    init(unstamped document: some Encodable, text: String, csvHeader: [String], csvRows: [[String]]) throws {
        self.init(json: try ReportJSONEncoder().tree(document), text: text, csvHeader: csvHeader, csvRows: csvRows)
    }

    /// The report stamped with the instant it is at and, when `--as-known-at` was given, the
    /// knowledge cut-off (``stamped(at:knownAt:)``).
    func stamped(_ options: ReportOptions, at: Instant) throws -> ReportOutput {
        try stamped(at: at, knownAt: try options.knownAtInstant)
    }

    /// Every report, in every format, says what instant it is at and whether it is an
    /// as-known-at view: the document gets `as_known_at` (null when not given; documents carry
    /// their own `at`); the text's first line names both; CSV rows end with `report_at` and
    /// `as_known_at` columns (a CSV has no other place for them).
    func stamped(at: Instant, knownAt: Instant?) throws -> ReportOutput {
        var out = self
        if var document {
            if document.asKnownAt == nil { document.asKnownAt = knownAt } // a statement carries its own
            out.document = document
            out.json = try ReportJSONEncoder().tree(document)
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let known = knownAt.map { ", as known at \($0)" } ?? ""
        if let first = lines.first, first.contains(at.description) {
            if !first.contains("as known at") { lines[0] = first + known }
        } else {
            lines.insert("At \(at)\(known)", at: 0)
        }
        out.text = lines.joined(separator: "\n")
        out.csvHeader = csvHeader + ["report_at", "as_known_at"]
        out.csvRows = csvRows.map { $0 + [at.description, knownAt?.description ?? ""] }
        return out
    }

    func emit(_ format: ReportFormat) throws {
        switch format {
        case .json: printLine(try document.map { try ReportJSONEncoder().encode($0) } ?? json.rendered)
        case .table: printLine(text)
        case .csv: printLine(([csvHeader] + csvRows).map(Self.csvLine).joined(separator: "\n"))
        }
    }

    /// RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled.
    static func csvLine(_ fields: [String]) -> String {
        fields.map { field in
            field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }.joined(separator: ",")
    }
}

/// Formatting shared by the report views: exact money as its canonical text, analytics rounded
/// for reading (JSON keeps full precision).
enum Fmt {
    static func money(_ m: Money) -> String { "\(m.amount) \(m.currency)" }
    static func usd(_ v: Double) -> String { num(v, 2) }
    /// `v` to `digits` places; a value that rounds to zero prints without a minus sign.
    static func num(_ v: Double?, _ digits: Int = 4) -> String {
        guard let v, v.isFinite else { return "-" }
        let text = String(format: "%.\(digits)f", v)
        return text.hasPrefix("-") && Double(text) == 0 ? String(text.dropFirst()) : text
    }
    static func pct(_ v: Double?) -> String { v.map { String(format: "%.2f %%", $0 * 100) } ?? "-" }
    static func at(_ i: Instant?) -> String { i.map(\.description) ?? "-" }
    static func age(_ seconds: Int64) -> String {
        seconds >= 86_400 ? String(format: "%.1f d", Double(seconds) / 86_400) : String(format: "%.1f h", Double(seconds) / 3_600)
    }
    static func hf(_ h: HealthFactor?) -> String {
        switch h {
        case .none: "-"
        case .noDebt?: "no debt"
        case .value(let v)?: String(format: "%.4f", v)
        }
    }
    /// The observations used, then (apart, never as observations) the rates assumed by rule.
    static func pricesText(_ prices: [PriceUsed]) -> String {
        var seen = Set<String>()
        let unique = prices.filter { $0.assumption == nil && seen.insert("\($0.series)@\($0.observedAt.unixSeconds)").inserted }
        var text = ""
        if !unique.isEmpty {
            let rows = unique.map { [$0.series, Fmt.num($0.price, 6), $0.observedAt.description, Fmt.age($0.ageSeconds)] }
            text += "\nPrices used\n" + PlainTable.grid(header: ["series", "price", "observed at", "age"], rows: rows, rightAligned: [1, 3])
        }
        return text + assumptionsText(prices.compactMap(\.assumption))
    }

    /// The rates assumed by rule, once each, under their own heading; empty when there are none.
    static func assumptionsText(_ assumptions: [RateAssumption]) -> String {
        let unique = RateAssumption.unique(assumptions)
        guard !unique.isEmpty else { return "" }
        return "\nAssumed rates (not observations)\n" + unique.map { "  " + $0.description }.joined(separator: "\n")
    }

    static func xirr(_ result: XIRR.Result) -> String {
        switch result {
        case .ok(let solution): Fmt.pct(solution.rate) + (solution.multipleRootsPossible ? " (several roots possible)" : "")
        case .noSolution: "no solution"
        case .invalid: "n/a"
        }
    }

    /// The notice a report with flagged missing prices prints: what was left out of its figures.
    static func incomplete(_ problems: [String]) -> String {
        guard !problems.isEmpty else { return "" }
        return "\n\nINCOMPLETE: \(problems.count) item(s) have no usable price and are left out of the figures above:\n"
            + problems.map { "  " + $0 }.joined(separator: "\n")
    }

    /// `×1.47`: a money multiple.
    static func multiple(_ v: Double?) -> String { v.map { String(format: "×%.2f", $0) } ?? "-" }

    static func days(_ d: Double) -> String { d == d.rounded() ? String(format: "%.0f days", d) : String(format: "%.1f days", d) }

    static func twr(_ r: TimeWeightedReturn.Result) -> String { r.value.map { pct($0.cumulative) } ?? "n/a" }

    /// The annualized TWR with the period it extrapolates from, so it never stands alone.
    static func twrAnnualized(_ r: TimeWeightedReturn.Result) -> String {
        guard let v = r.value else { return "n/a" }
        return pct(v.annualized) + (v.isShorterThanAYear ? String(format: " (%.0f d)", v.years * 365) : "")
    }
}
