import LedgerTestSupport
import Foundation
import LedgerMath
import SQLiteDB
import Testing
@testable import PortfolioLedger

/// Wallets (issue 19): two wallets, a transfer between them, per-wallet valuation summing to the total.
@Suite struct WalletTests {
    let dir = TemporaryDirectory()
    static let a = "0xAaAaaAAAaaaAaaAaAaAAAaaaAaAAaAaAAaAaAAA1", b = "0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2"

    func book() throws -> (Ledger, NFTID, NFTID) {
        let ledger = try Ledger.create(at: dir.path("wallets.ledger"))
        let ids = try ledger.write { tx in
            let punks = try tx.addCollection(chain: "ethereum", contractAddress: "0xb47e3cd837ddf8e4c57f05d70ab865de6e193bbb", name: "CryptoPunks")
            let bought = try tx.addNFT(collection: punks, tokenID: TokenID("1"))
            let opened = try tx.addNFT(collection: punks, tokenID: TokenID("2"))
            _ = try tx.recordNFTTrade(nft: bought, side: .acquire, tradedAt: instant("2021-01-05"), price: eth("20"), wallet: Self.a)
            _ = try tx.openNFTPosition(nft: opened, openedAt: instant("2021-01-01"), cost: dec("10"), currency: Currency("ETH"), wallet: Self.a)
            _ = try tx.transferNFT(opened, from: Self.a, to: Self.b, at: instant("2021-02-01"))
            let floor = try tx.addPriceSeries(name: "punk floor", kind: .floor, quote: Currency("ETH"), collection: punks)
            try tx.addObservations([PriceObservation(observedAt: instant("2021-02-28"), price: 30)], to: floor)
            let fx = try tx.addPriceSeries(name: "ETH/USD", kind: .fx, base: "ETH", quote: Currency("USD"))
            try tx.addObservations([PriceObservation(observedAt: instant("2021-02-28"), price: 1500)], to: fx)
            return (bought, opened)
        }
        return (ledger, ids.0, ids.1)
    }

    @Test func aTransferMovesTheNFTAndPerWalletValuesSumToTheTotal() throws {
        let (ledger, bought, opened) = try book()
        let at = try instant("2021-03-01")
        let (valuation, split, before, after, cash) = try ledger.read { book in
            let v = try book.portfolioValuation(at: at)
            return (v, try book.nftValueByWallet(v), try book.wallet(of: opened, at: instant("2021-01-15")), try book.wallet(of: opened, at: at),
                    try book.cashBalance(Currency("ETH"), at: at))
        }
        let lowerA = Self.a.lowercased()
        #expect(before == lowerA)
        #expect(after == Self.b)
        #expect(split[lowerA] == 45_000)   // punk 1: floor 30 ETH × 1500 USD
        #expect(split[Self.b] == 45_000)   // punk 2 after its transfer
        #expect(split.values.reduce(0, +) == valuation.nftUSD)
        #expect(valuation.nftUSD == 90_000)
        // A transfer is not a trade: no cash (only the purchase of punk 1 moved cash), no new trade.
        #expect(cash == (try dec("-20")))
        #expect(try count(ledger.path, "nft_trade") == 2)
        _ = bought
    }

    /// The derived series split the NFT layer by wallet per day (`v_wallet_day`), following the
    /// transfer, and the parts sum to the day's `nft_usd`.
    @Test func derivedWalletDaysFollowTheTransfer() throws {
        let (ledger, _, _) = try book()
        _ = try ledger.refreshAnalytics()
        let db = try Connection(path: ledger.path, mode: .readOnly)
        defer { db.close() }
        var rows: [String] = []
        try db.query("SELECT day, ifnull(wallet, '-'), nft_count, nft_usd FROM v_wallet_day WHERE day IN ('2021-01-03', '2021-01-20', '2021-02-28') ORDER BY day, wallet") {
            rows.append("\(try $0.column(0, as: String.self)) \(try $0.column(1, as: String.self)) \(try $0.column(2, as: Int.self)) \(try $0.column(3, as: Double.self))")
        }
        let lowerA = Self.a.lowercased()
        // Before the transfer both punks are kept in A (unpriced: the floor's only close is 02-28);
        // at 02-28 punk 2 is in B, each worth 30 ETH × 1,500.
        #expect(rows == ["2021-01-03 \(lowerA) 1 0.0", "2021-01-20 \(lowerA) 2 0.0",
                         "2021-02-28 \(lowerA) 1 45000.0", "2021-02-28 \(Self.b) 1 45000.0"])
        let mismatched = try db.scalar("""
            SELECT count(*) FROM v_portfolio_day p WHERE abs(p.nft_usd - (SELECT ifnull(sum(w.nft_usd), 0) FROM v_wallet_day w WHERE w.day = p.day)) > 1e-6
            """, as: Int.self)
        #expect(mismatched == 0)
    }

    @Test func transferRefusalsAreTypedAndChangeNothing() throws {
        let (ledger, bought, opened) = try book()
        let before = try count(ledger.path, "nft_transfer")
        // Punk 2 is in wallet b since February: it cannot leave a.
        do {
            try ledger.write { tx in _ = try tx.transferNFT(opened, from: Self.a, to: Self.b, at: instant("2021-03-01")) }
            Issue.record("moved from a wallet that does not hold it")
        } catch LedgerError.conflict(let reason) { #expect(reason.contains("not in")) }
        // Before it was bought, punk 1 is not held.
        do {
            try ledger.write { tx in _ = try tx.transferNFT(bought, from: Self.a, to: Self.b, at: instant("2021-01-02")) }
            Issue.record("moved before it was held")
        } catch LedgerError.conflict(let reason) { #expect(reason.contains("not held")) }
        #expect(throws: LedgerError.self) {
            try ledger.write { tx in _ = try tx.transferNFT(bought, from: Self.a, to: Self.a.lowercased(), at: instant("2021-03-01")) }
        }
        #expect(try count(ledger.path, "nft_transfer") == before)
    }

    @Test func walletsAndTransfersRoundTripThroughTheJournal() throws {
        let (ledger, _, _) = try book()
        var first = ""
        try ledger.exportJournal { first += $0 + "\n" }
        #expect(first.contains("\"type\":\"nft_transfer\""))
        #expect(first.contains("\"wallet\":\"\(Self.a.lowercased())\""))
        let file = dir.path("w.jsonl")
        try Data(first.utf8).write(to: URL(fileURLWithPath: file))
        let copy = try Ledger.create(at: dir.path("copy.ledger"))
        _ = try copy.importJournal(file: file)
        var second = ""
        try copy.exportJournal { second += $0 + "\n" }
        #expect(second == first)
    }
}
