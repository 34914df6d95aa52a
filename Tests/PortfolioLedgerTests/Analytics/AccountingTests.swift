import Foundation
import LedgerMath
import Testing
@testable import PortfolioLedger

/// Accounting statements on hand-checkable books. Every scenario starts from `AnalyticsBook`: one
/// Ape bought at day −1/24 for 45 ETH + 0.5 ETH fees (cost basis 45.5), a floor of 50 ETH, and an
/// ETH/USD series; the numbers in the comments are the hand computation the assertions check.
/// A decimal literal of the test (the literals are valid).
private func x(_ text: String) -> ExactDecimal { ExactDecimal(text)! }

@Suite struct AccountingTests {
    let dir = TemporaryDirectory()

    static let days = (-5...90).map(Double.init)
    static func flatFloor() -> [(Double, Double)] { days.map { ($0, 50) } }
    static func flatFX() -> [(Double, Double)] { days.map { ($0, 2_000) } }
    /// ETH/USD = 2000 + 10 × day.
    static func risingFX() -> [(Double, Double)] { days.map { ($0, 2_000 + 10 * $0) } }
    static func day(_ n: Double) -> Instant { AnalyticsBook.day(n) }

    /// Books a deposit (or withdrawal) of ETH or USD.
    static func flow(_ book: AnalyticsBook, _ kind: ExternalFlow.Kind, day: Double, _ amount: String, _ currency: Currency = .eth) throws {
        _ = try book.ledger.write { tx in try tx.recordExternalFlow(kind, at: Self.day(day), amount: Money(dec(amount), currency)) }
    }

    static func expectReconciles(_ s: IncomeStatement, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(s.bookedReconciles, "booked residuals: \(s.bookedReconciliation.map { "\($0.currency) \($0.residual)" })",
                sourceLocation: sourceLocation)
        #expect(s.bookedReconciliation.allSatisfy { $0.residual == .zero }, sourceLocation: sourceLocation)
        #expect(s.marked?.reconciliation.holds == true, "marked residual \(s.marked?.reconciliation.residual ?? .nan)",
                sourceLocation: sourceLocation)
    }

    // MARK: NFT bought and sold with fees, booked in ETH and reported in USD

    @Test func nftBoughtAndSoldWithFees() throws {
        let book = try AnalyticsBook(dir: dir, floor: Self.flatFloor(), ethUSD: Self.risingFX())
        try Self.flow(book, .deposit, day: -2, "50")
        _ = try book.ledger.write { tx in
            try tx.recordNFTTrade(nft: book.nfts[0], side: .dispose, tradedAt: Self.day(10), price: eth("60"), fees: dec("1.2"))
        }
        let (held, s) = try book.ledger.read { snap in
            (try snap.balanceSheet(at: Self.day(5)), try snap.incomeStatement(from: Self.day(-1), to: Self.day(20), numeraire: .usd))
        }
        // Held at day 5: cash 50 − 45.5 = 4.5, the Ape at cost 45.5, equity 50 ETH; at mark 50 ETH.
        let ethBook = held.booked(.eth)
        #expect(ethBook.cash == x("4.5") && ethBook.nftsAtCost == x("45.5") && ethBook.equity == x("50"))
        #expect(held.nfts.count == 1 && held.nfts[0].isPledged == false)
        #expect(close(held.nfts[0].unrealizedGain, 4.5, 1e-12))
        #expect(close(held.marked?.equity, 54.5 * 2_050, 1e-6))

        // Sold at day 10 for 60 ETH with 1.2 ETH fees: proceeds 58.8, realized gain 58.8 − 45.5 = 13.3.
        let disposal = try #require(s.disposals.first)
        #expect(disposal.kind == .sale && disposal.proceeds == Money(x("58.8"), .eth))
        #expect(disposal.costBasis == Money(x("45.5"), .eth) && disposal.realizedGain == Money(x("13.3"), .eth))
        let income = try #require(s.booked.first { $0.currency == .eth })
        #expect(income.realizedNFTGain == x("13.3") && income.profitAndLoss == x("13.3"))
        let r = try #require(s.bookedReconciliation.first { $0.currency == .eth })
        #expect(r.openingEquity == 50 && r.externalFlows == 0 && r.closingEquity == x("63.3") && r.residual == 0)

        // USD: lines at day 10's 2100; FX = 50 × (2200 − 1990) + 13.3 × (2200 − 2100) = 10,500 + 1,330.
        let m = try #require(s.marked)
        #expect(close(m.bookedProfitAndLoss, 13.3 * 2_100, 1e-6))
        #expect(close(m.fxTranslation, 11_830, 1e-6))
        #expect(close(m.reconciliation.openingEquity, 50 * 1_990, 1e-6))
        #expect(close(m.reconciliation.closingEquity, 63.3 * 2_200, 1e-6))
        #expect(s.lines.allSatisfy { $0.converted?.rate == 2_100 })
        Self.expectReconciles(s)

        // Day −1 → 5 while held: unrealized +4.5 ETH at the closing 2050, FX on the opening 50 ETH = 3,000.
        let open = try book.ledger.read { try $0.incomeStatement(from: Self.day(-1), to: Self.day(5), numeraire: .usd) }
        #expect(open.lines.isEmpty && open.disposals.isEmpty)
        #expect(close(open.marked?.unrealizedNFTChange, 4.5 * 2_050, 1e-6))
        #expect(close(open.marked?.fxTranslation, 3_000, 1e-6))
        Self.expectReconciles(open)
    }

    // MARK: Loan with an origination fee, a fee, a partial repayment and a close

    @Test func loanWithOriginationFeePartialRepaymentAndClose() throws {
        let book = try AnalyticsBook(dir: dir, floor: Self.flatFloor(), ethUSD: Self.flatFX())
        try Self.flow(book, .deposit, day: -2, "100")
        // 36.5 % simple interest: 0.1 % of the balance per day.
        let loan = try book.addLoan(.arcade, principal: "20", received: "19.9", days: 30,
                                    terms: .simpleProRata(rateBps: 3_650, roundsUp: false, capAtMaturity: false))
        try book.event(loan, day: 5, .fee(amount: dec("0.05")))
        try book.event(loan, day: 10, .repay(interest: dec("0.2"), principal: dec("10")))   // 20 × 0.001 × 10
        try book.event(loan, day: 20, .repay(interest: dec("0.1"), principal: dec("10")))   // 10 × 0.001 × 10
        try book.event(loan, day: 20, .close)

        let (first, second) = try book.ledger.read { snap in
            (try snap.incomeStatement(from: Self.day(-1), to: Self.day(15), numeraire: .eth),
             try snap.incomeStatement(from: Self.day(15), to: Self.day(30), numeraire: .usd))
        }
        let a = try #require(first.booked.first { $0.currency == .eth })
        #expect(a.amount(.originationFee) == x("-0.1"))
        #expect(a.amount(.loanFee) == x("-0.05") && a.loanFees == x("-0.15"))
        #expect(a.interestExpense == x("-0.2") && a.profitAndLoss == x("-0.35"))
        // Day 15: cash 100 − 45.5 + 19.9 − 0.05 − 10.2 = 64.15; Ape 45.5 (pledged); principal 10.
        let mid = first.closing
        #expect(mid.booked(.eth).cash == x("64.15") && mid.booked(.eth).loanPrincipal == 10)
        #expect(mid.booked(.eth).equity == x("99.65"))
        #expect(mid.nfts.first?.pledgedTo == loan)
        // Accrued at day 15: 10 × 0.001 × 5 = 0.05 ETH (model), debt 10.05.
        #expect(mid.loans.first?.accruedInterest == x("0.05") && mid.loans.first?.debt == x("10.05"))
        let ma = try #require(first.marked)
        #expect(close(ma.accruedInterestChange, -0.05, 1e-12) && close(ma.unrealizedNFTChange, 4.5, 1e-12))
        #expect(ma.fxTranslation == 0)
        #expect(close(ma.reconciliation.closingEquity, 99.65 + 4.5 - 0.05, 1e-9))
        Self.expectReconciles(first)

        // Day 15 → 30: interest paid 0.1, accrued 0.05 reverses: the period's interest cost is
        // 0.1 − 0.05 = 0.05 ETH = 5 days × 0.01.
        let b = try #require(second.booked.first { $0.currency == .eth })
        #expect(b.interestExpense == x("-0.1") && b.profitAndLoss == x("-0.1"))
        #expect(b.amount(.principalReleased) == 0) // fully repaid before the close
        #expect(second.closing.loans.isEmpty && second.closing.nfts.first?.isPledged == false)
        #expect(second.closing.booked(.eth).equity == x("99.55"))
        let mb = try #require(second.marked)
        #expect(close(mb.accruedInterestChange, 0.05 * 2_000, 1e-9))
        #expect(close(mb.bookedProfitAndLoss + mb.accruedInterestChange, -0.05 * 2_000, 1e-9))
        Self.expectReconciles(second)
    }

    // MARK: An SPXW iron condor with premiums, fees and a settlement

    @Test func condorWithPremiumsFeesAndSettlement() throws {
        let book = try AnalyticsBook(dir: dir, floor: Self.flatFloor(), ethUSD: Self.flatFX())
        let contracts = try book.ledger.write { tx in
            let legs = try (0..<4).map { i in
                OptionLeg(CondorFixture.types[i], strike: try dec(CondorFixture.strikes[i]), quantity: CondorFixture.quantities[i],
                          premium: try dec(String(CondorFixture.marks[i][0])), expiry: CondorFixture.expiry)
            }
            _ = try tx.openIronCondor(name: "condor", root: .spxw, legs: legs, tradedAt: CondorFixture.opened, feesPerLeg: dec("0.65"))
            return try (0..<4).map { i in
                let c = try tx.addOptionContract(root: .spxw, type: CondorFixture.types[i], strike: dec(CondorFixture.strikes[i]),
                                                 expiresAt: CondorFixture.expiry)
                _ = try tx.addOptionQuotes((1...4).map { d in
                    OptionQuote(contractID: c, quotedAt: CondorFixture.quoteTime(d), mark: CondorFixture.marks[i][d - 1],
                                impliedVol: CondorFixture.vols[i], underlying: 4_900)
                })
                return c
            }
        }
        // Settles at 4730: the short 4750 put pays 20 points × 100 = −2000 USD; the rest expire worthless.
        try book.ledger.write { tx in for c in contracts { _ = try tx.settleContract(c, settlementValue: dec("4730")) } }
        let mid = CondorFixture.quoteTime(2)
        let (entry, exit, sheet) = try book.ledger.read { snap in
            (try snap.incomeStatement(from: Self.day(0), to: mid), try snap.incomeStatement(from: mid, to: Self.day(10)),
             try snap.balanceSheet(at: mid))
        }
        // Premiums: received 5.0 + 4.5 → 950, paid 2.0 + 1.5 → 350; fees 4 × 0.65 = 2.6.
        let usd = try #require(entry.booked.first { $0.currency == .usd })
        #expect(usd.amount(.premiumReceived) == 950 && usd.amount(.premiumPaid) == -350 && usd.optionPremiums == 600)
        #expect(usd.optionFees == x("-2.6") && usd.profitAndLoss == x("597.4"))
        // MTM at day 2: 100 × (1.2 − 3.2 − 2.8 + 0.9) = −390: a liability of the short condor.
        #expect(close(entry.marked?.optionMTMChange, -390, 1e-9))
        #expect(sheet.hedges.count == 1 && close(sheet.marked?.hedgeLiabilities, 390, 1e-9))
        #expect(close(entry.marked?.reconciliation.openingEquity, 4.5 * 2_000, 1e-9))
        #expect(close(entry.marked?.reconciliation.closingEquity, 4.5 * 2_000 + 597.4 - 390, 1e-9))
        Self.expectReconciles(entry)

        let settled = try #require(exit.booked.first { $0.currency == .usd })
        #expect(settled.optionSettlements == -2_000 && settled.profitAndLoss == -2_000)
        #expect(exit.closing.booked(.usd).equity == x("-1402.6"))
        #expect(exit.closing.hedges.isEmpty)
        #expect(close(exit.marked?.optionMTMChange, 390, 1e-9))
        Self.expectReconciles(exit)
    }

    // MARK: Deposits and withdrawals in two currencies, FX moving

    @Test func depositsAndWithdrawalsWithFX() throws {
        let book = try AnalyticsBook(dir: dir, floor: Self.flatFloor(), ethUSD: Self.risingFX())
        try Self.flow(book, .deposit, day: -2, "100")
        try Self.flow(book, .deposit, day: 3, "5000", .usd)
        try Self.flow(book, .withdrawal, day: 12, "30")
        let s = try book.ledger.read { try $0.incomeStatement(from: Self.day(0), to: Self.day(20)) }
        let eth = try #require(s.bookedReconciliation.first { $0.currency == .eth })
        #expect(eth.openingEquity == 100 && eth.externalFlows == -30 && eth.profitAndLoss == 0 && eth.closingEquity == 70)
        let usd = try #require(s.bookedReconciliation.first { $0.currency == .usd })
        #expect(usd.openingEquity == 0 && usd.externalFlows == 5_000 && usd.closingEquity == 5_000)
        // USD: flows 5000 − 30 × 2120; FX on ETH: (100 + 4.5) × (2200 − 2000) − 30 × (2200 − 2120) = 20,900 − 2,400.
        let m = try #require(s.marked)
        #expect(close(m.externalFlows, 5_000 - 63_600, 1e-6))
        #expect(close(m.fxTranslation, 18_500, 1e-6))
        #expect(m.bookedProfitAndLoss == 0 && m.changes.isEmpty)
        #expect(close(m.reconciliation.openingEquity, 104.5 * 2_000, 1e-6))
        #expect(close(m.reconciliation.closingEquity, 74.5 * 2_200 + 5_000, 1e-6))
        Self.expectReconciles(s)
    }

    // MARK: Liquidation: the collateral is lost, the principal released, the surplus returned

    @Test func liquidationLosesTheCollateral() throws {
        let book = try AnalyticsBook(dir: dir, floor: Self.flatFloor(), ethUSD: Self.flatFX())
        try Self.flow(book, .deposit, day: -2, "100")
        let loan = try book.addLoan(.benddao, principal: "20", days: nil,
                                    terms: .aaveIndex(rateRay: LoanAnalyticsTests.ray20, indexRayAtStart: LoanAnalyticsTests.ray1), lt: 0.8)
        try book.event(loan, day: 10, .liquidation(surplus: dec("25")))
        let s = try book.ledger.read { try $0.incomeStatement(from: Self.day(-1), to: Self.day(20), numeraire: .eth) }
        // −45.5 cost basis lost + 20 principal released + 25 surplus = −0.5; cash 100 − 45.5 + 20 + 25 = 99.5.
        #expect(s.disposals.first?.kind == .liquidation && s.disposals.first?.realizedGain == Money(x("-45.5"), .eth))
        let eth = try #require(s.booked.first { $0.currency == .eth })
        #expect(eth.realizedNFTGain == x("-45.5") && eth.loanEndings == 45 && eth.profitAndLoss == x("-0.5"))
        #expect(s.closing.nfts.isEmpty && s.closing.loans.isEmpty && s.closing.booked(.eth).cash == x("99.5"))
        Self.expectReconciles(s)
    }

    // MARK: Corrections: a voided entry leaves today's statement, stays in the one as known before

    @Test func voidedEntriesAndAsKnownAt() throws {
        let clock = try TestClock("2023-11-01T00:00:00Z")
        let book = try AnalyticsBook(dir: dir, floor: Self.flatFloor(), ethUSD: Self.risingFX(), clock: clock.read)
        try Self.flow(book, .deposit, day: -2, "100")
        try clock.set("2024-02-01T00:00:00Z")
        let (sale, withdrawal) = try book.ledger.write { tx in
            (try tx.recordNFTTrade(nft: book.nfts[0], side: .dispose, tradedAt: Self.day(10), price: eth("60"), fees: dec("1.2")),
             try tx.recordExternalFlow(.withdrawal, at: Self.day(12), amount: eth("10")))
        }
        try clock.set("2024-03-01T00:00:00Z")
        try book.ledger.write { tx in
            try tx.void(.nftTrade(sale), reason: "wrong token")
            try tx.void(.externalFlow(withdrawal), reason: "never happened")
        }
        func statement(_ knownAt: Instant?) throws -> IncomeStatement {
            try book.ledger.read(asKnownAt: knownAt) { try $0.incomeStatement(from: Self.day(0), to: Self.day(20)) }
        }
        let now = try statement(nil)
        #expect(now.lines.isEmpty && now.disposals.isEmpty && now.closing.nfts.count == 1)
        #expect(now.bookedReconciliation.first?.closingEquity == 100)
        Self.expectReconciles(now)
        let before = try statement(try instant("2024-02-15T00:00:00Z"))
        // As known then: the sale (gain 13.3) and the withdrawal (−10): 100 + 13.3 − 10 = 103.3.
        #expect(before.disposals.count == 1 && before.closing.nfts.isEmpty)
        let r = try #require(before.bookedReconciliation.first)
        #expect(r.profitAndLoss == x("13.3") && r.externalFlows == -10 && r.closingEquity == x("103.3"))
        Self.expectReconciles(before)
    }

    // MARK: Missing prices: the booked part stands, the marked part is flagged

    @Test func missingPricesFlagTheMarkedPartOnly() throws {
        let book = try AnalyticsBook(dir: dir, floor: Self.flatFloor(), ethUSD: Self.flatFX())
        let policy = PricingPolicy(onMissingPrice: .flag)
        let s = try book.ledger.read { try $0.incomeStatement(from: Self.day(0), to: Self.day(200), policy: policy) }
        #expect(s.marked == nil && s.markProblem != nil)
        #expect(s.bookedReconciles && s.closing.booked(.eth).equity == 0)
        #expect(throws: AnalyticsError.self) { try book.ledger.read { try $0.incomeStatement(from: Self.day(0), to: Self.day(200)) } }
        #expect(throws: AnalyticsError.self) { try book.ledger.read { try $0.incomeStatement(from: Self.day(2), to: Self.day(1)) } }
    }
}
