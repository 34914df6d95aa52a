import Foundation
import LedgerMath
import SQLiteDB
import Testing
@testable import PortfolioLedger

@Suite struct JournalImportTests {
    let dir = TemporaryDirectory()

    static let punks = "0xb47e3cd837ddf8e4c57f05d70ab865de6e193bbb"

    /// One line of every entry type.
    static let journal = """
        {"type":"collection","chain":"ethereum","contract_address":"\(punks)","name":"CryptoPunks"}
        {"type":"nft","chain":"ethereum","contract_address":"\(punks)","token_id":"7804"}
        {"type":"nft_trade","ref":"buy","chain":"ethereum","contract_address":"\(punks)","token_id":"7804","side":"acquire","traded_at":"2021-03-11T00:48:39Z","currency":"ETH","price":"4200","fees":"0"}
        {"type":"price_series","name":"ETH/USD","kind":"fx","base":"ETH","quote":"USD"}
        {"type":"price_series","name":"Punk floor","kind":"floor","quote":"ETH","collection":{"chain":"ethereum","contract_address":"\(punks)"}}
        {"type":"price","series":"ETH/USD","observed_at":"2021-03-12T00:00:00Z","price":1826.0574768119818}
        {"type":"price","series":"Punk floor","observed_at":"2021-03-12T23:59:59Z","price":"30.5"}
        {"type":"loan","ref":"loan","protocol":"nftfi","external_ref":"L-1","currency":"ETH","principal":"1000","amount_received":"995","started_at":"2021-03-12T00:00:00Z","maturity_at":"2021-04-11T00:00:00Z","terms":{"model":"fixed_repayment","repayment":"1016.438356164383561643"},"collateral":[{"chain":"ethereum","contract_address":"\(punks)","token_id":"7804"}]}
        {"type":"loan_event","ref":"fee","loan":{"protocol":"nftfi","external_ref":"L-1"},"event_kind":"fee","occurred_at":"2021-03-13T00:00:00Z","fee":"0.5"}
        {"type":"loan_event","loan":{"protocol":"nftfi","external_ref":"L-1"},"event_kind":"fee","occurred_at":"2021-03-13T00:00:00Z","fee":"0.25"}
        {"type":"hedge","name":"condor","strategy":"iron_condor","opened_at":"2021-03-12T15:00:00Z","protects":[{"protocol":"nftfi","external_ref":"L-1"}]}
        {"type":"option_contract","root":"SPXW","option_type":"put","strike":"3700","expires_at":"2021-04-16"}
        {"type":"option_trade","ref":"short put","hedge":"condor","root":"SPXW","option_type":"put","strike":"3700","expires_at":"2021-04-16","traded_at":"2021-03-12T15:00:00Z","quantity":-1,"price":"5.1","fees":"0.65"}
        {"type":"quote","root":"SPXW","option_type":"put","strike":"3700","expires_at":"2021-04-16","quoted_at":"2021-03-12T21:00:00Z","bid":5.0,"ask":5.2,"mark":5.1,"implied_vol":0.21,"underlying":3943.34}
        {"type":"settlement","root":"SPXW","option_type":"put","strike":"3700","expires_at":"2021-04-16","settlement_value":"4185.47"}
        {"type":"external_flow","ref":"deposit","kind":"deposit","flowed_at":"2021-03-10T00:00:00Z","currency":"ETH","amount":"5000","note":"from cold wallet"}
        {"type":"balance_assertion","asserted_at":"2021-03-12T01:00:00Z","currency":"ETH","amount":"1795"}
        {"type":"correction","action":"void","entry":{"ref":"fee"},"reason":"booked twice"}

        """

    @Test func everyEntryTypeBooksAndReimportChangesNothing() throws {
        let ledger = try Ledger.create(at: dir.path("book.ledger"))
        let file = try writeFile(dir, "journal.jsonl", Self.journal)
        let summary = try ledger.importJournal(file: file)
        #expect(summary.kind == "jsonl" && summary.rowsRead == 18 && summary.inserted == 18 && summary.skippedDuplicates == 0)
        try ledger.read { book in
            let loan = try #require(try book.loans().first)
            // The first fee was voided by the correction; the second stands.
            #expect(try book.loanEvents(of: loan.id).map(\.detail) == [.fee(amount: try dec("0.25"))])
            let hedge = try #require(try book.hedges().first)
            #expect(hedge.protectedLoans == [loan.id])
            #expect(try book.optionSettlements(of: hedge.id).map(\.cashAmount) == [.zero])
            #expect(try book.cashBalance(Currency("ETH"), at: instant("2021-03-12T01:00:00Z")) == (try dec("1795")))
            #expect(try book.balanceAssertionFailures().isEmpty)
            let floor = try #require(try book.series(named: "Punk floor"))
            #expect(try book.priceIfAny(of: floor.id, at: instant("2021-03-13"))?.price == 30.5)
        }
        for table in ["nft_trade", "loan", "loan_event", "option_trade", "option_settlement", "external_flow", "balance_assertion",
                      "price_observation", "option_quote", "collection", "nft", "hedge"] {
            #expect(try rowsWithoutSource(ledger.path, table: table, source: summary.sourceID) == 0, "\(table)")
        }
        let before = try logicalDump(ledger.path)
        #expect(try ledger.importJournal(file: file).alreadyImported)
        #expect(try logicalDump(ledger.path) == before)

        // The same entries in another file (with a trailing blank line less): all skipped.
        let copy = try writeFile(dir, "copy.jsonl", Self.journal.trimmingCharacters(in: .newlines))
        let again = try ledger.importJournal(file: copy)
        #expect(again.inserted == 0 && again.skippedDuplicates == 18)
        #expect(try logicalDump(ledger.path).filter { !$0.hasPrefix("import_source|") } == before.filter { !$0.hasPrefix("import_source|") })
    }

    struct BadLine: Sendable, CustomTestStringConvertible {
        var name: String
        var line: String
        var column: String?
        var reason: String
        var testDescription: String { name }
    }

    static let badLines: [BadLine] = [
        BadLine(name: "money as a JSON number", line: #"{"type":"external_flow","kind":"deposit","flowed_at":"2021-03-10T00:00:00Z","currency":"ETH","amount":0.1}"#,
                column: "amount", reason: "expected a JSON string (money, decimals and instants are strings: a JSON number is lossy)"),
        BadLine(name: "unknown key", line: #"{"type":"external_flow","kind":"deposit","flowed_at":"2021-03-10T00:00:00Z","currency":"ETH","amount":"1","memo":"x"}"#,
                column: "memo", reason: "not a key of a external_flow entry"),
        BadLine(name: "missing key", line: #"{"type":"balance_assertion","currency":"ETH","amount":"1"}"#,
                column: "asserted_at", reason: "missing; this entry requires it"),
        BadLine(name: "bad instant", line: #"{"type":"balance_assertion","asserted_at":"10/03/2021","currency":"ETH","amount":"1"}"#,
                column: "asserted_at", reason: "invalid asserted_at: '10/03/2021' is not an ISO-8601 UTC instant"),
        BadLine(name: "unknown reference", line: #"{"type":"loan_event","loan":{"protocol":"nftfi","external_ref":"nope"},"event_kind":"close","occurred_at":"2021-03-13T00:00:00Z"}"#,
                column: nil, reason: "no loan with id nftfi nope"),
        BadLine(name: "not JSON", line: #"{"type":"price","series":"#, column: nil, reason: "not valid JSON"),
        BadLine(name: "unknown type", line: #"{"type":"transfer"}"#, column: "type", reason: "'transfer' is not an entry type"),
        BadLine(name: "malformed decimal", line: #"{"type":"external_flow","kind":"deposit","flowed_at":"2021-03-10T00:00:00Z","currency":"ETH","amount":"1,5"}"#,
                column: "amount", reason: "invalid amount:"),
    ]

    @Test(arguments: badLines)
    func theFirstBadLineIsNamedAndNothingIsWritten(_ bad: BadLine) throws {
        let ledger = try Ledger.create(at: dir.path("book.ledger"))
        let before = try logicalDump(ledger.path)
        let file = try writeFile(dir, "bad.jsonl", """
            {"type":"collection","chain":"ethereum","contract_address":"\(Self.punks)","name":"CryptoPunks"}

            \(bad.line)
            {"type":"collection","chain":"ethereum","contract_address":"0x1","name":"Other"}
            """)
        let error = #expect(throws: ImportError.self) { try ledger.importJournal(file: file) }
        #expect(error?.line == 3)
        #expect(error?.column == bad.column)
        #expect(error.map { $0.reason.hasPrefix(bad.reason) } == true, "\(String(describing: error?.reason))")
        #expect(try logicalDump(ledger.path) == before)
    }
}
