import LedgerTestSupport
import Foundation
import LedgerMath
import Testing
@testable import PortfolioLedger

/// A quote without a mark stores the same fields whichever way it comes in: the mid of a
/// two-sided quote as its mark (CSV, JSON Lines and the Swift API alike).
@Suite struct QuoteMarkParityTests {
    let dir = TemporaryDirectory()

    @Test func csvJournalAndAPIStoreTheSameMark() throws {
        let csv = dir.path("q.csv"), jsonl = dir.path("q.jsonl")
        try "root,option_type,strike,expires_at,quoted_at,bid,ask,mark,implied_vol\nSPXW,put,3700,2021-04-16,2021-03-12T21:00:00Z,5.0,5.2,,0.21\n"
            .write(toFile: csv, atomically: true, encoding: .utf8)
        try #"{"type":"quote","root":"SPXW","option_type":"put","strike":"3700","expires_at":"2021-04-16","quoted_at":"2021-03-12T21:00:00Z","bid":5.0,"ask":5.2,"implied_vol":0.21}"#
            .appending("\n").write(toFile: jsonl, atomically: true, encoding: .utf8)
        let fromCSV = try Ledger.create(at: dir.path("csv.ledger")), fromJournal = try Ledger.create(at: dir.path("jsonl.ledger"))
        _ = try fromCSV.importCSV(.quotes, file: csv)
        _ = try fromJournal.importJournal(file: jsonl)
        let fromAPI = try Ledger.create(at: dir.path("api.ledger"))
        try fromAPI.write { tx in
            let contract = try tx.addOptionContract(root: .spxw, type: .put, strike: 3700, expiresAt: try ISO8601.parse("2021-04-16T20:00:00Z"))
            try tx.addOptionQuotes([OptionQuote(contractID: contract, quotedAt: instant("2021-03-12T21:00:00Z"), bid: 5.0, ask: 5.2, impliedVol: 0.21)])
        }
        let quotes = try [fromCSV, fromJournal, fromAPI].map { ledger in
            try #require(try ledger.read { try $0.latestQuote(of: OptionContractID(1), at: instant("2021-03-13")) })
        }
        #expect(quotes.allSatisfy { $0 == quotes[0] })
        #expect(quotes[0].mark == 5.1 && quotes[0].bid == 5.0 && quotes[0].ask == 5.2)
        // One-sided or zero quotes have no mid: no mark is made up.
        #expect(OptionQuote(contractID: OptionContractID(1), quotedAt: Instant(unixSeconds: 0), bid: 0, ask: 0.05).storedMark == nil)
        #expect(OptionQuote(contractID: OptionContractID(1), quotedAt: Instant(unixSeconds: 0), ask: 0.05).storedMark == nil)
    }
}
