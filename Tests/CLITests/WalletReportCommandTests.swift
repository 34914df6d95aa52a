import LedgerTestSupport
import Foundation
import LedgerMath
import PortfolioLedger
import Testing

/// `--wallet` on every report (WALLETS-5): accepted by the reports of NFTs, cash and loans,
/// refused with its reason by those of things no wallet holds (hedges, a collection's momentum)
/// or that cannot be split honestly; `report balance-sheet --by-wallet` parts sum to the total.
@Suite struct WalletReportCommandTests {
    let dir = TemporaryDirectory()
    static let a = "0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1", b = "0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2"

    /// Two punks in wallet a, punk 2 moved to b on 2021-02-01; a deposit in each (a 50, b 3 ETH)
    /// and one naming none (5 ETH); a 15 ETH loan borrowed by b against punk 2; floor 30 ETH and
    /// ETH/USD 1500 every day.
    func makeBook() throws -> String {
        let path = dir.path("wallets.ledger")
        func at(_ text: String) throws -> Instant { try ISO8601.parse(text) }
        let eth = Currency.eth
        let ledger = try Ledger.create(at: path, clock: { Instant(unixSeconds: 1_700_000_000) })
        try ledger.write { tx in
            let punks = try tx.addCollection(chain: "ethereum", contractAddress: "0xb47e3cd837ddf8e4c57f05d70ab865de6e193bbb", name: "CryptoPunks")
            let one = try tx.addNFT(collection: punks, tokenID: TokenID("1"))
            let two = try tx.addNFT(collection: punks, tokenID: TokenID("2"))
            _ = try tx.recordExternalFlow(.deposit, at: at("2021-01-01"), amount: Money(ExactDecimal(50), eth), wallet: Self.a)
            _ = try tx.recordExternalFlow(.deposit, at: at("2021-01-01"), amount: Money(ExactDecimal(3), eth), wallet: Self.b)
            _ = try tx.recordExternalFlow(.deposit, at: at("2021-01-01"), amount: Money(ExactDecimal(5), eth))
            _ = try tx.recordNFTTrade(nft: one, side: .acquire, tradedAt: at("2021-01-05"), price: Money(ExactDecimal(20), eth), wallet: Self.a)
            _ = try tx.recordNFTTrade(nft: two, side: .acquire, tradedAt: at("2021-01-06"), price: Money(ExactDecimal(10), eth), wallet: Self.a)
            _ = try tx.transferNFT(two, from: Self.a, to: Self.b, at: at("2021-02-01"))
            _ = try tx.addLoan(NewLoan(lendingProtocol: .nftfi, externalRef: "w-1", currency: eth, principal: ExactDecimal(15),
                                       startedAt: at("2021-02-10"), maturityAt: at("2021-04-10"), terms: .fixedRepayment(repayment: ExactDecimal(16)),
                                       collateral: [two], wallet: Self.b))
            let floor = try tx.addPriceSeries(name: "punk floor", kind: .floor, quote: eth, collection: punks)
            let fx = try tx.addPriceSeries(name: "ETH/USD", kind: .fx, base: "ETH", quote: .usd)
            let days = (0..<90).map { try! at("2021-01-01").adding(seconds: Int64($0) * 86_400) }
            _ = try tx.addObservations(days.map { PriceObservation(observedAt: $0, price: 30) }, to: floor)
            _ = try tx.addObservations(days.map { PriceObservation(observedAt: $0, price: 1_500) }, to: fx)
        }
        return path
    }

    func json(_ run: CLIRunner.Result) throws -> [String: Any] {
        #expect(run.exitCode == 0, "\(run.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    }

    func ethOf(_ doc: [String: Any], _ key: String) throws -> Decimal {
        let booked = try #require(doc["booked"] as? [[String: Any]])
        let row = try #require(booked.first { $0["currency"] as? String == "ETH" })
        let text = try #require(row[key] as? String)
        return try #require(Decimal(string: text))
    }

    @Test func balanceSheetByWalletPartsSumToTheTotalAndWalletPicksOne() throws {
        let path = try makeBook()
        let at = ["--at", "2021-03-01"]
        let whole = try json(try CLIRunner.run(["report", "balance-sheet", path, "--by-wallet", "--format", "json"] + at))
        let parts = try #require(whole["by_wallet"] as? [[String: Any]])
        #expect(parts.map { ($0["wallet_scope"] as? [String: Any])?["wallet"] as? String } == [Self.a, Self.b, nil])
        #expect((parts[2]["wallet_scope"] as? [String: Any])?["no_wallet_named"] as? Bool == true)
        for key in ["cash", "nfts_at_cost", "loan_principal", "equity"] {
            #expect(try parts.reduce(Decimal(0)) { $0 + (try ethOf($1, key)) } == (try ethOf(whole, key)), "\(key)")
        }
        let ofB = try json(try CLIRunner.run(["report", "balance-sheet", path, "--wallet", Self.b.uppercased().replacingOccurrences(of: "0X", with: "0x"),
                                              "--format", "json"] + at))
        // b: 3 deposited + 15 borrowed, punk 2 at its 10 cost, 15 owed.
        #expect(try ethOf(ofB, "cash") == 18)
        #expect(try ethOf(ofB, "nfts_at_cost") == 10)
        #expect(try ethOf(ofB, "loan_principal") == 15)
        #expect(ofB["by_wallet"] == nil)
        // The whole book's document has neither key (goldens unchanged).
        let plain = try json(try CLIRunner.run(["report", "balance-sheet", path, "--format", "json"] + at))
        #expect(plain["wallet_scope"] == nil && plain["by_wallet"] == nil)
        let text = try CLIRunner.run(["report", "balance-sheet", path, "--by-wallet"] + at)
        #expect(text.stdout.contains("By wallet") && text.stdout.contains("(no wallet named)"), "\(text.stdout)")
        let both = try CLIRunner.run(["report", "balance-sheet", path, "--by-wallet", "--wallet", Self.a] + at)
        #expect(both.exitCode == 64)
    }

    @Test func statementOfAWalletReconcilesWithTheTransferAsAFlow() throws {
        let path = try makeBook()
        let ofA = try json(try CLIRunner.run(["report", "statement", path, "--from", "2021-01-15", "--to", "2021-03-01", "--wallet", Self.a,
                                              "--flag-missing-prices", "--format", "json"]))
        let lines = try #require(ofA["lines"] as? [[String: Any]])
        #expect(lines.contains { $0["kind"] as? String == "nft moved between own wallets (at cost)" && $0["amount"] as? String == "-10" }, "\(lines)")
        let rec = try #require((ofA["booked_reconciliation"] as? [[String: Any]])?.first)
        #expect(rec["residual"] as? String == "0")
        #expect((ofA["wallet_scope"] as? [String: Any])?["wallet"] as? String == Self.a)
    }

    @Test func everyReportAcceptsOrRefusesWalletWithItsReason() throws {
        let path = try makeBook()
        let at = ["--at", "2021-03-01"]
        for args in [["valuation"], ["loans"], ["loan", "1"], ["cost"], ["borrowing-wacc"], ["buffer"], ["balance-sheet"],
                     ["statement", "--from", "2021-01-15"], ["stress", "--floor", "-30%"]] {
            let run = try CLIRunner.run(["report", args[0], path] + args.dropFirst() + ["--wallet", Self.b, "--flag-missing-prices"] + at)
            #expect(run.exitCode == 0, "\(args): \(run.stderr)")
        }
        // The loan is b's: asked of a, report loan says whose it is.
        let notA = try CLIRunner.run(["report", "loan", path, "1", "--wallet", Self.a] + at)
        #expect(notA.exitCode == 64 && notA.stderr.contains("borrowed by \(Self.b)"), "\(notA.stderr)")
        let cost = try json(try CLIRunner.run(["report", "cost", path, "--wallet", Self.a, "--format", "json"] + at))
        #expect((cost["loans"] as? [Any])?.isEmpty == true, "\(cost)")
        let split = try json(try CLIRunner.run(["report", "cost", path, "--by-wallet", "--format", "json"] + at))
        let costParts = try #require(split["by_wallet"] as? [[String: Any]])
        #expect(costParts.map { ($0["wallet_scope"] as? [String: Any])?["wallet"] as? String } == [Self.b])
        #expect(costParts.first?["loans"] as? [Int] == [1])
        #expect(try CLIRunner.run(["report", "cost", path, "--by-wallet", "--wallet", Self.b] + at).exitCode == 64)
        for (args, reason) in [(["hedges"], "hedges are not kept in a wallet; --wallet applies to NFTs, cash and loans"),
                               (["hedge", "1"], "hedges are not kept in a wallet; --wallet applies to NFTs, cash and loans"),
                               (["momentum", "1"], "no wallet holds"),
                               (["returns"], "cannot be split by wallet"),
                               (["break-even"], "not split by wallet")] {
            let run = try CLIRunner.run(["report", args[0], path] + args.dropFirst() + ["--wallet", Self.a] + at)
            #expect(run.exitCode == 64, "\(args): \(run.stderr)")
            #expect(run.stderr.contains("--wallet does not apply") && run.stderr.contains(reason), "\(args): \(run.stderr)")
        }
    }
}
