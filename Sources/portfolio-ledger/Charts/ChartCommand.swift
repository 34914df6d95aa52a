import ArgumentParser
import Foundation
import LedgerMath
import PortfolioLedger

/// `portfolio-ledger chart health|theta|equity`: SVG charts of stored history.
struct ChartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chart",
        abstract: "Write an SVG chart: a loan's health factor with the liquidation line, a hedge's theta decay, or the book's equity.",
        subcommands: [HealthChart.self, ThetaChart.self, EquityChart.self]
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
    @Option(help: "End of the period (default: now).")
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

struct HealthChart: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "health", abstract: "A loan's health factor over time, with the liquidation line (HF = 1).")
    @OptionGroup var options: ChartOptions
    @Argument(help: "The loan id.") var loan: Int64
    @Option(name: .customLong("risk-source"), help: "floor or oracle.") var riskSource: RiskSourceOption = .floor

    func run() throws {
        let id = LoanID(loan)
        let history = try options.read { book in
            guard let record = try book.loan(id) else { throw LedgerError.unknownEntity(kind: "loan", id: String(loan)) }
            let (from, to) = try options.period(defaultFrom: record.startedAt)
            var policy = PricingPolicy.default
            policy.onMissingPrice = .flag
            return try book.loanHistory(id, from: from, to: to, sampling: .riskSeriesObservations, riskSource: riskSource.source, policy: policy)
        }
        let points: [(Instant, Double)] = history.points.compactMap { p in
            if case .value(let hf)? = p.healthFactor { return (p.at, hf) }
            return nil
        }
        var subtitle = "Loan \(loan) (\(history.loan.lendingProtocol.rawValue), \(history.loan.currency)) on the \(history.riskSource)"
        if let minimum = history.minimumHealthFactor { subtitle += String(format: "; minimum %.3f on ", minimum.value) + ISO8601.formatDate(minimum.at) }
        try options.write(LineChart(title: "Health factor", subtitle: subtitle, yAxisLabel: "health factor (collateral × LT / debt)",
                                    series: [.init(name: "health factor", points: points, color: "#1f6feb")],
                                    referenceLines: [.init(value: 1, label: "liquidation (HF = 1)", color: "#d1242f")]))
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
        try options.write(LineChart(
            title: "Theta: model vs realized time-value decay", subtitle: "Hedge \(hedge) '\(name)'; positive = time value earned by the position",
            yAxisLabel: "cumulative USD",
            series: [.init(name: "model theta (cumulative)", points: decay.points.map { ($0.at, $0.cumulativeModelUSD) }, color: "#8250df", dashed: true),
                     .init(name: "realized decay (cumulative)", points: decay.points.map { ($0.at, $0.cumulativeRealizedUSD) }, color: "#1a7f37"),
                     .init(name: "time value left", points: decay.points.map { ($0.at, -$0.extrinsicUSD) }, color: "#bf8700")]))
    }
}

struct EquityChart: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "equity", abstract: "The book's net equity over time (NFTs − debt + hedges + cash), in USD.")
    @OptionGroup var options: ChartOptions
    @OptionGroup var marketOptions: OptionMarketOptions
    @Option(name: .customLong("step-days"), help: "Days between points.") var stepDays: Int = 1

    func run() throws {
        guard stepDays > 0 else { throw CLIFailure(message: "--step-days must be positive", exitCode: CLIFailure.usage) }
        let points: [(Instant, Double)] = try options.read { book in
            let first = try book.journal(from: Instant(unixSeconds: 0), to: Instant(unixSeconds: 253_402_300_799)).first?.at
            let (from, to) = try options.period(defaultFrom: first ?? Ledger.systemClock())
            var result: [(Instant, Double)] = []
            var policy = PricingPolicy.default
            policy.onMissingPrice = .flag
            var t = from
            while t <= to {
                let valuation = try book.portfolioValuation(at: t, policy: policy, market: marketOptions.market)
                result.append((t, valuation.netEquityUSD))
                t = t.adding(seconds: Int64(stepDays) * 86_400)
            }
            return result
        }
        try options.write(LineChart(title: "Net equity", subtitle: "NFTs at floor − debt + hedges at mark + cash, converted to USD",
                                    yAxisLabel: "USD", series: [.init(name: "net equity", points: points, color: "#1f6feb")]))
    }
}
