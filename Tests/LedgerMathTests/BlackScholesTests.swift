import Foundation
import Testing
@testable import LedgerMath

/// Loads the QuantLib reference fixtures (`Fixtures/options_*.csv`, see Fixtures/README.md).
enum OptionFixtures {
    static func rows(_ name: String) -> [[String: String]] {
        guard let dir = Bundle.module.url(forResource: "Fixtures", withExtension: nil),
              let text = try? String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
        else { return [] }
        let lines = text.split(separator: "\n").map(String.init)
        guard let header = lines.first?.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        else { return [] }
        return lines.dropFirst().map { line in
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return Dictionary(uniqueKeysWithValues: zip(header, cells))
        }
    }

    /// |actual − expected| ≤ max(rel·|expected|, abs): relative, with an absolute floor for
    /// values near zero (deep OTM prices, vanishing greeks) where relative error is meaningless.
    static func close(_ actual: Double, _ expected: Double, rel: Double = 1e-9, abs absolute: Double = 1e-10) -> Bool {
        Swift.abs(actual - expected) <= max(rel * Swift.abs(expected), absolute)
    }

    /// The valuation instant used for every fixture row (QuantLib's evaluation date, 2024-01-15).
    static let valuation = Instant(unixSeconds: 1_705_276_800)
}

struct OptionCase: Sendable, CustomTestStringConvertible {
    var id: String
    var type: OptionType
    var spot, strike, volatility, rate, dividendYield: Double
    var days: Int64
    var expected: OptionGreeks
    var thetaPerDay: Double

    var testDescription: String { id }

    static let all: [OptionCase] = OptionFixtures.rows("options_reference.csv").map { r in
        func d(_ k: String) -> Double { Double(r[k] ?? "") ?? .nan }
        return OptionCase(
            id: r["id"] ?? "?", type: OptionType(rawValue: r["type"] ?? "") ?? .call,
            spot: d("spot"), strike: d("strike"), volatility: d("volatility"), rate: d("rate"),
            dividendYield: d("dividend_yield"), days: Int64(r["days"] ?? "") ?? -1,
            expected: OptionGreeks(price: d("price"), delta: d("delta"), gamma: d("gamma"), vega: d("vega"),
                                   thetaPerYear: d("theta_per_year"), rho: d("rho")),
            thetaPerDay: d("theta_per_day"))
    }
}

@Suite("Black–Scholes–Merton")
struct BlackScholesTests {
    @Test func fixtureIsPresent() {
        #expect(OptionCase.all.count >= 150)
    }

    @Test("matches QuantLib's AnalyticEuropeanEngine", arguments: OptionCase.all)
    func matchesQuantLib(_ c: OptionCase) throws {
        let expiry = OptionFixtures.valuation.adding(seconds: c.days * Instant.secondsPerDay)
        let g = try BlackScholes.greeks(c.type, spot: c.spot, strike: c.strike, volatility: c.volatility,
                                        rate: c.rate, dividendYield: c.dividendYield,
                                        valuation: OptionFixtures.valuation, expiry: expiry)
        #expect(OptionFixtures.close(g.price, c.expected.price), "price")
        #expect(OptionFixtures.close(g.delta, c.expected.delta), "delta")
        #expect(OptionFixtures.close(g.gamma, c.expected.gamma), "gamma")
        #expect(OptionFixtures.close(g.vega, c.expected.vega), "vega")
        #expect(OptionFixtures.close(g.thetaPerYear, c.expected.thetaPerYear), "theta per year")
        #expect(OptionFixtures.close(g.thetaPerDay, c.thetaPerDay), "theta per day")
        #expect(OptionFixtures.close(g.rho, c.expected.rho), "rho")
    }

    @Test("Black-76 on the forward prices like BSM on the spot", arguments: OptionCase.all.prefix(60))
    func forwardFormAgrees(_ c: OptionCase) throws {
        let t = Double(c.days) / 365
        let f = PutCallParity.forward(spot: c.spot, rate: c.rate, dividendYield: c.dividendYield, timeToExpiry: t)
        let black = try BlackScholes.greeks(c.type, forward: f, strike: c.strike, volatility: c.volatility,
                                            rate: c.rate, timeToExpiry: t)
        #expect(OptionFixtures.close(black.price, c.expected.price, rel: 1e-12, abs: 1e-11))
        // Forward delta × dF/dS = spot delta, with dF/dS = e^((r−q)T).
        #expect(OptionFixtures.close(black.delta * f / c.spot, c.expected.delta, rel: 1e-12, abs: 1e-13))
        // Forward-fixed theta = spot-fixed theta + (r − q)·S·Δ_spot (Θ_F − Θ_S from the BS PDE).
        let shift = (c.rate - c.dividendYield) * c.spot * c.expected.delta
        #expect(OptionFixtures.close(black.thetaPerYear, c.expected.thetaPerYear + shift, rel: 1e-9, abs: 1e-9))
        #expect(OptionFixtures.close(black.rho, -t * c.expected.price, rel: 1e-12, abs: 1e-12))
        // Spot + forward gives back the spot-fixed greeks.
        let viaForward = try BlackScholes.greeks(c.type, spot: c.spot, forward: f, strike: c.strike,
                                                 volatility: c.volatility, rate: c.rate, timeToExpiry: t)
        #expect(OptionFixtures.close(viaForward.thetaPerYear, c.expected.thetaPerYear, rel: 1e-9, abs: 1e-9))
        #expect(OptionFixtures.close(viaForward.delta, c.expected.delta, rel: 1e-10, abs: 1e-12))
    }

    @Test func textbookValues() throws {
        // Hull: S = K = 100, r = 5 %, σ = 20 %, T = 1: call 10.4506, theta −6.414/yr.
        let g = try BlackScholes.greeks(.call, spot: 100, strike: 100, volatility: 0.2, rate: 0.05, timeToExpiry: 1)
        #expect(abs(g.price - 10.450_583_572_185_565) < 1e-12)
        #expect(abs(g.thetaPerYear - -6.414_027_546_438_197) < 1e-12)
        #expect(abs(g.thetaPerDay - -6.414_027_546_438_197 / 365) < 1e-14)
        let theta = try BlackScholes.thetaPerYear(.call, spot: 100, strike: 100, volatility: 0.2, rate: 0.05,
                                                  timeToExpiry: 1)
        #expect(theta == g.thetaPerYear)
        #expect(try BlackScholes.price(.call, spot: 100, strike: 100, volatility: 0.2, rate: 0.05, timeToExpiry: 1) == g.price)
    }

    @Test func putCallParityOfPrices() throws {
        for (s, k, t) in [(100.0, 80.0, 0.5), (5000.0, 5100.0, 0.01), (49.0, 50.0, 2.0)] {
            let c = try BlackScholes.greeks(.call, spot: s, strike: k, volatility: 0.3, rate: 0.04, dividendYield: 0.02, timeToExpiry: t)
            let p = try BlackScholes.greeks(.put, spot: s, strike: k, volatility: 0.3, rate: 0.04, dividendYield: 0.02, timeToExpiry: t)
            let parity = s * exp(-0.02 * t) - k * exp(-0.04 * t)
            #expect(OptionFixtures.close(c.price - p.price, parity, rel: 1e-12, abs: 1e-11))
            #expect(OptionFixtures.close(c.delta - p.delta, exp(-0.02 * t), rel: 1e-14, abs: 0))
            #expect(c.gamma == p.gamma && c.vega == p.vega)
        }
    }

    @Test func atExpiryIsIntrinsic() throws {
        let now = Instant(unixSeconds: 1_700_000_000)
        let itm = try BlackScholes.greeks(.call, spot: 105, strike: 100, volatility: 0.2, rate: 0.05, valuation: now, expiry: now)
        #expect(itm == OptionGreeks(price: 5, delta: 1, gamma: 0, vega: 0, thetaPerYear: 0, rho: 0))
        let otm = try BlackScholes.greeks(.put, spot: 105, strike: 100, volatility: 0.2, rate: 0.05, timeToExpiry: 0)
        #expect(otm == .zero)
        let atm = try BlackScholes.greeks(.put, spot: 100, strike: 100, volatility: 0.2, rate: 0.05, timeToExpiry: 0)
        #expect(atm.price == 0 && atm.delta == -0.5)
        let itmPut = try BlackScholes.greeks(.put, spot: 90, strike: 100, volatility: 0.2, rate: 0.05, timeToExpiry: 0)
        #expect(itmPut.price == 10 && itmPut.delta == -1)
    }

    @Test func zeroVolatilityIsTheDeterministicLimit() throws {
        let t = 0.5, s = 100.0, k = 95.0, r = 0.05, q = 0.01
        let c = try BlackScholes.greeks(.call, spot: s, strike: k, volatility: 0, rate: r, dividendYield: q, timeToExpiry: t)
        #expect(OptionFixtures.close(c.price, s * exp(-q * t) - k * exp(-r * t), rel: 1e-14, abs: 0))
        #expect(c.delta == exp(-q * t) && c.gamma == 0 && c.vega == 0)
        #expect(OptionFixtures.close(c.thetaPerYear, -r * k * exp(-r * t) + q * s * exp(-q * t), rel: 1e-14, abs: 0))
        let p = try BlackScholes.greeks(.put, spot: s, strike: k, volatility: 0, rate: r, dividendYield: q, timeToExpiry: t)
        #expect(p == OptionGreeks(price: 0, delta: -0.0, gamma: 0, vega: 0, thetaPerYear: 0, rho: -0.0))
        // Tiny but non-zero vol converges to the same limit.
        let tiny = try BlackScholes.greeks(.call, spot: s, strike: k, volatility: 1e-12, rate: r, dividendYield: q, timeToExpiry: t)
        #expect(OptionFixtures.close(tiny.price, c.price, rel: 1e-14, abs: 0))
        #expect(tiny.gamma == 0 && tiny.vega == 0)
    }

    @Test func tailsKeepRelativeAccuracy() throws {
        // N(−30) = 4.906713927148187e-198 (mpmath): a ½(1 + erf) CDF would return 0; erfc keeps ~1e-13.
        #expect(OptionFixtures.close(BlackScholes.normalCDF(-30), 4.906_713_927_148_187e-198, rel: 1e-12, abs: 0))
        #expect(BlackScholes.normalCDF(.infinity) == 1 && BlackScholes.normalCDF(-.infinity) == 0)
        #expect(BlackScholes.normalPDF(.infinity) == 0)
        // A 10-sigma OTM call still has a positive, finite vega and price.
        let g = try BlackScholes.greeks(.call, spot: 100, strike: 1000, volatility: 0.2, rate: 0.0, timeToExpiry: 1)
        #expect(g.price >= 0 && g.vega > 0 && g.vega < 1e-20)
        // Deep ITM: delta → e^(−qT), price → forward intrinsic.
        let d = try BlackScholes.greeks(.call, spot: 1e6, strike: 1, volatility: 0.2, rate: 0.01, dividendYield: 0.02, timeToExpiry: 1)
        #expect(OptionFixtures.close(d.delta, exp(-0.02), rel: 1e-15, abs: 0))
        #expect(OptionFixtures.close(d.price, 1e6 * exp(-0.02) - exp(-0.01), rel: 1e-15, abs: 0))
    }

    @Test func hugeAndTinyScalesAreHomogeneous() throws {
        // V(λS, λK) = λ·V(S, K): the model has no preferred unit.
        let base = try BlackScholes.greeks(.put, spot: 100, strike: 110, volatility: 0.25, rate: 0.03, timeToExpiry: 0.75)
        for lambda in [1e-8, 1e8, 1e150] {
            let g = try BlackScholes.greeks(.put, spot: 100 * lambda, strike: 110 * lambda, volatility: 0.25, rate: 0.03, timeToExpiry: 0.75)
            #expect(OptionFixtures.close(g.price / lambda, base.price, rel: 1e-13, abs: 0))
            #expect(OptionFixtures.close(g.delta, base.delta, rel: 1e-13, abs: 0))
            #expect(OptionFixtures.close(g.gamma * lambda, base.gamma, rel: 1e-13, abs: 0))
        }
    }

    @Test func invalidInputsNameTheField() {
        func field(_ body: () throws -> OptionGreeks) -> BlackScholes.InputError.Field? {
            do { _ = try body(); return nil } catch { return (error as? BlackScholes.InputError)?.field }
        }
        #expect(field { try BlackScholes.greeks(.call, spot: .nan, strike: 100, volatility: 0.2, rate: 0, timeToExpiry: 1) } == .spot)
        #expect(field { try BlackScholes.greeks(.call, spot: 0, strike: 100, volatility: 0.2, rate: 0, timeToExpiry: 1) } == .spot)
        #expect(field { try BlackScholes.greeks(.call, spot: -1, strike: 100, volatility: 0.2, rate: 0, timeToExpiry: 1) } == .spot)
        #expect(field { try BlackScholes.greeks(.call, spot: .infinity, strike: 100, volatility: 0.2, rate: 0, timeToExpiry: 1) } == .spot)
        #expect(field { try BlackScholes.greeks(.put, spot: 100, strike: 0, volatility: 0.2, rate: 0, timeToExpiry: 1) } == .strike)
        #expect(field { try BlackScholes.greeks(.put, spot: 100, strike: 100, volatility: -0.01, rate: 0, timeToExpiry: 1) } == .volatility)
        #expect(field { try BlackScholes.greeks(.put, spot: 100, strike: 100, volatility: .nan, rate: 0, timeToExpiry: 1) } == .volatility)
        #expect(field { try BlackScholes.greeks(.put, spot: 100, strike: 100, volatility: 0.2, rate: .nan, timeToExpiry: 1) } == .rate)
        #expect(field { try BlackScholes.greeks(.put, spot: 100, strike: 100, volatility: 0.2, rate: 0, dividendYield: -.infinity, timeToExpiry: 1) } == .dividendYield)
        #expect(field { try BlackScholes.greeks(.put, spot: 100, strike: 100, volatility: 0.2, rate: 0, timeToExpiry: -1e-9) } == .timeToExpiry)
        #expect(field { try BlackScholes.greeks(.put, spot: 100, strike: 100, volatility: 0.2, rate: 0, timeToExpiry: .infinity) } == .timeToExpiry)
        let now = Instant(unixSeconds: 1_700_000_000)
        #expect(field { try BlackScholes.greeks(.call, spot: 100, strike: 100, volatility: 0.2, rate: 0, valuation: now, expiry: now.adding(seconds: -1)) } == .timeToExpiry)
        #expect(field { try BlackScholes.greeks(.call, forward: 0, strike: 100, volatility: 0.2, rate: 0, timeToExpiry: 1) } == .forward)
        do {
            _ = try BlackScholes.greeks(.call, spot: -5, strike: 100, volatility: 0.2, rate: 0, timeToExpiry: 1)
        } catch {
            #expect(error.description == "invalid spot -5.0: must be > 0")
        }
    }

    @Test func greeksAggregateIntoPositions() throws {
        // A short put at K2 and a long put at K1, one contract (× 100).
        let long = try BlackScholes.greeks(.put, spot: 5000, strike: 4800, volatility: 0.2, rate: 0.05, dividendYield: 0.015, timeToExpiry: 30 / 365)
        let short = try BlackScholes.greeks(.put, spot: 5000, strike: 4900, volatility: 0.18, rate: 0.05, dividendYield: 0.015, timeToExpiry: 30 / 365)
        let spread = long.scaled(by: 100) + short.scaled(by: -100)
        #expect(spread.thetaPerDay > 0)   // a credit spread earns time decay
        #expect(OptionFixtures.close(spread.thetaPerDay, 100 * (long.thetaPerDay - short.thetaPerDay), rel: 1e-14, abs: 0))
    }
}
