import Foundation
import Testing
@testable import LedgerMath

struct ImpliedVolCase: Sendable, CustomTestStringConvertible {
    var id: String
    var type: OptionType
    var spot, strike, rate, dividendYield, price, volatility, quantLibVolatility: Double
    var days: Int64
    var outcome: String
    var testDescription: String { id }

    static let all: [ImpliedVolCase] = OptionFixtures.rows("options_implied_vol.csv").map { r in
        func d(_ k: String) -> Double { Double(r[k] ?? "") ?? .nan }
        return ImpliedVolCase(id: r["id"] ?? "?", type: OptionType(rawValue: r["type"] ?? "") ?? .call,
                              spot: d("spot"), strike: d("strike"), rate: d("rate"), dividendYield: d("dividend_yield"),
                              price: d("price"), volatility: d("volatility"), quantLibVolatility: d("quantlib_iv"),
                              days: Int64(r["days"] ?? "") ?? -1, outcome: r["outcome"] ?? "?")
    }
}

@Suite("Implied volatility")
struct ImpliedVolatilityTests {
    @Test func fixtureIsPresent() {
        #expect(ImpliedVolCase.all.count >= 40)
    }

    @Test("round trips QuantLib prices and refuses impossible ones", arguments: ImpliedVolCase.all)
    func fixture(_ c: ImpliedVolCase) {
        let t = Double(c.days) / 365
        let result: Swift.Result<Double, BlackScholes.ImpliedVolatilityError>
        do {
            result = .success(try BlackScholes.impliedVolatility(c.type, price: c.price, spot: c.spot, strike: c.strike,
                                                                 rate: c.rate, dividendYield: c.dividendYield, timeToExpiry: t))
        } catch { result = .failure(error) }
        switch (c.outcome, result) {
        case ("ok", .success(let vol)):
            // QuantLib's own inversion is good to ~2e-10; the fixture keeps only cases where one
            // ulp of price moves σ by < 1e-10.
            #expect(OptionFixtures.close(vol, c.volatility, rel: 1e-9, abs: 0), "σ \(vol) vs \(c.volatility)")
        case ("belowLowerBound", .failure(.belowLowerBound)), ("aboveUpperBound", .failure(.aboveUpperBound)),
             ("noTimeValue", .failure(.noTimeValue)):
            break
        default:
            Issue.record("expected \(c.outcome), got \(result)")
        }
    }

    @Test("round trips our own prices across moneyness, vol and maturity")
    func sweep() throws {
        var worst = 0.0
        for type in OptionType.allCases {
            for m in [0.3, 0.5, 0.7, 0.9, 0.97, 1.0, 1.03, 1.1, 1.5, 2.0, 3.0] {
                for vol in [0.01, 0.05, 0.2, 0.5, 1.0, 2.0, 4.0] {
                    for t in [1.0 / 365, 7.0 / 365, 0.25, 1, 3] {
                        let g = try BlackScholes.greeks(type, spot: 100, strike: 100 * m, volatility: vol, rate: 0.03,
                                                        dividendYield: 0.01, timeToExpiry: t)
                        // Only cases whose price still carries the vol (1 ulp of price ≲ 1e-9 of σ·vega).
                        guard g.price > 1e-250, g.price.ulp < 1e-9 * g.vega * vol else { continue }
                        let iv = try BlackScholes.impliedVolatility(type, price: g.price, spot: 100, strike: 100 * m,
                                                                    rate: 0.03, dividendYield: 0.01, timeToExpiry: t)
                        let err = abs(iv - vol) / vol
                        worst = max(worst, err)
                        #expect(err < 1e-6, "\(type) K/S=\(m) σ=\(vol) T=\(t): \(iv)")
                    }
                }
            }
        }
        #expect(worst < 1e-6)
    }

    @Test func forwardFormAndInstants() throws {
        let t = 0.5
        let f = PutCallParity.forward(spot: 4000, rate: 0.05, dividendYield: 0.015, timeToExpiry: t)
        let g = try BlackScholes.greeks(.put, forward: f, strike: 3800, volatility: 0.22, rate: 0.05, timeToExpiry: t)
        let iv = try BlackScholes.impliedVolatility(.put, price: g.price, forward: f, strike: 3800, rate: 0.05, timeToExpiry: t)
        #expect(abs(iv - 0.22) < 1e-12)
        let now = Instant(unixSeconds: 1_700_000_000)
        let later = now.adding(seconds: 182 * Instant.secondsPerDay)
        let p = try BlackScholes.greeks(.call, spot: 100, strike: 105, volatility: 0.3, rate: 0.02, valuation: now, expiry: later).price
        #expect(abs(try BlackScholes.impliedVolatility(.call, price: p, spot: 100, strike: 105, rate: 0.02,
                                                      valuation: now, expiry: later) - 0.3) < 1e-12)
    }

    @Test func impossiblePricesAreTypedNeverNaN() {
        func outcome(_ type: OptionType, _ price: Double, spot: Double = 100, strike: Double = 100, t: Double = 0.5)
            -> BlackScholes.ImpliedVolatilityError? {
            do {
                let v = try BlackScholes.impliedVolatility(type, price: price, spot: spot, strike: strike, rate: 0.05, timeToExpiry: t)
                #expect(v.isFinite && v > 0)
                return nil
            } catch { return error }
        }
        #expect(outcome(.call, 100) == .aboveUpperBound(price: 100, upperBound: 100))
        #expect(outcome(.call, 1e300) == .aboveUpperBound(price: 1e300, upperBound: 100))
        if case .aboveUpperBound = outcome(.put, 99) {} else { Issue.record("put above K·e^(−rT)") }
        if case .belowLowerBound = outcome(.call, 1, strike: 80) {} else { Issue.record("below intrinsic") }
        #expect(outcome(.put, 0, strike: 80) == .noTimeValue)
        #expect(outcome(.call, 5, strike: 95, t: 0) == .noTimeValue)
        if case .invalidInput(let e) = outcome(.call, .nan) { #expect(e.field == .price) } else { Issue.record("NaN price") }
        if case .invalidInput(let e) = outcome(.call, -1) { #expect(e.field == .price) } else { Issue.record("negative price") }
        if case .invalidInput(let e) = outcome(.call, 5, spot: 0) { #expect(e.field == .spot) } else { Issue.record("spot 0") }
        if case .invalidInput(let e) = outcome(.call, 5, t: -1) { #expect(e.field == .timeToExpiry) } else { Issue.record("t < 0") }
        // Exactly at the discounted forward intrinsic value: no time value, not "below".
        let lower = exp(-0.05 * 0.5) * (100 * exp(0.05 * 0.5) - 80)
        #expect(outcome(.call, lower, strike: 80) == .noTimeValue)
        // Tiny and near-bound prices still solve (or are refused), never NaN.
        _ = outcome(.call, 1e-300, strike: 150)
        _ = outcome(.call, 100 * (1 - 1e-15), strike: 100)
    }

    @Test func deepITMEuropeanPutBelowSpotIntrinsicStillSolves() throws {
        // K − S = 50, but with r = 5 % over 2 years the European floor is 150·e^(−0.1) − 100 ≈ 35.7.
        let g = try BlackScholes.greeks(.put, spot: 100, strike: 150, volatility: 0.25, rate: 0.05, timeToExpiry: 2)
        #expect(g.price < 50)
        let iv = try BlackScholes.impliedVolatility(.put, price: g.price, spot: 100, strike: 150, rate: 0.05, timeToExpiry: 2)
        #expect(abs(iv - 0.25) < 1e-10)
    }
}
