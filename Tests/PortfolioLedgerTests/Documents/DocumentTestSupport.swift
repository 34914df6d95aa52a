import Foundation
import LedgerMath
import Testing
import PortfolioLedger

/// Encodes `document` with ``ReportJSONEncoder``, decodes it with Foundation's `JSONDecoder`, and
/// expects an equal value; returns the JSON text for further checks.
@discardableResult
func expectRoundTrip<T: Codable & Equatable>(_ document: T, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    let text = try ReportJSONEncoder().encode(document)
    let decoded = try JSONDecoder().decode(T.self, from: Data(text.utf8))
    #expect(decoded == document, sourceLocation: sourceLocation)
    // Encoding the decoded value again gives the same text (nothing lost on the way).
    #expect(try ReportJSONEncoder().encode(decoded) == text, sourceLocation: sourceLocation)
    return text
}
