import Foundation
import LedgerMath
import LedgerTestSupport
import Testing
@testable import PortfolioLedger

/// A replay written as a ledger: `check`, export round trip, determinism, and agreement with the simulation.
@Suite struct ReplayLedgerTests {
    let dir = TemporaryDirectory()

    /// The January 2021 dip with a refinance, buffer repayments, condors and a liquidation: every kind of booking.
    static func januaryRun() throws -> (ReplayRun, ReplayMarket) {
        var policy = ReplayTestData.handChecked
        policy.collateral[1].boughtAt = "2020-12-05"
        policy.loan?.refinanceEveryDays = 45
        policy.buffer?.belowHealthFactor = 1.5
        policy.buffer?.cashETH = "5"
        policy.hedge?.maxLossPerDebt = 2
        let market = try ReplayTestData.market()
        return (try ReplayRun.simulate(policy, market: market, from: ReplayTestData.day("2020-12-01"), to: ReplayTestData.day("2021-03-31")), market)
    }

    @Test func theReplayedLedgerPassesCheckAndRoundTripsThroughExport() throws {
        let (run, market) = try Self.januaryRun()
        let kinds = Set(run.bookings.map { "\($0)".prefix { $0 != "(" } })
        #expect(kinds == ["deposit", "acquire", "borrow", "repay", "liquidation", "openCondor", "settleCondor"])
        let ledger = try Ledger.createReplay(of: run, market: market, at: dir.path("replay.ledger"))
        #expect(try ledger.read { try $0.simulation() }?.hasPrefix("portfolio-ledger replay 2020-12-01…2021-03-31 of policy {") == true)
        // `check`, and export → import → export byte-identical for a replayed ledger too.
        try ReplayTestData.expectCheckAndRoundTrip(ledger, dir: dir, name: "replay")
    }

    @Test func theSamePolicyAndDataGiveTheSameBytes() throws {
        let (run, market) = try Self.januaryRun()
        let (again, _) = try Self.januaryRun()
        #expect(run.bookings == again.bookings)
        #expect(run.path == again.path)
        #expect(run.outcome == again.outcome)
        var exports: [String] = []
        var returns: [FullStackReturnReport] = []
        for name in ["a.ledger", "b.ledger"] {
            let ledger = try Ledger.createReplay(of: run, market: market, at: dir.path(name))
            var text = ""
            try ledger.exportJournal { text += $0 + "\n" }
            exports.append(text)
            returns.append(try ledger.read { try $0.fullStackReturn(.portfolio, from: run.from, to: run.to) })
        }
        #expect(exports[0] == exports[1])
        #expect(returns[0] == returns[1])
    }

    @Test func theLedgerAgreesWithTheSimulation() throws {
        let market = try ReplayTestData.market()
        let run = try ReplayRun.simulate(ReplayTestData.handChecked, market: market,
                                         from: ReplayTestData.day("2021-01-12"), to: ReplayTestData.day("2021-02-15"))
        let ledger = try Ledger.createReplay(of: run, market: market, at: dir.path("small.ledger"))
        try ledger.read { book in
            let loan = try #require(try book.loans().first)
            // Debt at the end through the reports' own replay of the booked events = the simulation's path.
            let debt = try book.debtReplay(of: loan, at: run.to).debt(at: run.to, loan: loan.id)
            #expect(abs(debt.doubleValue - run.path.last!.debt) < 1e-12)
            #expect(try book.outstandingPrincipal(of: loan.id, at: run.to) == (try dec("3.52")))
            let hedge = try #require(try book.hedges().first)
            let premiums = try book.optionTrades(of: hedge.id).reduce(ExactDecimal.zero) { $0 - ExactDecimal($1.quantity) * $1.price * 100 - $1.fees }
            #expect(premiums == run.outcome.hedgePnLUSD)
        }
    }

    @Test func aRefusedBookingLeavesNoHalfWrittenLedger() throws {
        var (run, market) = try Self.januaryRun()
        // A repayment after the liquidation: the loan is no longer open, so the write API refuses it.
        run.bookings.append(.repay(at: run.to, .init(interest: try dec("0.1"), principal: try dec("0.1"))))
        let path = dir.path("half.ledger")
        #expect(throws: LedgerError.self) { try Ledger.createReplay(of: run, market: market, at: path) }
        for suffix in ["", "-wal", "-shm"] { #expect(!FileManager.default.fileExists(atPath: path + suffix)) }
    }

    @Test func theRefinanceRepaysTheOldLoanAndPledgesTheTokensToTheNewOne() throws {
        let (run, market) = try Self.januaryRun()
        // 2020-12-05 + 45 days: the loan is repaid whole and borrowed again at 40 % of that mark's value.
        let refinance = try #require(run.bookings.first { if case .borrow(_, _, .some) = $0 { true } else { false } })
        #expect(refinance.at == (try instant("2021-01-19T23:59:59Z")))
        let ledger = try Ledger.createReplay(of: run, market: market, at: dir.path("refi.ledger"))
        try ledger.read { book in
            let loans = try book.loans()
            #expect(loans.count == 2)
            #expect(loans[1].refinancesLoanID == loans[0].id)
            #expect(try book.loanStatus(loans[0].id, at: refinance.at) == .closed)
            #expect(try book.loanStatus(loans[1].id, at: run.to) == .liquidated)
            // Lost to the liquidation (issue #12's holding rules), not sold.
            #expect(try book.nfts(at: run.to).allSatisfy { $0.status == .lost })
        }
    }

    @Test func theMinimumFloorSeriesIsTheOneBookedAndUsed() throws {
        var policy = ReplayTestData.handChecked
        policy.floor = .minimum
        let market = try ReplayTestData.market()
        let run = try ReplayRun.simulate(policy, market: market, from: ReplayTestData.day("2021-01-12"), to: ReplayTestData.day("2021-01-20"))
        // cryptopunks_daily_punksmarket.csv 2021-01-12: min_price_eth 4.85.
        #expect(run.bookings[1] == .acquire(at: try instant("2021-01-12T23:59:59Z"), token: "6818", price: try dec("4.85")))
        let ledger = try Ledger.createReplay(of: run, market: market, at: dir.path("min.ledger"))
        #expect(try ledger.read { try $0.series(named: "CryptoPunks floor (min sale)") } != nil)
        #expect(try ledger.read { try $0.series(named: "CryptoPunks floor (median sale)") } == nil)
    }

    @Test func theReportsFullStackReturnOfTheLedgerIsTheSimulationsReturn() throws {
        // Without the hedge (whose report adds the margin it ties up, D12), the ledger's own
        // full-stack return over the replay's window is the simulation's, flow for flow.
        var policy = ReplayTestData.handChecked
        policy.hedge = nil
        let market = try ReplayTestData.market()
        let run = try ReplayRun.simulate(policy, market: market, from: ReplayTestData.day("2021-01-12"), to: ReplayTestData.day("2021-02-15"))
        let ledger = try Ledger.createReplay(of: run, market: market, at: dir.path("returns.ledger"))
        let report = try ledger.read { try $0.fullStackReturn(.portfolio, from: run.from, to: run.to) }
        #expect(report.startValue == 0)
        #expect(abs(report.terminalValue - run.outcome.terminalValueUSD) < 1e-6)
        let simulated = run.outcome.flowsUSD.dropLast().reduce(0) { $0 + $1.amount }
        #expect(abs(report.flows.reduce(0) { $0 + $1.amount.converted } - simulated) < 1e-6)
        let (a, b) = (try #require(report.total.xirr.rate), try #require(run.outcome.xirr.rate))
        #expect(abs(a - b) / abs(b) < 1e-9)
    }

    @Test func anExistingFileIsNotOverwritten() throws {
        let (run, market) = try Self.januaryRun()
        let path = dir.path("taken.ledger")
        try Data("not a ledger".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: LedgerError.self) { try Ledger.createReplay(of: run, market: market, at: path) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "not a ledger")
    }
}
