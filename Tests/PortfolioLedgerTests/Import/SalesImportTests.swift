import LedgerTestSupport
import Foundation
import LedgerMath
import Testing
@testable import PortfolioLedger

/// The `cryptopunks-sales` preset with the user's wallets (issue 19) on the real CryptoPunksMarket
/// sales history. Reference counts from python3 over the same file (csv module, Decimal):
/// wallets 0x7eb4…7105 and 0x001d…b58b bought 7 times and sold 9 times, 3 sales have no earlier
/// buy by them, 10,217 rows are not theirs, 1,926 rows record no buyer (README: 1,926), punk
/// 2456 is still held; sells bring 5.80 ETH, buys cost 1.964 ETH.
@Suite struct SalesImportTests {
    let dir = TemporaryDirectory()
    static let file = "nft/cryptopunks_sales_punksmarket.csv"
    // The second wallet in EIP-55-style mixed case: addresses compare case-insensitively.
    static let wallets = ["0x7eb46dd46c583695846b0dc97603086fe6387105", "0x001DA99A3554b6506bdc2079fee6a97081f1b58b"]

    func options() -> CSVImportOptions {
        var options = ImportPreset.cryptoPunksSales.options
        options.wallets = Self.wallets
        return options
    }

    @Test func theWalletsTradesAreBookedAndSalesWithoutAcquisitionOpenAtUnknownCost() throws {
        let ledger = try Ledger.create(at: dir.path("sales.ledger"))
        let summary = try ledger.importCSV(.sales, file: try RealData.path(Self.file), options: options())
        #expect(summary.rowsRead == 10_233)
        #expect(summary.inserted == 16)
        #expect(summary.skippedNotOwn == 10_217)
        #expect(summary.rowsWithoutBuyer == 1_926)
        let db = SQLiteDBConnection(path: ledger.path)
        #expect(try db.strings("SELECT side || ' ' || opening || ' ' || cost_known || ' ' || count(*) FROM nft_trade GROUP BY side, opening, cost_known ORDER BY 1")
                == ["acquire 0 1 7", "acquire 1 0 3", "dispose 0 1 9"])
        let at = try instant("2021-04-06")
        let (held, disposals) = try ledger.read { book in
            (try book.nfts(at: at).filter { $0.status == .held }.map(\.nft.tokenID.text), try book.nftDisposals(from: Instant(unixSeconds: 0), to: at))
        }
        #expect(held == ["2456"])
        #expect(disposals.count == 9)
        #expect(disposals.filter { !$0.isCostBasisKnown }.count == 3)
        #expect(disposals.filter { !$0.isCostBasisKnown }.allSatisfy { $0.realizedGain == nil })
        #expect(disposals.reduce(ExactDecimal.zero) { $0 + $1.proceeds.amount } == (try dec("5.8")))
        // The same file with the same wallets again changes nothing; other wallets are another import.
        #expect(try ledger.importCSV(.sales, file: try RealData.path(Self.file), options: options()).alreadyImported)
    }

    @Test func withoutWalletsTheImportIsRefusedAndBooksNothing() throws {
        let ledger = try Ledger.create(at: dir.path("none.ledger"))
        #expect(throws: ImportError.self) {
            _ = try ledger.importCSV(.sales, file: try RealData.path(Self.file), options: ImportPreset.cryptoPunksSales.options)
        }
        #expect(try count(ledger.path, "nft_trade") == 0)
    }
}
