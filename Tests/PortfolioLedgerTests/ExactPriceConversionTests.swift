import LedgerMath
import Testing
@testable import PortfolioLedger

/// `exact(_:)` turns a market price into the exact decimal its shortest text names; its fast path
/// for short decimals must give what the general parser gives.
@Suite struct ExactPriceConversionTests {
    @Test func fastPathEqualsTheGeneralParser() throws {
        var values: [Double] = [0, -0.0, 1, -1, 0.1, 52.37, 20.0, 1e-5, 1.5e-7, 2575.09, 4200, 123456789.123, 1e15, 1e17, 1e20, 1e300,
                                1.2345678901234567e17, 0.123456789012345678, -3.14159, 16.99, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 { values.append(Double.random(in: -1e6...1e6, using: &generator)) }
        for _ in 0..<1_000 { values.append((Double.random(in: 0...100_000, using: &generator) * 100).rounded() / 100) }
        for value in values {
            // The rule before the fast path: the shortest text when it parses, else rounded to 18 places.
            let expected = try ExactDecimal(String(value)) ?? ExactDecimal(value, scale: 18, mode: .halfEven)
            #expect(exact(value) == expected, "\(value)")
        }
    }
}
