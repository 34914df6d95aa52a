import Foundation
import LedgerMath
import PortfolioLedger
import Testing

/// docs/api.md, "Results as values", run as written: the document computed in Swift, encoded by
/// `ReportJSONEncoder`, is byte for byte what `report loans --format json` prints.
@Suite struct ReportDocumentsCLITests {
    @Test func aDocumentFromSwiftIsWhatTheCLIPrints() throws {
        let path = try GoldenBooks.demo.get()
        // --- docs/api.md, "Results as values" (begin)
        let ledger = try Ledger.openReadOnly(at: path)
        let at = try ISO8601.parse("2021-01-25T00:00:00Z")
        let states = try ledger.read { book in
            try book.loans().filter { $0.startedAt <= at }.map { try book.loanState($0.id, at: at) }
        }
        let document = LoansDocument(states, at: at)          // what `report loans --format json` prints
        let json = try ReportJSONEncoder().encode(document)   // ordered keys, null for absent values
        let back = try JSONDecoder().decode(LoansDocument.self, from: Data(json.utf8))  // == document
        // --- (end)
        #expect(back == document)
        let cli = try CLIRunner.run(["report", "loans", path, "--at", "2021-01-25T00:00:00Z", "--format", "json"])
        try #require(cli.exitCode == 0, "\(cli.stderr)")
        #expect(cli.stdout == json + "\n")
    }
}
