import LedgerTestSupport
import Foundation
import LedgerMath
import SQLiteDB
import Testing
@testable import PortfolioLedger

/// Issue 21, risk-parameter history: governance changes per protocol and collection, loan
/// overrides, and loans that booked their own parameters. Every expected number is worked by hand
/// in the comments.
///
/// The book: a BendDAO-style loan of 30 ETH on one ape, owing a fixed 36 ETH (fixed repayment, so
/// the debt is the same on every day and only the threshold can move the HF), the ape floor at
/// 50 ETH every day. Governance lists the collection at LT 80 % on day 0 and cuts it to 70 % on
/// day 20 (market data hand-made: the point is that it does not move).
@Suite struct RiskParameterTests {
    let dir = TemporaryDirectory()
    static func day(_ n: Double) -> Instant { AnalyticsBook.day(n) }
    static let before = 50.0 * 0.8 / 36   // 1.111… : 36 ≤ 40, safe
    static let after = 50.0 * 0.7 / 36    // 0.9722… : 36 > 35, liquidatable under BendDAO's strict rule

    func governedBook(clock: TestClock? = nil) throws -> (AnalyticsBook, LoanID, [RiskParameterID]) {
        let fixed: @Sendable () -> Instant = { Instant(unixSeconds: 1_700_000_000) }
        let book = try AnalyticsBook(dir: dir, nftCount: 2, clock: clock?.read ?? fixed)
        let loan = try book.addLoan(.benddao, principal: "30", days: 60, terms: .fixedRepayment(repayment: dec("36")))
        let listed = try book.ledger.write { tx in
            try tx.setRiskParameters(.collection(.benddao, book.collection), effectiveAt: Self.day(0), maxLTV: 0.6, liquidationThreshold: 0.8,
                                     note: "listing")
        }
        try clock?.set("2024-02-15T00:00:00Z")
        let cut = try book.ledger.write { tx in
            try tx.setRiskParameters(.collection(.benddao, book.collection), effectiveAt: Self.day(20), maxLTV: 0.5, liquidationThreshold: 0.7,
                                     note: "governance vote: threshold cut")
        }
        return (book, loan, [listed, cut])
    }

    @Test func aThresholdCutAlonePushesTheHealthFactorUnderOne() throws {
        let (book, loan, ids) = try governedBook()
        let (dayBefore, dayOf) = try book.ledger.read { (try $0.loanState(loan, at: Self.day(19)), try $0.loanState(loan, at: Self.day(20))) }
        // Same debt (36) and same floor (50) on both days: only the threshold differs.
        let owed = try dec("36")
        #expect(dayBefore.debt == owed && dayOf.debt == owed)
        #expect(dayBefore.risk?.collateral.value == dayOf.risk?.collateral.value)
        #expect(close(dayBefore.risk?.healthFactor?.doubleValue, Self.before, 1e-12))
        #expect(close(dayOf.risk?.healthFactor?.doubleValue, Self.after, 1e-12))
        #expect(dayBefore.risk?.isLiquidatable == false && dayOf.risk?.isLiquidatable == true)
        #expect(dayOf.risk?.liquidationThreshold == 0.7)
        #expect(dayOf.risk?.parameters?.origin == .collectionSetting(ids[1], effectiveAt: Self.day(20)))
        #expect(dayOf.risk?.parameters?.parameters.maxLTV == 0.5)
        // HF = 1 at floor = debt / LT = 36 / 0.7 = 51.428571… ETH, above the 50 ETH floor.
        #expect(close(dayOf.risk?.liquidationFloorPrice?.doubleValue, 36.0 / 0.7, 1e-12))

        // The history samples the change's instant and says the change, not a price, crossed 1.
        let history = try book.ledger.read { try $0.loanHistory(loan, from: Self.day(0), to: Self.day(30), sampling: .every(seconds: 86_400 * 7)) }
        #expect(history.points.contains { $0.at == Self.day(20) })
        #expect(history.parameterChanges.count == 1)
        let change = try #require(history.parameterChanges.first)
        #expect(change.at == Self.day(20))
        #expect(change.before?.parameters.liquidationThreshold == 0.8 && change.after?.parameters.liquidationThreshold == 0.7)
        #expect(close(change.healthFactorBefore?.doubleValue, Self.before, 1e-12))
        #expect(close(change.healthFactorAfter?.doubleValue, Self.after, 1e-12))
        #expect(change.pushedIntoLiquidation)
        #expect(history.liquidatableInstants.first == Self.day(20))
        #expect(history.points.filter { $0.at < Self.day(20) }.allSatisfy { $0.liquidationThreshold == 0.8 })
        #expect(history.points.filter { $0.at >= Self.day(20) }.allSatisfy { $0.liquidationThreshold == 0.7 })
    }

    @Test func aChangeDoesNotApplyBeforeItsInstant() throws {
        let (book, loan, ids) = try governedBook()
        let justBefore = Self.day(20).adding(seconds: -1)
        let state = try book.ledger.read { try $0.loanState(loan, at: justBefore) }
        #expect(close(state.risk?.healthFactor?.doubleValue, Self.before, 1e-12))
        #expect(state.risk?.parameters?.origin == .collectionSetting(ids[0], effectiveAt: Self.day(0)))
        // Before the listing nothing governs the loan's collection: no parameters at all.
        #expect(try book.ledger.read { try $0.riskParameters(governing: loan, at: Self.day(0).adding(seconds: -1)) } == nil)
    }

    @Test func aChangeLearnedLaterIsInvisibleAsKnownBefore() throws {
        let clock = try TestClock("2023-11-14T22:13:20Z")
        let (book, loan, _) = try governedBook(clock: clock)
        // The cut was recorded on 2024-02-15: as known on 2024-02-01 the loan was safe on day 25.
        let then = try book.ledger.read(asKnownAt: instant("2024-02-01T00:00:00Z")) { try $0.loanState(loan, at: Self.day(25)) }
        let now = try book.ledger.read { try $0.loanState(loan, at: Self.day(25)) }
        #expect(close(then.risk?.healthFactor?.doubleValue, Self.before, 1e-12))
        #expect(close(now.risk?.healthFactor?.doubleValue, Self.after, 1e-12))
    }

    @Test func aLoanThatBookedItsParametersKeepsThem() throws {
        let (book, _, _) = try governedBook()
        // Booked the old way (LT on the loan): governance rows do not change how it reads.
        let own = try book.addLoan(.benddao, principal: "30", days: 60, terms: .fixedRepayment(repayment: dec("36")), lt: 0.8, collateral: 1)
        let state = try book.ledger.read { try $0.loanState(own, at: Self.day(25)) }
        #expect(close(state.risk?.healthFactor?.doubleValue, Self.before, 1e-12))
        #expect(state.risk?.parameters?.origin == .bookedOnLoan)
        let history = try book.ledger.read { try $0.loanHistory(own, from: Self.day(0), to: Self.day(30), sampling: .every(seconds: 86_400)) }
        #expect(history.parameterChanges.isEmpty)
        #expect(history.points.allSatisfy { $0.liquidationThreshold == 0.8 })
    }

    @Test func aLoanOverrideWinsFromItsInstant() throws {
        let (book, loan, _) = try governedBook()
        let override = try book.ledger.write { tx in
            try tx.setRiskParameters(.loan(loan), effectiveAt: Self.day(25), liquidationThreshold: 0.75, note: "negotiated")
        }
        let state = try book.ledger.read { try $0.loanState(loan, at: Self.day(25)) }
        // 50 × 0.75 / 36 = 1.041666…: safe again.
        #expect(close(state.risk?.healthFactor?.doubleValue, 50 * 0.75 / 36, 1e-12))
        #expect(state.risk?.parameters?.origin == .loanOverride(override, effectiveAt: Self.day(25)))
        let history = try book.ledger.read { try $0.loanHistory(loan, from: Self.day(0), to: Self.day(30), sampling: .every(seconds: 86_400)) }
        #expect(history.parameterChanges.map(\.at) == [Self.day(20), Self.day(25)])
        let back = try #require(history.parameterChanges.last)
        #expect(back.liquidatableBefore == true && back.liquidatableAfter == false && !back.pushedIntoLiquidation)
    }

    @Test func aRestatementSupersedesFromItsRecordingOn() throws {
        let clock = try TestClock("2023-11-14T22:13:20Z")
        let (book, loan, _) = try governedBook(clock: clock)
        try clock.set("2024-03-01T00:00:00Z")
        _ = try book.ledger.write { tx in
            try tx.setRiskParameters(.collection(.benddao, book.collection), effectiveAt: Self.day(20), maxLTV: 0.5, liquidationThreshold: 0.72,
                                     note: "restated: the vote set 72 %")
        }
        let lt = { (k: String?) in
            try book.ledger.read(asKnownAt: k.map { try instant($0) }) { try $0.riskParameters(governing: loan, at: Self.day(25))?.parameters.liquidationThreshold }
        }
        #expect(try lt(nil) == 0.72)
        #expect(try lt("2024-02-20T00:00:00Z") == 0.7)
        #expect(try lt("2024-02-01T00:00:00Z") == 0.8)
    }

    @Test func badParametersAreRefusedAndNothingIsWritten() throws {
        let (book, loan, _) = try governedBook()
        func field(_ body: (LedgerTransaction) throws -> Void) -> String? {
            do { try book.ledger.write(body) } catch LedgerError.invalidValue(let field, _) { return field } catch { return "\(error)" }
            return nil
        }
        let scope = RiskParameterScope.collection(.benddao, book.collection)
        #expect(field { _ = try $0.setRiskParameters(scope, effectiveAt: Self.day(30), liquidationThreshold: 1.2) } == "liquidation_threshold")
        #expect(field { _ = try $0.setRiskParameters(scope, effectiveAt: Self.day(30), liquidationThreshold: .nan) } == "liquidation_threshold")
        #expect(field { _ = try $0.setRiskParameters(scope, effectiveAt: Self.day(30), maxLTV: 0, liquidationThreshold: 0.8) } == "max_ltv")
        #expect(field { _ = try $0.setRiskParameters(scope, effectiveAt: Self.day(30), maxLTV: 0.9, liquidationThreshold: 0.8) } == "max_ltv")
        #expect(throws: LedgerError.unknownEntity(kind: "collection", id: CollectionID(99).description)) {
            try book.ledger.write { tx in _ = try tx.setRiskParameters(.collection(.benddao, CollectionID(99)), effectiveAt: Self.day(30), liquidationThreshold: 0.8) }
        }
        #expect(throws: LedgerError.unknownEntity(kind: "loan", id: LoanID(99).description)) {
            try book.ledger.write { tx in _ = try tx.setRiskParameters(.loan(LoanID(99)), effectiveAt: Self.day(30), liquidationThreshold: 0.8) }
        }
        #expect(try book.ledger.read { try $0.riskParameterRecords() }.count == 2)
        // The schema holds the same rules against raw SQL, and the rows are append-only.
        let db = try Connection(path: book.ledger.path)
        #expect(throws: SQLiteError.self) { try db.execute("UPDATE risk_parameter SET liquidation_threshold = 0.9") }
        #expect(throws: SQLiteError.self) { try db.execute("DELETE FROM risk_parameter") }
        #expect(throws: SQLiteError.self) {
            try db.execute("INSERT INTO risk_parameter (protocol, collection_id, loan_id, effective_at, liquidation_threshold, recorded_at) VALUES ('benddao', 1, ?, 0, 0.8, 0)",
                           loan.rawValue)
        }
        #expect(throws: SQLiteError.self) {
            try db.execute("INSERT INTO risk_parameter (protocol, collection_id, effective_at, max_ltv, liquidation_threshold, recorded_at) VALUES ('benddao', 1, 0, 0.9, 0.8, 0)")
        }
        #expect(try book.ledger.read { try $0.riskParameterRecords() }.count == 2)
    }

    @Test func journalLinesBookSettingsAndOverridesAndRefuseAmbiguousScopes() throws {
        let book = try AnalyticsBook(dir: dir)
        let loan = try book.addLoan(.benddao, principal: "30", days: 60, terms: .fixedRepayment(repayment: dec("36")))
        let collection = #"{"chain":"ethereum","contract_address":"0xbc4ca0eda7647a8ab7c2061c2e118a18a936f13d"}"#
        let good = """
            {"type":"risk_parameter","protocol":"benddao","collection":\(collection),"effective_at":"2024-01-01T00:00:00Z","max_ltv":0.6,"liquidation_threshold":0.8}
            {"type":"risk_parameter","loan":{"loan_id":\(loan.rawValue)},"effective_at":"2024-01-10T00:00:00Z","liquidation_threshold":0.75,"note":"override"}

            """
        let file = dir.path("params.jsonl")
        try Data(good.utf8).write(to: URL(fileURLWithPath: file))
        _ = try book.ledger.importJournal(file: file)
        _ = try book.ledger.importJournal(file: file)   // identical lines again: skipped
        #expect(try book.ledger.read { try $0.riskParameterRecords() }.map(\.liquidationThreshold) == [0.8, 0.75])
        #expect(try book.ledger.read { try $0.riskParameters(governing: loan, at: Self.day(12))?.parameters.liquidationThreshold } == 0.75)

        for (line, column) in [
            (#"{"type":"risk_parameter","protocol":"benddao","collection":\#(collection),"loan":{"loan_id":1},"effective_at":"2024-01-01T00:00:00Z","liquidation_threshold":0.8}"#, "loan"),
            (#"{"type":"risk_parameter","protocol":"benddao","effective_at":"2024-01-01T00:00:00Z","liquidation_threshold":0.8}"#, "loan"),
            (#"{"type":"risk_parameter","protocol":"benddao","collection":\#(collection),"effective_at":"2024-01-01T00:00:00Z"}"#, "liquidation_threshold"),
            (#"{"type":"risk_parameter","protocol":"benddao","collection":\#(collection),"effective_at":"2024-01-01T00:00:00Z","liquidation_threshold":1.5}"#, "liquidation_threshold"),
        ] {
            let bad = dir.path("bad.jsonl")
            try Data((good + line + "\n").utf8).write(to: URL(fileURLWithPath: bad))
            let error = #expect(throws: ImportError.self) { try book.ledger.importJournal(file: bad) }
            #expect(error?.line == 3, "\(line)")
            #expect(error?.column == column, "\(error?.description ?? "no error") for \(line)")
        }
        #expect(try book.ledger.read { try $0.riskParameterRecords() }.count == 2)
    }
}
