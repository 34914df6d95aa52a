import LedgerTestSupport
import Foundation
import LedgerMath
import SQLiteDB
import Testing
@testable import PortfolioLedger

/// Every earlier schema version's fixture migrates to the current one with its data intact.
@Suite struct SchemaUpgradeTests {
    let dir = TemporaryDirectory()
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    @Test func schemaV1LedgerMigratesWithItsDataIntact() throws {
        let path = dir.path("v1.ledger")
        try FileManager.default.copyItem(atPath: Self.fixtures.appendingPathComponent("schema-v1.ledger").path, toPath: path)
        #expect(throws: LedgerError.needsMigration(path: path, fileVersion: 1, knownVersion: LedgerFile.schemaVersion)) {
            _ = try LedgerFile.openReadOnly(at: path)
        }
        #expect(try LedgerFile.check(at: path).isClean)
        let applied = try LedgerFile.migrate(at: path)
        #expect(applied.first == "0002_ledger_core.sql" && applied.count == LedgerFile.schemaVersion - 1)
        let db = try LedgerFile.openReadOnly(at: path)
        #expect(try db.scalar("PRAGMA user_version", as: Int.self) == LedgerFile.schemaVersion)
        #expect(try db.scalar("SELECT setting_value FROM ledger_setting WHERE setting_key = 'numeraire'", as: String.self) == "USD")
        #expect(try db.scalar("SELECT count(*) FROM schema_migration", as: Int.self) == LedgerFile.schemaVersion)
        #expect(try LedgerFile.check(at: path).isClean)
        // The upgraded file is a working ledger.
        let ledger = try Ledger.open(at: path)
        let id = try ledger.write { tx in try tx.addCollection(chain: "ethereum", contractAddress: "0xabc", name: "Test") }
        #expect(try ledger.read { try $0.collection(id)?.name } == "Test")
    }

    /// Rows of every table of the file but `schema_migration`, as text (table|col|col…), sorted.
    /// Every table's rows; with `columns`, only those columns of each table (a later migration may
    /// add columns: the rows must keep every value they had, the additions are checked apart).
    static func rows(_ path: String, columns: [String: [String]]? = nil) throws -> [String: [String]] {
        let db = try Connection(path: path, mode: .readOnly)
        var tables: [String] = []
        try db.query("SELECT name FROM sqlite_schema WHERE type = 'table' AND name <> 'schema_migration' ORDER BY name") { tables.append(try $0.column(0)) }
        var result: [String: [String]] = [:]
        for table in tables {
            var lines: [String] = []
            // Names come from sqlite_schema and pragma_table_info, not from a user.
            let list = columns?[table].map { $0.map { "\"\($0)\"" }.joined(separator: ", ") } ?? "*"
            try db.query("SELECT \(list) FROM \"\(table)\"") { row in
                var cells: [String] = []
                for i in 0..<row.columnCount { cells.append(row.isNull(i) ? "NULL" : try row.column(i, as: String.self)) }
                lines.append(cells.joined(separator: "|"))
            }
            result[table] = lines.sorted()
        }
        return result
    }

    /// Every table's column names.
    static func columns(_ path: String) throws -> [String: [String]] {
        let db = try Connection(path: path, mode: .readOnly)
        var result: [String: [String]] = [:]
        try db.query("""
            SELECT m.name, p.name FROM sqlite_schema m JOIN pragma_table_info(m.name) p
            WHERE m.type = 'table' AND m.name <> 'schema_migration' ORDER BY m.name, p.cid
            """) { result[try $0.column(0), default: []].append(try $0.column(1)) }
        return result
    }

    @Test func schemaV2LedgerMigratesWithItsDataIntact() throws {
        let path = dir.path("v2.ledger")
        try FileManager.default.copyItem(atPath: Self.fixtures.appendingPathComponent("schema-v2.ledger").path, toPath: path)
        let before = try Self.rows(path), beforeColumns = try Self.columns(path)
        #expect(before["loan"]?.count == 1 && before["option_trade"]?.count == 4 && before["price_observation"]?.count == 6)
        if LedgerFile.schemaVersion > 2 {
            #expect(throws: LedgerError.needsMigration(path: path, fileVersion: 2, knownVersion: LedgerFile.schemaVersion)) {
                _ = try LedgerFile.openReadOnly(at: path)
            }
        }
        let applied = try LedgerFile.migrate(at: path)
        #expect(applied.count == LedgerFile.schemaVersion - 2)
        #expect(applied.first == "0003_stack_risk.sql")
        let after = try Self.rows(path, columns: beforeColumns)
        for (table, rows) in before { #expect(after[table] == rows, "table \(table) changed") }
        let db = try LedgerFile.openReadOnly(at: path)
        #expect(try db.scalar("PRAGMA user_version", as: Int.self) == LedgerFile.schemaVersion)
        #expect(try LedgerFile.check(at: path).isClean)

        // The book reads back through the API as it was written.
        let ledger = try Ledger.open(at: path)
        let at = try instant("2023-10-20T00:00:00Z")
        try ledger.read { s in
            let loan = try #require(try s.loans().first)
            let (principal, received) = (try dec("30"), try dec("29.85"))
            #expect(loan.principal == principal)
            #expect(loan.amountReceived == received)
            #expect(loan.externalRef == "nftfi-42")
            #expect(try s.loanEvents(of: loan.id).count == 1) // the second fee is voided
            #expect(try s.loanState(loan.id, at: at, policy: PricingPolicy(maxAgeSeconds: nil)).debt == (try dec("30.493150684931506849")))
            #expect(try s.cashBalance(Currency("ETH"), at: at) == (try dec("39.09")))
            #expect(try s.cashBalance(Currency("USD"), at: at) == (try dec("1434.72")))
            #expect(try s.balanceAssertionFailures().isEmpty)
            let hedge = try #require(try s.hedges().first)
            #expect(hedge.protectedLoans == [loan.id])
            let condor = try #require(try s.condorMetrics(hedge, trades: s.optionTrades(of: hedge.id)))
            let (credit, maxLoss) = (try dec("1440"), try dec("-8560"))
            #expect(condor.netCredit == credit)
            #expect(condor.maxLoss == maxLoss)
            let floor = try #require(try s.series(named: "punks-floor"))
            #expect(try s.price(of: floor, at: at).price == 49.125)
        }
        #expect(try ledger.check().isClean)
        // Schema 3's tables work on the upgraded book.
        let loan = try ledger.read { try #require(try $0.loans().first).id }
        try ledger.write { tx in _ = try tx.setBufferPolicy(.loan(loan), effectiveAt: at, target: BufferTarget(maxLTV: 0.5)) }
        #expect(try ledger.read { try $0.bufferPolicy(governing: loan, at: at)?.target.maxLTV } == 0.5)
    }

    /// Schema 3 listed an NFT lost to a liquidation in `v_holding`; after 0005_holding_state it
    /// is gone, the pledged one stays, and every row is kept.
    @Test func schemaV3LedgerMigratesAndALiquidatedNFTLeavesVHolding() throws {
        let path = dir.path("v3.ledger")
        try FileManager.default.copyItem(atPath: Self.fixtures.appendingPathComponent("schema-v3-holdings.ledger").path, toPath: path)
        let before = try Self.rows(path), beforeColumns = try Self.columns(path)
        func held() throws -> [String] {
            var tokens: [String] = []
            try Connection(path: path, mode: .readOnly).query("SELECT token_id || ':' || pledged FROM v_holding ORDER BY token_id") { tokens.append(try $0.column(0)) }
            return tokens
        }
        #expect(try held() == ["3100:0", "7804:1"])
        let applied = try LedgerFile.migrate(at: path)
        #expect(applied.count == LedgerFile.schemaVersion - 3)
        #expect(applied.prefix(2) == ["0004_reserve_index.sql", "0005_holding_state.sql"])
        for (table, rows) in before { #expect(try Self.rows(path, columns: beforeColumns)[table] == rows, "table \(table) changed") }
        #expect(try held() == ["7804:1"])
        let ledger = try Ledger.open(at: path)
        #expect(try ledger.read { try $0.nfts(at: instant("2024-03-21")).map { "\($0.nft.tokenID) \($0.status)" } } == ["7804 pledged", "3100 lost"])
        #expect(try ledger.check().isClean)
    }

    /// Schema 12 (the realistic golden book, its ETH/USD closes and derived rows) gains wallets on deposits,
    /// withdrawals and loans and the opening flag (0013): every row is kept, each reads no wallet
    /// and no opening, and the upgraded book books an opening cash balance in a wallet.
    @Test func schemaV12LedgerMigratesAndItsCashFlowsAndLoansNameNoWallet() throws {
        let path = dir.path("v12.ledger")
        try FileManager.default.copyItem(atPath: Self.fixtures.appendingPathComponent("schema-v12.ledger").path, toPath: path)
        let before = try Self.rows(path), beforeColumns = try Self.columns(path)
        let applied = try LedgerFile.migrate(at: path)
        #expect(applied == ["0013_wallet_accounts.sql"])
        for (table, rows) in before { #expect(try Self.rows(path, columns: beforeColumns)[table] == rows, "table \(table) changed") }
        let db = try Connection(path: path, mode: .readOnly)
        #expect(try db.scalar("SELECT count(*) FROM external_flow", as: Int.self) > 0)
        #expect(try db.scalar("SELECT count(*) FROM external_flow WHERE wallet IS NOT NULL OR is_opening <> 0", as: Int.self) == 0)
        #expect(try db.scalar("SELECT count(*) FROM loan WHERE wallet IS NOT NULL", as: Int.self) == 0)
        #expect(try db.scalar("SELECT count(*) FROM v_cash_flow WHERE description = 'opening cash balance'", as: Int.self) == 0)
        db.close()
        let ledger = try Ledger.open(at: path)
        // In USDC, which the book's balance assertions (ETH) do not cover.
        let usdc = try Currency("USDC"), wallet = "0xABCDEF0123456789abcdef0123456789ABCDEF01"
        #expect(try ledger.read { try $0.cashBalance(usdc, at: instant("2021-04-01")) } == .zero)
        try ledger.write { tx in _ = try tx.openCashBalance(dec("2500"), currency: usdc, at: instant("2020-01-01"), wallet: wallet) }
        #expect(try ledger.read { try $0.cashBalance(usdc, at: instant("2021-04-01")) } == (try dec("2500")))
        #expect(try ledger.read { try $0.cashByWallet(at: instant("2021-04-01"))[wallet.lowercased()] } == [Money(try dec("2500"), usdc)])
        #expect(try ledger.check().isClean)
    }
}
