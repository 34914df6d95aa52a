import ArgumentParser
import Foundation
import LedgerMath
import PortfolioLedger

/// `portfolio-ledger chart health|theta|equity`: SVG charts of stored history.
struct ChartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chart",
        abstract: "Write an SVG chart: a loan's health factor (or LTV), a loan's debt against its collateral, a hedge's theta decay, or the book's equity.",
        subcommands: [HealthChart.self, LoanChart.self, ThetaChart.self, EquityChart.self]
    )
}

/// Options every chart shares.
struct ChartOptions: ParsableArguments {
    @Argument(help: "Path of the ledger file (opened read-only).")
    var ledger: String
    @Option(help: "The SVG file to write (owner-only; an existing file only with --force).")
    var out: String
    @OptionGroup var overwrite: OverwriteOption
    @Option(help: "Start of the period: YYYY-MM-DD or an ISO-8601 UTC instant.")
    var from: String?
    @Option(help: "End of the period (default: now, or for `equity` the last instant the stored prices can value).")
    var to: String?

    func write(_ chart: LineChart) throws {
        let svg: String
        do { svg = try chart.svg() } catch let error as LineChart.ChartError {
            throw CLIFailure(message: error.description, exitCode: CLIFailure.missingData)
        }
        try overwrite.write(to: out) { file in try file.write(Data(svg.utf8)) }
        printLine("wrote \(out)")
    }

    func read<R>(_ body: (LedgerSnapshot) throws -> R) throws -> R {
        try Ledger.openReadOnly(at: ledger).read(asKnownAt: nil, body)
    }

    func period(defaultFrom: Instant) throws -> (Instant, Instant) {
        let start = try from.map { try parseInstant($0, option: "--from") } ?? defaultFrom
        let end = try to.map { try parseInstant($0, option: "--to") } ?? Ledger.systemClock()
        guard start < end else { throw CLIFailure(message: "--from must be before --to", exitCode: CLIFailure.usage) }
        return (start, end)
    }
}

/// What the loan charts share: the chart options, the loan and the price source.
struct LoanChartArguments: ParsableArguments {
    @OptionGroup var options: ChartOptions
    @Argument(help: "The loan id.") var loan: Int64
    @Option(name: .customLong("risk-source"), help: "floor or oracle.") var riskSource: RiskSourceOption = .floor

    /// The loan's risk history over the chart's period (missing prices leave gaps, not failures).
    func history() throws -> LoanHistoryReport {
        let id = LoanID(loan)
        return try options.read { book in
            guard let record = try book.loan(id) else { throw LedgerError.unknownEntity(kind: "loan", id: String(loan)) }
            let (from, to) = try options.period(defaultFrom: record.startedAt)
            var policy = PricingPolicy.default
            policy.onMissingPrice = .flag
            return try book.loanHistory(id, from: from, to: to, sampling: .riskSeriesObservations, riskSource: riskSource.source, policy: policy)
        }
    }
}

struct HealthChart: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "A loan's health factor over time, with the liquidation line (HF = 1) and the minimum marked; LTV for loans without price liquidation.")
    @OptionGroup var chart: LoanChartArguments

    func run() throws {
        try chart.options.write(Self.lineChart(try chart.history()))
    }

    /// The health-factor chart of `history` (its LTV for a loan without price liquidation); `report html` draws the same.
    static func lineChart(_ history: LoanHistoryReport) -> LineChart {
        let source = "Loan \(history.loan.id) (\(history.loan.lendingProtocol.rawValue), \(history.loan.currency)) on the \(history.riskSource)"
        if case .none(let reason) = history.priceLiquidation {
            // No health factor to draw: the loan-to-value is what a lender of such a loan watches.
            let points: [(Instant, Double)] = history.points.compactMap { p in p.loanToValue.map { (p.at, $0 * 100) } }
            var lines: [LineChart.ReferenceLine] = []
            if let maxLTV = history.loan.maxLTV { lines.append(.init(value: maxLTV * 100, label: "max LTV at origination", color: "#bf8700")) }
            let maturity = history.loan.maturityAt.map { "; matures " + ISO8601.formatDate($0) } ?? ""
            return LineChart(title: "Loan-to-value (no price liquidation)", subtitle: "\(source)\n\(reason)\(maturity)",
                             yAxisLabel: "LTV % (debt / collateral value)",
                             series: [.init(name: "LTV", points: points, color: "#1f6feb")], referenceLines: lines)
        }
        let points: [(Instant, Double)] = history.points.compactMap { p in
            if case .value(let hf)? = p.healthFactor { return (p.at, hf) }
            return nil
        }
        var markers: [LineChart.Marker] = []
        if let minimum = history.minimumHealthFactor {
            markers.append(.init(at: minimum.at, value: minimum.value, label: String(format: "minimum %.3f on ", minimum.value) + ISO8601.formatDate(minimum.at),
                                 color: "#d1242f"))
        }
        return LineChart(title: "Health factor", subtitle: source, yAxisLabel: "health factor (collateral × LT / debt)",
                         series: [.init(name: "health factor", points: points, color: "#1f6feb")],
                         referenceLines: [.init(value: 1, label: "liquidation (HF = 1)", color: "#d1242f")], markers: markers)
    }
}

struct LoanChart: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loan",
        abstract: "A loan's debt against its collateral value (loan currency), with the value at which it liquidates and the minimum health factor marked.")
    @OptionGroup var chart: LoanChartArguments

    func run() throws {
        try chart.options.write(Self.lineChart(try chart.history()))
    }

    /// The debt-against-collateral chart of `history`; `report html` draws the same.
    static func lineChart(_ history: LoanHistoryReport) -> LineChart {
        let loan = history.loan.id
        let currency = history.loan.currency.code
        let debt = history.points.map { ($0.at, $0.debt.doubleValue) }
        let collateral = history.points.compactMap { p in p.collateralValue.map { (p.at, $0.doubleValue) } }
        var series: [LineChart.Series] = [.init(name: "collateral value", points: collateral, color: "#1a7f37"),
                                          .init(name: "debt", points: debt, color: "#d1242f")]
        var subtitle = "Loan \(loan) (\(history.loan.lendingProtocol.rawValue)) on the \(history.riskSource)"
        var markers: [LineChart.Marker] = []
        switch history.priceLiquidation {
        case .byRule:
            // HF = 1 exactly when collateral value = debt / LT, with the LT in force at each sample
            // (governance changes and overrides step it).
            let limit = history.points.compactMap { p in p.liquidationThreshold.flatMap { $0 > 0 ? (p.at, p.debt.doubleValue / $0) : nil } }
            let thresholds = Set(history.points.compactMap(\.liquidationThreshold))
            if !limit.isEmpty {
                let label = thresholds.count == 1 ? "LT \(Fmt.num(thresholds.first, 2))" : "LT in force"
                series.append(.init(name: "liquidation value (debt ÷ \(label))", points: limit, color: "#d1242f", dashed: true))
            }
            if let minimum = history.minimumHealthFactor, let value = collateral.first(where: { $0.0 == minimum.at })?.1 {
                markers.append(.init(at: minimum.at, value: value, label: String(format: "min HF %.3f on ", minimum.value) + ISO8601.formatDate(minimum.at),
                                     color: minimum.value < 1 ? "#d1242f" : "#bf8700"))
            }
        case .none(let reason):
            subtitle += "\nno price liquidation: \(reason)"
        }
        return LineChart(title: "Debt against collateral value", subtitle: subtitle, yAxisLabel: currency,
                         series: series, markers: markers)
    }
}

struct ThetaChart: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "theta", abstract: "A hedge's cumulative model theta vs realized time-value decay (USD).")
    @OptionGroup var options: ChartOptions
    @OptionGroup var marketOptions: OptionMarketOptions
    @Argument(help: "The hedge id.") var hedge: Int64

    func run() throws {
        let id = HedgeID(hedge)
        let (name, decay) = try options.read { book in
            guard let record = try book.hedge(id) else { throw LedgerError.unknownEntity(kind: "hedge", id: String(hedge)) }
            let (from, to) = try options.period(defaultFrom: record.openedAt)
            return (record.name, try book.thetaDecay(id, from: from, to: to, market: marketOptions.market))
        }
        try options.write(Self.lineChart(hedge: HedgeID(hedge), name: name, decay: decay))
    }

    /// The theta chart of one hedge's decay series; `report html` draws the same.
    static func lineChart(hedge: HedgeID, name: String, decay: ThetaDecayReport) -> LineChart {
        // Same signs as `report hedge`: the position's time value (negative when short), and
        // decay figures positive when the position earned time value.
        LineChart(
            title: "Theta: model vs realized time-value decay",
            subtitle: "Hedge \(hedge) '\(name)'\nsigns as in `report hedge`: decay > 0 = time value earned; time value < 0 = premium a short position has still to earn",
            yAxisLabel: "USD",
            series: [.init(name: "cum. model theta", points: decay.points.map { ($0.at, $0.cumulativeModelUSD) }, color: "#8250df", dashed: true),
                     .init(name: "cum. realized decay", points: decay.points.map { ($0.at, $0.cumulativeRealizedUSD) }, color: "#1a7f37"),
                     .init(name: "time value (position)", points: decay.points.map { ($0.at, $0.extrinsicUSD) }, color: "#bf8700")],
            referenceLines: [.init(value: 0, label: "", color: "#888")])
    }
}

struct EquityChart: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "equity",
        abstract: "The book's net equity over time (NFTs − debt + hedges + cash, USD) beside invested capital (deposits − withdrawals), flows marked.")
    @OptionGroup var options: ChartOptions
    @OptionGroup var marketOptions: OptionMarketOptions
    @Option(name: .customLong("step-days"), help: "Days between points.") var stepDays: Int = 1

    func run() throws {
        guard stepDays > 0 else { throw CLIFailure(message: "--step-days must be positive", exitCode: CLIFailure.usage) }
        let chart = try options.read { book in
            let first = try book.journal(from: Instant(unixSeconds: 0), to: Instant(unixSeconds: 253_402_300_799)).first?.at
            let (from, to) = try options.period(defaultFrom: first ?? Ledger.systemClock())
            return try Self.lineChart(book, from: from, to: to, endsWithPrices: options.to == nil, stepDays: stepDays, market: marketOptions.market)
        }
        try options.write(chart)
    }

    /// Net equity every `stepDays` over `from…to` beside invested capital; `report html` draws the same.
    /// `endsWithPrices`: the period was not given, so the chart ends where the stored prices end.
    static func lineChart(_ book: LedgerSnapshot, from: Instant, to: Instant, endsWithPrices: Bool, stepDays: Int,
                      market: OptionMarketInputs) throws -> LineChart {
        let journal = try book.journal(from: Instant(unixSeconds: 0), to: Instant(unixSeconds: 253_402_300_799))
        var points: [(Instant, Double)] = []
        var stoppedBy: AnalyticsError?
        var t = from
        while t <= to {
            do {
                points.append((t, try book.portfolioValuation(at: t, market: market).netEquityUSD))
            } catch let error as AnalyticsError where endsWithPrices {
                stoppedBy = error
                break
            }
            t = t.adding(seconds: Int64(stepDays) * 86_400)
        }
        guard let last = points.last else {
            throw CLIFailure(message: "nothing to chart for 'Net equity': " + (stoppedBy.map { "\($0)" } ?? "no instant in the period"),
                             exitCode: CLIFailure.missingData)
        }
        var flows: [(Instant, Double)] = []
        for entry in journal where entry.entryTable == "external_flow" && entry.at <= last.0 {
            let usd = try book.convert(entry.amount, to: .usd, at: entry.at).converted
            if let previous = flows.last, previous.0 == entry.at { flows[flows.count - 1].1 += usd } else { flows.append((entry.at, usd)) }
        }
        let (invested, markers) = Self.investedCapital(flows, until: last.0)
        var subtitle = "NFTs at floor − debt + hedges at mark + cash, USD; invested capital = deposits − withdrawals at their instants"
        if stoppedBy != nil { subtitle += "\nends \(ISO8601.formatDate(last.0)), the last day the stored prices can value (no --to given)" }
        return LineChart(title: "Net equity and invested capital", subtitle: subtitle, yAxisLabel: "USD",
                         series: [.init(name: "net equity", points: points, color: "#1f6feb"),
                                  .init(name: "invested capital", points: invested, color: "#57606a", dashed: true, step: true)],
                         markers: markers)
    }

    /// Cumulative deposits − withdrawals as a step line, with a marker at each instant money moved
    /// (flows at one instant netted; a net of zero, such as a wrap, is not marked).
    static func investedCapital(_ flows: [(Instant, Double)], until end: Instant) -> ([(Instant, Double)], [LineChart.Marker]) {
        var line: [(Instant, Double)] = []
        var markers: [LineChart.Marker] = []
        var total = 0.0
        let scale = flows.reduce(0.0) { max($0, abs($1.1)) }
        for (at, amount) in flows {
            total += amount
            line.append((at, total))
            guard abs(amount) > 1e-9 * scale else { continue }
            let label = flows.count <= 12 ? (amount > 0 ? "+" : "−") + LineChart.label(abs(amount)) : ""
            markers.append(.init(at: at, value: total, label: label, color: amount > 0 ? "#1a7f37" : "#d1242f", shape: amount > 0 ? .up : .down))
        }
        if let last = line.last, last.0 < end { line.append((end, last.1)) }
        return (line, markers)
    }
}
