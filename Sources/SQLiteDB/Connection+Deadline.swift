import CSQLite
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Connection {
    /// Runs `body` with a time limit on SQLite's work: once `seconds` have passed, the statement
    /// running is interrupted and its `step()` throws ``SQLiteError`` with code
    /// ``ResultCode/interrupt``. The limit is checked by a progress handler every
    /// `instructionsPerCheck` virtual-machine instructions, so a statement that is busy inside
    /// SQLite (a sort, a recursive CTE) is stopped too, not only between rows. The handler is
    /// removed afterwards, even when `body` throws.
    /// See <https://www.sqlite.org/c3ref/progress_handler.html>.
    public func withDeadline<R>(seconds: Double, instructionsPerCheck: Int32 = 10_000, _ body: () throws -> R) rethrows -> R {
        let deadline = Deadline(at: Deadline.now() + seconds)
        let context = Unmanaged.passRetained(deadline)
        sqlite3_progress_handler(handle, instructionsPerCheck, { context in
            guard let context else { return 0 }
            let deadline = Unmanaged<Deadline>.fromOpaque(context).takeUnretainedValue()
            return Deadline.now() >= deadline.at ? 1 : 0
        }, context.toOpaque())
        defer {
            sqlite3_progress_handler(handle, 0, nil, nil)
            context.release()
        }
        return try body()
    }
}

/// A monotonic instant handed to the progress handler through its context pointer.
private final class Deadline {
    let at: Double
    init(at: Double) { self.at = at }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
