import LedgerTestSupport
import LedgerMath
import Testing
@testable import PortfolioLedger

/// The example of docs/api.md, run as written.
@Suite struct APITourTests {
    let dir = TemporaryDirectory()

    @Test func theTourRuns() throws {
        // The docs use the system clock; a test clock makes "as known at" deterministic here.
        let clock = try TestClock("2021-03-12T08:00:00Z")
        let ledger = try Ledger.create(at: dir.path("book.ledger"), clock: clock.read)

        let eth = try Currency("ETH")
        let (punk, loan) = try ledger.write { tx in
            let punks = try tx.addCollection(chain: "ethereum",
                                             contractAddress: "0xb47e3cd837ddf8e4c57f05d70ab865de6e193bbb",
                                             name: "CryptoPunks")
            let punk = try tx.addNFT(collection: punks, tokenID: TokenID("7804"))
            _ = try tx.recordNFTTrade(nft: punk, side: .acquire, tradedAt: ISO8601.parse("2021-03-11T00:48:39Z"),
                                      price: Money(ExactDecimal(parsing: "4200"), eth))
            let loan = try tx.addLoan(NewLoan(
                lendingProtocol: .nftfi, currency: eth,
                principal: ExactDecimal(parsing: "1000"), amountReceived: ExactDecimal(parsing: "995"),
                startedAt: ISO8601.parse("2021-03-12"), maturityAt: ISO8601.parse("2021-04-11"),
                terms: .fixedRepayment(repayment: ExactDecimal(parsing: "1016.438356164383561643")),
                collateral: [punk]))
            return (punk, loan)
        }

        try ledger.write { tx in
            let fx = try tx.addPriceSeries(name: "ETH/USD", kind: .fx, base: "ETH", quote: Currency("USD"))
            try tx.addObservations([PriceObservation(observedAt: ISO8601.parse("2021-03-12"), price: 1826.0574768119818)], to: fx)
        }

        try ledger.read { (book: LedgerSnapshot) throws in
            let holding = try book.holding(of: punk, at: ISO8601.parse("2021-03-20"))
            #expect(holding?.status == .pledged && holding?.pledgedTo == loan)
            let fx = try #require(try book.series(named: "ETH/USD"))
            let usd = try book.price(of: fx, at: ISO8601.parse("2021-03-13T09:00:00Z"), maxAgeSeconds: 2 * 86_400)
            #expect(usd.price == 1826.0574768119818 && usd.ageSeconds == 118_800)
            #expect(try book.cashBalance(eth, at: ISO8601.parse("2021-03-13")) == ExactDecimal(parsing: "-3205"))
        }

        try clock.set("2021-03-25T00:00:00Z")
        try ledger.write { tx in try tx.void(.loan(loan), reason: "booked on the wrong wallet") }
        #expect(try ledger.read { try $0.loan(loan) } == nil)
        let then = try ledger.read(asKnownAt: ISO8601.parse("2021-03-20")) { try $0.loan(loan) }
        #expect(then?.principal == (try ExactDecimal(parsing: "1000")))
    }
}
