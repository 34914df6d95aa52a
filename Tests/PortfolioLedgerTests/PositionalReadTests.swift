import LedgerTestSupport
import Foundation
import LedgerMath
import SQLiteDB
import Testing
@testable import PortfolioLedger

/// The record layer reads SQLite result rows by column name (docs/architecture.md, "Record
/// layer"; decisions RECORDS-1): a column added to a SELECT cannot shift the others. No file of
/// `PortfolioLedger` reads a row by position any more; this scan keeps it so.
@Suite struct PositionalReadTests {
    /// `Sources/PortfolioLedger`: the package root is three levels above this file.
    static let library = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources").appendingPathComponent("PortfolioLedger")

    /// A read of a statement's column by an integer literal: `s.column(3…`, `$0.isNull(7)`,
    /// `StoredValue.decimal(s, 4, …`. (The CSV reader's `.column(let i)` / `.column(index)` name
    /// a CSV field, never with a literal, and do not match.)
    static let positionalRead = try! NSRegularExpression(
        pattern: #"\.(column|isNull)\(\s*[0-9]|\bStoredValue\.[A-Za-z]+\(\s*[A-Za-z_$][A-Za-z0-9_]*\s*,\s*[0-9]"#)

    static func isPositionalRead(_ line: String) -> Bool {
        positionalRead.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil
    }

    @Test func thePatternTellsPositionalReadsFromNamedOnes() {
        for line in ["try s.column(0)", "try $0.column(11, as: Int64?.self)", "s.isNull(4) ? nil : x", "try StoredValue.decimal(s, 4, \"principal\")",
                     "StoredValue.instant(row, 12)"] {
            #expect(Self.isPositionalRead(line), "not flagged: \(line)")
        }
        for line in ["try s.column(\"loan_id\")", "try s.isNull(\"quote\")", "try StoredValue.decimal(s, \"principal\")", "case .column(let i):",
                     "sources[name] = .column(index)", "try s.column(price, as: Double.self)", "let csv = try reader.column(mapped)"] {
            #expect(!Self.isPositionalRead(line), "flagged: \(line)")
        }
    }

    @Test func noFileOfTheLibraryReadsARowByPosition() throws {
        var isDirectory: ObjCBool = false
        try #require(FileManager.default.fileExists(atPath: Self.library.path, isDirectory: &isDirectory) && isDirectory.boolValue,
                     "no folder \(Self.library.path)")
        let names = try #require(FileManager.default.enumerator(atPath: Self.library.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") }.sorted()
        try #require(names.count > 20, "only \(names.count) Swift files under \(Self.library.path)")
        var offending: [String] = []
        for name in names {
            let text = try String(contentsOf: Self.library.appendingPathComponent(name), encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where Self.isPositionalRead(String(line)) {
                offending.append("Sources/PortfolioLedger/\(name):\(number + 1): \(line.trimmingCharacters(in: .whitespaces))")
            }
        }
        #expect(offending.isEmpty, "positional reads of SQLite rows (read by column name):\n\(offending.joined(separator: "\n"))")
    }

    /// The record inits (`init(row:)`) read what the writes stored, through the public API.
    @Test func recordsReadBackByName() throws {
        let dir = TemporaryDirectory()
        let book = try SampleBook(dir: dir)
        try book.ledger.write { tx in _ = try tx.recordLoanEvent(loan: book.loan, at: instant("2021-03-20T00:00:00Z"), .fee(amount: dec("1.5"))) }
        try book.ledger.read { snapshot in
            let loan = try #require(try snapshot.loan(book.loan))
            #expect(loan.id == book.loan)
            #expect(loan.lendingProtocol == .nftfi)
            #expect(loan.externalRef == nil)
            #expect(try loan.currency == Currency("ETH"))
            #expect(try loan.principal == dec("1000"))
            #expect(try loan.amountReceived == dec("995"))
            #expect(try loan.startedAt == instant("2021-03-12T00:00:00Z"))
            #expect(try loan.maturityAt == instant("2021-04-11T00:00:00Z"))
            #expect(try loan.terms == .fixedRepayment(repayment: dec("1016.438356164383561643")))
            #expect(loan.refinancesLoanID == nil)
            #expect(loan.collateral == [book.punk])
            #expect(try loan.recordedAt == instant("2021-03-12T00:00:00Z"))
            #expect(try snapshot.loans() == [loan])

            let events = try snapshot.loanEvents(of: book.loan)
            #expect(events.count == 1)
            #expect(events.first?.loanID == book.loan)
            #expect(try events.first?.occurredAt == instant("2021-03-20T00:00:00Z"))
            #expect(try events.first?.detail == .fee(amount: dec("1.5")))

            let collection = try #require(try snapshot.collection(book.punks))
            #expect(collection.chain == "ethereum" && collection.name == "CryptoPunks")
            #expect(collection.contractAddress == "0xb47e3cd837ddf8e4c57f05d70ab865de6e193bbb")
            let nft = try #require(try snapshot.nft(book.punk))
            #expect(try nft.collectionID == book.punks && nft.tokenID == TokenID("7804"))

            let trades = try snapshot.trades(of: book.punk)
            #expect(trades.count == 1)
            #expect(trades.first?.side == .acquire)
            #expect(try trades.first?.price == eth("4200"))
            #expect(trades.first?.fees == .zero)
            #expect(try trades.first?.tradedAt == instant("2021-03-11T00:48:39Z"))
            #expect(trades.first?.isOpening == false && trades.first?.isCostKnown == true && trades.first?.wallet == nil)
        }
    }

    /// A stored value that does not parse is an error naming its column, as stored.
    @Test func aCorruptedStoredValueNamesItsColumn() throws {
        let dir = TemporaryDirectory()
        let book = try SampleBook(dir: dir)
        do {
            let db = try Connection(path: dir.path("book.ledger"))
            defer { db.close() }
            try db.execute("PRAGMA ignore_check_constraints = ON")
            _ = try db.withSuspended(.triggers) { try db.execute("UPDATE loan SET principal = 'lots'") }
        }
        let ledger = try Ledger.openReadOnly(at: dir.path("book.ledger"))
        do {
            _ = try ledger.read { try $0.loan(book.loan) }
            Issue.record("a corrupted principal was read")
        } catch let LedgerError.invalidValue(field, _) {
            #expect(field == "stored principal")
        }
    }
}
