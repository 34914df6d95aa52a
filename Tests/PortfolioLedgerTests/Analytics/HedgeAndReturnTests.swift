import LedgerTestSupport
import Foundation
import LedgerMath
import Testing
@testable import PortfolioLedger

/// An SPXW iron condor 4700/4750/5050/5100 held from entry to its PM expiry with one quote a day,
/// then settled; illustrative, hand-checkable marks (the real-chain test uses real quotes).
struct CondorFixture {
    static let opened = AnalyticsBook.day(1).adding(seconds: 15 * 3_600)   // 2024-01-02T15:00Z
    static let expiry = AnalyticsBook.day(4).adding(seconds: 21 * 3_600)   // 2024-01-05T21:00Z (16:00 New York)
    static let strikes = ["4700", "4750", "5050", "5100"]
    static let types: [OptionType] = [.put, .put, .call, .call]
    static let quantities = [1, -1, -1, 1]
    /// Marks per leg for quote days 1…4 (20:00Z), and implied vols.
    static let marks: [[Double]] = [[2.0, 1.2, 0.6, 0.1], [5.0, 3.2, 1.6, 0.3], [4.5, 2.8, 1.3, 0.2], [1.5, 0.9, 0.4, 0.05]]
    static let vols = [0.14, 0.13, 0.11, 0.12]
    static func quoteTime(_ day: Int) -> Instant { AnalyticsBook.day(Double(day)).adding(seconds: 20 * 3_600) }

    static func open(in book: AnalyticsBook, protecting loans: [LoanID], settle: Bool = true) throws -> (HedgeID, [OptionContractID]) {
        try book.ledger.write { tx in
            let legs = try (0..<4).map { i in
                OptionLeg(types[i], strike: try dec(strikes[i]), quantity: quantities[i], premium: try dec(String(marks[i][0])), expiry: expiry)
            }
            let hedge = try tx.openIronCondor(name: "SPXW Jan-5 condor", root: .spxw, legs: legs, tradedAt: opened, protecting: loans)
            var contracts: [OptionContractID] = []
            for i in 0..<4 {
                let c = try tx.addOptionContract(root: .spxw, type: types[i], strike: dec(strikes[i]), expiresAt: expiry)
                contracts.append(c)
                _ = try tx.addOptionQuotes((1...4).map { d in
                    OptionQuote(contractID: c, quotedAt: quoteTime(d), bid: nil, ask: nil, mark: marks[i][d - 1], impliedVol: vols[i], underlying: 4_900)
                })
            }
            if settle { for c in contracts { _ = try tx.settleContract(c, settlementValue: dec("4900")) } }
            return (hedge, contracts)
        }
    }
}

@Suite struct HedgeAndReturnTests {
    let dir = TemporaryDirectory()

    @Test func condorHeldToExpiryAndSettled() throws {
        let book = try AnalyticsBook(dir: dir)
        let (hedge, _) = try CondorFixture.open(in: book, protecting: [])
        try book.ledger.read { (s: LedgerSnapshot) throws in
            let v = try s.hedgeValuation(hedge, at: CondorFixture.quoteTime(2))
            #expect(v.legs.count == 4 && v.legs.allSatisfy { $0.markSource == .quoteMark })
            #expect(close(v.valueUSD, 100 * (1.2 - 3.2 - 2.8 + 0.9), 1e-9))
            #expect(v.netPremiumUSD == (try dec("600")))
            #expect(close(v.pnlUSD, 600 - 390, 1e-9))
            #expect(v.thetaPerDayUSD > 0) // a short condor earns time decay
            #expect(close(v.thetaPerDayUSD, v.positionGreeks.thetaPerDay, 1e-9))
            #expect(v.condor?.netCredit == (try dec("600")))
            #expect(v.condor?.maxLoss == (try dec("-4400")))
            #expect(v.condor?.breakEvens == [try dec("4744"), try dec("5056")])
            let settled = try s.hedgeValuation(hedge, at: CondorFixture.expiry)
            #expect(settled.legs.allSatisfy { $0.markSource == .settled })
            #expect(settled.valueUSD == 0 && close(settled.pnlUSD, 600, 1e-9))

            let decay = try s.thetaDecay(hedge, from: AnalyticsBook.day(0), to: AnalyticsBook.day(10))
            #expect(decay.points.count == 5) // 4 quote snapshots + the settlement
            #expect(close(decay.points.first?.extrinsicUSD, -600, 1e-9))
            #expect(close(decay.points.last?.extrinsicUSD, 0, 1e-12))
            #expect(close(decay.points.last?.cumulativeRealizedUSD, 600, 1e-9))
            #expect(close(decay.points[1].realizedDecayUSD, 210, 1e-9))
            #expect((decay.points[1].modelDecayUSD ?? 0) > 0)
        }
    }

    @Test func stressShowsWhenTheHedgeDoesNotCover() throws {
        let book = try AnalyticsBook(dir: dir)
        let loan = try book.addLoan(.benddao, principal: "20", days: nil,
                                    terms: .aaveIndex(rateRay: LoanAnalyticsTests.ray20, indexRayAtStart: LoanAnalyticsTests.ray1), lt: 0.8)
        _ = try CondorFixture.open(in: book, protecting: [loan], settle: false)
        let at = CondorFixture.quoteTime(2)
        let report = try book.ledger.read {
            try $0.stress(at: at, shock: MarketShock(floor: .relative(-0.55), ethUSD: .relative(-0.2), spx: .relative(-0.05), impliedVol: .absolute(0.10)))
        }
        let stressed = try #require(report.loans.first)
        #expect(stressed.base.risk?.isLiquidatable == false)
        #expect(stressed.liquidates == true) // 22.5 ETH × 0.8 < debt ≈ 20.02
        #expect((stressed.distanceToLiquidation ?? 1) < 0)
        #expect(report.hedgePnLUSD < 0) // the short put spread goes into the money
        #expect(report.bookChangeUSD < 0 && !report.hedgeCoversLoss)
        #expect(report.verdict.contains("NOT"))
        // The NFT: 50 ETH × 2000 → 22.5 × 1600; the ETH debt shrinks in USD by 20 %.
        #expect(close(report.nftChangeUSD, 22.5 * 1_600 - 50 * 2_000, 1e-6))
        #expect(report.debtChangeUSD < 0)
        let calm = try book.ledger.read { try $0.stress(at: at, shock: .none) }
        #expect(close(calm.hedgePnLUSD, 0, 1e-9) && calm.nftChangeUSD == 0)
    }

    @Test func fullStackReturnMatchesPyxirr() throws {
        let rates = (-1...90).map { (Double($0), 2_000 + 10 * Double($0)) }
        let book = try AnalyticsBook(dir: dir, ethUSD: rates)
        let loan = try book.addLoan(.nftfi, principal: "20", received: "19.8", terms: .fixedRepayment(repayment: dec("20.328767")))
        _ = try CondorFixture.open(in: book, protecting: [loan])
        try book.event(loan, day: 30, .repay(interest: dec("0.328767"), principal: dec("20")))
        try book.event(loan, day: 30, .close)
        let report = try book.ledger.read {
            try $0.fullStackReturn(.nft(book.nfts[0]), from: AnalyticsBook.day(-1), to: AnalyticsBook.day(60), numeraire: .usd)
        }
        #expect(report.flows.count + 1 == FullStackXIRRFixture.flowCount) // + the terminal value
        #expect(report.startValue == 0)
        #expect(close(report.terminalValue, 50 * 2_600, 1e-6))
        #expect(close(report.total.gain, FullStackXIRRFixture.netUSD, 1e-6))
        // Same equation on whole days: agreement to 1e-9 relative is expected.
        let rate = try #require(report.total.xirr.rate)
        #expect(abs(rate - FullStackXIRRFixture.expectedRate) <= 1e-9 * abs(FullStackXIRRFixture.expectedRate))
        #expect(report.hedgeAlone.gain == 600)
        let expectedCost: Double = 20.328767 * 2_300 - 19.8 * 2_000 // paid at 2300 USD/ETH, received at 2000
        #expect(close(report.borrowingCost, expectedCost, 1e-6))
        #expect(report.prices.contains { $0.series == "ETHUSD" })
        let eth = try book.ledger.read {
            try $0.fullStackReturn(.nft(book.nfts[0]), from: AnalyticsBook.day(-1), to: AnalyticsBook.day(60), numeraire: .eth)
        }
        #expect(close(eth.terminalValue, 50, 1e-9))
    }

    @Test func valuationInUSDAndETH() throws {
        let book = try AnalyticsBook(dir: dir)
        try book.ledger.write { tx in _ = try tx.recordExternalFlow(.deposit, at: AnalyticsBook.day(-2), amount: eth("100")) }
        let loan = try book.addLoan(.nftfi, principal: "20", received: "19.8", terms: .fixedRepayment(repayment: dec("20.328767")))
        _ = loan
        let v = try book.ledger.read { try $0.portfolioValuation(at: AnalyticsBook.day(10)) }
        #expect(close(v.nftUSD, 50 * 2_000, 1e-9))
        #expect(close(v.debtUSD, 20.328767 * 2_000, 1e-6))
        // Cash: 100 deposited − 45.5 for the NFT + 19.8 received = 74.3 ETH.
        #expect(v.cash.first?.amount == (try dec("74.3")))
        #expect(close(v.netEquityETH, 50 - 20.328767 + 74.3, 1e-9))
        #expect(v.prices.allSatisfy { $0.ageSeconds == 0 })
    }
}
