import LedgerTestSupport
import Foundation
import LedgerMath
import SQLiteDB
import Testing
@testable import PortfolioLedger

/// Yield positions (issue 21): a vault position funded by a loan, its yield layer and net carry
/// against pyxirr (`Fixtures/gen_yield_carry_fixture.py`), statements that still reconcile to the
/// last decimal, refusals that leave the book unchanged, corrections, as-known-at reads and the
/// JSON Lines round trip.
/// A decimal literal of the test (the literals are valid).
private func x(_ text: String) -> ExactDecimal { ExactDecimal(text)! }

@Suite struct YieldPositionTests {
    let dir = TemporaryDirectory()
    static func day(_ n: Double) -> Instant { AnalyticsBook.day(n) }
    /// ETH/USD = 2000 + 10 × day.
    static let risingFX = (-5...90).map { (Double($0), 2_000 + 10 * Double($0)) }

    /// The fixture's scenario: a 10 ETH loan at day 0 (simple pro-rata 7.30 %), 9 vault shares
    /// bought for 9.03 ETH at day 10, 4 redeemed for 4.048 ETH at day 40; share price 1 + 0.0003 × day.
    func fundedVault(clock: @escaping @Sendable () -> Instant = { Instant(unixSeconds: 1_700_000_000) })
        throws -> (AnalyticsBook, LoanID, YieldPositionID, deposit: YieldFlowID, withdrawal: YieldFlowID) {
        let book = try AnalyticsBook(dir: dir, ethUSD: Self.risingFX, clock: clock)
        let loan = try book.addLoan(.benddao, principal: "10", days: 90, terms: .simpleProRata(rateBps: 730, roundsUp: false, capAtMaturity: false))
        let (position, deposit, withdrawal) = try book.ledger.write { tx in
            let pps = try tx.addPriceSeries(name: "vault-pps", kind: .index, quote: .eth)
            _ = try tx.addObservations((0...90).map { PriceObservation(observedAt: Self.day(Double($0)), price: 1 + 0.0003 * Double($0)) }, to: pps)
            let p = try tx.openYieldPosition(named: "stETH vault", kind: .vault, currency: .eth, valuation: .sharePrice(pps), fundedBy: loan)
            let d = try tx.recordYieldFlow(.deposit, position: p, at: Self.day(10), amount: dec("9.03"), shares: dec("9"))
            let w = try tx.recordYieldFlow(.withdrawal, position: p, at: Self.day(40), amount: dec("4.048"), shares: dec("4"))
            return (p, d, w)
        }
        return (book, loan, position, deposit, withdrawal)
    }

    @Test func loanFundedVaultYieldLayerAndNetCarryMatchPyxirr() throws {
        let (book, loan, position, _, _) = try fundedVault()
        let (eth, usd, carryETH, carryUSD, holding) = try book.ledger.read { s in
            (try s.fullStackReturn(.portfolio, from: Self.day(0), to: Self.day(60), numeraire: .eth),
             try s.fullStackReturn(.portfolio, from: Self.day(0), to: Self.day(60), numeraire: .usd),
             try s.netCarry(of: loan, at: Self.day(60), numeraire: .eth), try s.netCarry(of: loan, at: Self.day(60), numeraire: .usd),
             try s.yieldHolding(position, at: Self.day(60)))
        }
        // 5 shares left; cost 9.03 − 9.03 × 4/9 (rounded half-even to 18 places).
        #expect(holding.shares == x("5") && holding.costBasis == x("5.016666666666666667"))
        #expect(holding.realized == x("0.034666666666666667"))
        let layerETH = try #require(eth.yieldAlone), layerUSD = try #require(usd.yieldAlone)
        #expect(close(layerETH.terminalValue, 5.09, 1e-12) && layerETH.startValue == 0)
        #expect(close(layerUSD.terminalValue, 5.09 * 2_600, 1e-8))
        // pyxirr stops 1.1e-9 (relative) short of the exact root on the ETH flows: 2e-9 against it,
        // 1e-12 against the 40-digit root of the same equation (gen_yield_carry_fixture.py).
        #expect(close(layerETH.xirr.rate, YieldCarryFixture.xirrETH, 2e-9 * abs(YieldCarryFixture.xirrETH)))
        #expect(close(layerUSD.xirr.rate, YieldCarryFixture.xirrUSD, 2e-9 * abs(YieldCarryFixture.xirrUSD)))
        #expect(close(layerETH.xirr.rate, YieldCarryFixture.rootETH, 1e-12 * abs(YieldCarryFixture.rootETH)))
        #expect(close(layerUSD.xirr.rate, YieldCarryFixture.rootUSD, 1e-12 * abs(YieldCarryFixture.rootUSD)))
        #expect(eth.flows.filter { $0.layer == .yield }.map(\.description) == ["yield deposit", "yield withdrawal"])
        #expect(eth.perYieldPosition.map(\.position) == [position] && eth.perYieldPosition.first?.fundingLoan == loan)
        // The whole stack now holds the vault: its terminal value is the layers' sum.
        #expect(close(eth.terminalValue, (eth.terminalByLayer[.nft] ?? 0) + (eth.terminalByLayer[.loan] ?? 0) + 5.09, 1e-9))
        // Net carry = yield earned − borrowing cost (10 × 7.3 % × 60/365 = 0.12 ETH).
        #expect(close(carryETH.yieldEarned, 0.108, 1e-12) && close(carryETH.borrowingCost, 0.12, 1e-12))
        #expect(close(carryETH.netCarry, YieldCarryFixture.netCarryETH, 1e-9))
        #expect(close(carryUSD.netCarry, YieldCarryFixture.netCarryUSD, 1e-6))
        #expect(carryETH.positions == [position])
        // The NFT's own stack holds what its loan funded; a book without positions has no yield layer at all.
        let nftScope = try book.ledger.read { try $0.fullStackReturn(.nft(book.nfts[0]), from: Self.day(0), to: Self.day(60), numeraire: .eth) }
        #expect(nftScope.perYieldPosition.map(\.position) == [position] && close(nftScope.yieldAlone?.xirr.rate, YieldCarryFixture.rootETH, 1e-12))
        let plain = try AnalyticsBook(dir: TemporaryDirectory(), ethUSD: Self.risingFX)
        let none = try plain.ledger.read { try $0.fullStackReturn(.portfolio, from: Self.day(0), to: Self.day(60), numeraire: .eth) }
        #expect(none.yieldAlone == nil && none.perYieldPosition.isEmpty && none.terminalByLayer[.yield] == nil)
        #expect(try plain.ledger.read { try $0.weightedBorrowingCost(at: Self.day(60)) }.fundsYield == false)

        // Weighted cost of borrowed capital, gross and net of the yield the loan's money earned.
        let cost = try book.ledger.read { try $0.weightedBorrowingCost(at: Self.day(60), numeraire: .eth) }
        let rate = try #require(cost.loans.first { $0.loan == loan })
        #expect(cost.fundsYield && close(rate.yieldEarnedInNumeraire, 0.108, 1e-12))
        let gross = try #require(rate.effectiveAPRInNumeraire), net = try #require(rate.netEffectiveAPRInNumeraire)
        let years = Double(Self.day(0).seconds(to: rate.horizon)) / 31_536_000
        #expect(close(gross - net, 0.108 / 10 / years, 1e-12))
        #expect(close(cost.inNumeraireNetOfYield.apr, net, 1e-12))
    }

    @Test func statementsCarryTheVaultAndReconcileToTheLastDecimal() throws {
        let (book, _, _, _, _) = try fundedVault()
        let (sheet, statement, usdStatement) = try book.ledger.read { s in
            (try s.balanceSheet(at: Self.day(60), numeraire: .eth),
             try s.incomeStatement(from: Self.day(0), to: Self.day(60), numeraire: .eth),
             try s.incomeStatement(from: Self.day(5), to: Self.day(60), numeraire: .usd))
        }
        let booked = sheet.booked(.eth)
        #expect(booked.yieldAtCost == x("5.016666666666666667"))
        #expect(booked.assets == booked.cash + booked.nftsAtCost + booked.yieldAtCost)
        #expect(sheet.yieldPositions.count == 1 && close(sheet.marked?.yieldAtMark, 5.09, 1e-12))
        #expect(close(sheet.marked?.adjustments(of: .eth).unrealizedYield, 5.09 - 5.016666666666666667, 1e-12))
        let income = try #require(statement.booked.first { $0.currency == .eth })
        #expect(income.yieldIncome == x("0.034666666666666667"))
        #expect(statement.lines.filter { $0.kind == .yieldRealized }.map(\.entryTable) == ["yield_flow"])
        for s in [statement, usdStatement] {
            #expect(s.bookedReconciliation.allSatisfy { $0.residual == .zero }, "\(s.bookedReconciliation.map(\.residual))")
            #expect(s.marked?.reconciliation.holds == true, "marked residual \(s.marked?.reconciliation.residual ?? .nan)")
        }
        #expect(close(statement.marked?.unrealizedYieldChange, 5.09 - 5.016666666666666667, 1e-9))
        // The journal's two new rules: cash out at the deposit, back at the withdrawal.
        let journal = try book.ledger.read { try $0.journal(from: Self.day(1), to: Self.day(60)) }
        #expect(journal.map(\.kind) == [.yieldDeposit, .yieldWithdrawal])
        #expect(journal.map(\.amount.amount) == [x("-9.03"), x("4.048")])
    }

    /// The portfolio valuation holds what the vault holds: a deposit moves value from cash into the
    /// position, so it is not a loss of equity. Hand numbers: at day 20, 9 shares × 1.006 = 9.054 ETH
    /// at ETH/USD 2,200 = 19,918.80 USD; at day 60, 5 × 1.018 = 5.09 ETH × 2,600 = 13,234 USD.
    @Test func portfolioValuationHoldsTheVault() throws {
        let (book, _, position, _, _) = try fundedVault()
        let (day20, day60, day5) = try book.ledger.read { s in
            (try s.portfolioValuation(at: Self.day(20)), try s.portfolioValuation(at: Self.day(60)), try s.portfolioValuation(at: Self.day(5)))
        }
        #expect(day5.yields.isEmpty && day5.yieldUSD == 0)
        let vault = try #require(day20.yields.first)
        #expect(day20.yields.count == 1 && vault.position == position && vault.name == "stETH vault" && vault.currency == .eth)
        #expect(close(vault.value, 9.054, 1e-12) && close(vault.valueUSD, 19_918.8, 1e-8) && close(vault.valueETH, 9.054, 1e-12))
        #expect(close(day20.yieldUSD, 19_918.8, 1e-8) && close(day60.yieldUSD, 13_234, 1e-8))
        #expect(close(day20.netEquityUSD, day20.nftUSD - day20.debtUSD + day20.hedgeUSD + day20.cashUSD + 19_918.8, 1e-8))
        // Booking the deposit again at day 20 (a second 9.03 ETH for 9 shares) moves 9.03 ETH of cash
        // into 9 × 1.006 = 9.054 ETH of shares: equity changes by the difference only.
        _ = try book.ledger.write { tx in try tx.recordYieldFlow(.deposit, position: position, at: Self.day(20), amount: dec("9.03"), shares: dec("9")) }
        let again = try book.ledger.read { try $0.portfolioValuation(at: Self.day(20)) }
        #expect(close(again.netEquityUSD - day20.netEquityUSD, (9.054 - 9.03) * 2_200, 1e-6))
    }

    @Test func accrualRulesValueAFixedAPR() throws {
        let book = try AnalyticsBook(dir: dir)
        let (simple, continuous) = try book.ledger.write { tx in
            let s = try tx.openYieldPosition(named: "T-bill token", kind: .rwa, currency: .usd, valuation: .accrual(apr: 0.05, rule: .simple))
            let c = try tx.openYieldPosition(named: "staking", kind: .staking, currency: .usd, valuation: .accrual(apr: 0.05, rule: .continuous))
            for p in [s, c] { _ = try tx.recordYieldFlow(.deposit, position: p, at: Self.day(0), amount: dec("1000")) }
            return (s, c)
        }
        // 73 days = 0.2 year: simple 1000 × (1 + 0.05 × 0.2) = 1010; continuous 1000 × e^0.01.
        let (vs, vc) = try book.ledger.read { (try $0.yieldValue(simple, at: Self.day(73)), try $0.yieldValue(continuous, at: Self.day(73))) }
        #expect(close(vs.value, 1_010, 1e-9) && close(vc.value, 1_000 * Foundation.exp(0.01), 1e-9))
        // Half the balance out: half the cost relieved, 5 realized; then the rest closes the position.
        _ = try book.ledger.write { tx in try tx.recordYieldFlow(.withdrawal, position: simple, at: Self.day(73), amount: dec("505")) }
        let half = try book.ledger.read { try $0.yieldHolding(simple, at: Self.day(73)) }
        #expect(half.costBasis == x("500") && half.realized == x("5"))
        // Simple accrual grows each flow from its own instant: at day 146 (0.4 year) the balance is
        // 1000 × 1.02 − 505 × 1.01 = 509.95 (the 505 taken out would have grown too).
        #expect(close(try book.ledger.read { try $0.yieldValue(simple, at: Self.day(146)).value }, 509.95, 1e-9))
        _ = try book.ledger.write { tx in
            try tx.recordYieldFlow(.withdrawal, position: simple, at: Self.day(146), amount: x("509.95"))
        }
        let closed = try book.ledger.read { try $0.yieldValue(simple, at: Self.day(146)) }
        #expect(closed.holding.isClosed && closed.value == 0)
    }

    @Test func badFlowsAreRefusedNamingTheFieldAndNothingIsWritten() throws {
        let (book, _, position, _, _) = try fundedVault()
        let before = try logicalDump(book.ledger.path)
        func field(_ body: (LedgerTransaction) throws -> Void) -> String? {
            do { try book.ledger.write(body) } catch LedgerError.invalidValue(let field, _) { return field } catch { return "\(error)" }
            return nil
        }
        // 5 shares are held from day 40: redeeming 6 (or 5.0000001) is refused, also when booked earlier in time.
        #expect(field { _ = try $0.recordYieldFlow(.withdrawal, position: position, at: Self.day(50), amount: dec("6"), shares: dec("6")) } == "shares")
        #expect(field { _ = try $0.recordYieldFlow(.withdrawal, position: position, at: Self.day(20), amount: dec("6"), shares: dec("5.0000001")) } == "shares")
        #expect(field { _ = try $0.recordYieldFlow(.deposit, position: position, at: Self.day(50), amount: dec("-1"), shares: dec("1")) } == "amount")
        #expect(field { _ = try $0.recordYieldFlow(.deposit, position: position, at: Self.day(50), amount: dec("0"), shares: dec("1")) } == "amount")
        #expect(field { _ = try $0.recordYieldFlow(.deposit, position: position, at: Self.day(50), amount: dec("1")) } == "shares")
        #expect(field { _ = try $0.recordYieldFlow(.deposit, position: position, at: Self.day(50), amount: dec("1"), shares: dec("-1")) } == "shares")
        #expect(field { _ = try $0.openYieldPosition(named: "x", kind: .rwa, currency: .usd, valuation: .accrual(apr: -0.1, rule: .simple)) } == "accrual_apr")
        #expect(field { _ = try $0.openYieldPosition(named: "x", kind: .rwa, currency: .usd, valuation: .accrual(apr: .nan, rule: .simple)) } == "accrual_apr")
        #expect(field { _ = try $0.openYieldPosition(named: "", kind: .rwa, currency: .usd, valuation: .accrual(apr: 0.05, rule: .simple)) } == "position_name")
        // The share price must be an index series in the position's currency (the floor is one in ETH, of another kind).
        #expect(field { _ = try $0.openYieldPosition(named: "x", kind: .vault, currency: .eth, valuation: .sharePrice(book.floor)) } == "share_price_series")
        #expect(throws: LedgerError.unknownEntity(kind: "loan", id: "99")) {
            try book.ledger.write { tx in
                _ = try tx.openYieldPosition(named: "x", kind: .rwa, currency: .usd, valuation: .accrual(apr: 0.05, rule: .simple), fundedBy: LoanID(99))
            }
        }
        #expect(throws: LedgerError.unknownEntity(kind: "yield position", id: "99")) {
            try book.ledger.write { tx in _ = try tx.recordYieldFlow(.deposit, position: YieldPositionID(99), at: Self.day(1), amount: dec("1")) }
        }
        // An accrual position cannot pay out more than it accrued.
        let accrual = try book.ledger.write { tx in
            let p = try tx.openYieldPosition(named: "bill", kind: .rwa, currency: .usd, valuation: .accrual(apr: 0.05, rule: .simple))
            _ = try tx.recordYieldFlow(.deposit, position: p, at: Self.day(0), amount: dec("100"))
            return p
        }
        let withAccrual = try logicalDump(book.ledger.path)
        #expect(field { _ = try $0.recordYieldFlow(.withdrawal, position: accrual, at: Self.day(73), amount: dec("101.01")) } == "amount")
        #expect(field { _ = try $0.recordYieldFlow(.withdrawal, position: accrual, at: Self.day(73), amount: dec("1"), shares: dec("1")) } == "shares")
        #expect(try logicalDump(book.ledger.path) == withAccrual)
        #expect(before != withAccrual)

        // The schema holds the same rules against raw SQL, and the rows are append-only.
        let db = try Connection(path: book.ledger.path)
        defer { db.close() }
        #expect(throws: SQLiteError.self) { try db.execute("UPDATE yield_flow SET amount = '1'") }
        #expect(throws: SQLiteError.self) { try db.execute("DELETE FROM yield_position") }
        #expect(throws: SQLiteError.self) {
            try db.execute("INSERT INTO yield_flow (yield_position_id, flow_kind, flowed_at, amount, recorded_at) VALUES (?, 'deposit', 0, '1', 0)", position.rawValue)
        }
        #expect(throws: SQLiteError.self) {
            try db.execute("INSERT INTO yield_flow (yield_position_id, flow_kind, flowed_at, amount, shares, recorded_at) VALUES (?, 'deposit', 0, '-1', '1', 0)",
                           position.rawValue)
        }
        #expect(throws: SQLiteError.self) {
            try db.execute("INSERT INTO yield_position (position_name, position_kind, currency, valuation, accrual_apr, recorded_at) VALUES ('y', 'rwa', 'USD', 'accrual', 0.05, 0)")
        }
        #expect(try logicalDump(book.ledger.path) == withAccrual)
    }

    @Test func correctionsAndAsKnownAt() throws {
        let t0 = Instant(unixSeconds: 1_700_000_000)
        let (book, _, position, deposit, withdrawal) = try fundedVault(clock: { t0 })
        let later = try Ledger.open(at: book.ledger.path, clock: { t0.adding(seconds: 3_600) })
        // Voiding the deposit would leave the withdrawal redeeming shares never bought: refused, nothing written.
        let before = try logicalDump(book.ledger.path)
        #expect(throws: LedgerError.self) { try later.write { tx in try tx.void(.yieldFlow(deposit), reason: "typo") } }
        #expect(try logicalDump(book.ledger.path) == before)
        // The withdrawal was 3 shares for 3.036 ETH: superseded an hour later.
        let replacement = try later.write { tx in
            try tx.supersede(.yieldFlow(withdrawal), reason: "3 shares, not 4") {
                .yieldFlow(try tx.recordYieldFlow(.withdrawal, position: position, at: Self.day(40), amount: dec("3.036"), shares: dec("3")))
            }
        }
        #expect(replacement != .yieldFlow(withdrawal))
        let now = try later.read { try $0.yieldHolding(position, at: Self.day(60)) }
        let then = try later.read(asKnownAt: t0) { try $0.yieldHolding(position, at: Self.day(60)) }
        #expect(now.shares == x("6") && then.shares == x("5"))
        let cashNow = try later.read { try $0.cashBalance(.eth, at: Self.day(60)) }
        let cashThen = try later.read(asKnownAt: t0) { try $0.cashBalance(.eth, at: Self.day(60)) }
        #expect(cashThen - cashNow == x("1.012"))
        // A replacement must be a flow of the same position.
        let other = try later.write { tx in
            let p = try tx.openYieldPosition(named: "bill", kind: .rwa, currency: .eth, valuation: .accrual(apr: 0.05, rule: .simple))
            return try tx.recordYieldFlow(.deposit, position: p, at: Self.day(1), amount: dec("1"))
        }
        #expect(throws: LedgerError.self) { try later.write { tx in try tx.supersede(.yieldFlow(deposit), by: .yieldFlow(other), reason: "wrong position") } }
        // Known before the position was booked, the book has none.
        #expect(try later.read(asKnownAt: Instant(unixSeconds: 1_000)) { try $0.yieldPositions() }.isEmpty)
        // The view other tools read and the snapshot's journal say the same of the yield flows
        // (CashFlowRulesTests compares the golden books, which have none): the replacement, not the original.
        let journal = try later.read { try $0.journal(from: Instant(unixSeconds: 0), to: Self.day(90)) }
            .filter { $0.entryTable == "yield_flow" }.map { "\($0.entryID)|\($0.at.unixSeconds)|\($0.amount.currency)|\($0.amount.amount)|\($0.kind.rawValue)" }
        let db = try Connection(path: later.path, mode: .readOnly)
        defer { db.close() }
        var view: [String] = []
        try db.query("""
            SELECT entry_id, flow_at_unix, currency, CASE WHEN direction < 0 THEN '-' || amount ELSE amount END, description
            FROM v_cash_flow WHERE entry_table = 'yield_flow' AND nft_id IS NULL AND loan_id IS NULL AND hedge_id IS NULL
            ORDER BY flow_at_unix, entry_id
            """) { row in view.append(try (0..<row.columnCount).map { try row.column($0, as: String.self) }.joined(separator: "|")) }
        #expect(view == journal && view.count == 3)
        #expect(!view.contains { $0.hasPrefix("\(withdrawal.rawValue)|") })
    }

    @Test func journalRoundTripRebuildsTheSameBook() throws {
        let t0 = Instant(unixSeconds: 1_700_000_000)
        let (book, _, _, _, withdrawal) = try fundedVault(clock: { t0 })
        let later = try Ledger.open(at: book.ledger.path, clock: { t0.adding(seconds: 60) })
        try later.write { tx in try tx.void(.yieldFlow(withdrawal), reason: "never happened") }
        _ = try later.write { tx in
            let p = try tx.openYieldPosition(named: "T-bill token", kind: .rwa, currency: .usd, valuation: .accrual(apr: 0.0525, rule: .continuous),
                                             note: "tokenized bills")
            return try tx.recordYieldFlow(.deposit, position: p, at: Self.day(3), amount: dec("2500.5"), note: "from cash")
        }
        var lines: [String] = []
        try later.exportJournal { lines.append($0) }
        #expect(lines.contains { $0.contains(#""type":"yield_position""#) } && lines.contains { $0.contains(#""type":"yield_flow""#) })
        let file = dir.path("book.jsonl")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: file))
        let copy = try Ledger.create(at: dir.path("copy.ledger"))
        _ = try copy.importJournal(file: file)
        var again: [String] = []
        try copy.exportJournal { again.append($0) }
        #expect(again == lines)
        for name in ["stETH vault", "T-bill token"] {
            func holding(_ ledger: Ledger) throws -> YieldHolding {
                try ledger.read { s in try s.yieldHolding(try #require(try s.yieldPosition(named: name)).id, at: Self.day(60)) }
            }
            let (a, b) = (try holding(later), try holding(copy))
            #expect(a.shares == b.shares && a.costBasis == b.costBasis && a.flows.map(\.amount) == b.flows.map(\.amount))
            #expect(a.position.valuation.storedName == b.position.valuation.storedName && a.position.note == b.position.note)
        }
        let voidedThen = try copy.read(asKnownAt: t0) { s in try s.yieldHolding(try #require(try s.yieldPosition(named: "stETH vault")).id, at: Self.day(60)) }
        #expect(voidedThen.shares == x("5"))
        // Importing the same file again books nothing new.
        let rebuilt = try logicalDump(copy.path)
        #expect(throws: Never.self) { _ = try copy.importJournal(file: file) }
        #expect(try logicalDump(copy.path) == rebuilt)
    }
}
