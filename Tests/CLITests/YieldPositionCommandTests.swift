import LedgerTestSupport
import Foundation
import Testing

/// Yield positions through the built binary: booked from a JSON Lines file into the demo ledger (a
/// WETH vault funded by the BendDAO loan 2), then `report returns`, `cost`, `borrowing-wacc`,
/// `balance-sheet`, `statement` and `html` show the yield layer, the net carry, the cost net of
/// yield and the position on the statements; a bad flow is refused naming its line and field.
@Suite(.serialized) struct YieldPositionCommandTests {
    static let dir = TemporaryDirectory()
    static let built: Result<String, any Error> = Result {
        let path = try GoldenBooks.buildDemo(at: dir.path("yield.ledger"))
        // A daily share price 1 + 0.0005 × days since 2021-01-21 (the reports refuse observations older than 3 days).
        let prices = (0...40).map { day in
            let instant = Date(timeIntervalSince1970: 1_611_187_200 + Double(day) * 86_400).formatted(.iso8601)
            return #"{"type":"price","series":"vault-pps","observed_at":"\#(instant)","price":\#(1 + 0.0005 * Double(day))}"#
        }.joined(separator: "\n")
        let journal = """
            {"type":"price_series","name":"vault-pps","kind":"index","quote":"WETH"}
            \(prices)
            {"type":"yield_position","name":"WETH vault","kind":"vault","currency":"WETH","valuation":"share_price","share_price_series":"vault-pps","loan":{"loan_id":2}}
            {"type":"yield_flow","ref":"d1","position":"WETH vault","kind":"deposit","flowed_at":"2021-01-21T00:00:00Z","amount":"2.5","shares":"2.5"}
            {"type":"yield_flow","position":"WETH vault","kind":"withdrawal","flowed_at":"2021-02-15T00:00:00Z","amount":"1.0125","shares":"1"}

            """
        try Data(journal.utf8).write(to: URL(fileURLWithPath: dir.path("yield.jsonl")))
        let result = try CLIRunner.run(["import", path, "jsonl", dir.path("yield.jsonl")])
        guard result.exitCode == 0 else { throw CLIFailureForTest(message: result.stderr) }
        return path
    }
    struct CLIFailureForTest: Error { let message: String }
    static let at = "2021-03-01"

    static func json(_ arguments: [String]) throws -> [String: Any] {
        let result = try CLIRunner.run(arguments + ["--format", "json"])
        #expect(result.exitCode == 0, "\(arguments.joined(separator: " ")): \(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test func reportsShowTheYieldLayerCarryAndStatements() throws {
        let ledger = try Self.built.get()
        for numeraire in ["usd", "eth"] {
            let returns = try Self.json(["report", "returns", ledger, "--at", Self.at, "--numeraire", numeraire])
            let layer = try #require(returns["yield_alone"] as? [String: Any])
            // 1.5 shares × 1.0195 (day 39) held at the end, in ETH.
            if numeraire == "eth" { #expect(abs((layer["terminal_value"] as? Double ?? 0) - 1.5 * 1.0195) < 1e-12) }
            #expect((returns["problems"] as? [String] ?? []).isEmpty)
            let positions = try #require(returns["per_yield_position"] as? [[String: Any]])
            #expect(positions.first?["funding_loan_id"] as? Int == 2)
            let flows = try #require(returns["flows"] as? [[String: Any]])
            #expect(flows.filter { $0["layer"] as? String == "yield" }.map { $0["description"] as? String } == ["yield deposit", "yield withdrawal"])
        }
        let text = try CLIRunner.run(["report", "returns", ledger, "--at", Self.at])
        #expect(text.stdout.contains("yield alone") && text.stdout.contains("funded by loan 2"))

        let cost = try Self.json(["report", "cost", ledger, "--at", Self.at, "--numeraire", "eth"])
        let carry = try #require((cost["net_carry"] as? [[String: Any]])?.first)
        #expect(carry["loan_id"] as? Int == 2)
        // Yield earned in ETH: −2.5 + 1.0125 + 1.5 × 1.0195 = 0.04175.
        #expect(abs((carry["yield_earned"] as? Double ?? 0) - 0.04175) < 1e-12)
        let earned = try #require(carry["yield_earned"] as? Double), borrowing = try #require(carry["borrowing_cost"] as? Double)
        #expect(abs((carry["net_carry"] as? Double ?? 0) - (earned - borrowing)) < 1e-12)
        let csv = try CLIRunner.run(["report", "cost", ledger, "--at", Self.at, "--format", "csv"])
        #expect(csv.stdout.split(separator: "\n").first?.contains(",yield earned USD,net carry USD,") == true)

        let wacc = try Self.json(["report", "borrowing-wacc", ledger, "--at", Self.at, "--numeraire", "eth"])
        let gross = try #require((wacc["in_numeraire"] as? [String: Any])?["apr"] as? Double)
        let net = try #require((wacc["in_numeraire_net_of_yield"] as? [String: Any])?["apr"] as? Double)
        #expect(net < gross)

        let sheet = try Self.json(["report", "balance-sheet", ledger, "--at", Self.at, "--numeraire", "eth"])
        let position = try #require((sheet["yield_positions"] as? [[String: Any]])?.first)
        #expect(position["shares"] as? String == "1.5" && position["cost_basis"] as? String == "1.5")
        let weth = try #require((sheet["booked"] as? [[String: Any]])?.first { $0["currency"] as? String == "WETH" })
        #expect(weth["yield_at_cost"] as? String == "1.5")

        let statement = try Self.json(["report", "statement", ledger, "--from", "2021-01-01", "--to", Self.at])
        let booked = try #require((statement["booked"] as? [[String: Any]])?.first { $0["currency"] as? String == "WETH" })
        #expect(booked["yield_income"] as? String == "0.0125")
        let reconciled = try #require(statement["booked_reconciliation"] as? [[String: Any]])
        #expect(reconciled.allSatisfy { $0["residual"] as? String == "0" && $0["holds"] as? Bool == true })
        #expect(((statement["marked"] as? [String: Any])?["reconciliation"] as? [String: Any])?["holds"] as? Bool == true)

        let page = try CLIRunner.run(["report", "html", ledger, "--at", Self.at, "--out", Self.dir.path("page")])
        #expect(page.exitCode == 0, "\(page.stderr)")
        let html = try String(contentsOfFile: Self.dir.path("page/index.html"), encoding: .utf8)
        #expect(html.contains("yield_alone") || html.contains("yield alone"))
    }

    @Test func aWithdrawalOfSharesNotHeldIsRefusedNamingItsLine() throws {
        let ledger = try Self.built.get()
        let before = try logicalDump(ledger)
        let bad = """
            {"type":"yield_flow","position":"WETH vault","kind":"deposit","flowed_at":"2021-03-02T00:00:00Z","amount":"1","shares":"1"}
            {"type":"yield_flow","position":"WETH vault","kind":"withdrawal","flowed_at":"2021-03-03T00:00:00Z","amount":"9","shares":"9"}

            """
        try Data(bad.utf8).write(to: URL(fileURLWithPath: Self.dir.path("bad.jsonl")))
        let result = try CLIRunner.run(["import", ledger, "jsonl", Self.dir.path("bad.jsonl")])
        #expect(result.exitCode == 65)
        #expect(result.stderr.contains("shares"), "\(result.stderr)")
        let unknown = """
            {"type":"yield_position","name":"bill","kind":"rwa","currency":"USD","valuation":"accrual","accrual_apr":0.05,"accrual_rule":"simple","loan":{"loan_id":99}}

            """
        try Data(unknown.utf8).write(to: URL(fileURLWithPath: Self.dir.path("unknown.jsonl")))
        let refused = try CLIRunner.run(["import", ledger, "jsonl", Self.dir.path("unknown.jsonl")])
        #expect(refused.exitCode == 65 && refused.stderr.contains(":1:") && refused.stderr.contains("loan"), "\(refused.stderr)")
        #expect(try logicalDump(ledger) == before)
    }
}
