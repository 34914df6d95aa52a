import Foundation
import LedgerMath
import LedgerTestSupport
import Testing
@testable import PortfolioLedger

/// `report hedges` and `report hedge` documents round-trip; the hedge's members are inline.
@Suite struct HedgeDocumentTests {
    let dir = TemporaryDirectory()

    @Test func hedgesAndHedgeDocumentsRoundTrip() throws {
        let book = try AnalyticsBook(dir: dir)
        let (hedge, _) = try CondorFixture.open(in: book, protecting: [])
        let at = CondorFixture.quoteTime(2)
        let (valuation, decay) = try book.ledger.read { s in
            (try s.hedgeValuation(hedge, at: at), try s.thetaDecay(hedge, from: AnalyticsBook.day(0), to: AnalyticsBook.day(10)))
        }
        let hedges = HedgesDocument([valuation], at: at)
        try expectRoundTrip(hedges)
        #expect(hedges.hedges.first?.condor != nil)
        let document = HedgeDocument(valuation, decay: decay, knownAt: at)
        let text = try expectRoundTrip(document)
        #expect(text.hasPrefix("{\n  \"report\": \"hedge\",\n  \"as_known_at\": \"\(at)\",\n  \"hedge_id\": "))
        #expect(text.hasSuffix("\"theta_decay_skipped\": []\n}") || text.contains("\"theta_decay_skipped\": [\n"))
    }
}
