import LedgerTestSupport
import Foundation
import Testing

/// The demo, the reports on its ledger, query and charts — through the built binary.
@Suite(.serialized) struct DemoAndReportTests {
    /// The demo ledger, built once; a failed `demo` fails every test that uses it, with its stderr.
    static func ledger() throws -> String { try GoldenBooks.demo.get() }
    static let at = "2021-04-05T23:59:59Z"
    static let market = ["--rate", "0.001", "--dividend-yield", "0.015"]

    @Test func demoPrintsTheFullReportAndIsDeterministic() throws {
        let first = try CLIRunner.run(["demo"])
        let second = try CLIRunner.run(["demo"])
        #expect(first.exitCode == 0, "\(first.stderr)")
        #expect(first.stdout == second.stdout)
        for section in ["Valuation at 2021-04-05T23:59:59Z", "Loan 1 (nftfi, ETH)", "Loan 2 (benddao, WETH)", "Risk history",
                        "minimum health factor", "Theta: model vs realized", "Return of the portfolio", "in ETH", "Prices used"] {
            #expect(first.stdout.contains(section), "missing section: \(section)")
        }
        #expect(first.stderr.isEmpty)
    }

    @Test func reportViewsRunOnTheDemoLedger() throws {
        for view in [["valuation"], ["loans"], ["loan", "2"], ["hedges"], ["hedge", "1", "--to", "2021-03-19"], ["returns"], ["cost"],
                     ["stress", "--floor", "-40%", "--eth-usd", "-30%"]] {
            for format in ["table", "json", "csv"] {
                var arguments = ["report", view[0], try Self.ledger()] + view.dropFirst() + ["--at", Self.at, "--format", format]
                if ["valuation", "hedges", "hedge", "returns", "stress"].contains(view[0]) { arguments += Self.market }
                let result = try CLIRunner.run(arguments)
                #expect(result.exitCode == 0, "report \(view.joined(separator: " ")) --format \(format): \(result.stderr)")
                if format == "json" {
                    #expect((try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) != nil, "invalid JSON from \(view)")
                }
            }
        }
    }

    @Test func loanReportJSONKeepsMoneyExactAndNamesTheLiquidationInstant() throws {
        let result = try CLIRunner.run(["report", "loan", try Self.ledger(), "2", "--at", "2021-01-25", "--format", "json"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let state = try #require(json["state"] as? [String: Any])
        #expect(state["principal"] as? String == "2.9")
        #expect(state["debt"] is String)
        let history = try #require(json["history"] as? [String: Any])
        #expect(history["liquidatable_at"] as? [String] == ["2021-01-21T23:59:59Z"])
    }

    @Test func asKnownAtHidesLaterEntries() throws {
        // Everything in the demo was recorded at 2021-04-06T00:00:00Z; as known a second before, the book is empty.
        let result = try CLIRunner.run(["report", "loans", try Self.ledger(), "--at", Self.at, "--as-known-at", "2021-04-05T23:59:59Z", "--format", "csv"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").count == 1) // the header only
    }

    @Test func missingPriceIsAClearError() throws {
        let result = try CLIRunner.run(["report", "valuation", try Self.ledger(), "--at", "2019-01-01"])
        // Before any ETH/USD observation: the cash in ETH cannot be valued, and the report says which price is missing.
        #expect(result.exitCode == 66)
        #expect(result.stderr == "portfolio-ledger: error: no observation of 'ETH/USD' at or before 2019-01-01T00:00:00Z\n")
        let stale = try CLIRunner.run(["report", "valuation", try Self.ledger(), "--at", "2021-06-01"] + Self.market)
        #expect(stale.exitCode == 66)
        #expect(stale.stderr.contains("older than") && stale.stderr.split(separator: "\n").count == 1)
    }

    @Test func queryIsReadOnly() throws {
        let rows = try CLIRunner.run(["query", try Self.ledger(), "SELECT loan_id, principal, status FROM v_loan ORDER BY loan_id", "--format", "csv"])
        #expect(rows.exitCode == 0)
        #expect(rows.stdout == "loan_id,principal,status\n1,2,closed\n2,2.9,closed\n")
        for sql in ["DELETE FROM loan", "UPDATE loan SET principal = '1'", "DROP TABLE loan", "INSERT INTO ledger_setting VALUES ('a','b',1)"] {
            let refused = try CLIRunner.run(["query", try Self.ledger(), sql])
            #expect(refused.exitCode == 65, "\(sql)")
            #expect(refused.stderr.hasPrefix("portfolio-ledger: error:"))
        }
        #expect(try CLIRunner.run(["check", try Self.ledger()]).exitCode == 0)
    }

    @Test func chartsAreLabelledSVG() throws {
        let out = GoldenBooks.directory.path("health.svg")
        let result = try CLIRunner.run(["chart", "health", try Self.ledger(), "2", "--out", out, "--to", "2021-03-15"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let svg = try String(contentsOfFile: out, encoding: .utf8)
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.contains("liquidation (HF = 1)") && svg.contains("health factor") && svg.contains("date (UTC)"))
        let theta = try CLIRunner.run(["chart", "theta", try Self.ledger(), "1", "--out", GoldenBooks.directory.path("theta.svg"), "--to", "2021-03-19"] + Self.market)
        #expect(theta.exitCode == 0, "\(theta.stderr)")
        let equity = try CLIRunner.run(["chart", "equity", try Self.ledger(), "--out", GoldenBooks.directory.path("equity.svg"), "--to", Self.at, "--step-days", "7"] + Self.market)
        #expect(equity.exitCode == 0, "\(equity.stderr)")
    }
}

@Suite struct ExportCommandTests {
    let dir = TemporaryDirectory()

    @Test func exportThenImportRebuildsTheDemoBook() throws {
        let original = dir.path("demo.ledger"), journal = dir.path("demo.jsonl"), copy = dir.path("copy.ledger")
        #expect(try CLIRunner.run(["demo", "--db", original]).exitCode == 0)
        let exported = try CLIRunner.run(["export", original, "--out", journal])
        #expect(exported.exitCode == 0, "\(exported.stderr)")
        #expect(try CLIRunner.run(["init", copy]).exitCode == 0)
        let imported = try CLIRunner.run(["import", copy, "jsonl", journal])
        #expect(imported.exitCode == 0, "\(imported.stderr)")
        // The same reports, to the last digit.
        for view in [["valuation"], ["loans"], ["cost"], ["hedges"]] {
            let arguments = ["--at", "2021-04-05T23:59:59Z", "--format", "json", "--rate", "0.001", "--dividend-yield", "0.015"]
            let trimmed = view[0] == "loans" || view[0] == "cost" ? Array(arguments.prefix(4)) : arguments
            let a = try CLIRunner.run(["report", view[0], original] + trimmed)
            let b = try CLIRunner.run(["report", view[0], copy] + trimmed)
            #expect(a.exitCode == 0 && a.stdout == b.stdout, "report \(view[0]) differs after the round trip")
        }
        // Importing the same journal again changes nothing.
        let again = try CLIRunner.run(["import", copy, "jsonl", journal])
        #expect(again.exitCode == 0 && again.stdout.contains("already imported"))
        #expect(try CLIRunner.run(["export", original, "--out", journal]).exitCode == 7)
    }

    /// A book that the old export could not rebuild ("nft 1 already backs open loan 1", "nft 1 is
    /// already held"): a purchase superseded by another, an NFT pledged again after its first
    /// loan closed, a refinance. Export → import → export through the CLI is byte-identical.
    @Test func aRepledgedNFTAndASupersededPurchaseRoundTripByteForByte() throws {
        let punks = "0xb47e3cd837ddf8e4c57f05d70ab865de6e193bbb"
        let punk = #"{"chain":"ethereum","contract_address":"\#(punks)","token_id":"7804"}"#
        func loan(_ ref: String, _ at: String, refinances: String? = nil) -> String {
            #"{"type":"loan","ref":"\#(ref)","protocol":"blend","external_ref":"\#(ref)","currency":"ETH","principal":"10","started_at":"\#(at)","terms":{"model":"continuous","rate_bps":"1200"},"collateral":[\#(punk)]"#
                + (refinances.map { #","refinances":{"protocol":"blend","external_ref":"\#($0)"}"# } ?? "") + "}"
        }
        let book = dir.path("book.jsonl"), original = dir.path("original.ledger")
        try writeText([
            #"{"type":"collection","chain":"ethereum","contract_address":"\#(punks)","name":"CryptoPunks"}"#,
            #"{"type":"nft","chain":"ethereum","contract_address":"\#(punks)","token_id":"7804"}"#,
            #"{"type":"nft_trade","ref":"wrong","chain":"ethereum","contract_address":"\#(punks)","token_id":"7804","side":"acquire","traded_at":"2021-03-11T00:48:39Z","currency":"ETH","price":"4300"}"#,
            #"{"type":"nft_trade","ref":"right","chain":"ethereum","contract_address":"\#(punks)","token_id":"7804","side":"acquire","traded_at":"2021-03-11T00:48:39Z","currency":"ETH","price":"4200"}"#,
            #"{"type":"correction","action":"supersede","entry":{"ref":"wrong"},"replacement":{"ref":"right"},"reason":"price was 4200"}"#,
            loan("A", "2021-03-12T00:00:00Z"),
            #"{"type":"loan_event","loan":{"protocol":"blend","external_ref":"A"},"event_kind":"close","occurred_at":"2021-03-20T00:00:00Z"}"#,
            loan("B", "2021-03-25T00:00:00Z"),
            loan("C", "2021-04-05T00:00:00Z", refinances: "B"),
        ].joined(separator: "\n") + "\n", to: book)
        #expect(try CLIRunner.run(["init", original]).exitCode == 0)
        let imported = try CLIRunner.run(["import", original, "jsonl", book])
        #expect(imported.exitCode == 0, "\(imported.stderr)")
        let first = dir.path("first.jsonl"), copy = dir.path("copy.ledger"), second = dir.path("second.jsonl")
        #expect(try CLIRunner.run(["export", original, "--out", first]).exitCode == 0)
        #expect(try CLIRunner.run(["init", copy]).exitCode == 0)
        let rebuilt = try CLIRunner.run(["import", copy, "jsonl", first])
        #expect(rebuilt.exitCode == 0, "\(rebuilt.stderr)")
        #expect(try CLIRunner.run(["export", copy, "--out", second]).exitCode == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: second)) == Data(contentsOf: URL(fileURLWithPath: first)))
        let holding = try CLIRunner.run(["query", copy, "SELECT token_id, cost, pledged FROM v_holding", "--format", "csv"])
        #expect(holding.stdout.contains("7804,4200,1"), "\(holding.stdout)")
    }
}
