import LedgerTestSupport
import Foundation
import LedgerMath
import PortfolioLedger
import Testing

/// The CLI on an SPX (AM) iron condor that expired on 2023-06-16, with the real FRED SPX closes
/// (`../shared/data/real/market/spx_daily_close_fred.csv`, 2023-05-15 … 2023-06-30) and the real
/// CoinGecko ETH/USD (for the reports that convert into ETH).
@Suite struct ReportExpiryAndEchoTests {
    let dir = TemporaryDirectory()
    static let market = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data/real/market")
    static let spxFile = market.appendingPathComponent("spx_daily_close_fred.csv")
    static let ethFile = market.appendingPathComponent("eth_usd_daily_coingecko.csv")

    /// The condor 4000/4100/4300/4400 opened 2023-05-15; every leg quoted on 2023-06-15, the 4000
    /// put never before; settled at the 2023-06-16 close when `settled`. Booked on 2023-08-01.
    func makeBook(settled: Bool) throws -> String {
        let path = dir.path(settled ? "settled.ledger" : "open.ledger")
        let text = try String(contentsOf: Self.spxFile, encoding: .utf8)
        let closes = try text.split(separator: "\n").dropFirst().compactMap { line -> PriceObservation? in
            let cells = line.split(separator: ",").map(String.init)
            guard cells.count == 2, cells[0] >= "2023-05-15", cells[0] <= "2023-06-30", let close = Double(cells[1]) else { return nil }
            return PriceObservation(observedAt: try ISO8601.parse(cells[0] + "T20:00:00Z"), price: close)
        }
        try #require(closes.count > 30, "SPX closes for May–June 2023 in \(Self.spxFile.path)")
        let ethText = try String(contentsOf: Self.ethFile, encoding: .utf8)
        let ethUSD = try ethText.split(separator: "\n").dropFirst().compactMap { line -> PriceObservation? in
            let cells = line.split(separator: ",").map(String.init)
            guard cells.count >= 3, cells[0] >= "2023-05-01", cells[0] <= "2023-08-31", let price = Double(cells[2]) else { return nil }
            return PriceObservation(observedAt: try ISO8601.parse(cells[1]), price: price)
        }
        try #require(ethUSD.count > 100, "ETH/USD for May–August 2023 in \(Self.ethFile.path)")
        let ledger = try Ledger.create(at: path, clock: { Instant(unixSeconds: 1_690_848_000) })   // 2023-08-01
        try ledger.write { tx in
            let spx = try tx.addPriceSeries(name: "SPX", kind: .index)
            try tx.addObservations(closes, to: spx)
            try tx.addObservations(ethUSD, to: try tx.addPriceSeries(name: "ETH/USD", kind: .fx, base: "ETH", quote: .usd))
            let expiry = try ISO8601.parse("2023-06-16T13:30:00Z")
            let legs = [OptionLeg(.put, strike: 4000, quantity: 1, premium: try ExactDecimal(parsing: "3.1"), expiry: expiry),
                        OptionLeg(.put, strike: 4100, quantity: -1, premium: try ExactDecimal(parsing: "6.4"), expiry: expiry),
                        OptionLeg(.call, strike: 4300, quantity: -1, premium: try ExactDecimal(parsing: "9.8"), expiry: expiry),
                        OptionLeg(.call, strike: 4400, quantity: 1, premium: try ExactDecimal(parsing: "2.9"), expiry: expiry)]
            let hedge = try tx.openIronCondor(name: "SPX Jun-2023", root: .spx, legs: legs, tradedAt: try ISO8601.parse("2023-05-15T20:00:00Z"))
            for position in try tx.current.positions(of: hedge, at: try ISO8601.parse("2023-05-16")) {
                var days = ["2023-06-15"]
                if position.contract.strike != 4000 { days.append("2023-05-15") }
                for day in days {
                    try tx.addOptionQuotes([OptionQuote(contractID: position.contract.id, quotedAt: try ISO8601.parse(day + "T20:00:00Z"), impliedVol: 0.15)])
                }
                if settled { _ = try tx.settleContract(position.contract.id, settlementValue: try ExactDecimal(parsing: "4409.59")) }
            }
        }
        return path
    }

    func json(_ arguments: [String]) throws -> [String: Any] {
        let result = try CLIRunner.run(arguments + ["--format", "json"])
        #expect(result.exitCode == 0, "\(arguments): \(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test func anExpiredUnsettledCondorHasTheSameValueAndPnLAtEveryAtAfterExpiry() throws {
        let path = try makeBook(settled: false)
        var seen: [(value: Double, pnl: Double)] = []
        for at in ["2023-06-17", "2023-06-30", "2023-07-31", "2024-03-01"] {
            let doc = try json(["report", "hedges", path, "--at", at, "--underlying-series", "SPX"])
            let hedge = try #require((doc["hedges"] as? [[String: Any]])?.first)
            let legs = try #require(hedge["legs"] as? [[String: Any]])
            #expect(legs.allSatisfy { $0["mark_source"] as? String == "settlement estimated from the close" && $0["underlying"] as? Double == 4409.59 })
            seen.append((try #require(hedge["value_usd"] as? Double), try #require(hedge["pnl_usd"] as? Double)))
        }
        #expect(seen.allSatisfy { $0 == seen[0] })
        #expect(abs(seen[0].value - -10_000) < 1e-9)   // (−(4409.59 − 4300) + (4409.59 − 4400)) × 100
    }

    @Test func reportHedgeWorksAfterEveryLegIsSettled() throws {
        let path = try makeBook(settled: true)
        let doc = try json(["report", "hedge", path, "1", "--at", "2023-07-31", "--underlying-series", "SPX"])
        #expect((doc["legs"] as? [[String: Any]])?.allSatisfy { $0["mark_source"] as? String == "settled" } == true)
        // 2023-05-15: the 4000 put had no quote and no vol, so that snapshot is listed, not fatal.
        let skipped = try #require(doc["theta_decay_skipped"] as? [[String: Any]])
        #expect(skipped.map { $0["at"] as? String } == ["2023-05-15T20:00:00Z"])
        #expect((doc["theta_decay"] as? [Any])?.isEmpty == false)
    }

    @Test func everyReportEchoesAtAndAsKnownAtInEveryFormat() throws {
        let path = try makeBook(settled: false)
        let known = "2023-08-02T00:00:00Z"
        let market = ["--underlying-series", "SPX"]
        let views: [[String]] = [["hedges"] + market, ["hedge", path, "1"] + market, ["valuation"] + market, ["balance-sheet"] + market,
                                 ["statement", "--from", "2023-05-01"] + market, ["stress", "--spx", "-10%"] + market, ["loans"], ["cost"],
                                 ["borrowing-wacc"], ["buffer"]]
        for view in views {
            let base = ["report", view[0]] + (view[0] == "hedge" ? [] : [path]) + view.dropFirst() + ["--at", "2023-07-31", "--flag-missing-prices"]
            let plain = try json(base)
            #expect(plain["at"] as? String == "2023-07-31T00:00:00Z", "\(view)")
            #expect(plain.keys.contains("as_known_at") && plain["as_known_at"] is NSNull, "\(view)")
            let asKnown = try json(base + ["--as-known-at", known])
            #expect(asKnown["as_known_at"] as? String == known, "\(view)")
            let table = try CLIRunner.run(base + ["--as-known-at", known])
            let first = table.stdout.split(separator: "\n").first ?? ""
            #expect(table.exitCode == 0 && first.contains("2023-07-31T00:00:00Z") && first.contains("as known at \(known)"),
                    "\(view): \(table.stdout.prefix(200))")
            let csv = try CLIRunner.run(base + ["--as-known-at", known, "--format", "csv"])
            let lines = csv.stdout.split(separator: "\n")
            #expect(lines.first?.hasSuffix(",report_at,as_known_at") == true, "\(view)")
            #expect(lines.dropFirst().allSatisfy { $0.hasSuffix(",2023-07-31T00:00:00Z,\(known)") }, "\(view)")
        }
    }
}

/// `report loans` on an index loan that repaid exactly the reported interest where the contract's
/// rounding leaves −1 wei (`Tests/LedgerMathTests/Fixtures/aave_index_reference.json`, loan B): the
/// reserve is imported with `import reserve-index`, the loan with `import jsonl`.
@Suite struct ReportIndexLoanTests {
    let dir = TemporaryDirectory()
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("LedgerMathTests/Fixtures")

    @Test func accruedInterestOfMinusOneWeiIsShownNotClamped() throws {
        struct Operation: Decodable {
            var at: String, loan: String, action: String
            var amount: String?, interest_part: String?, principal_part: String?, index_ray: String?, rate_ray_after: String, interest_after: String?
        }
        struct Reference: Decodable { var operations: [Operation] }
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: Self.fixtures.appendingPathComponent("aave_index_reference.json")))
        let ops = reference.operations.filter { $0.loan == "B" }
        let borrow = try #require(ops.first { $0.action == "borrow" })
        let minusOneWei = try #require(ops.first { $0.action == "repay-interest" && $0.interest_after == "-0.000000000000000001" })
        let nft = #"{"chain":"ethereum","contract_address":"0xbc4ca0eda7647a8ab7c2061c2e118a18a936f13d","token_id":"202"}"#
        var lines = [
            #"{"type":"collection","chain":"ethereum","contract_address":"0xbc4ca0eda7647a8ab7c2061c2e118a18a936f13d","name":"BAYC"}"#,
            #"{"type":"nft","chain":"ethereum","contract_address":"0xbc4ca0eda7647a8ab7c2061c2e118a18a936f13d","token_id":"202"}"#,
            #"{"type":"nft_trade","chain":"ethereum","contract_address":"0xbc4ca0eda7647a8ab7c2061c2e118a18a936f13d","token_id":"202","side":"acquire","traded_at":"2022-12-01T00:00:00Z","currency":"ETH","price":"70"}"#,
            #"{"type":"loan","protocol":"benddao","external_ref":"B","currency":"WETH","principal":"\#(borrow.amount ?? "")","started_at":"\#(borrow.at)","terms":{"model":"aave_index","rate_ray":"\#(borrow.rate_ray_after)","index_ray_at_start":"\#(borrow.index_ray ?? "")"},"collateral":[\#(nft)]}"#,
        ]
        for op in ops where op.action != "borrow" {
            lines.append(#"{"type":"loan_event","loan":{"protocol":"benddao","external_ref":"B"},"event_kind":"repay","occurred_at":"\#(op.at)","interest_part":"\#(op.interest_part ?? "")","principal_part":"\#(op.principal_part ?? "")"}"#)
        }
        let path = dir.path("index.ledger"), journal = dir.path("book.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(toFile: journal, atomically: true, encoding: .utf8)
        for step in [["init", path],
                     ["import", path, "reserve-index", Self.fixtures.appendingPathComponent("aave_index_reserve.csv").path, "--set", "protocol=benddao", "--set", "asset=WETH"],
                     ["import", path, "jsonl", journal]] {
            let result = try CLIRunner.run(step)
            #expect(result.exitCode == 0, "\(step): \(result.stderr)")
        }
        let report = try CLIRunner.run(["report", "loans", path, "--at", minusOneWei.at, "--flag-missing-prices", "--format", "json"])
        #expect(report.exitCode == 0, "\(report.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])
        let loan = try #require((doc["loans"] as? [[String: Any]])?.first)
        #expect(loan["accrued_interest"] as? String == "-0.000000000000000001")
    }
}
