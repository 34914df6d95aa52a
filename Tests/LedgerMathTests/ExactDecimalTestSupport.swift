import Foundation
import Testing
@testable import LedgerMath

/// Parses a decimal in a test; malformed text fails the test instead of trapping.
func exact(_ text: String) throws -> ExactDecimal { try ExactDecimal(parsing: text) }

/// Raw bytes of a committed reference fixture (`Fixtures/<name>`).
func referenceFixture(_ name: String) throws -> Data {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
    return try Data(contentsOf: url)
}

/// `|a − b| ≤ tolerance × max(|a|, |b|)` — relative comparison for Doubles.
func isClose(_ a: Double, _ b: Double, relative tolerance: Double) -> Bool {
    abs(a - b) <= tolerance * max(abs(a), abs(b))
}
