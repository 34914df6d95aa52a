import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Wall-clock timing, peak memory and subprocesses for the benchmark.
enum Measure {
    /// Monotonic seconds.
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// Runs `body` once: its wall time in seconds, its result, and the process's peak resident
    /// set size (KiB) while it ran. The peak is reset first (Linux `/proc/self/clear_refs`, "5"),
    /// so each measurement sees its own high-water mark; where that is refused, the number is the
    /// process's peak so far (``peakIsPerJob`` tells which).
    static func run<R>(_ body: () throws -> R) rethrows -> (seconds: Double, kib: Int, result: R) {
        resetPeak()
        let start = now()
        let result = try body()
        let seconds = now() - start
        return (seconds, peakKiB(), result)
    }

    /// True when the kernel let us reset the high-water mark (see ``run(_:)``).
    nonisolated(unsafe) static var peakIsPerJob = true

    static func resetPeak() {
        guard let file = fopen("/proc/self/clear_refs", "w") else {
            peakIsPerJob = false
            return
        }
        if fputs("5", file) < 0 { peakIsPerJob = false }
        fclose(file)
    }

    /// `getrusage(RUSAGE_SELF).ru_maxrss` in KiB (Linux reports KiB).
    static func peakKiB() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss)
    }

    /// A finished subprocess: exit status, what it printed on stdout, wall time, and its own peak
    /// resident set size (KiB).
    ///
    /// The peak is the child's `VmHWM` from `/proc/PID/status`, sampled every 2 ms until it exits.
    /// `wait4`'s `ru_maxrss` (the per-child `RUSAGE_CHILDREN`) cannot be used as is: glibc's
    /// `posix_spawn` starts the child in our address space (`CLONE_VM`), and Linux folds that
    /// address space's high-water mark — ours — into the child's `ru_maxrss` at `exec`.
    struct ChildResult {
        var status: Int32
        var stdout: String
        var seconds: Double
        var peakKiB: Int
    }

    /// Runs `argv` (looked up on PATH), waits, and returns its output and resources. Stderr is
    /// inherited, so a failing tool's message reaches the terminal.
    static func runChild(_ argv: [String]) throws -> ChildResult {
        let outPath = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-bench-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).out").path
        defer { unlink(outPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var pid: pid_t = 0
        let start = now()
        let code = posix_spawnp(&pid, argv[0], &actions, nil, cArgs, environ)
        guard code == 0 else { throw BenchError.spawn(argv[0], code) }
        var status: Int32 = 0
        var peak = 0
        while true {
            // The status line is read before the reap check, so the last sample is close to exit.
            if let hwm = highWaterMark(of: pid) { peak = max(peak, hwm) }
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { break }
            if reaped < 0 && errno != EINTR { throw BenchError.failed("waitpid failed for \(argv[0])") }
            usleep(2_000)
        }
        let seconds = now() - start
        let output = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        // WEXITSTATUS: the exit code sits in bits 8–15 when the child exited normally.
        let exitCode = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return ChildResult(status: exitCode, stdout: output, seconds: seconds, peakKiB: peak)
    }

    /// `VmHWM` (KiB) of a live process, or nil once it has exited.
    static func highWaterMark(of pid: pid_t) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    }

    /// True when `name` is an executable on PATH.
    static func onPath(_ name: String) -> Bool {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return dirs.contains { access("\($0)/\(name)", X_OK) == 0 }
    }
}

/// The median of `values` (the mean of the middle two for an even count).
func medianOf(_ values: [Double]) -> Double {
    precondition(!values.isEmpty)
    let sorted = values.sorted()
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid])
}

enum BenchError: Error, CustomStringConvertible {
    case spawn(String, Int32)
    case failed(String)

    var description: String {
        switch self {
        case .spawn(let tool, let code): "cannot start \(tool) (posix_spawn error \(code))"
        case .failed(let message): message
        }
    }
}

/// A small seeded generator (SplitMix64) so every run and every baseline sees the same data.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }
}

/// A scratch directory for one benchmark run, removed at the end.
final class Scratch {
    let path: String
    private var counter = 0

    init() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-bench-\(getpid())").path
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        path = base
    }

    /// A fresh file name inside the scratch directory (not created).
    func file(_ stem: String, _ ext: String) -> String {
        counter += 1
        return "\(path)/\(stem)-\(counter).\(ext)"
    }

    /// Removes a SQLite file and its -wal/-shm companions.
    func removeDatabase(_ file: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] { unlink(file + suffix) }
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Prints a line and flushes at once, so progress shows as it happens when the output goes to a
/// file or a pipe (where stdout is block-buffered).
func say(_ line: String) {
    print(line)
    fflush(nil)
}
