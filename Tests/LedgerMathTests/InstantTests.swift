import Testing
@testable import LedgerMath

@Suite struct InstantTests {
    @Test(arguments: [
        ("1970-01-01", Int64(0)),
        ("2024-02-29T12:00:00Z", Int64(1_709_208_000)),
        ("2000-03-01T00:00:00+00:00", Int64(951_868_800)),
        ("1969-12-31T23:59:59Z", Int64(-1)),
    ])
    func parsesKnownInstants(text: String, seconds: Int64) throws {
        #expect(try ISO8601.parse(text).unixSeconds == seconds)
    }

    @Test func formatsRoundTrip() throws {
        for s: Int64 in [0, -1, 1_709_208_000, 4_102_444_800, -2_208_988_800] {
            let i = Instant(unixSeconds: s)
            #expect(try ISO8601.parse(i.description) == i)
        }
    }

    @Test(arguments: ["2023-02-29", "2024-13-01", "2024-01-01T24:00:00Z", "2024-01-01T10:00:00+02:00", "x", ""])
    func rejectsMalformed(text: String) {
        #expect(throws: ISO8601.ParseError.self) { try ISO8601.parse(text) }
    }

    @Test func actual365FixedYearFraction() {
        let a = Instant(unixSeconds: 0), b = Instant(unixSeconds: Instant.secondsPerYear)
        #expect(a.yearFraction(to: b) == 1.0)
    }
}
