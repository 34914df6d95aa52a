import Foundation
import Testing
@testable import LedgerMath

@Suite("Put–call parity, intrinsic and extrinsic value")
struct PutCallParityTests {
    @Test("recovers the forward and dividend yield from model prices", arguments: [
        (5000.0, 5000.0, 0.05, 0.015, 30.0 / 365),
        (5000.0, 4500.0, 0.05, 0.015, 0.5),
        (100.0, 120.0, 0.01, 0.08, 2.0),   // q > r
        (100.0, 100.0, -0.005, 0.0, 1.0),  // negative rate
    ])
    func impliedForwardAndYield(spot: Double, strike: Double, rate: Double, q: Double, t: Double) throws {
        let c = try BlackScholes.price(.call, spot: spot, strike: strike, volatility: 0.2, rate: rate, dividendYield: q, timeToExpiry: t)
        let p = try BlackScholes.price(.put, spot: spot, strike: strike, volatility: 0.2, rate: rate, dividendYield: q, timeToExpiry: t)
        let f = try PutCallParity.impliedForward(callPrice: c, putPrice: p, strike: strike, rate: rate, timeToExpiry: t)
        #expect(OptionFixtures.close(f, spot * exp((rate - q) * t), rel: 1e-12, abs: 0))
        let implied = try PutCallParity.impliedDividendYield(callPrice: c, putPrice: p, strike: strike, spot: spot,
                                                             rate: rate, timeToExpiry: t)
        #expect(abs(implied - q) < 1e-10)
        #expect(abs(try PutCallParity.dividendYield(spot: spot, forward: f, rate: rate, timeToExpiry: t) - q) < 1e-10)
    }

    @Test func rejectsBadPairs() {
        func field(_ body: () throws -> Double) -> BlackScholes.InputError.Field? {
            do { _ = try body(); return nil } catch { return (error as? BlackScholes.InputError)?.field }
        }
        // C − P far below −K·e^(−rT) means a negative forward.
        #expect(field { try PutCallParity.impliedForward(callPrice: 0, putPrice: 200, strike: 100, rate: 0, timeToExpiry: 1) } == .forward)
        #expect(field { try PutCallParity.impliedForward(callPrice: .nan, putPrice: 1, strike: 100, rate: 0, timeToExpiry: 1) } == .callPrice)
        #expect(field { try PutCallParity.impliedForward(callPrice: 1, putPrice: -1, strike: 100, rate: 0, timeToExpiry: 1) } == .putPrice)
        #expect(field { try PutCallParity.dividendYield(spot: 100, forward: 101, rate: 0, timeToExpiry: 0) } == .timeToExpiry)
        #expect(field { try PutCallParity.impliedDividendYield(callPrice: 5, putPrice: 4, strike: 100, spot: 0, rate: 0, timeToExpiry: 1) } == .spot)
    }

    @Test func intrinsicAndExtrinsic() throws {
        #expect(OptionValue.intrinsic(.call, underlying: 105, strike: 100) == 5)
        #expect(OptionValue.intrinsic(.call, underlying: 95, strike: 100) == 0)
        #expect(OptionValue.intrinsic(.put, underlying: 95, strike: 100) == 5)
        #expect(OptionValue.intrinsic(.put, underlying: 105, strike: 100) == 0)
        #expect(OptionValue.extrinsic(.call, mark: 7.5, underlying: 105, strike: 100) == 2.5)
        #expect(OptionValue.extrinsic(.put, mark: 1.25, underlying: 105, strike: 100) == 1.25)
        // A deep-ITM European put (r > 0) is worth less than K − S: negative extrinsic, not clamped.
        let put = try BlackScholes.price(.put, spot: 100, strike: 150, volatility: 0.2, rate: 0.05, timeToExpiry: 2)
        #expect(OptionValue.extrinsic(.put, mark: put, underlying: 100, strike: 150) < 0)
        // So is a deep-ITM call when q > r.
        let call = try BlackScholes.price(.call, spot: 100, strike: 50, volatility: 0.2, rate: 0.01, dividendYield: 0.08, timeToExpiry: 2)
        #expect(OptionValue.extrinsic(.call, mark: call, underlying: 100, strike: 50) < 0)
        #expect(OptionValue.intrinsic(.call, underlying: .nan, strike: 100).isNaN)   // NaN in, NaN out
    }
}
