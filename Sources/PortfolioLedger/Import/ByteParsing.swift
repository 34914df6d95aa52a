#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LedgerMath

/// Parsing numbers and instants straight from UTF-8 bytes, without building a `String` per field.
enum ByteParsing {
    /// Exact powers of ten as `Double` (10^0 … 10^22 are all exactly representable).
    private static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// A finite decimal number: `[+-]digits[.digits][(e|E)[+-]digits]` (digits on at least one
    /// side of the point). Refuses NaN, infinities, hex floats, spaces and an empty field.
    ///
    /// Correctly rounded: mantissas of at most 19 significant digits with a decimal exponent
    /// within ±22 that fit 2^53 are converted exactly (Clinger's fast path: one exact product or
    /// quotient of two exact doubles); everything else goes to the C library's `strtod`.
    @inline(__always)
    static func double(_ p: UnsafeBufferPointer<UInt8>) -> Double? {
        let n = p.count
        guard n > 0, n < 400 else { return nil }
        var i = 0
        var negative = false
        if p[0] == 0x2D || p[0] == 0x2B { negative = p[0] == 0x2D; i = 1 }
        var mantissa: UInt64 = 0
        var digits = 0            // significant digits taken into the mantissa
        var exponent = 0
        var sawDigit = false
        var exact = true
        while i < n, p[i] &- 0x30 < 10 {
            let d = p[i] &- 0x30
            sawDigit = true
            if mantissa == 0 && d == 0 {
                // a leading zero
            } else if digits < 19 {
                mantissa = mantissa &* 10 &+ UInt64(d)
                digits += 1
            } else {
                exponent += 1
                if d != 0 { exact = false }
            }
            i += 1
        }
        if i < n, p[i] == 0x2E {
            i += 1
            while i < n, p[i] &- 0x30 < 10 {
                let d = p[i] &- 0x30
                sawDigit = true
                if mantissa == 0 && d == 0 {
                    exponent -= 1
                } else if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    digits += 1
                    exponent -= 1
                } else if d != 0 {
                    exact = false
                }
                i += 1
            }
        }
        guard sawDigit else { return nil }
        if i < n, p[i] == 0x65 || p[i] == 0x45 {
            i += 1
            var expNegative = false
            if i < n, p[i] == 0x2D || p[i] == 0x2B { expNegative = p[i] == 0x2D; i += 1 }
            let expStart = i
            var e = 0
            while i < n, p[i] &- 0x30 < 10 {
                if e < 100_000 { e = e * 10 + Int(p[i] &- 0x30) }
                i += 1
            }
            guard i > expStart else { return nil }
            exponent += expNegative ? -e : e
        }
        guard i == n else { return nil }
        if exact && mantissa <= (1 << 53) && exponent >= -22 && exponent <= 22 {
            var value = Double(mantissa)
            value = exponent < 0 ? value / powersOfTen[-exponent] : value * powersOfTen[exponent]
            return negative ? -value : value
        }
        return strtodFallback(p)
    }

    /// ``double(_:)`` of a `String`.
    static func double(_ text: String) -> Double? {
        Array(text.utf8).withUnsafeBufferPointer { double($0) }
    }

    /// ``time(_:)`` of a `String`.
    static func time(_ text: String) -> ParsedTime? {
        Array(text.utf8).withUnsafeBufferPointer { time($0) }
    }

    /// The grammar was checked by the caller; `strtod` rounds the long or extreme cases correctly.
    private static func strtodFallback(_ p: UnsafeBufferPointer<UInt8>) -> Double? {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: p.count + 1) { text -> Double? in
            for i in 0..<p.count { text[i] = CChar(bitPattern: p[i]) }
            text[p.count] = 0
            guard let base = text.baseAddress else { return nil }
            let value = strtod(base, nil)
            return value.isFinite ? value : nil
        }
    }

    /// A parsed `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SS[.000](Z|+00:00|+0000)` (a space may stand for
    /// the `T`). Date-only values keep their calendar date so a time of day can be added in any
    /// time zone.
    struct ParsedTime {
        var unixSeconds: Int64
        var isDateOnly: Bool
        var year: Int, month: Int, day: Int
    }

    @inline(__always)
    static func time(_ p: UnsafeBufferPointer<UInt8>) -> ParsedTime? {
        let n = p.count
        guard n >= 10, p[4] == 0x2D, p[7] == 0x2D,
              let year = digits(p, 0, 4), let month = digits(p, 5, 2), let day = digits(p, 8, 2),
              (1...12).contains(month), day >= 1, day <= daysInMonth(year, month)
        else { return nil }
        let days = daysFromCivil(year, month, day)
        if n == 10 { return ParsedTime(unixSeconds: Int64(days) * 86_400, isDateOnly: true, year: year, month: month, day: day) }
        guard n >= 19, p[10] == 0x54 || p[10] == 0x20, p[13] == 0x3A, p[16] == 0x3A,
              let h = digits(p, 11, 2), let mi = digits(p, 14, 2), let s = digits(p, 17, 2), h < 24, mi < 60, s < 60
        else { return nil }
        var i = 19
        if i < n, p[i] == 0x2E {
            i += 1
            let fractionStart = i
            while i < n, p[i] == 0x30 { i += 1 }
            guard i > fractionStart else { return nil }
        }
        let zone = n - i
        let utc = (zone == 1 && p[i] == 0x5A)
            || (zone == 6 && p[i] == 0x2B && p[i + 1] == 0x30 && p[i + 2] == 0x30 && p[i + 3] == 0x3A && p[i + 4] == 0x30 && p[i + 5] == 0x30)
            || (zone == 5 && p[i] == 0x2B && p[i + 1] == 0x30 && p[i + 2] == 0x30 && p[i + 3] == 0x30 && p[i + 4] == 0x30)
        guard utc else { return nil }
        let seconds = Int64(days) * 86_400 + Int64(h * 3600 + mi * 60 + s)
        return ParsedTime(unixSeconds: seconds, isDateOnly: false, year: year, month: month, day: day)
    }

    /// Whole Unix seconds: 1–12 ASCII digits, at most 253402300799 (9999-12-31T23:59:59Z).
    @inline(__always)
    static func unixSeconds(_ p: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard (1...12).contains(p.count) else { return nil }
        var value: Int64 = 0
        for byte in p {
            let d = byte &- 0x30
            guard d < 10 else { return nil }
            value = value * 10 + Int64(d)
        }
        return value <= 253_402_300_799 ? value : nil
    }

    @inline(__always)
    private static func digits(_ p: UnsafeBufferPointer<UInt8>, _ from: Int, _ count: Int) -> Int? {
        var value = 0
        for i in from..<(from + count) {
            let d = p[i] &- 0x30
            guard d < 10 else { return nil }
            value = value * 10 + Int(d)
        }
        return value
    }

    static func daysInMonth(_ year: Int, _ month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
