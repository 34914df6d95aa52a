import LedgerTestSupport
import Foundation
import Testing

/// `policy set|list` and `report break-even|borrowing-wacc|buffer|momentum` on the demo ledger, through the built binary.
@Suite(.serialized) struct StackRiskCommandTests {
    static let dir = TemporaryDirectory()
    /// Its own demo ledger (these tests book policies); a failed build fails each test with its stderr.
    static let built: Result<String, any Error> = Result { try GoldenBooks.buildDemo(at: dir.path("stack.ledger")) }
    static func ledger() throws -> String { try built.get() }
    static let at = "2021-01-25"
    static let market = ["--rate", "0.001", "--dividend-yield", "0.015"]

    static func json(_ arguments: [String]) throws -> [String: Any] {
        let result = try CLIRunner.run(arguments + ["--format", "json"])
        #expect(result.exitCode == 0, "\(arguments.joined(separator: " ")): \(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test func policySetThenBufferReportShowsTheBreachAndItsCure() throws {
        let set = try CLIRunner.run(["policy", "set", try Self.ledger(), "--loan", "2", "--min-hf", "1.6", "--from", "2021-01-20", "--note", "keep HF ≥ 1.6"])
        #expect(set.exitCode == 0, "\(set.stderr)")
        #expect(set.stdout.contains("loan 2 HF ≥ 1.6 from 2021-01-20T00:00:00Z"))
        #expect(try CLIRunner.run(["policy", "set", try Self.ledger(), "--portfolio", "--max-ltv", "0.5", "--from", "2021-01-01"]).exitCode == 0)
        // Bad input is refused with a one-line message and nothing written.
        let neither = try CLIRunner.run(["policy", "set", try Self.ledger(), "--min-hf", "1.5"])
        #expect(neither.exitCode != 0 && neither.stderr.contains("--loan"))
        let belowOne = try CLIRunner.run(["policy", "set", try Self.ledger(), "--loan", "2", "--min-hf", "0.8"])
        #expect(belowOne.exitCode == 65 && belowOne.stderr.contains("min health factor"))
        let list = try Self.json(["policy", "list", try Self.ledger()])
        #expect((list["policies"] as? [[String: Any]])?.count == 2)

        let buffer = try Self.json(["report", "buffer", try Self.ledger(), "--at", Self.at])
        #expect(buffer["loans_in_breach"] as? [Int] == [2])
        let loans = try #require(buffer["loans"] as? [[String: Any]])
        let loan2 = try #require(loans.first { $0["loan_id"] as? Int == 2 })
        let cure = try #require(loan2["cure"] as? [String: Any])
        #expect(cure["repayment"] is String && cure["extra_collateral_value"] is String) // exact money as strings
        // HF after repaying the cure is the target: value × LT / (debt − R) = 1.6.
        let hf = try #require(loan2["health_factor"] as? Double)
        let debt = try #require(Double(loan2["debt"] as? String ?? ""))
        let repay = try #require(Double(cure["repayment"] as? String ?? ""))
        #expect(abs(hf * debt / (debt - repay) - 1.6) < 1e-9)
        #expect((loan2["breaches"] as? [[String: Any]])?.count == 1)
        let loan1 = try #require(loans.first { $0["loan_id"] as? Int == 1 })
        #expect((loan1["policy"] as? [String: Any])?["scope"] as? String == "portfolio")
    }

    @Test func breakEvenListsLiquidationBeforeBreakEven() throws {
        let report = try Self.json(["report", "break-even", try Self.ledger(), "--at", Self.at] + Self.market)
        let thresholds = try #require(report["thresholds"] as? [[String: Any]])
        #expect(thresholds.first?["threshold"] as? String == "loan 2 liquidation")
        let floor = try #require(report["break_even_floor"] as? Double)
        let slope = try #require(report["slope"] as? Double), intercept = try #require(report["pnl_at_zero_floor"] as? Double)
        #expect(abs(intercept + slope * floor) < 1e-6) // P&L(F*) = 0
        let nft = try Self.json(["report", "break-even", try Self.ledger(), "--at", Self.at, "--nft", "2", "--numeraire", "eth"] + Self.market)
        #expect(nft["numeraire"] as? String == "ETH" && nft["floor_nft_count"] as? Int == 1)
    }

    @Test func weightedCostAndMomentum() throws {
        let wacc = try Self.json(["report", "borrowing-wacc", try Self.ledger(), "--at", Self.at])
        #expect((wacc["loans"] as? [[String: Any]])?.count == 2)
        let byCurrency = try #require(wacc["by_currency"] as? [String: Any])
        #expect(Set(byCurrency.keys) == ["ETH", "WETH"])
        let period = try Self.json(["report", "borrowing-wacc", try Self.ledger(), "--from", "2021-01-01", "--at", "2021-04-05"])
        #expect((period["loans"] as? [[String: Any]])?.allSatisfy { $0["basis"] as? String == "realized" } == true)

        let momentum = try Self.json(["report", "momentum", try Self.ledger(), "1", "--at", "2021-04-05"])
        let rsi = try #require(momentum["latest_floor_rsi"] as? Double)
        #expect((0...100).contains(rsi))
        #expect(momentum["advance_decline_line"] is NSNull)
    }

    @Test func everyViewRunsInEveryFormat() throws {
        for view in [["break-even"] + Self.market, ["borrowing-wacc"], ["buffer"], ["momentum", "1"]] {
            for format in ["table", "json", "csv"] {
                let result = try CLIRunner.run(["report", view[0], try Self.ledger()] + view.dropFirst() + ["--at", Self.at, "--format", format])
                #expect(result.exitCode == 0, "report \(view[0]) --format \(format): \(result.stderr)")
                #expect(!result.stdout.isEmpty)
            }
        }
        let unknown = try CLIRunner.run(["report", "momentum", try Self.ledger(), "99", "--at", Self.at])
        #expect(unknown.exitCode != 0 && unknown.stderr.split(separator: "\n").count == 1)
    }
}
