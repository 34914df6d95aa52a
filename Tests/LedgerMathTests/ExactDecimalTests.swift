import BigInt
import Foundation
import Testing
@testable import LedgerMath

@Suite("ExactDecimal text, arithmetic and conversions")
struct ExactDecimalTests {
    @Test("canonical strings round-trip unchanged", arguments: [
        "0", "1", "-1", "20.328767123287671232", "-20.328767123287671232",
        "123456789012345678901.123456789012345678",   // 21 integer digits, 18 decimals
        "115792089237316195423570985008687907853269984665640564039457584007913129639935", // 2^256 − 1: 78 digits
        "-115792089237316195423570985008687907853269984665640564039457584007913129639935",
        "0.000000000000000000000000000000000001",     // 36 fractional digits
        "0.5", "4807.4", "1000000",
    ])
    func roundTrip(text: String) throws {
        let value = try exact(text)
        #expect(value.description == text)
        #expect(try exact(value.description) == value)
    }

    @Test("non-canonical input is normalised", arguments: [
        ("1.50", "1.5"), ("007", "7"), ("-0", "0"), ("-0.000", "0"), ("0.0", "0"), ("00.100", "0.1"),
        ("-007.0700", "-7.07"), ("1.000000000000000000000000000000000000000000000", "1"),
    ])
    func normalisation(input: String, canonical: String) throws {
        #expect(try exact(input).description == canonical)
    }

    @Test("malformed text is refused with a typed reason", arguments: [
        "", "-", "+1", "1.", ".5", "-.5", "1e5", "1E-3", "NaN", "nan", "inf", "-Infinity", "1,000", "1_000",
        " 1", "1 ", "1 000", "1.2.3", "٣", "１", "0x10", "1-", "--1", "1.-2", "\u{0}",
    ])
    func malformed(text: String) {
        #expect(throws: ExactDecimalError.self) { try ExactDecimal(parsing: text) }
        do {
            _ = try ExactDecimal(parsing: text)
        } catch {
            guard case let .malformed(reported, reason) = error else {
                Issue.record("expected .malformed for \(text.debugDescription), got \(error)")
                return
            }
            #expect(reported == text)
            #expect(!reason.isEmpty)
        }
    }

    @Test("absurd sizes are refused as overflow, not parsed")
    func limits() throws {
        let huge = String(repeating: "9", count: 10_000)
        #expect(throws: ExactDecimalError.self) { try ExactDecimal(parsing: huge) }
        let seventyNine = "1" + String(repeating: "0", count: 78)
        do {
            _ = try ExactDecimal(parsing: seventyNine)
            Issue.record("79 integer digits accepted")
        } catch {
            #expect(error == .tooLarge(text: ExactDecimalError.excerpt(seventyNine), integerDigits: 79, limit: 78))
        }
        let tooFine = "0." + String(repeating: "0", count: 36) + "1"
        do {
            _ = try ExactDecimal(parsing: tooFine)
            Issue.record("37 fractional digits accepted")
        } catch {
            #expect(error == .tooPrecise(text: tooFine, fractionDigits: 37, limit: 36))
        }
        // Leading and trailing zeros do not count against the limits (within the text length cap).
        #expect(try exact(String(repeating: "0", count: 100) + "1." + "5" + String(repeating: "0", count: 100)).description == "1.5")
        // A computed value beyond the limits is exact in memory but refused for storage.
        let product = try exact("0.000000000000000001") * exact("0.0000000000000000001")
        #expect(product.scale == 37)
        #expect(throws: ExactDecimalError.self) { try product.validated() }
        #expect(throws: EncodingError.self) { try JSONEncoder().encode(product) }
    }

    @Test("1.50 == 1.5, same hash; ordering across scales")
    func equalityAndHash() throws {
        let a = try exact("1.50")
        let b = try exact("1.5")
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(Set([a, b]).count == 1)
        #expect(try exact("-0.01") < exact("0"))
        #expect(try exact("0.1") < exact("0.10000000000000000000000001"))
        #expect(try exact("-2") < exact("-1.999999999999999999"))
        #expect(ExactDecimal(significand: -0, scale: 5) == .zero)
        #expect(ExactDecimal(significand: 15, scale: -2).description == "1500")
    }

    @Test("+ − × are exact")
    func arithmetic() throws {
        #expect(try (exact("0.1") + exact("0.2")) == exact("0.3"))
        #expect(try (exact("20") - exact("20.328767123287671232")).description == "-0.328767123287671232")
        #expect(try (exact("1.5") * exact("-0.25")).description == "-0.375")
        let big = try exact("99999999999999999999999.999999999999999999")
        #expect((big + big).description == "199999999999999999999999.999999999999999998")
        #expect(try (exact("0.1") * exact("3") - exact("0.3")).isZero)
        #expect((-ExactDecimal.zero).description == "0")
        var x = try exact("1.1")
        x += 1
        x -= try exact("0.1")
        x *= 3
        #expect(x.description == "6")
    }

    @Test("division needs a scale and a mode; by zero is an error")
    func division() throws {
        #expect(try exact("1").divided(by: exact("3"), scale: 6, mode: .halfEven).description == "0.333333")
        #expect(try exact("-2").divided(by: exact("3"), scale: 2, mode: .floor).description == "-0.67")
        #expect(throws: ExactDecimalError.divisionByZero) { try exact("1").divided(by: .zero, scale: 2, mode: .down) }
        #expect(try exact("1").dividedExactly(by: exact("8")) == exact("0.125"))
        #expect(try exact("1").dividedExactly(by: exact("3")) == nil)
    }

    @Test("Double conversion: approximate out, explicit rounding in, NaN/∞ refused")
    func doubles() throws {
        #expect(try exact("20.328767123287671232").doubleValue == 20.328767123287671232)   // nearest Double both ways
        #expect(try ExactDecimal(0.1, scale: 2, mode: .halfEven) == exact("0.1"))
        #expect(try ExactDecimal(0.1, scale: 30, mode: .down) == exact("0.100000000000000005551115123125"))
        #expect(try ExactDecimal(-2.5, scale: 0, mode: .halfEven) == exact("-2"))
        #expect(try ExactDecimal(1e22, scale: 0, mode: .down) == exact("10000000000000000000000"))
        #expect(try ExactDecimal(Double.leastNonzeroMagnitude, scale: 2, mode: .up) == exact("0.01"))
        for bad in [Double.nan, .infinity, -.infinity] {
            #expect(throws: ExactDecimalError.self) { try ExactDecimal(bad, scale: 2, mode: .halfEven) }
        }
    }

    @Test("token units are wei-exact; finer amounts are refused")
    func units() throws {
        let m = try exact("20.328767123287671232")
        #expect(try m.units(decimals: 18) == BigInt("20328767123287671232"))
        #expect(ExactDecimal(units: BigInt("20328767123287671232"), decimals: 18) == m)
        #expect(throws: ExactDecimalError.notWholeUnits(value: "0.0000001", decimals: 6)) { try exact("0.0000001").units(decimals: 6) }
        #expect(try exact("1.2345675").units(decimals: 6, rounding: .halfEven) == 1_234_568)
    }

    @Test("Codable as a JSON string, never a number")
    func codable() throws {
        let values = try [exact("20.328767123287671232"), exact("-0.5"), exact("0")]
        let data = try JSONEncoder().encode(values)
        #expect(String(decoding: data, as: UTF8.self) == #"["20.328767123287671232","-0.5","0"]"#)
        #expect(try JSONDecoder().decode([ExactDecimal].self, from: data) == values)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([ExactDecimal].self, from: Data("[1.5]".utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([ExactDecimal].self, from: Data(#"["1e5"]"#.utf8)) }
    }

    @Test("formatted(fractionDigits:) pads and rounds for display")
    func formatting() throws {
        #expect(try exact("4807.4").formatted(fractionDigits: 2) == "4807.40")
        #expect(try exact("2.675").formatted(fractionDigits: 2, rounding: .halfUp) == "2.68")
        #expect(try exact("-0.004").formatted(fractionDigits: 2) == "0.00")
        #expect(try exact("12").formatted(fractionDigits: 0) == "12")
    }
}
