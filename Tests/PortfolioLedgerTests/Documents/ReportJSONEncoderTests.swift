import Foundation
import LedgerMath
import Testing
import PortfolioLedger

/// The encoder writes what the CLI's JSON has always looked like: declaration order, `null` for
/// absent optionals and non-finite numbers, scalar arrays on one line, exact values as strings.
@Suite struct ReportJSONEncoderTests {
    struct Inner: Codable, Equatable {
        var b: Int
        var a: String?
    }

    struct Sample: Codable, Equatable {
        var zeta: String
        var alpha: Double
        var missing: Double?
        var notFinite: Double
        var count: Int
        var flag: Bool
        var list: [Int]
        var empty: [String]
        var inner: Inner
        var inners: [Inner]
        var exact: ExactDecimal
        var when: Instant
    }

    @Test func writesDeclarationOrderNullsAndScalars() throws {
        let sample = Sample(zeta: "q\"\\\n\u{1}é", alpha: 0.2, missing: nil, notFinite: .nan, count: -3, flag: true, list: [1, 2, 3],
                            empty: [], inner: Inner(b: 1, a: nil), inners: [Inner(b: 2, a: "x")],
                            exact: try ExactDecimal(parsing: "1.50"), when: try ISO8601.parse("2024-03-01T16:00:00Z"))
        let text = try ReportJSONEncoder().encode(sample)
        #expect(text == """
        {
          "zeta": "q\\"\\\\\\n\\u0001é",
          "alpha": 0.2,
          "missing": null,
          "notFinite": null,
          "count": -3,
          "flag": true,
          "list": [1, 2, 3],
          "empty": [],
          "inner": {
            "b": 1,
            "a": null
          },
          "inners": [
            {
              "b": 2,
              "a": "x"
            }
          ],
          "exact": "\(try ExactDecimal(parsing: "1.50"))",
          "when": "2024-03-01T16:00:00Z"
        }
        """)
    }

    /// The journal's style: one line without spaces, absent optionals omitted (nested ones too),
    /// doubles in the shortest round-trip form, the same string escaping.
    @Test func compactStyleOmitsAbsentOptionalsAndWritesNoSpaces() throws {
        let sample = Sample(zeta: "q\"\u{1}", alpha: 20, missing: nil, notFinite: 1e-05, count: 3, flag: false, list: [1, 2], empty: [],
                            inner: Inner(b: 1, a: nil), inners: [Inner(b: 2, a: "x"), Inner(b: 3, a: nil)],
                            exact: try ExactDecimal(parsing: "1.50"), when: try ISO8601.parse("2024-03-01T16:00:00Z"))
        let text = try ReportJSONEncoder(style: .compact).encode(sample)
        #expect(text == #"{"zeta":"q\"\u0001","alpha":20.0,"notFinite":1e-05,"count":3,"flag":false,"list":[1,2],"empty":[],"inner":{"b":1},"#
                + #""inners":[{"b":2,"a":"x"},{"b":3}],"exact":"\#(try ExactDecimal(parsing: "1.50"))","when":"2024-03-01T16:00:00Z"}"#)
        // The default style is unchanged: absent optionals are null.
        #expect(try ReportJSONEncoder().encode(Inner(b: 1, a: nil)) == "{\n  \"b\": 1,\n  \"a\": null\n}")
        #expect(ReportJSONEncoder().style == .pretty)
    }

    @Test func infinityAndTinyNumbers() throws {
        #expect(try ReportJSONEncoder().encode([Double.infinity, -.infinity, 1e-05, 12.5]) == "[null, null, 1e-05, 12.5]")
        #expect(try ReportJSONEncoder().encode(Optional<Int>.none) == "null")
    }

    @Test func exactDecimalAndInstantAgreeWithFoundation() throws {
        let value = [try ExactDecimal(parsing: "-0.000000000000000001")]
        let instants = [try ISO8601.parse("2021-01-12")]
        #expect(try JSONDecoder().decode([ExactDecimal].self, from: Data(try ReportJSONEncoder().encode(value).utf8)) == value)
        #expect(try JSONDecoder().decode([Instant].self, from: Data(try ReportJSONEncoder().encode(instants).utf8)) == instants)
        #expect(String(decoding: try JSONEncoder().encode(instants), as: UTF8.self) == "[\"2021-01-12T00:00:00Z\"]")
    }

    @Test func healthFactorIsNumberOrNoDebt() throws {
        let values: [HealthFactorValue?] = [.value(1.5), .noDebt, nil]
        #expect(try expectRoundTrip(values) == "[1.5, \"no_debt\", null]")
    }
}

/// `@OmittedWhenAbsent` members: the key is left out when `nil`, written (as `null` for an inner
/// `nil`) when present, in declaration order, and `JSONDecoder` tells the three apart again.
@Suite struct OmittedWhenAbsentTests {
    struct Sample: Codable, Equatable {
        var first: Int
        @OmittedWhenAbsent var sometimes: ExactDecimal? = nil
        @OmittedWhenAbsent var nullable: Double?? = nil
        var always: String?
    }

    @Test func absentKeysAreLeftOutAndInnerNilIsNull() throws {
        let absent = Sample(first: 1, sometimes: nil, nullable: nil, always: nil)
        #expect(try ReportJSONEncoder(style: .compact).encode(absent) == #"{"first":1}"#)
        #expect(try expectRoundTrip(absent) == """
        {
          "first": 1,
          "always": null
        }
        """)

        let present = Sample(first: 2, sometimes: try ExactDecimal(parsing: "0.000000000000000001"), nullable: .some(nil), always: "x")
        #expect(try expectRoundTrip(present) == """
        {
          "first": 2,
          "sometimes": "0.000000000000000001",
          "nullable": null,
          "always": "x"
        }
        """)

        let number = Sample(first: 3, sometimes: nil, nullable: .some(0.25), always: nil)
        #expect(try expectRoundTrip(number).contains(#""nullable": 0.25"#))
    }

    @Test func foundationEncoderAgreesOnWhichKeysAreWritten() throws {
        let sample = Sample(first: 1, sometimes: nil, nullable: .some(nil), always: nil)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(sample), as: UTF8.self)
        #expect(text == #"{"first":1,"nullable":null}"#)
        #expect(try JSONDecoder().decode(Sample.self, from: Data(text.utf8)) == sample)
    }
}
