import LedgerTestSupport
import Foundation
import LedgerMath
import SQLiteDB
import Testing
@testable import PortfolioLedger

/// Index loans booked in a ledger against the independent contract replay of
/// `Tests/LedgerMathTests/Fixtures/aave_index_reference.py` (see that folder's README): the
/// reserve's `ReserveDataUpdated` stream imported once (`reserve-index`), two loans on it, every
/// debt compared to the wei.
@Suite struct ReserveIndexTests {
    let dir = TemporaryDirectory()
    static let mathFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("LedgerMathTests/Fixtures")
    static let ledgerFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    struct Reference: Decodable {
        struct Operation: Decodable {
            var at: String, loan: String, action: String
            var amount: String?, interest_part: String?, principal_part: String?, index_ray: String?, rate_ray_after: String
            var debt_after: String?, principal_after: String?, interest_after: String?
        }
        struct Check: Decodable { var at: String; var debts: [String: String] }
        struct Scenario: Decodable { var operations: [Operation]; var checks: [Check] }
        var operations: [Operation]
        var checks: [Check]
        var own_events_only: Scenario
    }

    static let flagPrices = PricingPolicy(maxAgeSeconds: nil, onMissingPrice: .flag)

    /// A ledger holding the fixture's reserve and its loans A and B (BendDAO, WETH) and, on another
    /// reserve without stored points, loans C and D (ParaSpace, WETH): each re-anchors at the other's events.
    func bookReference() throws -> (Ledger, [String: LoanID], Reference) {
        let data = try Data(contentsOf: Self.mathFixtures.appendingPathComponent("aave_index_reference.json"))
        let reference = try JSONDecoder().decode(Reference.self, from: data)
        let ledger = try Ledger.create(at: dir.path("reserve.ledger"))
        let summary = try ledger.importCSV(.reserveIndex, file: Self.mathFixtures.appendingPathComponent("aave_index_reserve.csv").path,
                                           options: CSVImportOptions(constants: ["protocol": "benddao", "asset": "WETH"]))
        #expect(summary.inserted == 15)
        let weth = try Currency("WETH")
        let loans = try ledger.write { tx in
            let apes = try tx.addCollection(chain: "ethereum", contractAddress: "0xbc4ca0eda7647a8ab7c2061c2e118a18a936f13d", name: "BAYC")
            var loans: [String: LoanID] = [:]
            for op in reference.operations + reference.own_events_only.operations where op.loan != "other" {
                let at = try instant(op.at)
                switch op.action {
                case "borrow":
                    let nft = try tx.addNFT(collection: apes, tokenID: TokenID(["A": "101", "B": "202", "C": "303", "D": "404"][op.loan] ?? "0"))
                    _ = try tx.recordNFTTrade(nft: nft, side: .acquire, tradedAt: instant("2022-12-01T00:00:00Z"), price: eth("70"))
                    loans[op.loan] = try tx.addLoan(NewLoan(
                        lendingProtocol: ["C", "D"].contains(op.loan) ? .paraspace : .benddao, externalRef: op.loan, currency: weth, principal: dec(try #require(op.amount)), startedAt: at,
                        terms: .aaveIndex(rateRay: op.rate_ray_after, indexRayAtStart: try #require(op.index_ray)), collateral: [nft]))
                case "borrow-more":
                    _ = try tx.recordLoanEvent(loan: try #require(loans[op.loan]), at: at, .borrowMore(amount: dec(try #require(op.amount))))
                default:
                    _ = try tx.recordLoanEvent(loan: try #require(loans[op.loan]), at: at,
                                               .repay(interest: dec(try #require(op.interest_part)), principal: dec(try #require(op.principal_part))))
                }
            }
            return loans
        }
        return (ledger, loans, reference)
    }

    @Test func everyLoanOnTheReserveOwesWhatTheContractsCompute() throws {
        let (ledger, loans, reference) = try bookReference()
        var compared = 0
        try ledger.read { book in
            for check in reference.checks + reference.own_events_only.checks {
                for (name, expected) in check.debts {
                    let state = try book.loanState(try #require(loans[name]), at: try instant(check.at), policy: Self.flagPrices)
                    #expect(state.debt == (try dec(expected)), "loan \(name) at \(check.at)")
                    compared += 1
                }
            }
        }
        #expect(compared >= 50)
    }

    @Test func repayingTheReportedInterestLeavesThePrincipalAndShowsMinusOneWei() throws {
        let (ledger, loans, reference) = try bookReference()
        let repaid = (reference.operations + reference.own_events_only.operations).filter { $0.action == "repay-interest" }
        try #require(repaid.count >= 4)
        try ledger.read { book in
            for op in repaid {
                let state = try book.loanState(try #require(loans[op.loan]), at: try instant(op.at), policy: Self.flagPrices)
                #expect(state.outstandingPrincipal == (try dec(try #require(op.principal_after))))
                #expect(state.debt == (try dec(try #require(op.debt_after))))
                // Not clamped: −1 wei where the contract's rounding leaves it.
                #expect(state.accruedInterest == (try dec(try #require(op.interest_after))), "\(op.loan) at \(op.at)")
            }
        }
        #expect(repaid.contains { $0.interest_after == "-0.000000000000000001" })
    }

    @Test func theReserveTravelsThroughTheJournalExport() throws {
        let (ledger, _, reference) = try bookReference()
        var lines: [String] = []
        _ = try ledger.exportJournal { lines.append($0) }
        #expect(lines.filter { $0.hasPrefix("{\"type\":\"reserve_index\"") }.count == 15)
        let file = dir.path("book.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let copy = try Ledger.create(at: dir.path("copy.ledger"))
        _ = try copy.importJournal(file: file)
        let weth = try Currency("WETH")
        #expect(try copy.read { try $0.reservePoints(lendingProtocol: .benddao, asset: weth) }
                == ledger.read { try $0.reservePoints(lendingProtocol: .benddao, asset: weth) })
        // Every loan owes the same in the copy as in the original (which matches the reference).
        let instants = try (reference.checks + reference.own_events_only.checks).map { try instant($0.at) }
        let original = try ledger.read { book in try book.loans().map { loan in try instants.map { try book.loanState(loan.id, at: $0, policy: Self.flagPrices).debt } } }
        let copied = try copy.read { book in try book.loans().map { loan in try instants.map { try book.loanState(loan.id, at: $0, policy: Self.flagPrices).debt } } }
        #expect(original.count == 4 && copied == original)
    }

    @Test func aJournalReserveEntryNamesItsBadKey() throws {
        let ledger = try Ledger.create(at: dir.path("j.ledger"))
        let file = dir.path("bad.jsonl")
        try #"{"type":"reserve_index","protocol":"benddao","asset":"WETH","updated_at":"2023-01-01T00:00:00Z","variable_borrow_index":"1.02e27","variable_borrow_rate":"0"}"#
            .appending("\n").write(toFile: file, atomically: true, encoding: .utf8)
        let error = try #require(throws: ImportError.self) { try ledger.importJournal(file: file) }
        #expect(error.line == 1 && error.column == "variable_borrow_index")
        #expect(try ledger.read { try $0.reservePoints(lendingProtocol: .benddao, asset: Currency("WETH")) }.isEmpty)
    }

    @Test func reserveImportIsIdempotentAndRefusesConflictingFigures() throws {
        let ledger = try Ledger.create(at: dir.path("r.ledger"))
        let good = dir.path("good.csv"), bad = dir.path("bad.csv"), conflict = dir.path("conflict.csv")
        try "protocol,asset,updated_at,variable_borrow_index,variable_borrow_rate\nbenddao,WETH,2023-01-01T00:00:00Z,1028516438737650062924014732,180000000000000000000000000\n"
            .write(toFile: good, atomically: true, encoding: .utf8)
        try "protocol,asset,updated_at,variable_borrow_index,variable_borrow_rate\nbenddao,WETH,2023-01-02T00:00:00Z,1.03e27,180000000000000000000000000\n"
            .write(toFile: bad, atomically: true, encoding: .utf8)
        try "protocol,asset,updated_at,variable_borrow_index,variable_borrow_rate\nbenddao,WETH,2023-01-03T00:00:00Z,1029000000000000000000000000,1\nbenddao,WETH,2023-01-01T00:00:00Z,1028516438737650062924014733,180000000000000000000000000\n"
            .write(toFile: conflict, atomically: true, encoding: .utf8)
        #expect(try ledger.importCSV(.reserveIndex, file: good).inserted == 1)
        let error = try #require(throws: ImportError.self) { try ledger.importCSV(.reserveIndex, file: bad) }
        #expect(error.line == 2 && error.column == "variable_borrow_index")
        let clash = try #require(throws: ImportError.self) { try ledger.importCSV(.reserveIndex, file: conflict) }
        #expect(clash.line == 3)
        // Nothing of the failed files was written.
        #expect(try ledger.read { try $0.reservePoints(lendingProtocol: .benddao, asset: Currency("WETH")).count } == 1)
    }

    /// A schema-3 book (per-loan `index_observation` events, a quote imported without a mark)
    /// keeps working after 0004: loan B reads loan A's observations as points of their reserve.
    @Test func schemaV3BookKeepsWorking() throws {
        let path = dir.path("v3.ledger")
        try FileManager.default.copyItem(atPath: Self.ledgerFixtures.appendingPathComponent("schema-v3.ledger").path, toPath: path)
        _ = try LedgerFile.migrate(at: path)
        let ledger = try Ledger.open(at: path)
        let data = try Data(contentsOf: Self.mathFixtures.appendingPathComponent("aave_index_reference.json"))
        let reference = try JSONDecoder().decode(Reference.self, from: data)
        try ledger.read { book in
            let loans = try book.loans()
            let a = try #require(loans.first { $0.externalRef == "bend-A" }), b = try #require(loans.first { $0.externalRef == "bend-B" })
            // The book has the reference's reserve index at A's observations but not the rates after
            // them: A matches at its first observation, B (started later at the then-current rate)
            // until and at A's second one, which it reads as a point of their reserve.
            for (loan, name, at) in [(a, "A", "2023-01-03T07:00:00Z"), (b, "B", "2023-01-08T00:02:03Z"), (b, "B", "2023-01-10T11:00:05Z")] {
                let check = try #require(reference.checks.first { $0.at == at })
                #expect(try book.loanState(loan.id, at: instant(at), policy: Self.flagPrices).debt == dec(try #require(check.debts[name])), "\(name) at \(at)")
            }
        }
        // The same journal again (another file, so not skipped by its hash): every row is a duplicate,
        // including the quote whose mark is now stored as the mid.
        let again = dir.path("again.jsonl")
        try (String(contentsOf: Self.ledgerFixtures.appendingPathComponent("schema-v3-book.jsonl"), encoding: .utf8) + "\n")
            .write(toFile: again, atomically: true, encoding: .utf8)
        let summary = try ledger.importJournal(file: again)
        #expect(summary.inserted == 0 && summary.skippedDuplicates == summary.rowsRead)
    }
}
