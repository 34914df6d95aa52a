import LedgerTestSupport
import Foundation
import Testing

/// Issue 17 through the built binary on the demo ledger: returns beside XIRR, the cost split,
/// the charts (equity with invested capital, loan debt vs collateral, LTV for P2P loans), and
/// `--flag-missing-prices` marking totals incomplete.
@Suite struct ReturnsAndChartsCLITests {
    /// The demo ledger the other CLI report tests read (reports and charts open it read-only).
    static func ledger() throws -> String { try DemoAndReportTests.ledger() }
    static let at = DemoAndReportTests.at
    static let market = DemoAndReportTests.market
    let dir = TemporaryDirectory()

    func json(_ arguments: [String]) throws -> [String: Any] {
        let result = try CLIRunner.run(arguments + ["--format", "json"])
        #expect(result.exitCode == 0, "\(arguments): \(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test func returnsShowMultipleTWRAndHoldingPeriodBesideXIRR() throws {
        let report = try json(["report", "returns", Self.ledger(), "--at", Self.at] + Self.market)
        let total = try #require(report["total"] as? [String: Any])
        let multiple = try #require(total["money_multiple"] as? Double)
        let hpr = try #require(total["holding_period_return"] as? Double)
        #expect(abs(hpr - (multiple - 1)) < 1e-12)
        let twr = try #require(total["time_weighted_return"] as? [String: Any])
        #expect(twr["status"] as? String == "ok")
        #expect(((twr["years"] as? Double) ?? 1) < 1)
        let perLoan = try #require(report["per_loan"] as? [[String: Any]])
        #expect(perLoan.map { $0["loan_id"] as? Int } == [1, 2])
        for loan in perLoan {
            let r = try #require(loan["return"] as? [String: Any])
            #expect(((r["money_multiple"] as? Double) ?? 2) < 1, "a loan returns less than it was paid: its cost")
        }
        let text = try CLIRunner.run(["report", "returns", Self.ledger(), "--at", Self.at] + Self.market).stdout
        for phrase in ["multiple", "holding-period", "TWR p.a.", "XIRR p.a.", "(112 d)", "loan 2 alone", "extrapolate"] {
            #expect(text.contains(phrase), "returns text lacks '\(phrase)'")
        }
    }

    @Test func costSplitExplainsTheUSDRateOfAnETHLoan() throws {
        let report = try json(["report", "cost", Self.ledger(), "--at", Self.at])
        let loans = try #require(report["loans"] as? [[String: Any]])
        for loan in loans {
            let split = try #require(loan["cost_split_in_numeraire"] as? [String: Any])
            let parts = ["interest", "fees", "currency_effect"].compactMap { split[$0] as? Double }
            let cost = try #require(loan["cost_in_numeraire"] as? Double)
            #expect(parts.count == 3 && abs(parts.reduce(0, +) - cost) <= 1e-9 * abs(cost))
            #expect(parts[2] > 0, "ETH rose over both loans: the currency effect is a cost")
        }
        let text = try CLIRunner.run(["report", "loan", Self.ledger(), "1", "--at", Self.at]).stdout
        #expect(text.contains("of which currency effect") && text.contains("ETH moved against USD"))
    }

    @Test func demoReadsAsAStory() throws {
        let demo = try CLIRunner.run(["demo"])
        #expect(demo.exitCode == 0)
        #expect(!demo.stdout.contains("no price liquidation: fixed-term peer-to-peer loan: no price liquidation"))
        let cash = demo.stdout.split(separator: "\n").filter { $0.hasPrefix("cash ") }
        #expect(!cash.isEmpty && cash.allSatisfy { !$0.contains(" -") }, "negative cash: \(cash)")
        #expect(demo.stdout.contains("The whole stack returned ×") && demo.stdout.contains("of which currency effect"))
    }

    @Test func equityChartStopsAtTheLastPricedDayAndDrawsInvestedCapital() throws {
        let out = dir.path("equity-default.svg")
        let result = try CLIRunner.run(["chart", "equity", Self.ledger(), "--out", out] + Self.market)
        #expect(result.exitCode == 0, "\(result.stderr)")
        let svg = try String(contentsOfFile: out, encoding: .utf8)
        #expect(svg.contains("invested capital") && svg.contains("the last day the stored prices can value"))
        #expect(svg.contains("fill=\"#1a7f37\" stroke=\"#fff\"")) // a deposit marker
        #expect(svg.contains(">Jan 2021<"))                          // month ticks
        // An explicit --to past the data is still an error naming the price.
        let stale = try CLIRunner.run(["chart", "equity", Self.ledger(), "--out", dir.path("stale.svg"), "--to", "2021-06-01"] + Self.market)
        #expect(stale.exitCode == 66 && stale.stderr.contains("older than"))
    }

    @Test func loanChartsDrawDebtCollateralAndLTV() throws {
        let loan = dir.path("loan2.svg")
        #expect(try CLIRunner.run(["chart", "loan", Self.ledger(), "2", "--out", loan]).exitCode == 0)
        let svg = try String(contentsOfFile: loan, encoding: .utf8)
        #expect(svg.contains("collateral value") && svg.contains("liquidation value (debt ÷ LT 0.65)") && svg.contains("min HF 0.991"))
        let ltv = dir.path("health1.svg")
        let p2p = try CLIRunner.run(["chart", "health", Self.ledger(), "1", "--out", ltv])
        #expect(p2p.exitCode == 0, "\(p2p.stderr)")
        let ltvSVG = try String(contentsOfFile: ltv, encoding: .utf8)
        #expect(ltvSVG.contains("Loan-to-value") && ltvSVG.contains("fixed-term peer-to-peer loan") && ltvSVG.contains("matures 2021-02-04"))
        let health = dir.path("health2.svg")
        #expect(try CLIRunner.run(["chart", "health", Self.ledger(), "2", "--out", health]).exitCode == 0)
        #expect(try String(contentsOfFile: health, encoding: .utf8).contains("minimum 0.991 on 2021-01-21"))
    }

    @Test func flagMissingPricesMarksTotalsIncomplete() throws {
        let arguments = ["report", "valuation", try Self.ledger(), "--at", "2021-06-01", "--flag-missing-prices"] + Self.market
        let text = try CLIRunner.run(arguments)
        #expect(text.exitCode == 0, "\(text.stderr)")
        #expect(text.stdout.contains("net equity (USD)") && text.stdout.contains("(INCOMPLETE)"))
        #expect(text.stdout.contains("INCOMPLETE: ") && text.stdout.contains("nft 1:"))
        let report = try json(arguments)
        #expect(report["complete"] as? Bool == false)
        #expect(((report["problems"] as? [String]) ?? []).count >= 2)
        // Returns and costs flag every price they need the same way.
        let returns = try json(["report", "returns", Self.ledger(), "--at", "2021-06-01", "--flag-missing-prices"] + Self.market)
        #expect(returns["complete"] as? Bool == false)
        #expect(((returns["problems"] as? [String]) ?? []).contains { $0.hasPrefix("nft 1 at ") })
        let returnsText = try CLIRunner.run(["report", "returns", Self.ledger(), "--at", "2021-06-01", "--flag-missing-prices"] + Self.market).stdout
        #expect(returnsText.split(separator: "\n").first?.contains("INCOMPLETE") == true)
        #expect(try CLIRunner.run(["report", "returns", Self.ledger(), "--at", "2021-06-01"] + Self.market).exitCode == 66)
        // A settled loan's cost needs no price at the report instant.
        #expect(try json(["report", "cost", Self.ledger(), "--at", "2021-06-01"])["complete"] as? Bool == true)
        // With every price present the report is whole.
        #expect(try json(["report", "valuation", Self.ledger(), "--at", Self.at, "--flag-missing-prices"] + Self.market)["complete"] as? Bool == true)
    }
}
