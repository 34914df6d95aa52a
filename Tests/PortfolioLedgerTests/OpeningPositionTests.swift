import LedgerTestSupport
import Foundation
import LedgerMath
import SQLiteDB
import Testing
@testable import PortfolioLedger

/// Opening positions (issue 19): NFTs held since an instant, with a declared or an unknown cost.
@Suite struct OpeningPositionTests {
    let dir = TemporaryDirectory()

    /// Two punks opened (one at a declared 2 ETH + 0.1 fees, one of unknown cost), both sold for 5 ETH,
    /// with a floor series so returns can be valued.
    func book() throws -> (Ledger, known: NFTID, unknown: NFTID) {
        let ledger = try Ledger.create(at: dir.path("open.ledger"))
        let ids = try ledger.write { tx in
            let punks = try tx.addCollection(chain: "ethereum", contractAddress: "0xB47E3CD837dDF8e4c57F05d70Ab865de6e193BBB", name: "CryptoPunks")
            let known = try tx.addNFT(collection: punks, tokenID: TokenID("1"))
            let unknown = try tx.addNFT(collection: punks, tokenID: TokenID("2"))
            _ = try tx.openNFTPosition(nft: known, openedAt: instant("2021-01-01"), cost: dec("2"), fees: dec("0.1"), currency: Currency("ETH"))
            _ = try tx.openNFTPosition(nft: unknown, openedAt: instant("2021-01-01"), cost: nil, currency: Currency("ETH"))
            _ = try tx.recordNFTTrade(nft: known, side: .dispose, tradedAt: instant("2021-06-01"), price: eth("5"))
            _ = try tx.recordNFTTrade(nft: unknown, side: .dispose, tradedAt: instant("2021-06-01"), price: eth("5"))
            let floor = try tx.addPriceSeries(name: "punk floor", kind: .floor, quote: Currency("ETH"), collection: punks)
            try tx.addObservations([PriceObservation(observedAt: instant("2020-12-31"), price: 3),
                                    PriceObservation(observedAt: instant("2021-05-31"), price: 5)], to: floor)
            return (known, unknown)
        }
        return (ledger, ids.0, ids.1)
    }

    @Test func anUnknownCostIsNeverAGainOfAHundredPercent() throws {
        let (ledger, known, unknown) = try book()
        try ledger.read { book in
            let disposals = try book.nftDisposals(from: instant("2021-01-02"), to: instant("2021-12-31"))
            let sold = try #require(disposals.first { $0.nft == unknown })
            #expect(!sold.isCostBasisKnown)
            #expect(sold.realizedGain == nil)
            let other = try #require(disposals.first { $0.nft == known })
            #expect(other.realizedGain == (try eth("2.9")))
            #expect(try book.nftLots(at: instant("2021-02-01")).filter(\.isCostKnown).count == 1)
            let r = try book.fullStackReturn(.portfolio, from: instant("2020-12-31T12:00:00Z"), to: instant("2021-12-31"), numeraire: .eth)
            #expect(r.problems.contains { $0.contains("unknown cost") })
            #expect(r.flows.filter { $0.description == "nft sale" }.count == 1)
            // Only the punk of known cost is measured: 2.1 in, 5 out.
            #expect(abs(r.nftAlone.gain - 2.9) < 1e-9)
        }
    }

    @Test func anOpeningPositionLeavesTheCashBalanceAlone() throws {
        let (ledger, _, _) = try book()
        let ethCode = try Currency("ETH"), ten = try dec("10")
        let (march, july) = (try instant("2021-03-01"), try instant("2021-07-01"))
        let balances = try ledger.read { book in (try book.cashBalance(ethCode, at: march), try book.cashBalance(ethCode, at: july)) }
        #expect(balances.0 == .zero)
        // The sales bring 10 ETH in.
        #expect(balances.1 == ten)
    }

    @Test func openingRefusalsAreTypedAndChangeNothing() throws {
        let (ledger, known, _) = try book()
        let before = try count(ledger.path, "nft_trade")
        #expect(throws: LedgerError.self) {
            try ledger.write { tx in _ = try tx.openNFTPosition(nft: known, openedAt: instant("2021-02-01"), cost: nil, fees: dec("1"), currency: Currency("ETH")) }
        }
        // Held on 2021-02-01 (opened on 2021-01-01, sold in June): opening it again then is a conflict.
        do {
            try ledger.write { tx in _ = try tx.openNFTPosition(nft: known, openedAt: instant("2021-02-01"), cost: dec("1"), currency: Currency("ETH")) }
            Issue.record("opened twice")
        } catch LedgerError.conflict(let reason) {
            #expect(reason.contains("already held"))
        }
        #expect(throws: LedgerError.self) {
            try ledger.write { tx in _ = try tx.openNFTPosition(nft: known, openedAt: instant("2021-02-01"), cost: dec("-1"), currency: Currency("ETH")) }
        }
        #expect(try count(ledger.path, "nft_trade") == before)
        // The schema refuses an unknown cost that is not an opening, also from raw SQL.
        let db = try SQLiteDB.Connection(path: ledger.path)
        #expect(throws: (any Error).self) {
            _ = try db.execute("INSERT INTO nft_trade (nft_id, side, traded_at, currency, price, fees, recorded_at, cost_known) VALUES (1, 'acquire', 0, 'ETH', '0', '0', 0, 0)")
        }
        #expect(throws: (any Error).self) {
            _ = try db.execute("INSERT INTO nft_trade (nft_id, side, traded_at, currency, price, fees, recorded_at, opening) VALUES (1, 'dispose', 0, 'ETH', '1', '0', 0, 1)")
        }
    }
}
