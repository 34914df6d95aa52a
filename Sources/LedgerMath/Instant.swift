/// A point in time, as whole Unix seconds in UTC.
///
/// The protocols accrue interest per second (`block.timestamp`), the ledger stores instants as
/// INTEGER Unix seconds, and option time is measured between instants on Actual/365 Fixed, so one
/// integer type serves all three without the rounding that `Date`'s `Double` would bring.
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z (negative before it).
    public var unixSeconds: Int64

    @inlinable public init(unixSeconds: Int64) { self.unixSeconds = unixSeconds }

    /// Seconds in one day (86,400).
    public static let secondsPerDay: Int64 = 86_400
    /// Seconds in the 365-day year that every protocol and Act/365F use (31,536,000).
    public static let secondsPerYear: Int64 = 31_536_000

    @inlinable public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.unixSeconds < rhs.unixSeconds }

    /// Whole seconds from `self` to `later` (negative when `later` is earlier).
    @inlinable public func seconds(to later: Instant) -> Int64 { later.unixSeconds - unixSeconds }

    /// Actual/365 Fixed year fraction from `self` to `later`: elapsed seconds / 31,536,000.
    @inlinable public func yearFraction(to later: Instant) -> Double {
        Double(later.unixSeconds - unixSeconds) / Double(Instant.secondsPerYear)
    }

    /// `self` moved by `seconds`.
    @inlinable public func adding(seconds: Int64) -> Instant { Instant(unixSeconds: unixSeconds + seconds) }

    /// ISO-8601 UTC text, e.g. `2024-03-01T16:00:00Z`.
    public var description: String { ISO8601.format(self) }
}
