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
}
