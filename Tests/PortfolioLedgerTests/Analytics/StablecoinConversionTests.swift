import LedgerTestSupport
import Foundation
import LedgerMath
import Testing
@testable import PortfolioLedger

/// The USDC/USD rule (issue 19): a stablecoin converts through its own stored USD series, else
/// 1:1 with a flag; never through the ETH/USD series alone.
///
/// The book: one NFT, floor 50 ETH, ETH/USD 2,000 (``AnalyticsBook``), and a USDC loan of
/// 40,000 USDC repaying a fixed 41,000 USDC after 30 days, liquidation threshold 80 % (protocol
/// `other`). Every expected figure below is worked by hand from those numbers.
@Suite struct StablecoinConversionTests {
    let dir = TemporaryDirectory()
    static let usdc = try! Currency("USDC")

    func book(usdcUSD: [(Double, Double)]? = nil, inverted: Bool = false, in other: TemporaryDirectory? = nil) throws -> (AnalyticsBook, LoanID) {
        let book = try AnalyticsBook(dir: other ?? dir)
        let loan = try book.ledger.write { tx in
            if let usdcUSD {
                let s = inverted
                    ? try tx.addPriceSeries(name: "USDUSDC", kind: .fx, base: "USD", quote: Self.usdc)
                    : try tx.addPriceSeries(name: "USDCUSD", kind: .fx, base: "USDC", quote: Currency("USD"))
                _ = try tx.addObservations(usdcUSD.map { PriceObservation(observedAt: AnalyticsBook.day($0.0), price: inverted ? 1 / $0.1 : $0.1) }, to: s)
            }
            return try tx.addLoan(NewLoan(lendingProtocol: .other, currency: Self.usdc, principal: dec("40000"),
                                          startedAt: AnalyticsBook.day(0), maturityAt: AnalyticsBook.day(30),
                                          terms: .fixedRepayment(repayment: dec("41000")), liquidationThreshold: 0.8,
                                          collateral: [book.nfts[0]]))
        }
        return (book, loan)
    }

    @Test func withoutASeriesUSDCIsTakenAsOneUSDAndFlagged() throws {
        let (book, loan) = try book()
        let at = AnalyticsBook.day(10)
        try book.ledger.read { b in
            let toUSD = try b.fxRate(from: Self.usdc, to: .usd, at: at)
            #expect(toUSD.rate == 1)
            #expect(toUSD.assumptions.map(\.description) == ["USDC taken as 1 USD: no USDC/USD series stored"])
            #expect(toUSD.prices.count == 1 && toUSD.prices[0].assumption != nil && toUSD.prices[0].inverted == false)
            // USDC → ETH = USDC/USD (the peg, flagged) × USD → ETH (the stored ETH/USD, inverted).
            let toETH = try b.fxRate(from: Self.usdc, to: .eth, at: at)
            #expect(toETH.rate == 1.0 / 2_000)
            #expect(toETH.prices.map(\.series) == ["USDC/USD", "ETHUSD"])
            #expect(toETH.assumptions.count == 1 && toETH.prices[1].assumption == nil && toETH.prices[1].inverted)
            // ETH → USDC the other way round; the peg is inverted (USD → USDC).
            let fromETH = try b.fxRate(from: .eth, to: Self.usdc, at: at)
            #expect(fromETH.rate == 2_000 && fromETH.prices.map(\.series) == ["ETHUSD", "USDC/USD"] && fromETH.prices[1].inverted)
            // Two stablecoins: each leg is its own peg, each flagged.
            let toUSDT = try b.fxRate(from: Self.usdc, to: Currency("USDT"), at: at)
            #expect(toUSDT.rate == 1 && toUSDT.assumptions.map(\.currency.code) == ["USDC", "USDT"])

            // The loan: collateral 50 ETH × 2,000 = 100,000 USDC at the peg; LTV 41,000 / 100,000;
            // HF 100,000 × 0.8 / 41,000.
            let state = try b.loanState(loan, at: at)
            #expect(state.debt == ExactDecimal(41_000))
            let risk = try #require(state.risk)
            #expect(close(risk.collateral.value.doubleValue, 100_000, 1e-6))
            #expect(close(risk.loanToValue, 0.41, 1e-12))
            #expect(close(risk.healthFactor?.doubleValue, 80_000.0 / 41_000, 1e-12))
            #expect(risk.collateral.pricesUsed.compactMap(\.assumption).map(\.description) == ["USDC taken as 1 USD: no USDC/USD series stored"])

            // Borrowing cost in USD: every flow's conversion carries the flag.
            let cost = try b.borrowingCost(loan, at: at, numeraire: .usd)
            #expect(!cost.flows.isEmpty && cost.flows.allSatisfy { $0.amount.prices.contains { $0.assumption != nil } })
        }
    }

    @Test func aStoredUSDCUSDSeriesIsUsedForTheDebtInUSDAndETHAndForLTV() throws {
        for inverted in [false, true] {
            let sub = TemporaryDirectory()
            let (book, loan) = try book(usdcUSD: (0...90).map { (Double($0), 0.97) }, inverted: inverted, in: sub)
            let at = AnalyticsBook.day(10)
            try book.ledger.read { b in
                // Debt 41,000 USDC = 41,000 × 0.97 = 39,770 USD = 39,770 / 2,000 = 19.885 ETH.
                let usd = try b.convert(Money(try dec("41000"), Self.usdc), to: .usd, at: at)
                #expect(close(usd.converted, 39_770, 1e-6) && usd.prices.allSatisfy { $0.assumption == nil })
                #expect(usd.prices.map(\.series) == [inverted ? "USDUSDC" : "USDCUSD"] && usd.prices[0].inverted == inverted)
                let eth = try b.convert(Money(try dec("41000"), Self.usdc), to: .eth, at: at)
                #expect(close(eth.converted, 19.885, 1e-9))
                // Collateral 100,000 USD = 100,000 / 0.97 USDC; LTV = 41,000 × 0.97 / 100,000 = 0.3977;
                // HF = 100,000 / 0.97 × 0.8 / 41,000.
                let risk = try #require(try b.loanState(loan, at: at).risk)
                #expect(close(risk.collateral.value.doubleValue, 100_000 / 0.97, 1e-6))
                #expect(close(risk.loanToValue, 0.3977, 1e-12))
                #expect(close(risk.healthFactor?.doubleValue, 100_000 / 0.97 * 0.8 / 41_000, 1e-9))
                #expect(risk.collateral.pricesUsed.allSatisfy { $0.assumption == nil })
                // The USDC series does not price USDT: exact codes only.
                #expect(try b.fxRate(from: Currency("USDT"), to: .usd, at: at).assumptions.map(\.currency.code) == ["USDT"])
            }
        }
    }

    /// The USDC/USD series ends at day 2; at day 10 its last observation is 8 days old, older
    /// than the default 3-day limit: `fail` throws naming the series, `flag` leaves the risk out
    /// with the problem listed, and neither falls back to the peg.
    @Test func aStaleUSDCUSDSeriesFailsOrIsFlaggedNeverPegged() throws {
        let (book, loan) = try book(usdcUSD: [(0, 0.97), (1, 0.98), (2, 0.99)])
        let at = AnalyticsBook.day(10)
        try book.ledger.read { b in
            #expect(throws: AnalyticsError.stalePrice(series: "USDCUSD", at: at, observedAt: AnalyticsBook.day(2), maxAgeSeconds: 3 * 86_400)) {
                try b.loanState(loan, at: at)
            }
            let flagged = try b.loanState(loan, at: at, policy: PricingPolicy(onMissingPrice: .flag))
            #expect(flagged.risk == nil && flagged.debt == ExactDecimal(41_000))
            #expect(flagged.priceProblem == .stalePrice(series: "USDCUSD", at: at, observedAt: AnalyticsBook.day(2), maxAgeSeconds: 3 * 86_400))
            // Without an age limit the as-of observation (day 2, 0.99) is used, never a later one.
            let any = try b.fxRate(from: Self.usdc, to: .usd, at: AnalyticsBook.day(1).adding(seconds: 3_600), policy: PricingPolicy(maxAgeSeconds: nil))
            #expect(any.rate == 0.98 && any.assumptions.isEmpty)
            // Before the first observation: missing, not pegged.
            #expect(throws: AnalyticsError.missingPrice(series: "USDCUSD", at: AnalyticsBook.day(-1))) {
                try b.fxRate(from: Self.usdc, to: .usd, at: AnalyticsBook.day(-1))
            }
        }
    }
}
