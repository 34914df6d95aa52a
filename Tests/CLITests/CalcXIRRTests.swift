import LedgerTestSupport
import Foundation
import Testing

@Suite struct CalcXIRRTests {
    let dir = TemporaryDirectory()

    static func referenceCase(_ id: String) throws -> [String: Any] {
        let root = try #require(try Fixtures.json("xirr_reference.json") as? [String: Any])
        let cases = try #require(root["cases"] as? [[String: Any]])
        return try #require(cases.first { $0["id"] as? String == id })
    }

    /// The case's flows as `date,amount` CSV (amounts in Swift's round-trip form, so exact).
    func csv(for referenceCase: [String: Any]) throws -> String {
        let dates = try #require(referenceCase["dates"] as? [String])
        let amounts = try #require(referenceCase["amounts"] as? [Double])
        return zip(dates, amounts).reduce("date,amount\n") { $0 + "\($1.0),\($1.1)\n" }
    }

    @Test(arguments: ["excel-doc", "unsorted-a", "near-minus-100-b", "huge-c", "periodic-monthly", "two-roots-10-20"])
    func rateMatchesPolishedReferenceRoot(id: String) throws {
        let reference = try Self.referenceCase(id)
        let path = try dir.write("\(id).csv", try csv(for: reference))
        let result = try calc(["xirr", "--input", path, "--format", "json"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(keysInOrder(result.stdout) == ["rate", "status", "multiple_roots_possible", "flows"])
        let object = try #require(try parseJSON(result.stdout) as? [String: Any])
        let want = try #require(reference["rate"] as? Double)
        let got = try #require(object["rate"] as? Double)
        #expect(abs(got - want) <= 1e-9 * max(1, abs(want)), "\(id): \(got) vs \(want)")
        #expect(object["status"] as? String == "ok")
        #expect(object["multiple_roots_possible"] as? Bool == ((reference["sign_changes"] as? Int ?? 0) > 1))
        #expect(object["flows"] as? Int == (reference["dates"] as? [String])?.count)
    }

    @Test(arguments: ["no-sign-positive", "no-root-sign-changes", "same-day-none"])
    func noRootIsReportedNotAnError(id: String) throws {
        let path = try dir.write("\(id).csv", try csv(for: try Self.referenceCase(id)))
        let result = try calc(["xirr", "--input", path, "--format", "json"])
        #expect(result.exitCode == 0)
        let object = try #require(try parseJSON(result.stdout) as? [String: Any])
        #expect(object["rate"] is NSNull)
        #expect(object["status"] as? String == "no_solution")
    }

    /// Doubling in 365 days is exactly 100 %, so the whole text can be compared.
    @Test func doublingFullTextInBothFormats() throws {
        let path = try dir.write("flows.csv", "date,amount\r\n2020-12-31,200\r\n2020-01-01,-100\r\n")
        let table = try calc(["xirr", "--input", path])
        #expect(table.exitCode == 0)
        #expect(table.stdout == """
            rate                     1.0
            status                   ok
            multiple_roots_possible  false
            flows                    2

            """)
        let json = try calc(["xirr", "--input", path, "--format", "json"])
        #expect(json.stdout == """
            {
              "rate": 1.0,
              "status": "ok",
              "multiple_roots_possible": false,
              "flows": 2
            }

            """)
    }

    @Test func secondsBasisCountsTheTimeOfDay() throws {
        // 365 days and 12 hours: (2)^(1/(365.5/365)) − 1 on the seconds basis; exactly 1 on days.
        let path = try dir.write("flows.csv", "date,amount\n2021-01-01T00:00:00Z,-100\n2022-01-01T12:00:00Z,200\n")
        let days = try #require(try parseJSON(try calc(["xirr", "--input", path, "--format", "json"]).stdout) as? [String: Any])
        #expect(days["rate"] as? Double == 1.0)
        let seconds = try #require(try parseJSON(try calc(["xirr", "--input", path, "--basis", "seconds", "--format", "json"]).stdout) as? [String: Any])
        #expect(isClose(try #require(seconds["rate"] as? Double), pow(2, 365 / 365.5) - 1))
    }

    @Test func tooFewFlowsPrintsInvalidAndExits65() throws {
        let path = try dir.write("one.csv", "date,amount\n2024-01-01,-100\n")
        let result = try calc(["xirr", "--input", path, "--format", "json"])
        #expect(result.exitCode == 65)
        #expect(result.stdout == """
            {
              "rate": null,
              "status": "invalid",
              "multiple_roots_possible": false,
              "flows": 1
            }

            """)
        #expect(result.stderr == "portfolio-ledger: error: \(path): XIRR needs at least 2 cash flows, got 1\n")
    }

    @Test(arguments: [
        ("date,amount\n2024-01-01,-100\n2024-13-01,110\n", "FILE line 3, column date: '2024-13-01' is not an ISO-8601 UTC date or instant: month 13 out of range"),
        ("date,amount\n2024-01-01,-100\n2024-06-01,NaN\n", "FILE line 3, column amount: 'NaN' is not a finite number"),
        ("date,amount\n2024-01-01,-1,00\n", "FILE line 2: expected 2 fields as in the header, found 3"),
        ("Date,Value\n2024-01-01,-100\n", "FILE line 1: missing column 'amount' (the header has: Date, Value)"),
        ("date,amount,date\n", "FILE line 1: column 'date': the header names this column twice"),
    ])
    func invalidCSVExits65NamingLineAndColumn(csv: String, message: String) throws {
        let path = try dir.write("in.csv", csv)
        let result = try calc(["xirr", "--input", path])
        #expect(result.exitCode == 65)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "portfolio-ledger: error: \(message.replacingOccurrences(of: "FILE", with: path))\n")
    }

    @Test func missingInputIsAUsageError() throws {
        let result = try calc(["xirr"])
        #expect(result.exitCode == 64)
        #expect(result.stderr.contains("Missing expected argument '--input <input>'"))
    }
}
