import Foundation
import LedgerTestSupport
import Testing

/// `portfolio-ledger refresh` fills the derived tables; `check` says when they are stale, as a
/// notice (exit 0), and again that they are current after the next refresh.
@Suite struct RefreshCommandTests {
    let dir = TemporaryDirectory()

    @Test func refreshThenCheckReportsStalenessAsANotice() throws {
        let path = dir.path("book.ledger")
        try FileManager.default.copyItem(atPath: try GoldenBooks.realistic.get(), toPath: path)
        let never = try CLIRunner.run(["check", path])
        #expect(never.exitCode == 0 && !never.stdout.contains("derived analytics"), "nothing to report before the first refresh")

        let refresh = try CLIRunner.run(["refresh", path, "--underlying-series", "SPX", "--rate", "0.04", "--dividend-yield", "0.015"])
        #expect(refresh.exitCode == 0, "\(refresh.stderr)")
        #expect(refresh.stdout.contains("(full, book version") && refresh.stdout.contains("2021-01-07…2021-04-30"), "\(refresh.stdout)")
        let current = try CLIRunner.run(["check", path])
        #expect(current.exitCode == 0 && current.stdout.contains("derived analytics: current through 2021-04-30"), "\(current.stdout)")

        let csv = dir.path("eth.csv")
        try "snapshot_utc,price_usd\n2021-05-01T00:00:00Z,2950.5\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let imported = try CLIRunner.run(["import", path, "prices", csv, "--preset", "eth-usd-coingecko"])
        #expect(imported.exitCode == 0, "\(imported.stderr)")
        let stale = try CLIRunner.run(["check", path])
        #expect(stale.exitCode == 0, "stale derived rows are not an integrity finding")
        #expect(stale.stdout.contains("notice: derived analytics are stale") && stale.stdout.contains("portfolio-ledger refresh"), "\(stale.stdout)")

        let again = try CLIRunner.run(["refresh", path, "--underlying-series", "SPX", "--rate", "0.04", "--dividend-yield", "0.015"])
        #expect(again.stdout.contains("(incremental,") && again.stdout.contains("1 portfolio days"), "\(again.stdout)")
        #expect(try CLIRunner.run(["check", path]).stdout.contains("derived analytics: current through 2021-05-01"))
    }

    @Test func refreshRejectsNegativeAgesAndAMissingFile() throws {
        let negative = try CLIRunner.run(["refresh", dir.path("none.ledger"), "--max-price-age-days=-1"])
        #expect(negative.exitCode != 0 && negative.stderr.contains("must not be negative"), "\(negative.stderr)")
        let missing = try CLIRunner.run(["refresh", dir.path("none.ledger")])
        #expect(missing.exitCode != 0 && !missing.stderr.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: dir.path("none.ledger")))
    }
}
