import Foundation
import LedgerMath
import LedgerTestSupport
import PortfolioLedger
import Testing

/// The analytics part of docs/api.md ("Analytics"), run as written on the demo ledger, with the
/// library's values checked against the CLI's JSON reports of the same file; and change
/// notification across processes.
@Suite struct SwiftAPITourTests {
    let dir = TemporaryDirectory()

    @Test func theAnalyticsTourAgreesWithTheCLIReports() async throws {
        let path = try GoldenBooks.demo.get()
        // --- docs/api.md, "Analytics" (begin)
        let ledger = try Ledger.openReadOnly(at: path)
        let at = try ISO8601.parse("2021-01-25T00:00:00Z")

        // A loan: debt by the protocol's own rule, LTV, health factor, liquidation floor.
        let loans = try await ledger.read { try $0.loans() }
        let bend = loans[1].id
        let state = try await ledger.read { try $0.loanState(bend, at: at) }
        // print(state) → loan 2 at 2021-01-25T00:00:00Z: open, debt 2.907956099233919723 WETH (…), LTV …, health factor 1.53, …

        // How close it came: the health factor over its life, lowest first.
        let history = try await ledger.read { try $0.loanHistory(bend, from: loans[1].startedAt, to: at) }
        let closest = history.minimumHealthFactor   // (value, at)

        // A hedge: mark, greeks and theta now; model theta against realized extrinsic decay.
        let hedge = try await ledger.read { try $0.hedges()[0] }
        let valuation = try await ledger.read { try $0.hedgeValuation(hedge.id, at: at) }
        let decay = try await ledger.read { try $0.thetaDecay(hedge.id, from: hedge.openedAt, to: at) }

        // The whole stack: valuation, returns per layer (here in ETH), the balance sheet.
        let portfolio = try await ledger.read { try $0.portfolioValuation(at: at) }
        let returns = try await ledger.read {
            try $0.fullStackReturn(.portfolio, from: ISO8601.parse("2020-12-13T00:00:00Z"), to: at, numeraire: .eth)
        }
        let sheet = try await ledger.read { try $0.balanceSheet(at: at) }
        // --- (end)

        let cli = try CLIRunner.run(["report", "loans", path, "--at", "2021-01-25T00:00:00Z", "--format", "json"])
        try #require(cli.exitCode == 0, "\(cli.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as? [String: Any])
        let row = try #require((report["loans"] as? [[String: Any]])?.first { ($0["loan_id"] as? Int) == 2 })
        #expect(row["debt"] as? String == state.debt.description)
        #expect(row["health_factor"] as? Double == state.risk?.healthFactor?.doubleValue)
        #expect(row["loan_to_value"] as? Double == state.risk?.loanToValue)
        #expect(state.description.hasPrefix("loan 2 at 2021-01-25T00:00:00Z: open, debt \(state.debt) WETH"))

        let closestValue = try #require(closest?.value)
        #expect(closestValue <= (state.risk?.healthFactor?.doubleValue ?? 0))
        #expect(decay.points.last?.at ?? at <= at)
        #expect(valuation.hedge.id == hedge.id)
        #expect(portfolio.at == at && sheet.at == at)
        #expect(returns.numeraire == .eth && returns.to == at)
    }

    @Test func aCommitByAnotherProcessIsDelivered() async throws {
        let path = dir.path("watched.ledger")
        let created = try CLIRunner.run(["init", path])
        try #require(created.exitCode == 0, "\(created.stderr)")
        let ledger = try Ledger.openReadOnly(at: path)
        let changes = try ledger.changes(pollingEvery: .milliseconds(20))

        let prices = GoldenBooks.inputs.appendingPathComponent("realistic-book/prices/eth_usd_daily_coingecko.csv")
        let imported = try CLIRunner.run(["import", path, "prices", prices.path, "--preset", "eth-usd-coingecko"])
        try #require(imported.exitCode == 0, "\(imported.stderr)")

        let change = try await firstElement(of: changes, within: 30)
        #expect(change?.sequenceNumber == 1, "the import by another process was not delivered within 30 s")
        let count = try await ledger.read { book -> Int in
            let series = try #require(try book.series(named: "ETH/USD"))
            var count = 0
            try book.observations(of: series.id, from: ISO8601.parse("1970-01-01"), to: ISO8601.parse("2100-01-01")) { _ in count += 1 }
            return count
        }
        #expect(count == 151)
    }
}
