import LedgerTestSupport
import Foundation
import LedgerMath
import SQLiteDB
import Testing
@testable import PortfolioLedger

@Suite struct LedgerWriteTests {
    let dir = TemporaryDirectory()

    @Test func exactAmountsAndHugeTokenIDsRoundTrip() throws {
        let book = try SampleBook(dir: dir)
        let tokenText = "115792089237316195423570985008687907853269984665640564039457584007913129639935" // 2^256 − 1, 78 digits
        let amount = try dec("20.328767123287671232")
        let (nft, loan) = try book.ledger.write { tx in
            let nft = try tx.addNFT(collection: book.punks, tokenID: TokenID(tokenText))
            _ = try tx.recordNFTTrade(nft: nft, side: .acquire, tradedAt: instant("2021-03-12T00:00:00Z"), price: Money(amount, Currency("WETH")),
                                      fees: dec("0.000000000000000001"))
            let loan = try tx.addLoan(NewLoan(lendingProtocol: .benddao, currency: Currency("WETH"), principal: amount,
                                              startedAt: instant("2021-03-13T00:00:00Z"),
                                              terms: .aaveIndex(rateRay: "200000000000000000000000000", indexRayAtStart: "1000000000000000000000000000"),
                                              maxLTV: 0.4, liquidationThreshold: 0.9, collateral: [nft]))
            return (nft, loan)
        }
        try book.ledger.read { (snapshot: LedgerSnapshot) throws in
            #expect(try snapshot.nft(nft)?.tokenID.text == tokenText)
            #expect(try snapshot.loan(loan)?.principal == amount)
            #expect(try snapshot.loan(loan)?.principal.description == "20.328767123287671232")
            #expect(try snapshot.trades(of: nft).first?.fees.description == "0.000000000000000001")
        }
        // The views expose the exact TEXT.
        let db = try Connection(path: book.ledger.path, mode: .readOnly)
        #expect(try db.scalar("SELECT principal FROM v_loan WHERE loan_id = ?", loan.rawValue, as: String.self) == "20.328767123287671232")
        #expect(try db.scalar("SELECT token_id FROM v_holding WHERE nft_id = ?", nft.rawValue, as: String.self) == tokenText)
        // And JSON keeps them as strings.
        let json = String(decoding: try JSONEncoder().encode(["amount": amount]), as: UTF8.self)
        #expect(json == #"{"amount":"20.328767123287671232"}"#)
        #expect(try JSONDecoder().decode([String: ExactDecimal].self, from: Data(json.utf8))["amount"] == amount)
    }

    @Test func pledgeStateFollowsTheLoan() throws {
        let book = try SampleBook(dir: dir)
        try book.ledger.read { (s: LedgerSnapshot) throws in
            #expect(try s.holding(of: book.punk, at: instant("2021-03-11T12:00:00Z"))?.status == .held)
            #expect(try s.holding(of: book.punk, at: instant("2021-03-20T00:00:00Z"))?.status == .pledged)
            #expect(try s.holding(of: book.punk, at: instant("2021-03-20T00:00:00Z"))?.pledgedTo == book.loan)
            #expect(try s.holding(of: book.punk, at: instant("2021-03-01T00:00:00Z")) == nil)
            #expect(try s.loans(openAt: instant("2021-03-20T00:00:00Z")).map(\.id) == [book.loan])
            #expect(try s.loans(collateral: book.punk).map(\.id) == [book.loan])
            #expect(try s.loans(lendingProtocol: .nftfi).count == 1)
            #expect(try s.loans(lendingProtocol: .benddao).isEmpty)
        }
        try book.ledger.write { tx in
            _ = try tx.recordLoanEvent(loan: book.loan, at: instant("2021-04-01T00:00:00Z"),
                                       .repay(interest: dec("16.438356164383561643"), principal: dec("1000")))
            _ = try tx.recordLoanEvent(loan: book.loan, at: instant("2021-04-01T00:00:00Z"), .close)
        }
        try book.ledger.read { (s: LedgerSnapshot) throws in
            #expect(try s.loanStatus(book.loan, at: instant("2021-04-02T00:00:00Z")) == .closed)
            #expect(try s.holding(of: book.punk, at: instant("2021-04-02T00:00:00Z"))?.status == .held)
            #expect(try s.outstandingPrincipal(of: book.loan, at: instant("2021-04-02T00:00:00Z")) == .zero)
        }
    }

    @Test func bulkObservationsAndAsOfLookups() throws {
        let book = try SampleBook(dir: dir)
        let series = try book.ledger.write { tx in
            try tx.addPriceSeries(name: "ETH/USD", kind: .fx, base: "ETH", quote: Currency("USD"))
        }
        let days = (0..<10).map { Instant(unixSeconds: 1_615_334_400 + Int64($0) * 86_400) } // 2021-03-10 …
        let inserted = try book.ledger.write { tx in
            try tx.addObservations(days.enumerated().map { PriceObservation(observedAt: $1, price: 1800 + Double($0)) }, to: series)
        }
        #expect(inserted == 10)
        // Re-adding the same observations changes nothing.
        #expect(try book.ledger.write { tx in try tx.addObservations([PriceObservation(observedAt: days[0], price: 1800)], to: series) } == 0)
        try book.ledger.read { (s: LedgerSnapshot) throws in
            let info = try #require(try s.series(series))
            let noon = days[3].adding(seconds: 43_200)
            let found = try s.price(of: info, at: noon)
            #expect(found.price == 1803 && found.observedAt == days[3] && found.ageSeconds == 43_200)
            #expect(try s.price(of: info, at: days[3]).price == 1803)
            #expect(throws: LedgerError.missingPrice(series: "ETH/USD", at: days[0].adding(seconds: -1))) {
                try s.price(of: info, at: days[0].adding(seconds: -1))
            }
            #expect(throws: LedgerError.stalePrice(series: "ETH/USD", at: days[9].adding(seconds: 200_000),
                                                   observedAt: days[9], maxAgeSeconds: 86_400)) {
                try s.price(of: info, at: days[9].adding(seconds: 200_000), maxAgeSeconds: 86_400)
            }
            var streamed: [Double] = []
            try s.observations(of: series, from: days[2], to: days[4]) { streamed.append($0.price) }
            #expect(streamed == [1802, 1803, 1804])
        }
    }

    @Test func asOfLookupAndLatestPriceUseIndexSeeks() throws {
        let book = try SampleBook(dir: dir)
        let db = try Connection(path: book.ledger.path, mode: .readOnly)
        func plan(_ sql: String) throws -> [String] {
            var rows: [String] = []
            try db.query("EXPLAIN QUERY PLAN " + sql) { rows.append(try $0.column(3)) }
            return rows
        }
        let asOf = try plan(LedgerSnapshot.asOfSQL.replacingOccurrences(of: "?1", with: "1").replacingOccurrences(of: "?2", with: "2")
            .replacingOccurrences(of: "?3", with: "3"))
        #expect(asOf == ["SEARCH price_observation USING PRIMARY KEY (series_id=? AND observed_at<?)"])
        let latest = try plan("SELECT * FROM v_latest_price")
        #expect(latest.contains { $0.hasPrefix("SEARCH o USING PRIMARY KEY (series_id=? AND observed_at=?)") })
        #expect(latest.contains { $0.contains("SEARCH m USING PRIMARY KEY (series_id=?)") })
        #expect(!latest.contains { $0.contains("SCAN o") || $0.contains("SCAN m") }, "\(latest)")
    }
}
