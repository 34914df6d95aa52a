import LedgerTestSupport
import Foundation
import LedgerMath
import Testing
@testable import PortfolioLedger

/// Strict JSON Lines and the holding rules through `importJournal` (issue 12 items 1, 3 and 4):
/// each line below was accepted, or refused without naming the key, before.
@Suite struct JournalStrictnessTests {
    let dir = TemporaryDirectory()
    static let punks = JournalImportTests.punks
    static let punk = #"{"chain":"ethereum","contract_address":"\#(punks)","token_id":"7804"}"#

    /// Lines 1–3: the collection, the punk, its purchase.
    static let prefix = """
        {"type":"collection","chain":"ethereum","contract_address":"\(punks)","name":"CryptoPunks"}
        {"type":"nft","chain":"ethereum","contract_address":"\(punks)","token_id":"7804"}
        {"type":"nft_trade","chain":"ethereum","contract_address":"\(punks)","token_id":"7804","side":"acquire","traded_at":"2021-03-11T00:48:39Z","currency":"ETH","price":"4200"}
        """

    static func loan(terms: String = #"{"model":"continuous","rate_bps":"1200"}"#, collateral: String = "[\(punk)]", ref: String = "B-1",
                     at: String = "2021-03-12T00:00:00Z") -> String {
        #"{"type":"loan","protocol":"blend","external_ref":"\#(ref)","currency":"ETH","principal":"10","started_at":"\#(at)","terms":\#(terms),"collateral":\#(collateral)}"#
    }

    static func sale(_ at: String) -> String {
        #"{"type":"nft_trade","chain":"ethereum","contract_address":"\#(punks)","token_id":"7804","side":"dispose","traded_at":"\#(at)","currency":"ETH","price":"4500"}"#
    }

    static let flow = #""type":"external_flow","kind":"deposit","flowed_at":"2021-03-10T00:00:00Z","currency":"ETH""#

    struct Bad: Sendable, CustomTestStringConvertible {
        var name: String
        /// Lines after the prefix.
        var lines: [String]
        var line: Int
        var column: String?
        var reason: String
        var testDescription: String { name }
    }

    static let cases: [Bad] = [
        Bad(name: "duplicate key", lines: ["{\(flow),\"amount\":\"2\",\"amount\":\"3\"}"], line: 4, column: "amount",
            reason: "the key appears twice in one object"),
        Bad(name: "duplicate nested key", lines: [loan(terms: #"{"model":"continuous","rate_bps":"1","rate_bps":"2"}"#)], line: 4,
            column: "terms.rate_bps", reason: "the key appears twice in one object"),
        Bad(name: "unknown key in terms", lines: [loan(terms: #"{"model":"continuous","rate_bps":"1","rate":"2"}"#)], line: 4,
            column: "terms.rate", reason: "not a key of continuous terms (known: rate_bps)"),
        Bad(name: "unknown key in collateral", lines: [loan(collateral: #"[{"chain":"ethereum","contract_address":"x","token_id":"1","token":"2"}]"#)],
            line: 4, column: "collateral[0].token", reason: "not a key of collateral[0]"),
        Bad(name: "unknown key in a loan reference", lines: [loan(), #"{"type":"loan_event","loan":{"protocol":"blend","extref":"B-1"},"event_kind":"close","occurred_at":"2021-03-13T00:00:00Z"}"#],
            line: 5, column: "loan.extref", reason: "not a key of loan"),
        Bad(name: "trailing comma in an object", lines: ["{\(flow),\"amount\":\"2\",}"], line: 4, column: nil,
            reason: "a trailing comma before '}' is not JSON"),
        Bad(name: "trailing comma in an array", lines: [loan(collateral: "[\(punk),]")], line: 4, column: "collateral",
            reason: "a trailing comma before ']' is not JSON"),
        Bad(name: "BOM at the start of a later line", lines: ["\u{FEFF}{\(flow),\"amount\":\"2\"}"], line: 4, column: nil,
            reason: "a byte-order mark (U+FEFF) is only allowed at the very start of the file"),
        Bad(name: "NUL in text", lines: ["{\(flow),\"amount\":\"2\",\"note\":\"a\\u0000b\"}"], line: 4, column: "note",
            reason: "a NUL character (\\u0000) is not allowed in text"),
        Bad(name: "integer too large", lines: [loan(), #"{"type":"loan_event","loan":{"protocol":"blend","external_ref":"B-1"},"event_kind":"rate_change","occurred_at":"2021-03-13T00:00:00Z","new_rate_bps":123456789012345678901234567890}"#],
            line: 5, column: "new_rate_bps", reason: "expected a JSON integer; 123456789012345678901234567890 is too large"),
        Bad(name: "1.5 for an integer", lines: [loan(), #"{"type":"loan_event","loan":{"protocol":"blend","external_ref":"B-1"},"event_kind":"rate_change","occurred_at":"2021-03-13T00:00:00Z","new_rate_bps":1.5}"#],
            line: 5, column: "new_rate_bps", reason: "expected a JSON integer, found 1.5"),
        Bad(name: "negative rate in terms", lines: [loan(terms: #"{"model":"continuous","rate_bps":"-100"}"#)], line: 4,
            column: "terms.rate_bps", reason: "invalid terms.rate_bps: -100 is out of range"),
        Bad(name: "collateral listed twice", lines: [loan(collateral: "[\(punk),\(punk)]")], line: 4, column: "collateral",
            reason: "invalid collateral: CryptoPunks #7804 is listed twice"),
        Bad(name: "sold twice", lines: [sale("2021-03-20T00:00:00Z"), sale("2021-03-21T00:00:00Z")], line: 5, column: nil,
            reason: "CryptoPunks #7804 is not held at 2021-03-21T00:00:00Z (it was sold at 2021-03-20T00:00:00Z); nothing to sell"),
        Bad(name: "pledged after its sale", lines: [sale("2021-03-11T12:00:00Z"), loan()], line: 5, column: nil,
            reason: "CryptoPunks #7804 is not held at 2021-03-12T00:00:00Z (it was sold at 2021-03-11T12:00:00Z); it cannot be pledged to the blend loan 'B-1'"),
        Bad(name: "pledged after a liquidation", lines: [loan(), #"{"type":"loan_event","loan":{"protocol":"blend","external_ref":"B-1"},"event_kind":"liquidation","occurred_at":"2021-03-13T00:00:00Z"}"#,
                                                         loan(ref: "B-2", at: "2021-03-14T00:00:00Z")],
            line: 6, column: nil, reason: "CryptoPunks #7804 is not held at 2021-03-14T00:00:00Z (it was lost to the liquidation of the blend loan 'B-1'"),
    ]

    @Test(arguments: cases)
    func refusedNamingLineKeyAndExpectation(_ bad: Bad) throws {
        let ledger = try Ledger.create(at: dir.path("book.ledger"))
        let before = try logicalDump(ledger.path)
        let file = try writeFile(dir, "bad.jsonl", ([Self.prefix] + bad.lines).joined(separator: "\n") + "\n")
        let error = #expect(throws: ImportError.self) { try ledger.importJournal(file: file) }
        #expect(error?.line == bad.line)
        #expect(error?.column == bad.column)
        #expect(error.map { $0.reason.hasPrefix(bad.reason) } == true, "\(String(describing: error?.reason))")
        #expect(try logicalDump(ledger.path) == before)
    }

    @Test func aPurchaseVoidedAndBookedAgainAndARepledgedNFTImport() throws {
        let ledger = try Ledger.create(at: dir.path("book.ledger"))
        let file = try writeFile(dir, "good.jsonl", """
            {"type":"collection","chain":"ethereum","contract_address":"\(Self.punks)","name":"CryptoPunks"}
            {"type":"nft","chain":"ethereum","contract_address":"\(Self.punks)","token_id":"7804"}
            {"type":"nft_trade","ref":"wrong","chain":"ethereum","contract_address":"\(Self.punks)","token_id":"7804","side":"acquire","traded_at":"2021-03-11T00:48:39Z","currency":"ETH","price":"4300"}
            {"type":"nft_trade","ref":"right","chain":"ethereum","contract_address":"\(Self.punks)","token_id":"7804","side":"acquire","traded_at":"2021-03-11T00:48:39Z","currency":"ETH","price":"4200"}
            {"type":"correction","action":"supersede","entry":{"ref":"wrong"},"replacement":{"ref":"right"},"reason":"price was 4200"}
            \(Self.loan())
            {"type":"loan_event","loan":{"protocol":"blend","external_ref":"B-1"},"event_kind":"close","occurred_at":"2021-03-13T00:00:00Z"}
            \(Self.loan(ref: "B-2", at: "2021-03-14T00:00:00Z"))
            """)
        _ = try ledger.importJournal(file: file)
        let state = try ledger.read { book in
            try book.nfts(at: instant("2021-03-15")).map { "\($0.status) \($0.acquisition.price.amount) \($0.pledgedTo.flatMap { try? book.loan($0)?.externalRef } ?? "-")" }
        }
        #expect(state == ["pledged 4200 B-2"])
    }
}
