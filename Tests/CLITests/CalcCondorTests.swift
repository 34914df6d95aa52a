import LedgerTestSupport
import Foundation
import Testing

@Suite struct CalcCondorTests {
    let dir = TemporaryDirectory()

    static let equalWings = """
        option_type,strike,quantity,premium
        put,4900,1,10.20
        put,4950,-1,18.35
        call,5050,-1,16.80
        call,5100,1,9.45

        """

    static func referenceCases() throws -> [[String: Any]] {
        try #require(try Fixtures.json("condor_reference.json") as? [[String: Any]])
    }

    /// Every case of `condor_reference.json` (Python `decimal`), legs shuffled, at every settlement.
    @Test func everyFixtureCaseMatchesExactly() throws {
        let cases = try Self.referenceCases()
        #expect(cases.count >= 5)
        for reference in cases {
            let name = try #require(reference["name"] as? String)
            let legs = try #require(reference["legs"] as? [[String: Any]])
            var csv = "premium,quantity,strike,option_type\n"   // columns in another order
            for leg in legs.reversed() {
                csv += "\(leg["premium"]!),\(leg["quantity"]!),\(leg["strike"]!),\(leg["option_type"]!)\n"
            }
            let path = try dir.write("\(name).csv", csv)
            let pnl = try #require(reference["pnl"] as? [[String: String]])
            var args = ["condor", "--input", path, "--format", "json", "--multiplier", "\(reference["multiplier"]!)"]
            for point in pnl { args += ["--settlement", point["settlement"]!] }
            let result = try CLIRunner.run(["calc"] + args)
            #expect(result.exitCode == 0, "\(name): \(result.stderr)")
            #expect(keysInOrder(result.stdout) == ["kind", "net_credit", "max_profit", "max_loss", "break_evens", "pnl_at_expiry"])
            let object = try #require(try parseJSON(result.stdout) as? [String: Any])
            #expect(object["kind"] as? String == reference["kind"] as? String)
            for key in ["net_credit", "max_profit", "max_loss"] {
                #expect(object[key] as? String == canonicalDecimal(reference[key] as! String), "\(name) \(key)")
            }
            #expect(object["break_evens"] as? [String] == (reference["break_evens"] as? [String])?.map(canonicalDecimal), "\(name)")
            let got = try #require(object["pnl_at_expiry"] as? [[String: String]])
            #expect(got == pnl.map { $0.mapValues(canonicalDecimal) }, "\(name)")
        }
    }

    @Test func tableAndJSONFullText() throws {
        let path = try dir.write("legs.csv", Self.equalWings)
        let args = ["condor", "--input", path, "--settlement", "4925", "--settlement", "5000", "--settlement", "5099.99"]
        let table = try calc(args)
        #expect(table.exitCode == 0)
        #expect(table.stdout == """
            kind         credit
            net_credit   1550
            max_profit   1550
            max_loss     -3450
            break_evens  4934.5, 5065.5

            settlement  pnl_at_expiry
                  4925           -950
                  5000           1550
               5099.99          -3449

            """)
        let json = try calc(args + ["--format", "json"])
        #expect(json.stdout == """
            {
              "kind": "credit",
              "net_credit": "1550",
              "max_profit": "1550",
              "max_loss": "-3450",
              "break_evens": ["4934.5", "5065.5"],
              "pnl_at_expiry": [
                {
                  "settlement": "4925",
                  "pnl": "-950"
                },
                {
                  "settlement": "5000",
                  "pnl": "1550"
                },
                {
                  "settlement": "5099.99",
                  "pnl": "-3449"
                }
              ]
            }

            """)
        let bare = try calc(["condor", "--input", path, "--format", "json", "--multiplier", "10"])
        #expect(bare.stdout.contains("\"net_credit\": \"155\","))
        #expect(bare.stdout.contains("\"pnl_at_expiry\": []\n"))
    }

    @Test(arguments: [
        ("put,4900,1,10.20\nput,38o0,-1,18.35\ncall,5050,-1,16.80\ncall,5100,1,9.45\n",
         "FILE line 3, column strike: '38o0' is not a decimal number: unexpected character 'o' at byte 2"),
        ("put,4900,1,10.20\nput,4950,-1,1e1\ncall,5050,-1,16.80\ncall,5100,1,9.45\n",
         "FILE line 3, column premium: '1e1' is not a decimal number: exponent notation is not accepted"),
        ("put,4900,1.5,10.20\nput,4950,-1,18.35\ncall,5050,-1,16.80\ncall,5100,1,9.45\n",
         "FILE line 2, column quantity: '1.5' is not a whole number"),
        ("put,4900,1,10.20\nput,4950,-1,18.35\nstraddle,5050,-1,16.80\ncall,5100,1,9.45\n",
         "FILE line 4, column option_type: 'straddle' is not an option type: expected call or put"),
        ("put,4900,1,10.20\nput,4950,-1,18.35\ncall,4950,-1,16.80\ncall,5100,1,9.45\n",
         "FILE line 4, column strike: call K3 strike must be above the put K2 strike (need K1 < K2 < K3 < K4)"),
        ("call,5100,1,9.45\nput,4950,-1,18.35\nput,4950,1,16.80\ncall,5050,-1,9.45\n",
         "FILE line 4, column strike: put K2 strike must be above the put K1 strike (need K1 < K2 < K3 < K4)"),
        ("put,4900,1,10.20\nput,4950,-1,18.35\ncall,5050,1,16.80\ncall,5100,1,9.45\n",
         "FILE line 4, column quantity: call K3 quantity: must be short (−) in a credit condor whose put K1 is long"),
        ("put,4900,1,10.20\nput,4950,-1,18.35\ncall,5050,-1,-16.80\ncall,5100,1,9.45\n",
         "FILE line 4, column premium: call K3 premium: -16.8 must not be negative"),
        ("put,4900,1,10.20\nput,4950,-1,18.35\ncall,5050,-1,16.80\n",
         "FILE: an iron condor has 4 legs, got 3"),
        ("put,4900,1,10.20\nput,4950,-1,18.35\nput,5050,-1,16.80\ncall,5100,1,9.45\n",
         "FILE, column option_type: an iron condor has 2 puts and 2 calls, got 3 puts and 1 calls"),
    ])
    func invalidLegsExit65NamingLineAndColumn(rows: String, message: String) throws {
        let path = try dir.write("legs.csv", "option_type,strike,quantity,premium\n" + rows)
        let result = try calc(["condor", "--input", path])
        #expect(result.exitCode == 65)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "portfolio-ledger: error: \(message.replacingOccurrences(of: "FILE", with: path))\n")
    }

    @Test(arguments: [
        (["--settlement", "-5"], 65, "portfolio-ledger: error: --settlement: -5 must be ≥ 0\n"),
        (["--settlement", "5,000"], 65, "portfolio-ledger: error: --settlement: '5,000' is not a decimal number: digit grouping (',') is not accepted\n"),
        (["--multiplier", "0"], 65, "portfolio-ledger: error: --multiplier: multiplier 0 must be positive\n"),
    ])
    func invalidFlagsExit65(args: [String], code: Int32, stderr: String) throws {
        let path = try dir.write("legs.csv", Self.equalWings)
        let result = try calc(["condor", "--input", path] + args)
        #expect(result.exitCode == code)
        #expect(result.stderr == stderr)
    }

    @Test func usageErrorsExit64() throws {
        let path = try dir.write("legs.csv", Self.equalWings)
        for args in [["condor"], ["condor", "--input", path, "--multiplier", "ten"], ["condor", "--input", path, "--format", "yaml"]] {
            let result = try calc(args)
            #expect(result.exitCode == 64, "\(args)")
            #expect(result.stderr.hasPrefix("Error: "))
        }
    }
}
