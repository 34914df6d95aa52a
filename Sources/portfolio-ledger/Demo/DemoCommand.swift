import ArgumentParser
import Foundation
import LedgerMath
import PortfolioLedger

/// `portfolio-ledger demo`: build a ledger from the bundled real market data and print the report.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Build a ledger from bundled real market data and print the full report.",
        discussion: """
            Two real CryptoPunks purchases (Dec 2020), an NFTfi-style fixed loan repaid early, a BendDAO-style pool loan \
            with a health factor, and an SPX iron condor hedge, on real CryptoPunks sales, ETH/USD, S&P 500 and VIX data \
            (docs/data.md). The output is the same on every run. With --db the ledger is kept for `report`, `query` and `chart`.
            """
    )

    @Option(help: "Keep the demo ledger at this path (must not exist). Default: a temporary file, removed afterwards.")
    var db: String?

    func run() throws {
        let workDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("portfolio-ledger-demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: workDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: workDirectory) }
        let path = db ?? workDirectory.appendingPathComponent("demo.ledger").path
        let scenario = try DemoScenario.build(at: path, dataDirectory: workDirectory)
        printLine(try DemoReport.render(scenario))
        if let db { printLine("\nThe demo ledger is kept at \(db). Try: portfolio-ledger report loans \(db) --at \(DemoScenario.reportAt)") }
    }
}
