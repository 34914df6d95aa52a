import Foundation
import LedgerMath
import LedgerTestSupport
import Testing
@testable import PortfolioLedger

/// The journal is defined once (Journal/JournalEntries.swift; docs/decisions.md, JOURNAL-1): the
/// strict schema's keys are the entry types' coding keys, and an exported line decoded into its
/// entry type encodes back to the same bytes.
@Suite struct JournalEntriesTests {
    /// `Tests/CLITests/Goldens`, found from this file (`Tests/PortfolioLedgerTests/Import/…`).
    static let goldens = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("CLITests/Goldens")

    /// The exported journals checked in as goldens (a missing one fails the test).
    static let goldenJournals = ["realistic/export.jsonl", "demo/export.jsonl"]

    /// `line` decoded as a `Body` line, then encoded the way the exporter writes it.
    static func reencode<Body: JournalEntryBody>(_ body: Body.Type, _ line: String) throws -> String {
        let envelope = try JSONDecoder().decode(JournalLineEnvelope<Body>.self, from: Data(line.utf8))
        return try ReportJSONEncoder(style: .compact).encode(envelope)
    }

    static func type(of line: String) throws -> String {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        return try #require(object["type"] as? String)
    }

    static func keys(_ fields: [String: JournalSchema.Field]) -> Set<String> { Set(fields.keys) }

    @Test func theSchemaKeysAreTheEntryTypesCodingKeys() throws {
        #expect(JournalSchema.entries.count >= 25)
        for (type, fields) in JournalSchema.entries.sorted(by: { $0.key < $1.key }) {
            let body = try #require(JournalEntries.body(of: type), "no entry type for '\(type)'")
            #expect(Set(body.keys) == Self.keys(fields), "\(type): the schema's keys differ from \(body)'s coding keys")
            #expect(Set(body.keys).count == body.keys.count, "\(type): a key written twice")
        }
        #expect(JournalEntries.body(of: "no_such_type") == nil)
        // The keys every line may carry are the envelope's.
        #expect(Self.keys(JournalSchema.common) == Set(JournalLineEnvelope<JournalCollection>.CodingKeys.allCases.map(\.rawValue)))
    }

    @Test func theSchemaNestedObjectsAreTheReferenceTypesCodingKeys() throws {
        func objectKeys(_ type: String, _ key: String) throws -> Set<String> {
            let field = try #require(JournalSchema.entries[type]?[key], "\(type).\(key)")
            switch field.shape {
            case .object(let fields): return Self.keys(fields)
            case .array(.object(let fields)): return Self.keys(fields)
            default: Issue.record("\(type).\(key) is not an object"); return []
            }
        }
        let nft = Set(JournalNFTRef.CodingKeys.allCases.map(\.rawValue)), collection = Set(JournalCollectionRef.CodingKeys.allCases.map(\.rawValue))
        let loan = Set(JournalLoanRef.CodingKeys.allCases.map(\.rawValue)), entry = Set(JournalEntryRef.CodingKeys.allCases.map(\.rawValue))
        #expect(try objectKeys("loan", "collateral") == nft)
        #expect(try objectKeys("loan_event", "nft") == nft)
        #expect(try objectKeys("price_series", "nft") == nft)
        #expect(try objectKeys("price_series", "collection") == collection)
        #expect(try objectKeys("risk_parameter", "collection") == collection)
        for (type, key) in [("loan", "refinances"), ("opening_loan", "refinances"), ("loan_event", "loan"), ("hedge", "protects"),
                            ("buffer_policy", "loan"), ("risk_parameter", "loan"), ("yield_position", "loan")] {
            #expect(try objectKeys(type, key) == loan, "\(type).\(key)")
        }
        #expect(try objectKeys("correction", "entry") == entry)
        #expect(try objectKeys("correction", "replacement") == entry)
    }

    /// Every line of the golden journals, decoded into its entry type, encodes to the same line.
    @Test func goldenLinesDecodeAndEncodeToTheSameBytes() throws {
        var types: Set<String> = []
        for name in Self.goldenJournals {
            let url = Self.goldens.appendingPathComponent(name)
            let text = try String(contentsOf: url, encoding: .utf8)   // a missing golden fails here
            let lines = text.split(separator: "\n").map(String.init)
            #expect(lines.count > 100, "\(name) has \(lines.count) lines")
            for line in lines {
                let type = try Self.type(of: line)
                let body = try #require(JournalEntries.body(of: type), "\(name): no entry type for '\(type)'")
                types.insert(type)
                #expect(try Self.reencode(body, line) == line, "\(name): a \(type) line")
            }
        }
        // The goldens hold the booked kinds and the market data of a realistic book.
        for type in ["collection", "nft", "nft_trade", "loan", "loan_event", "hedge", "option_contract", "option_trade", "settlement",
                     "price_series", "price", "quote", "external_flow", "balance_assertion", "buffer_policy", "correction",
                     "collection_daily_sales"] {
            #expect(types.contains(type), "no \(type) line in the goldens")
        }
    }

    /// The entry types the goldens lack, in the exporter's key order: they round-trip too.
    @Test func linesOfTheOtherTypesDecodeAndEncodeToTheSameBytes() throws {
        let nft = #""chain":"ethereum","contract_address":"0xb47e3cd837ddf8e4c57f05d70ab865de6e193bbb","token_id":"1""#
        let lines = [
            #"{"type":"opening_position","ref":"nft_trade:1",\#(nft),"opened_at":"2021-01-01T00:00:00Z","currency":"ETH","cost":"1.5","fees":"0","#
                + #""note":"n","wallet":"0xa","recorded_at":"2021-01-02T00:00:00Z"}"#,
            #"{"type":"opening_position","ref":"nft_trade:2",\#(nft),"opened_at":"2021-01-01T00:00:00Z","currency":"ETH","recorded_at":"2021-01-02T00:00:00Z"}"#,
            #"{"type":"nft_transfer",\#(nft),"from_wallet":"0xa","to_wallet":"0xb","transferred_at":"2021-01-03T00:00:00Z","recorded_at":"2021-01-04T00:00:00Z"}"#,
            #"{"type":"opening_loan","ref":"loan:1","protocol":"nftfi","external_ref":"x-1","currency":"ETH","principal":"3","amount_received":"3","#
                + #""started_at":"2020-12-01T00:00:00Z","terms":{"model":"continuous","rate_bps":"1500"},"collateral":[{\#(nft)}],"#
                + #""refinances":{"ref":"loan:0"},"wallet":"0xa","opened_at":"2021-01-01T00:00:00Z","principal_repaid":"0","interest_paid":"0.1","#
                + #""recorded_at":"2021-01-02T00:00:00Z"}"#,
            #"{"type":"loan_event","ref":"loan_event:1","loan":{"ref":"loan:1"},"event_kind":"rate_change","occurred_at":"2021-01-05T00:00:00Z","#
                + #""new_rate_bps":1200,"new_maturity_at":"2021-03-01T00:00:00Z","new_terms":{"model":"continuous","rate_bps":"1200"},"#
                + #""nft":{\#(nft)},"recorded_at":"2021-01-05T00:00:00Z"}"#,
            #"{"type":"opening_cash_balance","ref":"external_flow:1","opened_at":"2021-01-01T00:00:00Z","currency":"ETH","amount":"2","note":"n","#
                + #""wallet":"0xa","recorded_at":"2021-01-02T00:00:00Z"}"#,
            #"{"type":"risk_parameter","protocol":"benddao","collection":{"chain":"ethereum","contract_address":"0xb"},"#
                + #""effective_at":"2021-01-01T00:00:00Z","max_ltv":0.4,"liquidation_threshold":0.65,"note":"gov","recorded_at":"2021-01-02T00:00:00Z"}"#,
            #"{"type":"risk_parameter","loan":{"ref":"loan:1"},"effective_at":"2021-01-01T00:00:00Z","liquidation_threshold":0.9}"#,
            #"{"type":"yield_position","name":"vault","kind":"vault","currency":"USDC","valuation":"accrual","accrual_apr":0.05,"#
                + #""accrual_rule":"simple","loan":{"ref":"loan:1"},"note":"n","recorded_at":"2021-01-02T00:00:00Z"}"#,
            #"{"type":"yield_flow","ref":"yield_flow:1","position":"vault","kind":"deposit","flowed_at":"2021-01-03T00:00:00Z","amount":"100","#
                + #""shares":"99.5","note":"n","recorded_at":"2021-01-03T00:00:00Z"}"#,
            #"{"type":"reserve_index","protocol":"aave","asset":"WETH","updated_at":"2021-01-01T00:00:00Z","#
                + #""variable_borrow_index":"1000000000000000000000000000","variable_borrow_rate":"20000000000000000000000000","#
                + #""liquidity_index":"1000000000000000000000000000","recorded_at":"2021-01-02T00:00:00Z"}"#,
            #"{"type":"collection_daily_sales","chain":"ethereum","contract_address":"0xb","day":"2021-01-01T00:00:00Z","quote":"ETH","#
                + #""sales_count":0,"volume":0.0,"advancing":2,"declining":1,"recorded_at":"2021-01-02T00:00:00Z"}"#,
            #"{"type":"correction","action":"supersede","entry":{"ref":"nft_trade:1"},"replacement":{"ref":"nft_trade:2"},"reason":"typo"}"#,
            #"{"type":"hedge","name":"h","strategy":"collar","opened_at":"2021-01-01T00:00:00Z","protects":[{"ref":"loan:1"},{"ref":"loan:2"}]}"#,
            #"{"type":"nft","chain":"ethereum","contract_address":"0xb","token_id":"7","collection_name":"Punks"}"#,
        ]
        for line in lines {
            let type = try Self.type(of: line)
            let body = try #require(JournalEntries.body(of: type), "no entry type for '\(type)'")
            #expect(try Self.reencode(body, line) == line, "a \(type) line")
        }
    }

    /// User text that looks like a ref label (or like the placeholder tokens the exporter once
    /// used) is written as text, escaped, and never replaced: labels are resolved before encoding.
    @Test func userTextThatLooksLikeARefStaysText() throws {
        let dir = TemporaryDirectory()
        let book = try SampleBook(dir: dir)
        let eth = try Currency("ETH")
        let lookalike = "\u{1}loan:1\u{1} loan:1 \u{1}external_flow:1\u{1}"
        try book.clock.set("2021-03-25T00:00:00Z")
        try book.ledger.write { tx in
            let flow = try tx.recordExternalFlow(.deposit, at: instant("2021-03-01"), amount: Money(dec("1"), eth), note: lookalike)
            try tx.void(.externalFlow(flow), reason: lookalike)
        }
        var lines: [String] = []
        try book.ledger.exportJournal { lines.append($0) }
        let escaped = #""\u0001loan:1\u0001 loan:1 \u0001external_flow:1\u0001""#
        let flow = try #require(lines.first { $0.contains(#""type":"external_flow""#) && $0.contains(#""note":"# + escaped) })
        let correction = try #require(lines.first { $0.contains(#""type":"correction""#) && $0.contains(#""reason":"# + escaped) })
        let label = try #require((try JSONSerialization.jsonObject(with: Data(flow.utf8)) as? [String: Any])?["ref"] as? String)
        #expect(label.hasPrefix("external_flow:"))
        #expect(correction.contains(#""entry":{"ref":"\#(label)"}"#))
        // And the copy rebuilt from the file exports the same lines.
        let journal = dir.path("lookalike.jsonl")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: journal))
        let copy = try Ledger.create(at: dir.path("copy.ledger"))
        _ = try copy.importJournal(file: journal)
        var again: [String] = []
        try copy.exportJournal { again.append($0) }
        #expect(again == lines)
    }
}
