import LedgerTestSupport
import Foundation
import LedgerMath
import PortfolioLedger
import Testing

/// `report statement` and `report balance-sheet` on a small hand-checkable book: 50 ETH deposited,
/// an Ape bought for 45 + 0.5 ETH fees and sold on 2024-01-11 for 60 − 1.2 ETH fees; floor 50 ETH;
/// ETH/USD = 2000 + 10 × day (day 0 = 2024-01-01).
@Suite struct ReportAccountingTests {
    let dir = TemporaryDirectory()

    func makeBook() throws -> String {
        let path = dir.path("book.ledger")
        let start = try ISO8601.parse("2024-01-01T00:00:00Z")
        func day(_ n: Int) -> Instant { start.adding(seconds: Int64(n) * 86_400) }
        let eth = Currency.eth
        let ledger = try Ledger.create(at: path, clock: { Instant(unixSeconds: 1_700_000_000) })
        try ledger.write { tx in
            let apes = try tx.addCollection(chain: "ethereum", contractAddress: "0xbc4ca0eda7647a8ab7c2061c2e118a18a936f13d", name: "Apes")
            let ape = try tx.addNFT(collection: apes, tokenID: TokenID("100"))
            _ = try tx.recordExternalFlow(.deposit, at: day(-2), amount: Money(ExactDecimal(50), eth))
            _ = try tx.recordNFTTrade(nft: ape, side: .acquire, tradedAt: start.adding(seconds: -3_600),
                                      price: Money(ExactDecimal(45), eth), fees: ExactDecimal(parsing: "0.5"))
            _ = try tx.recordNFTTrade(nft: ape, side: .dispose, tradedAt: day(10), price: Money(ExactDecimal(60), eth),
                                      fees: ExactDecimal(parsing: "1.2"))
            let floor = try tx.addPriceSeries(name: "apes-floor", kind: .floor, quote: eth, collection: apes)
            _ = try tx.addObservations((-5...30).map { PriceObservation(observedAt: day($0), price: 50) }, to: floor)
            let fx = try tx.addPriceSeries(name: "ETHUSD", kind: .fx, base: "ETH", quote: .usd)
            _ = try tx.addObservations((-5...30).map { PriceObservation(observedAt: day($0), price: 2_000 + 10 * Double($0)) }, to: fx)
        }
        return path
    }

    @Test func statementReconcilesExactlyAndAtMark() throws {
        let path = try makeBook()
        let json = try CLIRunner.run(["report", "statement", path, "--from", "2023-12-31", "--to", "2024-01-21", "--format", "json"])
        #expect(json.exitCode == 0, "\(json.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let booked = try #require((doc["booked"] as? [[String: Any]])?.first)
        #expect(booked["currency"] as? String == "ETH")
        #expect(booked["realized_nft_gain"] as? String == "13.3")     // 58.8 − 45.5, exact, as a string
        let rec = try #require((doc["booked_reconciliation"] as? [[String: Any]])?.first)
        #expect(rec["opening_equity"] as? String == "50" && rec["closing_equity"] as? String == "63.3")
        #expect(rec["residual"] as? String == "0" && rec["holds"] as? Bool == true)
        let marked = try #require(doc["marked"] as? [String: Any])
        let fx = try #require(marked["fx_translation"] as? Double)
        #expect(abs(fx - 11_830) < 1e-6)                               // 50 × (2200 − 1990) + 13.3 × (2200 − 2100)
        #expect((marked["reconciliation"] as? [String: Any])?["holds"] as? Bool == true)

        let table = try CLIRunner.run(["report", "statement", path, "--from", "2023-12-31", "--to", "2024-01-21"])
        #expect(table.exitCode == 0)
        #expect(table.stdout.contains("booked part reconciles exactly (residual 0)"))
        #expect(table.stdout.contains("— holds"))
        let csv = try CLIRunner.run(["report", "statement", path, "--from", "2023-12-31", "--to", "2024-01-21", "--format", "csv"])
        // Every report's CSV ends with the instant it is at and the knowledge cut-off (empty here).
        #expect(csv.stdout.hasPrefix("at,line,amount,entry,USD,rate,report_at,as_known_at\n"))
        #expect(csv.stdout.contains("nft disposal proceeds,58.8 ETH,nft_trade 2,123480.00,2100.000000"))

        let backwards = try CLIRunner.run(["report", "statement", path, "--from", "2024-01-21", "--to", "2024-01-01"])
        #expect(backwards.exitCode == 64)
    }

    @Test func balanceSheetBookedAndAtMark() throws {
        let path = try makeBook()
        let result = try CLIRunner.run(["report", "balance-sheet", path, "--at", "2024-01-06", "--format", "json", "--numeraire", "eth"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let booked = try #require((doc["booked"] as? [[String: Any]])?.first)
        // Cash 50 − 45.5 = 4.5, the Ape at cost 45.5, equity 50 ETH; at mark 4.5 + 50 = 54.5 ETH.
        #expect(booked["cash"] as? String == "4.5" && booked["nfts_at_cost"] as? String == "45.5" && booked["equity"] as? String == "50")
        let nft = try #require((doc["nfts"] as? [[String: Any]])?.first)
        #expect(nft["pledged"] as? Bool == false && nft["cost_basis"] as? String == "45.5")
        let equity = try #require((doc["marked"] as? [String: Any])?["equity"] as? Double)
        #expect(abs(equity - 54.5) < 1e-9)

        let table = try CLIRunner.run(["report", "balance-sheet", path, "--at", "2024-01-06"])
        #expect(table.exitCode == 0)
        #expect(table.stdout == """
            Balance sheet at 2024-01-06T00:00:00Z

            Booked (exact, per currency)
            currency  cash  NFTs at cost  assets  loan principal  liabilities  equity
            ETH        4.5          45.5      50               0            0      50

            NFTs
            nft    acquired              cost basis  pledged to  mark                      mark value  unrealized
            nft 1  2023-12-31T23:00:00Z  45.5 ETH    -           50.0000 ETH (apes-floor)     50.0000      4.5000

            At mark, in USD
            cash                             9225.00
            NFTs at mark                     102500.00
            option positions (assets)        0.00
            = assets                         111725.00
            loan debt (principal + accrued)  0.00
            option positions (liabilities)   0.00
            = liabilities                    0.00
            equity                           111725.00

            Rates into USD: ETH 2050.000000

            Prices used
            series            price  observed at             age
            apes-floor    50.000000  2024-01-06T00:00:00Z  0.0 h
            ETHUSD      2050.000000  2024-01-06T00:00:00Z  0.0 h

            """)
    }

    /// Both views on the demo's real-data ledger (two punks, an ETH and a WETH loan, an SPX condor,
    /// a USD deposit), in every format; both reconciliations hold.
    @Test func statementsOnTheDemoLedger() throws {
        let ledger = dir.path("demo.ledger")
        #expect(try CLIRunner.run(["demo", "--db", ledger]).exitCode == 0)
        let market = ["--rate", "0.001", "--dividend-yield", "0.015"]
        for view in [["statement", "--from", "2020-12-14", "--to", "2021-04-05T23:59:59Z"], ["balance-sheet", "--at", "2021-03-01"]] {
            for format in ["table", "json", "csv"] {
                let result = try CLIRunner.run(["report", view[0], ledger] + view.dropFirst() + market + ["--format", format])
                #expect(result.exitCode == 0, "report \(view[0]) --format \(format): \(result.stderr)")
                if format == "json" {
                    #expect((try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) != nil, "invalid JSON from \(view[0])")
                }
                if view[0] == "statement" && format == "table" {
                    #expect(result.stdout.contains("booked part reconciles exactly (residual 0)") && result.stdout.contains("— holds"))
                }
            }
        }
    }
}
