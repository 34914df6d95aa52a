import ArgumentParser
import DemoData
import Foundation
import LedgerMath
import PortfolioLedger

/// `portfolio-ledger replay POLICY.json --from D --to D`: replays a borrowing-and-hedging policy
/// over the bundled real history (docs/replay.md).
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a borrowing-and-hedging policy over real history: liquidations, borrowing cost, hedge P&L, XIRR per layer.",
        discussion: """
            Without --sweep: the policy beside the same collateral unlevered, levered without the hedge and levered \
            without the buffer. --out writes the policy's replay as an ordinary ledger (marked simulated) that every \
            report, chart and export reads; --chart writes the health factor with and without the buffer. \
            With --sweep: every --ltv × --buffer-hf × --buffer-actions × --hedge point on all cores (progress on stderr), and \
            --chart writes the grid. Data: the bundled CryptoPunks daily sales (2017-06-23…2021-04-05), ETH/USD, SPX, VIX; \
            --option-quotes adds stored SPX option quotes that price the condors on the sessions they cover.
            """
    )

    @Argument(help: "The policy, a JSON file (docs/replay.md).") var policy: String
    @Option(help: "First day, YYYY-MM-DD.") var from: String
    @Option(help: "Last day, YYYY-MM-DD (inclusive).") var to: String
    @Option(help: "Output format: table or json.") var format: ReplayFormat = .table
    @Option(help: "Write the policy's replay (or, with --sweep, the --write-point's) as a new ledger file.") var out: String?
    @Option(help: "Write an SVG chart: the health factor (replay) or the grid (sweep).") var chart: String?
    @Flag(help: "Sweep a grid of LTV × buffer trigger × hedge instead of one replay.") var sweep = false
    @Option(help: "Sweep LTVs LOW:HIGH:STEP (default 0.2:0.6:0.05).") var ltv: GridRange = GridRange(low: 0.2, high: 0.6, step: 0.05)
    @Option(name: .customLong("buffer-hf"), help: "Sweep buffer triggers LOW:HIGH:STEP, or 'off' (default 1.1:2.0:0.1).")
    var bufferHF: GridRange = GridRange(low: 1.1, high: 2.0, step: 0.1)
    @Flag(name: .customLong("with-no-buffer"), help: "Add a no-buffer point for every LTV to the sweep.") var withNoBuffer = false
    @Option(help: "Sweep the hedge: on, off or on,off (default on,off).") var hedge: HedgeChoice = .both
    @Option(name: .customLong("buffer-actions"),
            help: "Sweep the buffer's actions: comma-separated lists, each an ordered '+'-chain of repay, add_collateral, sell_hedge (e.g. repay,sell_hedge+add_collateral+repay; default: the policy's).")
    var bufferActions: BufferActionsChoice?
    @Option(name: .customLong("option-quotes"),
            help: "Stored SPX option quotes (the CSV of shared/data/real/options/spx_option_chain_snapshots.csv): condors sold or closed on a session they cover are priced at their mid.")
    var optionQuotes: String?

    @Option(name: .customLong("write-point"), help: "With --sweep and --out: write this grid point's replay as a ledger, LTV,HF|off,on|off[,ACTIONS] (e.g. 0.5,1.5,on or 0.5,1.5,on,sell_hedge+repay).")
    var writePoint: SweepPointChoice?

    func validate() throws {
        if sweep && (out != nil) != (writePoint != nil) { throw ValidationError("with --sweep, --out needs --write-point LTV,HF|off,on|off (and the reverse)") }
        if !sweep && writePoint != nil { throw ValidationError("--write-point picks a point of a --sweep") }
        if !sweep && bufferActions != nil { throw ValidationError("--buffer-actions is an axis of a --sweep; a single replay takes the policy's buffer.actions") }
    }

    func run() throws {
        let policy = try readPolicy()
        let start = try ReplayCommand.day(from, option: "--from"), end = try ReplayCommand.day(to, option: "--to")
        var market = try ReplayCommand.bundledMarket()
        if let optionQuotes { market.optionQuotes = try ReplayCommand.readQuotes(optionQuotes) }
        if sweep {
            var triggers: [Double?] = bufferHF.isOff ? [] : ReplayGrid.steps(bufferHF.low, bufferHF.high, by: bufferHF.step)
            if withNoBuffer || bufferHF.isOff { triggers.insert(nil, at: 0) }
            let grid = ReplayGrid(ltvs: ReplayGrid.steps(ltv.low, ltv.high, by: ltv.step), bufferHealthFactors: triggers,
                                  bufferActions: bufferActions?.lists, hedge: hedge.values)
            let progress = SweepProgress(total: grid.count)
            let points = try ReplaySweep.run(policy, grid: grid, market: market, from: start, to: end) { done, total in progress.report(done, total) }
            progress.finish()
            let showActions = bufferActions != nil
            printLine(format == .json ? try ReplayOutput.sweepJSON(points, showActions: showActions)
                                      : ReplayOutput.sweepTable(points, showActions: showActions))
            if let chart { try ReplayOutput.write(SweepChart(title: "Sweep: \(policy.name)", from: start, to: end, points: points).svg(), to: chart) }
            if let out, let point = writePoint {
                let variant = try ReplaySweep.policy(policy, ltv: point.ltv, bufferHealthFactor: point.bufferHealthFactor,
                                                     bufferActions: point.bufferActions, hedge: point.hedge)
                try writeLedger(variant, market: market, from: start, to: end, to: out)
            }
            return
        }
        let comparison = try ReplayComparison.run(policy, market: market, from: start, to: end)
        printLine(format == .json ? try ReplayOutput.comparisonJSON(comparison, from: start, to: end)
                                  : ReplayOutput.comparisonTable(comparison, from: start, to: end))
        if let out { try writeLedger(policy, market: market, from: start, to: end, to: out) }
        if let chart {
            try ReplayOutput.write(try ReplayOutput.healthChart(policy, market: market, from: start, to: end), to: chart)
        }
    }

    private func writeLedger(_ policy: ReplayPolicy, market: ReplayMarket, from start: Instant, to end: Instant, to out: String) throws {
        let run = try ReplayRun.simulate(policy, market: market, from: start, to: end)
        _ = try Ledger.createReplay(of: run, market: market, at: out)
        printLine("wrote \(out) (a simulated ledger: \(run.bookings.count) bookings)")
    }

    private func readPolicy() throws -> ReplayPolicy {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: policy)) } catch {
            throw CLIFailure(message: "cannot read \(policy): \(error.localizedDescription)", exitCode: CLIFailure.missingData)
        }
        do { return try ReplayPolicy.decode(data) } catch {
            throw CLIFailure(message: "\(policy): \(error.description)", exitCode: CLIFailure.invalidInput)
        }
    }

    /// `--option-quotes FILE`: the chain snapshots CSV; a bad row names its line (exit 65).
    static func readQuotes(_ path: String) throws -> ReplayOptionQuotes {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw CLIFailure(message: "cannot read \(path): \(error.localizedDescription)", exitCode: CLIFailure.missingData)
        }
        do { return try ReplayOptionQuotes(csv: text, file: URL(fileURLWithPath: path).lastPathComponent) } catch {
            throw CLIFailure(message: error.description, exitCode: CLIFailure.invalidInput)
        }
    }

    static func day(_ text: String, option: String) throws -> Instant {
        guard text.count == 10 else { throw CLIFailure(message: "\(option): '\(text)' is not a date YYYY-MM-DD", exitCode: CLIFailure.usage) }
        return try parseInstant(text, option: option)
    }

    /// The bundled history (docs/data.md): the full daily CryptoPunks summary and slices of ETH/USD, SPX and VIX.
    static func bundledMarket() throws -> ReplayMarket {
        try ReplayMarket(punksDaily: BundledHistory.punksDaily, ethUSD: BundledHistory.ethUSD, spx: BundledHistory.spx, vix: BundledHistory.vix)
    }
}

enum ReplayFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

/// `LOW:HIGH:STEP`, or `off`.
struct GridRange: ExpressibleByArgument {
    var low: Double
    var high: Double
    var step: Double
    var isOff = false

    init(low: Double, high: Double, step: Double) {
        self.low = low
        self.high = high
        self.step = step
    }

    init?(argument: String) {
        if argument == "off" {
            self.init(low: 0, high: 0, step: 1)
            isOff = true
            return
        }
        let parts = argument.split(separator: ":").compactMap { Double($0) }
        guard parts.count == 3, parts.allSatisfy(\.isFinite), parts[0] <= parts[1], parts[2] > 0 else { return nil }
        self.init(low: parts[0], high: parts[1], step: parts[2])
    }

    var defaultValueDescription: String { isOff ? "off" : "\(low):\(high):\(step)" }
}

/// `--buffer-actions`: comma-separated alternatives, each an ordered `+`-chain of actions.
struct BufferActionsChoice: ExpressibleByArgument {
    var lists: [[ReplayPolicy.BufferAction]]

    init?(argument: String) {
        guard let lists = Self.parse(argument, separator: ","), !lists.isEmpty else { return nil }
        self.lists = lists
    }

    /// `repay+sell_hedge` → [repay, sell_hedge]; nil for an unknown or repeated action.
    static func chain(_ text: Substring) -> [ReplayPolicy.BufferAction]? {
        let actions = text.split(separator: "+").map { ReplayPolicy.BufferAction(rawValue: String($0)) }
        guard !actions.isEmpty, actions.allSatisfy({ $0 != nil }) else { return nil }
        let chain = actions.compactMap { $0 }
        return Set(chain).count == chain.count ? chain : nil
    }

    private static func parse(_ text: String, separator: Character) -> [[ReplayPolicy.BufferAction]]? {
        let lists = text.split(separator: separator, omittingEmptySubsequences: false).map(chain)
        return lists.allSatisfy { $0 != nil } ? lists.compactMap { $0 } : nil
    }
}

/// One sweep point, `LTV,HF|off,on|off[,ACTIONS]`.
struct SweepPointChoice: ExpressibleByArgument {
    var ltv: Double
    var bufferHealthFactor: Double?
    var hedge: Bool
    var bufferActions: [ReplayPolicy.BufferAction]?

    init?(argument: String) {
        let parts = argument.split(separator: ",").map(String.init)
        guard (3...4).contains(parts.count), let ltv = Double(parts[0]), ["on", "off"].contains(parts[2]) else { return nil }
        if parts.count == 4 {
            guard let actions = BufferActionsChoice.chain(Substring(parts[3])) else { return nil }
            bufferActions = actions
        }
        if parts[1] == "off" {
            bufferHealthFactor = nil
        } else {
            guard let hf = Double(parts[1]) else { return nil }
            bufferHealthFactor = hf
        }
        self.ltv = ltv
        hedge = parts[2] == "on"
    }
}

enum HedgeChoice: String, ExpressibleByArgument, CaseIterable {
    case on, off, both = "on,off"
    var values: [Bool] {
        switch self {
        case .on: [true]
        case .off: [false]
        case .both: [true, false]
        }
    }
}

/// Sweep progress on stderr, rewritten in place on a terminal, every tenth of the way otherwise.
final class SweepProgress: @unchecked Sendable {
    // @unchecked: every access holds `lock`.
    private let lock = NSLock()
    private let total: Int
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private var lastTenth = -1

    init(total: Int) { self.total = total }

    func report(_ done: Int, _ total: Int) {
        lock.withLock {
            let tenth = done * 10 / max(total, 1)
            guard isTerminal || tenth != lastTenth else { return }
            lastTenth = tenth
            FileHandle.standardError.write(Data("\(isTerminal ? "\r" : "")sweep: \(done)/\(total) points\(isTerminal ? "" : "\n")".utf8))
        }
    }

    func finish() {
        if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
