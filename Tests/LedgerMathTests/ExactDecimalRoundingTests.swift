import Foundation
import Testing
@testable import LedgerMath

/// Known answers from Python's `decimal` module (`Fixtures/decimal_reference.py` → `decimal_rounding.json`).
@Suite("ExactDecimal rounding and division against Python decimal")
struct ExactDecimalRoundingTests {
    struct RoundingCase: Decodable { var value: String; var scale: Int; var mode: String; var expected: String }
    struct DivisionCase: Decodable { var a: String; var b: String; var scale: Int; var mode: String; var expected: String }
    struct Reference: Decodable { var rounding: [RoundingCase]; var division: [DivisionCase] }

    func reference() throws -> Reference {
        try JSONDecoder().decode(Reference.self, from: referenceFixture("decimal_rounding.json"))
    }

    @Test("rounded(scale:mode:) matches quantize for every mode")
    func rounding() throws {
        let cases = try reference().rounding
        #expect(cases.count == 810)
        for c in cases {
            let mode = try #require(RoundingMode(rawValue: c.mode))
            let got = try exact(c.value).rounded(scale: c.scale, mode: mode)
            #expect(got.description == c.expected, "\(c.value) scale \(c.scale) \(c.mode)")
        }
    }

    @Test("divided(by:scale:mode:) matches Python")
    func division() throws {
        let cases = try reference().division
        #expect(cases.count == 240)
        for c in cases {
            let mode = try #require(RoundingMode(rawValue: c.mode))
            let got = try exact(c.a).divided(by: exact(c.b), scale: c.scale, mode: mode)
            #expect(got.description == c.expected, "\(c.a)/\(c.b) scale \(c.scale) \(c.mode)")
        }
    }

    @Test("ties: half-up away from zero, half-even to even", arguments: [
        ("2.5", RoundingMode.halfUp, "3"), ("-2.5", .halfUp, "-3"), ("2.5", .halfEven, "2"), ("3.5", .halfEven, "4"),
        ("-2.5", .halfEven, "-2"), ("2.5", .down, "2"), ("-2.5", .up, "-3"), ("-2.5", .floor, "-3"), ("-2.5", .ceiling, "-2"),
    ])
    func ties(value: String, mode: RoundingMode, expected: String) throws {
        #expect(try exact(value).rounded(scale: 0, mode: mode).description == expected)
    }

    @Test("negative scale rounds to tens and hundreds")
    func negativeScale() throws {
        #expect(try exact("1250").rounded(scale: -2, mode: .halfEven).description == "1200")
        #expect(try exact("1251").rounded(scale: -2, mode: .halfEven).description == "1300")
    }
}
