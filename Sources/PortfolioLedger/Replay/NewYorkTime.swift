import Foundation
import LedgerMath

/// Wall-clock times in New York (the SPX and VIX closes), daylight saving included.
enum NewYorkTime {
    private static let zone = TimeZone(identifier: "America/New_York")!

    /// `secondsOfDay` after New York midnight on the calendar date of `date` (a 00:00 UTC instant).
    /// The UTC offset is taken at that wall-clock time; the 02:00 switches do not touch the closes.
    static func instant(onUTCDate date: Instant, secondsOfDay: Int) -> Instant {
        let approximate = Date(timeIntervalSince1970: TimeInterval(date.unixSeconds + Int64(secondsOfDay) + 5 * 3600))
        let offset = Int64(zone.secondsFromGMT(for: approximate))
        return Instant(unixSeconds: date.unixSeconds + Int64(secondsOfDay) - offset)
    }
}
