import LedgerTestSupport
import Foundation
import LedgerMath
import PortfolioLedger
import Testing

/// The USDC/USD rule through the CLI (issue 19): one Ape (floor 50 ETH), ETH/USD 2,000, a USDC
/// loan owing a fixed 41,000 USDC (principal 40,000, 30 days from 2024-01-01, threshold 80 %).
/// `report loans` without a USDC/USD series: LTV 41,000 / (50 × 2,000) = 0.41 with the peg
/// flagged; after importing a USDC/USD series at 0.97 (`import … prices`): LTV 41,000 × 0.97 /
/// 100,000 = 0.3977, no flag; past the series' end: fails, or flags with `--flag-missing-prices`.
@Suite struct StablecoinReportCommandTests {
    let dir = TemporaryDirectory()
    static let flag = "USDC taken as 1 USD: no USDC/USD series stored"

    func makeBook() throws -> String {
        let path = dir.path("usdc.ledger")
        let start = try ISO8601.parse("2024-01-01T00:00:00Z")
        func day(_ n: Int) -> Instant { start.adding(seconds: Int64(n) * 86_400) }
        let ledger = try Ledger.create(at: path, clock: { Instant(unixSeconds: 1_700_000_000) })
        try ledger.write { tx in
            let apes = try tx.addCollection(chain: "ethereum", contractAddress: "0xbc4ca0eda7647a8ab7c2061c2e118a18a936f13d", name: "Apes")
            let ape = try tx.addNFT(collection: apes, tokenID: TokenID("100"))
            _ = try tx.recordNFTTrade(nft: ape, side: .acquire, tradedAt: start.adding(seconds: -3_600),
                                      price: Money(ExactDecimal(45), .eth), fees: ExactDecimal(parsing: "0.5"))
            let floor = try tx.addPriceSeries(name: "apes-floor", kind: .floor, quote: .eth, collection: apes)
            _ = try tx.addObservations((-5...60).map { PriceObservation(observedAt: day($0), price: 50) }, to: floor)
            let fx = try tx.addPriceSeries(name: "ETHUSD", kind: .fx, base: "ETH", quote: .usd)
            _ = try tx.addObservations((-5...60).map { PriceObservation(observedAt: day($0), price: 2_000) }, to: fx)
            _ = try tx.addLoan(NewLoan(lendingProtocol: .other, currency: try Currency("USDC"), principal: ExactDecimal(40_000),
                                       startedAt: day(0), maturityAt: day(30), terms: .fixedRepayment(repayment: ExactDecimal(41_000)),
                                       liquidationThreshold: 0.8, collateral: [ape]))
        }
        return path
    }

    func loansJSON(_ path: String, at: String, _ extra: [String] = []) throws -> [String: Any] {
        let run = try CLIRunner.run(["report", "loans", path, "--at", at, "--format", "json"] + extra)
        #expect(run.exitCode == 0, "\(run.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        return try #require((doc["loans"] as? [[String: Any]])?.first)
    }

    @Test func reportLoansFlagsThePegThenUsesAnImportedUSDCUSDSeries() throws {
        let path = try makeBook()
        let pegged = try loansJSON(path, at: "2024-01-11T00:00:00Z")
        #expect(pegged["currency"] as? String == "USDC" && pegged["debt"] as? String == "41000")
        #expect(abs((pegged["loan_to_value"] as? Double ?? 0) - 0.41) < 1e-12)
        let prices = try #require(pegged["prices"] as? [[String: Any]])
        let assumed = prices.filter { $0["assumption"] != nil }
        #expect(assumed.count == 1 && assumed[0]["assumption"] as? String == Self.flag)
        #expect(assumed[0]["observed_at"] is NSNull && assumed[0]["age_seconds"] is NSNull)
        let text = try CLIRunner.run(["report", "loans", path, "--at", "2024-01-11T00:00:00Z"])
        #expect(text.stdout.contains("Assumed rates (not observations)\n  " + Self.flag), "\(text.stdout)")
        #expect(!text.stdout.contains("USDC/USD  "))   // never a row of the observations table
        let cost = try CLIRunner.run(["report", "cost", path, "--at", "2024-01-11T00:00:00Z", "--format", "json"])
        let costDoc = try #require(try JSONSerialization.jsonObject(with: Data(cost.stdout.utf8)) as? [String: Any])
        #expect(costDoc["assumptions"] as? [String] == [Self.flag])
        #expect(try CLIRunner.run(["report", "cost", path, "--at", "2024-01-11T00:00:00Z"]).stdout.contains(Self.flag))

        // A USDC/USD series at 0.97 for January, imported as any other fx series.
        let csv = dir.path("usdc_usd.csv")
        try ("date,price\n" + (1...31).map { String(format: "2024-01-%02d,0.97\n", $0) }.joined()).write(toFile: csv, atomically: true, encoding: .utf8)
        let imported = try CLIRunner.run(["import", path, "prices", csv, "--time-column", "date", "--price-column", "price",
                                          "--series", "USDCUSD", "--series-kind", "fx", "--base", "USDC", "--quote", "USD"])
        #expect(imported.exitCode == 0, "\(imported.stderr)")
        let observed = try loansJSON(path, at: "2024-01-11T00:00:00Z")
        #expect(abs((observed["loan_to_value"] as? Double ?? 0) - 0.3977) < 1e-12)
        let used = try #require(observed["prices"] as? [[String: Any]])
        #expect(used.allSatisfy { $0["assumption"] == nil } && used.contains { $0["series"] as? String == "USDCUSD" })
        let withSeries = try CLIRunner.run(["report", "cost", path, "--at", "2024-01-11T00:00:00Z"])
        #expect(!withSeries.stdout.contains("Assumed rates"))

        // 2024-02-10: the series' last observation (01-31) is 10 days old, over the 3-day limit.
        let stale = try CLIRunner.run(["report", "loans", path, "--at", "2024-02-10T00:00:00Z"])
        #expect(stale.exitCode != 0 && stale.stderr.contains("USDCUSD"), "\(stale.stderr)")
        let flagged = try loansJSON(path, at: "2024-02-10T00:00:00Z", ["--flag-missing-prices"])
        #expect(flagged["loan_to_value"] is NSNull && (flagged["price_problem"] as? String)?.contains("USDCUSD") == true)
        #expect((flagged["prices"] as? [Any])?.isEmpty == true)
    }
}
