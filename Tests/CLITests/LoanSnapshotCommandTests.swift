import LedgerTestSupport
import Foundation
import Testing

/// Issue 19: the 215 real running loans with one command and a preset, then `report loans` and
/// `report cost` on them.
@Suite struct LoanSnapshotCommandTests {
    let dir = TemporaryDirectory()

    @Test func oneCommandImportsEveryRealLoanAndTheLoanReportsRunOnThem() throws {
        let ledger = dir.path("loans.ledger")
        #expect(try CLIRunner.run(["init", ledger]).exitCode == 0)
        let file = try TestRequirement.realData("loans/nft_loans_active_snapshot_nftfi_api.csv")
        let imported = try CLIRunner.run(["import", ledger, "loan-snapshot", file, "--preset", "nftfi-api-loans"])
        #expect(imported.exitCode == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("215 rows read, 215 inserted"))
        let loans = try CLIRunner.run(["report", "loans", ledger, "--at", "2025-03-27T07:00:00Z", "--format", "json"])
        #expect(loans.exitCode == 0, "\(loans.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(loans.stdout.utf8)) as? [String: Any])
        let rows = try #require(json["loans"] as? [[String: Any]])
        #expect(rows.count == 215)
        #expect(rows.allSatisfy { $0["status"] as? String == "open" && $0["loan_to_value"] is NSNull })
        let text = try CLIRunner.run(["report", "loans", ledger, "--at", "2025-03-27T07:00:00Z"])
        #expect(text.stdout.components(separatedBy: "collateral unvalued").count - 1 == 215)
        let cost = try CLIRunner.run(["report", "cost", ledger, "--at", "2025-03-27T07:00:00Z", "--flag-missing-prices"])
        #expect(cost.exitCode == 0, "\(cost.stderr)")
        // Loan 1 is Gondi 2522: 58,000 USDC at 17.98 % since 2024-03-28T03:22:59Z. Reference:
        // 58000 × 0.1798 × 31,462,621 s / 31,536,000 = 10404.1348566 (python3 float), rounded
        // up to USDC's 6 decimals as Gondi rounds.
        let first = cost.stdout.split(separator: "\n").first { $0.hasPrefix("1 ") }
        #expect(first?.contains("USDC") == true && first?.contains("58000") == true && first?.contains("10404.134857") == true, "\(first ?? "")")
        // No USDC/USD series is stored: the USD column takes USDC at 1 USD and says so (USDC-1).
        #expect(cost.stdout.contains("Assumed rates (not observations)\n  USDC taken as 1 USD: no USDC/USD series stored"))
        // One unvalued loan on its own: the state, the cost and a risk history sampled at the
        // period's ends (no floor series to sample), each saying the collateral is unvalued.
        let one = try CLIRunner.run(["report", "loan", ledger, "1", "--at", "2025-03-27T07:00:00Z", "--format", "json"])
        #expect(one.exitCode == 0, "\(one.stderr)")
        let loan = try #require(try JSONSerialization.jsonObject(with: Data(one.stdout.utf8)) as? [String: Any])
        let history = try #require(loan["history"] as? [String: Any])
        let points = try #require(history["points"] as? [[String: Any]])
        #expect(points.map { $0["at"] as? String } == ["2024-03-28T03:22:59Z", "2025-03-27T07:00:00Z"])
        #expect(points.last?["debt"] as? String == "68404.134857" && points.allSatisfy { $0["loan_to_value"] is NSNull })
        let oneText = try CLIRunner.run(["report", "loan", ledger, "1", "--at", "2025-03-27T07:00:00Z"])
        #expect(oneText.stdout.contains("collateral unvalued (no floor series for collection 1"), "\(oneText.stdout)")
    }

    /// The docs/import.md walk-through in small: the snapshot's NFTfi loans named as wallet A's
    /// (`--set wallet=`), an opening cash balance in A and one in B; `report loans --wallet` and
    /// `report valuation --by-wallet` / `--wallet` split by wallet, the parts summing to the total.
    @Test func loansAndOpeningCashByWallet() throws {
        let a = "0x7eb46dd46c583695846b0dc97603086fe6387105", b = "0x001da99a3554b6506bdc2079fee6a97081f1b58b"
        let ledger = dir.path("wallets.ledger")
        #expect(try CLIRunner.run(["init", ledger]).exitCode == 0)
        let lines = try String(contentsOfFile: try TestRequirement.realData("loans/nft_loans_active_snapshot_nftfi_api.csv"), encoding: .utf8)
            .split(separator: "\n").filter { $0.hasPrefix("source_file,") || $0.contains(",NFTfi,") }
        let mine = dir.path("my_loans.csv")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: mine))
        let opening = dir.path("opening.jsonl")
        try Data("""
            {"type":"opening_cash_balance","opened_at":"2025-01-01T00:00:00Z","currency":"WETH","amount":"10","wallet":"\(a.uppercased().replacingOccurrences(of: "0X", with: "0x"))"}
            {"type":"opening_cash_balance","opened_at":"2025-01-01T00:00:00Z","currency":"WETH","amount":"2.5","wallet":"\(b)"}

            """.utf8).write(to: URL(fileURLWithPath: opening))
        for args in [["import", ledger, "jsonl", opening], ["import", ledger, "loan-snapshot", mine, "--preset", "nftfi-api-loans", "--set", "wallet=\(a)"]] {
            let run = try CLIRunner.run(args)
            #expect(run.exitCode == 0, "\(run.stderr)")
        }
        let at = "2025-03-27T07:00:00Z"
        let ofA = try CLIRunner.run(["report", "loans", ledger, "--at", at, "--wallet", a, "--format", "json"])
        let ofB = try CLIRunner.run(["report", "loans", ledger, "--at", at, "--wallet", b, "--format", "json"])
        func loans(_ out: String) throws -> [[String: Any]] {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
            return try #require(object["loans"] as? [[String: Any]])
        }
        #expect(try loans(ofA.stdout).count == 4)
        #expect(try loans(ofB.stdout).isEmpty)
        // No price at all is stored: WETH is taken as ETH, ETH/USD is missing, so compare in the
        // booked amounts: A holds its 10 WETH and the loans' proceeds, B its 2.5.
        let split = try CLIRunner.run(["report", "valuation", ledger, "--at", at, "--by-wallet", "--flag-missing-prices", "--format", "json"])
        #expect(split.exitCode == 0, "\(split.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(split.stdout.utf8)) as? [String: Any])
        let parts = try #require(json["by_wallet"] as? [[String: Any]])
        #expect(parts.map { $0["wallet"] as? String } == [b, a])
        let cashA = try #require(parts[1]["cash"] as? [[String: Any]])
        // 10 + the four loans' 25.60025 (and 0 ETH: the collateral opened at an unknown cost).
        #expect(cashA.map { $0["amount"] as? String } == ["0", "35.60025"])
        let onlyB = try CLIRunner.run(["report", "valuation", ledger, "--at", at, "--wallet", b, "--flag-missing-prices"])
        #expect(onlyB.stdout.contains("cash    WETH") || onlyB.stdout.contains("2.5 WETH"), "\(onlyB.stdout)")
        #expect(!onlyB.stdout.contains("loan 1"))
    }
}
