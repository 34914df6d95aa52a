import Foundation
import LedgerTestSupport

/// The two ledgers the golden reports run on, built once per test run through the CLI.
///
/// A build failure is kept and rethrown by every test that needs the book (never swallowed), so a
/// broken `demo` or import fails the goldens with its own message instead of producing empty output.
enum GoldenBooks {
    struct BuildFailure: Error, CustomStringConvertible {
        let step: String
        let result: CLIRunner.Result
        var description: String { "building a golden book failed at `\(step)` (exit \(result.exitCode)): \(result.stderr)" }
    }

    static let directory = TemporaryDirectory()
    static let inputs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("GoldenInputs")

    /// `portfolio-ledger demo --db …`: the bundled real data and the demo's fixed clock.
    static let demo: Result<String, any Error> = Result { try buildDemo(at: directory.path("demo.ledger")) }

    /// A demo ledger of one's own, for tests that write to it (the shared one must stay as built).
    static func buildDemo(at path: String) throws -> String {
        try run("demo", ["demo", "--db", path])
        return path
    }

    /// The realistic book: `init`, the journal `GoldenInputs/realistic-book/book.jsonl` (every
    /// entity and entry, in one import: one `recorded_at`), then the four real price files through
    /// their presets into the series the journal declares (both written by `make_realistic_book.py`
    /// beside them). Files are named relative to that folder, so nothing machine-bound is recorded.
    /// Every import is booked `--recorded-at` a fixed instant (the day after the report instant), so
    /// the book's history — and its export, which carries `recorded_at` — is the same on every run.
    static let realistic: Result<String, any Error> = Result {
        let path = directory.path("realistic.ledger")
        let folder = inputs.appendingPathComponent("realistic-book")
        try run("init", ["init", path])
        try run("import book.jsonl", ["import", path, "jsonl", "book.jsonl", "--recorded-at", "2021-04-06T00:00:00Z"], in: folder)
        for (file, preset) in [("eth_usd_daily_coingecko", "eth-usd-coingecko"), ("spx_daily_close_fred", "spx-close-fred"),
                               ("vix_daily_cboe", "vix-close-cboe"), ("cryptopunks_daily_punksmarket", "cryptopunks-floor-median")] {
            try run("import \(file)", ["import", path, "prices", "prices/\(file).csv", "--preset", preset, "--recorded-at", "2021-04-06T00:00:01Z"],
                    in: folder)
        }
        try run("check", ["check", path])
        return path
    }

    private static func run(_ step: String, _ arguments: [String], in folder: URL? = nil) throws {
        let result = try CLIRunner.run(arguments, in: folder)
        guard result.exitCode == 0 else { throw BuildFailure(step: step, result: result) }
    }
}
