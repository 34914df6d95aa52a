/// Parsing and formatting of UTC instants as ISO-8601 text, without Foundation's formatters
/// (which are slow and locale-sensitive): `YYYY-MM-DD` (midnight UTC) or `YYYY-MM-DDTHH:MM:SSZ`
/// (a `+00:00` suffix is accepted too).
public enum ISO8601 {
    /// The reason a text is not an accepted ISO-8601 UTC instant.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var text: String
        public var reason: String
        public var description: String { "'\(text)' is not an ISO-8601 UTC date or instant: \(reason)" }
    }

    /// Parses `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SS[.fff](Z|+00:00)`; fractional seconds must be zero.
    public static func parse(_ text: String) throws(ParseError) -> Instant {
        let b = Array(text.utf8)
        func fail(_ why: String) -> ParseError { ParseError(text: text, reason: why) }
        func digits(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var v = 0
            for i in from..<(from + count) {
                let c = b[i]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            return v
        }
        guard b.count >= 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2)
        else { throw fail("expected YYYY-MM-DD") }
        guard (1...12).contains(month) else { throw fail("month \(month) out of range") }
        guard (1...daysInMonth(year: year, month: month)).contains(day) else { throw fail("day \(day) out of range") }
        var seconds = 0
        if b.count > 10 {
            guard b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: " "),
                  b.count >= 19, b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
                  let h = digits(11, 2), let mi = digits(14, 2), let s = digits(17, 2)
            else { throw fail("expected THH:MM:SS after the date") }
            guard h < 24, mi < 60, s < 60 else { throw fail("time of day out of range") }
            seconds = h * 3600 + mi * 60 + s
            var i = 19
            if i < b.count, b[i] == UInt8(ascii: ".") {
                i += 1
                let start = i
                while i < b.count, b[i] >= 48, b[i] <= 57 {
                    guard b[i] == 48 else { throw fail("fractional seconds are not supported") }
                    i += 1
                }
                guard i > start else { throw fail("empty fraction") }
            }
            let zone = String(decoding: b[i...], as: UTF8.self)
            guard zone == "Z" || zone == "+00:00" || zone == "+0000" else {
                throw fail("the instant must be UTC (Z or +00:00)")
            }
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        return Instant(unixSeconds: Int64(days) * Instant.secondsPerDay + Int64(seconds))
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`.
    public static func format(_ instant: Instant) -> String {
        let (days, secs) = floorDivMod(instant.unixSeconds, Instant.secondsPerDay)
        let (y, m, d) = civilFromDays(days)
        return formatDate(y, m, d) + "T" + pad(Int(secs / 3600), 2) + ":" + pad(Int(secs % 3600 / 60), 2)
            + ":" + pad(Int(secs % 60), 2) + "Z"
    }

    /// `YYYY-MM-DD` of the UTC day that contains `instant`.
    public static func formatDate(_ instant: Instant) -> String {
        let (days, _) = floorDivMod(instant.unixSeconds, Instant.secondsPerDay)
        let (y, m, d) = civilFromDays(days)
        return formatDate(y, m, d)
    }

    static func formatDate(_ y: Int, _ m: Int, _ d: Int) -> String { pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2) }

    static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    static func floorDivMod(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        var q = a / b, r = a % b
        if r < 0 { q -= 1; r += b }
        return (q, r)
    }

    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian, exact for all Int).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ days: Int64) -> (Int, Int, Int) {
        let z = Int(days) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
