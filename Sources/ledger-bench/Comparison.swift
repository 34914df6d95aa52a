import Foundation

/// One side of a comparison: what ran, its timed repetitions and its peak memory.
struct Side {
    var label: String
    var seconds: [Double] = []
    /// Peak resident set size (KiB) over the repetitions.
    var peakKiB = 0

    init(_ label: String) { self.label = label }

    var median: Double { medianOf(seconds) }

    mutating func add(seconds s: Double, kib: Int) {
        seconds.append(s)
        peakKiB = max(peakKiB, kib)
    }
}

/// What DESIGN §6 asks of a job, as a throughput ratio ours/baseline.
enum Target {
    /// At least this throughput ratio (e.g. 0.8 × raw C).
    case atLeast(Double)
    /// Strictly faster than the baseline (ratio > 1).
    case faster
    /// No baseline target (e.g. the placeholder import, the report's scaling).
    case none

    var text: String {
        switch self {
        case .atLeast(let r): String(format: "≥ %.2f", r)
        case .faster: "> 1.00"
        case .none: "—"
        }
    }

    func verdict(_ ratio: Double) -> String {
        switch self {
        case .atLeast(let r): ratio >= r ? "met" : "MISSED"
        case .faster: ratio > 1 ? "met" : "MISSED"
        case .none: "(info)"
        }
    }
}

/// A job measured against its baseline in the same run.
struct Comparison {
    var job: String
    var size: String
    var ours: Side
    var baseline: Side?
    var target: Target
    var notes: [String] = []
    /// A memory comparison: the baseline is there for its peak, no time ratio is computed.
    var comparesMemoryOnly = false

    /// Throughput ratio ours/baseline = baseline median time / our median time:
    /// > 1 means ours is faster, < 1 slower.
    var throughputRatio: Double? {
        guard !comparesMemoryOnly, let baseline, !baseline.seconds.isEmpty, !ours.seconds.isEmpty else { return nil }
        return baseline.median / ours.median
    }
}

enum Format {
    static func seconds(_ s: Double) -> String {
        if s >= 10 { return String(format: "%.1f s", s) }
        if s >= 0.1 { return String(format: "%.3f s", s) }
        return String(format: "%.3f ms", s * 1000)
    }

    static func mib(_ kib: Int) -> String { String(format: "%.0f MiB", Double(kib) / 1024) }

    static func count(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, ch) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return String(out.reversed())
    }

    /// One job's lines while the run goes on.
    static func progress(_ c: Comparison) -> String {
        var lines = ["\(c.job) (\(c.size))"]
        func side(_ s: Side) -> String {
            let samples = s.seconds.count <= 7 ? s.seconds.map { seconds($0) }.joined(separator: ", ")
                : "\(s.seconds.count) samples, \(seconds(s.seconds.min()!))…\(seconds(s.seconds.max()!))"
            return "  \(s.label): median \(seconds(s.median)) [\(samples)], peak RSS \(mib(s.peakKiB))"
        }
        lines.append(side(c.ours))
        if let b = c.baseline { lines.append(side(b)) }
        if let r = c.throughputRatio {
            lines.append(String(format: "  throughput ratio ours/baseline = %.2f (>1 = ours faster); target %@: %@",
                                r, c.target.text, c.target.verdict(r)))
        }
        for note in c.notes { lines.append("  note: \(note)") }
        return lines.joined(separator: "\n")
    }

    /// The closing table (Markdown, pasted into docs/performance.md).
    static func table(_ results: [Comparison]) -> String {
        var lines = [
            "| job | size | ours | median | baseline | median | throughput ratio ours/baseline (>1 = ours faster) | target | peak RSS ours / baseline |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for c in results {
            let ratio = c.throughputRatio.map { String(format: "%.2f", $0) } ?? "—"
            let verdict = c.throughputRatio.map { c.target.verdict($0) } ?? ""
            let base = c.baseline
            lines.append("| \(c.job) | \(c.size) | \(c.ours.label) | \(seconds(c.ours.median)) | \(base?.label ?? "—") | "
                         + "\(base.map { seconds($0.median) } ?? "—") | \(ratio) | \(c.target.text) \(verdict) | "
                         + "\(mib(c.ours.peakKiB)) / \(base.map { mib($0.peakKiB) } ?? "—") |")
        }
        return lines.joined(separator: "\n")
    }
}
