import ArgumentParser
import LedgerMath
import PortfolioLedger

/// `portfolio-ledger policy set|list`: collateral buffer targets stored in the ledger.
struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Collateral buffer targets (keep HF ≥ x, LTV ≤ y) per loan or for the portfolio; each change is a dated row.",
        subcommands: [PolicySet.self, PolicyList.self]
    )
}

struct PolicySet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Book a buffer target for one loan (--loan) or the portfolio (--portfolio), in force from --from (default now).",
        discussion: "Give neither --min-hf nor --max-ltv to clear the scope's target from --from on (a loan then follows the portfolio target)."
    )

    @Argument(help: "Path of the ledger file.")
    var ledger: String
    @Option(help: "The loan the target is for.")
    var loan: Int64?
    @Flag(help: "The target is for every loan without its own target.")
    var portfolio = false
    @Option(name: .customLong("min-hf"), help: "Keep the health factor at or above this (≥ 1), e.g. 1.6.")
    var minHF: Double?
    @Option(name: .customLong("max-ltv"), help: "Keep loan-to-value at or below this fraction, e.g. 0.35.")
    var maxLTV: Double?
    @Option(help: "In force from: YYYY-MM-DD (00:00 UTC) or an ISO-8601 UTC instant. Default: now.")
    var from: String?
    @Option(help: "A note kept with the target.")
    var note: String?

    func validate() throws {
        guard (loan != nil) != portfolio else { throw ValidationError("give exactly one of --loan ID and --portfolio") }
    }

    func run() throws {
        let book = try Ledger.open(at: ledger)
        let effective = try from.map { try parseInstant($0, option: "--from") } ?? book.clock()
        let scope: BufferPolicyScope = loan.map { .loan(LoanID($0)) } ?? .portfolio
        let id = try book.write { tx in
            try tx.setBufferPolicy(scope, effectiveAt: effective, target: BufferTarget(minHealthFactor: minHF, maxLTV: maxLTV), note: note)
        }
        let target = BufferTarget(minHealthFactor: minHF, maxLTV: maxLTV)
        printLine("policy \(id): \(scope) " + (target.isEmpty ? "target cleared" : describe(target)) + " from \(effective)")
    }

    private func describe(_ t: BufferTarget) -> String {
        [t.minHealthFactor.map { "HF ≥ \($0)" }, t.maxLTV.map { "LTV ≤ \($0)" }].compactMap { $0 }.joined(separator: ", ")
    }
}

struct PolicyList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Every buffer policy row, oldest first.")

    @OptionGroup var options: ReportOptions

    func run() throws {
        try options.refuseWallet("policy list", because: "buffer policies are of loans and collections, not of wallets")
        let rows = try options.read { try $0.bufferPolicies() }
        let header = ["id", "scope", "effective at", "min HF", "max LTV", "recorded at", "note"]
        let cells = rows.map { p in
            [String(p.id.rawValue), p.scope.description, p.effectiveAt.description, Fmt.num(p.target.minHealthFactor, 2),
             Fmt.num(p.target.maxLTV, 4), p.recordedAt.description, p.note ?? ""]
        }
        try ReportOutput(unstamped: PolicyListDocument(rows), text: "Buffer policies\n\n" + PlainTable.grid(header: header, rows: cells, rightAligned: [3, 4]),
                         csvHeader: header, csvRows: cells).emit(options.format)
    }
}
