import LedgerTestSupport
import Foundation
import LedgerMath
import Testing
@testable import PortfolioLedger

/// Each interest model through the ledger, against the worked examples of nft-lending.md §9
/// (floor 50 ETH, principal 20 ETH, 30 days, 20 % APR).
@Suite struct LoanAnalyticsTests {
    let dir = TemporaryDirectory()
    static let ray20 = "200000000000000000000000000"
    static let ray1 = "1000000000000000000000000000"

    @Test func nftfiFixedF1AndBorrowingCostF10() throws {
        let book = try AnalyticsBook(dir: dir)
        let loan = try book.addLoan(.nftfi, principal: "20", received: "19.8", terms: .fixedRepayment(repayment: dec("20.328767")))
        let state = try book.ledger.read { try $0.loanState(loan, at: AnalyticsBook.day(10)) }
        #expect(state.debt == (try dec("20.328767")))
        #expect(state.accruedInterest == (try dec("0.328767")))
        #expect(state.secondsToMaturity == Int64(1_728_000))
        guard case .none = state.priceLiquidation else { Issue.record("NFTfi has no price liquidation"); return }
        #expect(state.risk?.isLiquidatable == nil)
        #expect(close(state.risk?.loanToValue, 20.328767 / 50, 1e-12)) // F6 style LTV, informational
        // F10: repaid at maturity → cost 0.528767, effective APR 32.49 %.
        try book.event(loan, day: 30, .repay(interest: dec("0.328767"), principal: dec("20")))
        try book.event(loan, day: 30, .close)
        let cost = try book.ledger.read { try $0.borrowingCost(loan, at: AnalyticsBook.day(40), numeraire: .usd) }
        #expect(cost.cost == (try dec("0.528767")))
        #expect(close(cost.effectiveAPR, 0.3249, 5e-5))
        #expect(close(cost.costInNumeraire, 0.528767 * 2_000, 1e-6))
        #expect(cost.end == AnalyticsBook.day(30))
        let after = try book.ledger.read { try $0.loanState(loan, at: AnalyticsBook.day(31)) }
        #expect(after.status == .closed && after.debt == .zero)
    }

    @Test func nftfiFixedRepaidEarly() throws {
        let book = try AnalyticsBook(dir: dir)
        let loan = try book.addLoan(.nftfi, principal: "20", received: "19.8", terms: .fixedRepayment(repayment: dec("20.328767")))
        try book.event(loan, day: 5, .repay(interest: dec("0.328767"), principal: dec("20")))
        try book.event(loan, day: 5, .close)
        try book.ledger.read { (s: LedgerSnapshot) throws in
            #expect(try s.loanState(loan, at: AnalyticsBook.day(4)).debt == (try dec("20.328767")))
            let later = try s.loanState(loan, at: AnalyticsBook.day(6))
            #expect(later.status == .closed)
            let cost = try s.borrowingCost(loan, at: AnalyticsBook.day(30))
            // The whole fixed interest is paid over 5 days: 0.528767 / 19.8 × 365 / 5.
            #expect(close(cost.effectiveAPR, 0.528767 / 19.8 * 365 / 5, 1e-9))
        }
    }

    @Test func arcadeSimpleWithPartialPaymentF2() throws {
        let book = try AnalyticsBook(dir: dir)
        let loan = try book.addLoan(.arcade, principal: "20", terms: .simpleProRata(rateBps: 2_000, roundsUp: false, capAtMaturity: true))
        #expect(rounded(try book.ledger.read { try $0.loanState(loan, at: AnalyticsBook.day(30)).accruedInterest }, 6) == "0.328767")
        try book.event(loan, day: 10, .repay(interest: dec("0.109589041095890410"), principal: dec("4.890410958904109590")))
        let s = try book.ledger.read { try $0.loanState(loan, at: AnalyticsBook.day(30)) }
        #expect(rounded(s.outstandingPrincipal, 6) == "15.109589")
        #expect(rounded(s.accruedInterest, 6) == "0.165585")
    }

    @Test func nftfiProRataTruncatedRateF2() throws {
        let book = try AnalyticsBook(dir: dir)
        let loan = try book.addLoan(.nftfi, principal: "20", terms: .nftfiProRata(maximumRepayment: dec("20.328767")))
        try book.ledger.read { (s: LedgerSnapshot) throws in
            #expect(rounded(try s.loanState(loan, at: AnalyticsBook.day(10)).accruedInterest, 6) == "0.109333")
            #expect(rounded(try s.loanState(loan, at: AnalyticsBook.day(30)).accruedInterest, 6) == "0.328000")
        }
    }

    @Test func blendContinuousF3() throws {
        let book = try AnalyticsBook(dir: dir)
        let loan = try book.addLoan(.blend, principal: "20", days: nil, terms: .continuous(rateBps: 2_000))
        let s = try book.ledger.read { try $0.loanState(loan, at: AnalyticsBook.day(30)) }
        #expect(rounded(s.debt, 6) == "20.331484")
        guard case .none = s.priceLiquidation else { Issue.record("Blend has no oracle liquidation"); return }
    }

    @Test func bendIndexF4HealthF7LiquidationPriceF8() throws {
        let book = try AnalyticsBook(dir: dir)
        let loan = try book.addLoan(.benddao, principal: "20", days: nil, terms: .aaveIndex(rateRay: Self.ray20, indexRayAtStart: Self.ray1), lt: 0.8)
        try book.ledger.read { (s: LedgerSnapshot) throws in
            let t0 = try s.loanState(loan, at: AnalyticsBook.day(0))
            #expect(close(t0.risk?.healthFactor?.doubleValue, 2.0, 1e-12))
            #expect(t0.risk?.liquidationFloorPrice == (try dec("25")))
            #expect(close(t0.risk?.liquidationFloorPriceUSD, 50_000, 1e-6))
            let t30 = try s.loanState(loan, at: AnalyticsBook.day(30))
            #expect(rounded(t30.debt, 6) == "20.331484")
            #expect(close(t30.risk?.healthFactor?.doubleValue, 1.9674, 5e-5))
            #expect(rounded(t30.risk?.liquidationFloorPrice ?? .zero, 3) == "25.414")
            #expect(t30.risk?.collateral.items.first?.price.series == "apes-floor")
            #expect(t30.risk?.isLiquidatable == false)
        }
    }

    @Test func jpegdVaultSimpleLowerBoundF5() throws {
        let book = try AnalyticsBook(dir: dir)
        let loan = try book.addLoan(.jpegd, principal: "20", received: "19.4", days: nil, terms: .vaultAccrual(aprNumerator: 5, aprDenominator: 100), lt: 0.5)
        let s = try book.ledger.read { try $0.loanState(loan, at: AnalyticsBook.day(30)) }
        #expect(rounded(s.accruedInterest, 6) == "0.082192") // F5 simple: 20·0.05·30/365 = 0.0821917…
        #expect(s.risk?.liquidationFloorPrice.map { rounded($0, 4) } == "40.1644")
    }

    @Test func bendHealthFactorCrossesOneDuringPriceDrop() throws {
        let floors: [(Double, Double)] = [(0, 50), (1, 40), (2, 30), (3, 26), (4, 25), (5, 24), (6, 30)]
        let book = try AnalyticsBook(dir: dir, floor: floors)
        let loan = try book.addLoan(.benddao, principal: "20", days: nil, terms: .aaveIndex(rateRay: Self.ray20, indexRayAtStart: Self.ray1), lt: 0.8)
        let history = try book.ledger.read { try $0.loanHistory(loan, from: AnalyticsBook.day(0), to: AnalyticsBook.day(6)) }
        #expect(history.points.count == 7)
        // At 25 ETH: debt 20.05… > 25 × 0.8 = 20 (strict rule) → liquidatable; at 26 it is not.
        #expect(history.liquidatableInstants == [AnalyticsBook.day(4), AnalyticsBook.day(5)])
        #expect(history.minimumHealthFactor?.at == AnalyticsBook.day(5))
        #expect(close(history.minimumHealthFactor?.value, 24 * 0.8 / history.points[5].debt.doubleValue, 1e-12))
        // The oracle view: no oracle series stored → a typed error, never a guess.
        #expect(throws: AnalyticsError.self) { try book.ledger.read { try $0.loanState(loan, at: AnalyticsBook.day(3), riskSource: .oracle) } }
        // …or an explicit flag.
        let flagged = try book.ledger.read {
            try $0.loanState(loan, at: AnalyticsBook.day(3), riskSource: .oracle, policy: PricingPolicy(onMissingPrice: .flag))
        }
        #expect(flagged.risk == nil && flagged.priceProblem != nil)
    }

    @Test func stalePriceIsRefused() throws {
        let book = try AnalyticsBook(dir: dir, floor: [(0, 50)])
        let loan = try book.addLoan(.benddao, principal: "20", days: nil, terms: .aaveIndex(rateRay: Self.ray20, indexRayAtStart: Self.ray1), lt: 0.8)
        #expect(throws: AnalyticsError.self) {
            try book.ledger.read { try $0.loanState(loan, at: AnalyticsBook.day(10), policy: PricingPolicy(maxAgeSeconds: 86_400)) }
        }
        let anyAge = try book.ledger.read { try $0.loanState(loan, at: AnalyticsBook.day(10), policy: PricingPolicy(maxAgeSeconds: nil)) }
        let age: Int64? = anyAge.risk?.collateral.items.first?.price.ageSeconds
        #expect(age == Int64(864_000))
    }

    @Test func oracleSeriesIsKeptApartFromTheFloor() throws {
        let book = try AnalyticsBook(dir: dir, floor: [(0, 50), (1, 24)])
        let loan = try book.addLoan(.benddao, principal: "20", days: nil, terms: .aaveIndex(rateRay: Self.ray20, indexRayAtStart: Self.ray1), lt: 0.8)
        try book.ledger.write { tx in
            let oracle = try tx.addPriceSeries(name: "bend-twap-apes", kind: .oracle, quote: Currency("ETH"), collection: book.collection, lendingProtocol: .benddao)
            _ = try tx.addObservations([PriceObservation(observedAt: AnalyticsBook.day(0), price: 50), PriceObservation(observedAt: AnalyticsBook.day(1), price: 45)], to: oracle)
        }
        try book.ledger.read { (s: LedgerSnapshot) throws in
            let onFloor = try s.loanState(loan, at: AnalyticsBook.day(1))
            let onOracle = try s.loanState(loan, at: AnalyticsBook.day(1), riskSource: .oracle)
            #expect(onFloor.risk?.isLiquidatable == true)
            #expect(onOracle.risk?.isLiquidatable == false) // the lagging oracle still says 45
            #expect(onOracle.risk?.collateral.items.first?.price.kind == .oracle)
        }
    }

    @Test func blendRefinanceChain() throws {
        let book = try AnalyticsBook(dir: dir)
        let first = try book.addLoan(.blend, principal: "20", days: nil, terms: .continuous(rateBps: 2_000))
        let debtAtRefi = try book.ledger.read { try $0.loanState(first, at: AnalyticsBook.day(30)).debt }
        try book.event(first, day: 30, .repay(interest: debtAtRefi - (try dec("20")), principal: dec("20")))
        try book.event(first, day: 30, .close)
        let second = try book.addLoan(.blend, principal: debtAtRefi.description, days: nil, terms: .continuous(rateBps: 1_000), startDay: 30, refinances: first)
        try book.ledger.read { (s: LedgerSnapshot) throws in
            let old = try s.loanState(first, at: AnalyticsBook.day(31))
            #expect(old.status == .closed && old.debt == .zero && old.notes.isEmpty)
            let new = try s.loanState(second, at: AnalyticsBook.day(60))
            #expect(new.refinanceChain == [first, second])
            let expected = debtAtRefi.doubleValue * exp(0.10 * 30 / 365)
            #expect(close(new.debt.doubleValue, expected, 1e-9))
        }
    }

    @Test func ratesChangeAndIndexObservationsReplay() throws {
        let book = try AnalyticsBook(dir: dir)
        let loan = try book.addLoan(.benddao, principal: "20", days: nil, terms: .aaveIndex(rateRay: Self.ray20, indexRayAtStart: Self.ray1), lt: 0.8)
        // An observed index of exactly 1.05 on day 10 replaces the modelled path.
        try book.event(loan, day: 10, .indexObservation(indexRay: "1050000000000000000000000000"))
        let d10 = try book.ledger.read { try $0.loanState(loan, at: AnalyticsBook.day(10)).debt }
        #expect(d10 == (try dec("21")))
        try book.event(loan, day: 10, .rateChange(newRateBps: 0))
        #expect(try book.ledger.read { try $0.loanState(loan, at: AnalyticsBook.day(40)).debt } == (try dec("21")))
    }
}
