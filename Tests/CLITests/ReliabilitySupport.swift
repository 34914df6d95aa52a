import Foundation
import LedgerTestSupport
import LedgerMath
import SQLiteDB
#if canImport(Glibc)
import Glibc
#endif

/// Helpers of the reliability tests (crash safety, concurrency, hostile input, backup): child
/// processes that can be killed, a seeded random generator, generated price files and a logical
/// dump of a ledger. See docs/reliability.md.
enum Reliability {
    /// True when `LEDGER_SOAK=1`: the long variants (more kills, longer concurrent runs).
    static var soak: Bool { ProcessInfo.processInfo.environment["LEDGER_SOAK"] == "1" }

    /// An integer from the environment, or `fallback`.
    static func setting(_ name: String, _ fallback: Int) -> Int {
        ProcessInfo.processInfo.environment[name].flatMap { Int($0) } ?? fallback
    }

    /// The `ledger-probe` helper, built next to `portfolio-ledger`.
    static var probe: URL { CLIRunner.binary.deletingLastPathComponent().appendingPathComponent("ledger-probe") }

    /// Writes a price file: header `observed_at,price`, then `rows` rows one minute apart from
    /// 2000-01-01T00:00:00Z, row i priced `1000 + i/100` (exact in decimal: `1000.00`, `1000.01`, …).
    /// The last price is `(100_000 + rows - 1) / 100`, as `ledger-probe` expects.
    static func writePriceFile(_ path: String, rows: Int, start: Int64 = 946_684_800) throws {
        var text = "observed_at,price\n"
        text.reserveCapacity(rows * 32)
        for i in 0..<rows {
            let cents = 100_000 + i
            let fraction = cents % 100
            text += "\(Instant(unixSeconds: start + Int64(i) * 60)),\(cents / 100).\(fraction < 10 ? "0" : "")\(fraction)\n"
        }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// The shared logical dump (LedgerTestSupport).
    static func logicalDump(_ path: String) throws -> [String] { try LedgerTestSupport.logicalDump(path) }

    /// One integer from a read-only connection to `path`.
    static func count(_ path: String, _ sql: String) throws -> Int {
        let db = try Connection(path: path, mode: .readOnly)
        defer { db.close() }
        return try db.scalar(sql, as: Int.self)
    }
}

/// SplitMix64: a small seeded generator, so a failing run can be replayed with its seed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A child process whose output is captured to files (never a pipe that could fill up and
/// block it), which can be waited for asynchronously or killed.
final class ChildProcess: @unchecked Sendable {
    let process = Process()
    private let outURL: URL, errURL: URL
    private let exited = ExitSignal()

    init(_ executable: URL, _ arguments: [String], logDirectory: URL) throws {
        let id = UUID().uuidString
        outURL = logDirectory.appendingPathComponent("\(id).out")
        errURL = logDirectory.appendingPathComponent("\(id).err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.executableURL = executable
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        let exited = self.exited
        process.terminationHandler = { _ in exited.fire() }
        try process.run()
    }

    /// Sends SIGKILL: the process dies at once, wherever it is (no handlers, no cleanup).
    func kill() { _ = Glibc.kill(process.processIdentifier, SIGKILL) }

    /// Sends SIGKILL `seconds` after now, from a Dispatch timer: on time even when the test's
    /// own tasks wait for a cooperative thread (other suites run meanwhile). Nothing is sent once
    /// the process has ended (its pid may belong to another process by then).
    func kill(after seconds: Double) {
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in
            exited.ifNotFired { _ = Glibc.kill(process.processIdentifier, SIGKILL) }
        }
    }

    /// Waits for the process to end.
    func wait() async {
        await exited.wait()
        process.waitUntilExit()  // returns at once; makes terminationStatus/Reason readable
    }

    var wasKilled: Bool { process.terminationReason == .uncaughtSignal }
    var exitCode: Int32 { process.terminationStatus }
    var stdout: String { (try? String(contentsOf: outURL, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: errURL, encoding: .utf8)) ?? "" }

    /// Runs a command to its end.
    static func run(_ executable: URL, _ arguments: [String], logDirectory: URL) async throws -> ChildProcess {
        let child = try ChildProcess(executable, arguments, logDirectory: logDirectory)
        await child.wait()
        return child
    }
}

/// A one-shot signal that any number of tasks can await.
final class ExitSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var fired = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Runs `body` unless the signal fired, holding the signal's lock (so it cannot fire meanwhile).
    func ifNotFired(_ body: () -> Void) {
        lock.withLock { if !fired { body() } }
    }

    func fire() {
        let toResume: [CheckedContinuation<Void, Never>] = lock.withLock {
            fired = true
            defer { waiters.removeAll() }
            return waiters
        }
        for waiter in toResume { waiter.resume() }
    }

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = lock.withLock {
                if fired { return true }
                waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }
}

/// Monotonic seconds, for measuring phases.
func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Runs CLI commands one after another on a thread of its own (so it keeps reading while other
/// suites occupy the cooperative thread pool) until stopped; each must exit 0 with an empty stderr.
final class CLIReaderLoop: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false
    private var runs = 0
    private var failures: [String] = []
    private let finished = ExitSignal()

    init(_ arguments: @escaping @Sendable (Int) -> [String]) {
        Thread.detachNewThread { [self] in
            var round = 0
            while round == 0 || !lock.withLock({ stopped }) {
                let args = arguments(round)
                do {
                    let result = try CLIRunner.run(args)
                    if result.exitCode != 0 || !result.stderr.isEmpty {
                        lock.withLock { failures.append("\(args.joined(separator: " ")): exit \(result.exitCode): \(result.stderr)") }
                    }
                } catch {
                    lock.withLock { failures.append("\(args.joined(separator: " ")): \(error)") }
                }
                round += 1
                lock.withLock { runs = round }
            }
            finished.fire()
        }
    }

    /// Stops after the command running now; returns how many ran and what failed.
    func stop() async -> (runs: Int, failures: [String]) {
        lock.withLock { stopped = true }
        await finished.wait()
        return lock.withLock { (runs, failures) }
    }
}
