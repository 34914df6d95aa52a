import LedgerTestSupport
import Foundation
import SQLiteDB
import Testing
@testable import PortfolioLedger

/// The real exports in `../shared/data/real` beside the package root. A missing file fails the
/// test that needs it, naming the file (``TestRequirement``).
enum RealData {
    static func path(_ relative: String) throws -> String { try TestRequirement.realData(relative) }

    /// Data lines of a file: non-empty lines after the header (the real files quote no newlines).
    static func dataLines(_ relative: String) throws -> Int {
        let data = try Data(contentsOf: URL(fileURLWithPath: try path(relative)))
        return data.split(separator: 0x0A).filter { !$0.isEmpty }.count - 1
    }
}

@Suite
struct RealDataImportTests {
    let dir = TemporaryDirectory()

    static let cases: [(String, String)] = [
        ("eth-usd-coingecko", "market/eth_usd_daily_coingecko.csv"),
        ("spx-close-fred", "market/spx_daily_close_fred.csv"),
        ("vix-close-cboe", "market/vix_daily_cboe.csv"),
        ("cryptopunks-floor-median", "nft/cryptopunks_daily_punksmarket.csv"),
        ("cryptopunks-floor-min", "nft/cryptopunks_daily_punksmarket.csv"),
        ("spx-options-cboe", "options/spx_option_chain_snapshots.csv"),
    ]

    @Test(arguments: cases)
    func presetImportsEveryRowOfTheRealFile(preset name: String, file relative: String) throws {
        let preset = try #require(ImportPreset.named(name))
        let ledger = try Ledger.create(at: dir.path("real.ledger"))
        let summary = try ledger.importCSV(preset.kind, file: try RealData.path(relative), options: preset.options)
        let lines = try RealData.dataLines(relative)
        #expect(summary.rowsRead == lines)
        #expect(summary.inserted == lines)
        #expect(summary.skippedDuplicates == 0)
        let table = preset.kind == .quotes ? "option_quote" : "price_observation"
        #expect(try count(ledger.path, table) == lines)
        #expect(try ledger.importCSV(preset.kind, file: try RealData.path(relative), options: preset.options).alreadyImported)
    }

    @Test func optionSnapshotsFollowTheDocumentedRules() throws {
        let ledger = try Ledger.create(at: dir.path("real.ledger"))
        _ = try ledger.importCSV(.quotes, file: try RealData.path("options/spx_option_chain_snapshots.csv"), options: ImportPreset.spxOptionsCBOE.options)
        let db = SQLiteDBConnection(path: ledger.path)
        // Quotes stamped at the 16:00 New York close: 21:00 UTC in winter, 20:00 UTC in summer.
        #expect(try db.strings("SELECT DISTINCT strftime('%H:%M', quoted_at, 'unixepoch') FROM option_quote ORDER BY 1") == ["20:00", "21:00"])
        // Expiries: SPX 09:30 New York (13:30/14:30 UTC), SPXW 16:00 New York.
        #expect(try db.strings("SELECT DISTINCT strftime('%H:%M', expires_at, 'unixepoch') FROM option_contract WHERE root = 'SPX' ORDER BY 1") == ["13:30", "14:30"])
        #expect(try db.strings("SELECT DISTINCT strftime('%H:%M', expires_at, 'unixepoch') FROM option_contract WHERE root = 'SPXW' ORDER BY 1") == ["20:00", "21:00"])
        // Mark is the mid exactly where both bid and ask are positive.
        #expect(try db.strings("SELECT count(*) FROM option_quote WHERE (mark IS NOT NULL) <> (bid > 0 AND ask > 0)") == ["0"])
        #expect(try db.strings("SELECT count(*) FROM option_quote WHERE mark IS NOT NULL AND abs(mark - (bid + ask) / 2) > 1e-9") == ["0"])
    }
}

/// Minimal read-only access for assertions in SQL.
struct SQLiteDBConnection {
    let path: String
    func strings(_ sql: String) throws -> [String] {
        let db = try SQLiteDB.Connection(path: path, mode: .readOnly)
        var result: [String] = []
        try db.query(sql) { result.append(try $0.column(0, as: String.self)) }
        return result
    }
}
