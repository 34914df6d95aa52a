import Foundation

/// `report html` on the demo's ledger (`portfolio-ledger demo --db`), as a user runs it: the whole
/// process, wall time and peak memory, beside one `report valuation --format json` process for
/// scale (the page runs fifteen report views and draws six charts). Issue 18 wants it under a second;
/// not asserted anywhere — docs/performance.md records the measured figure.
func htmlJob(_ config: Config, _ scratch: Scratch) throws -> [Comparison] {
    // The CLI is built beside this benchmark (same configuration, same build directory).
    let cli = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("portfolio-ledger").path
    guard FileManager.default.isExecutableFile(atPath: cli) else {
        throw BenchError.failed("html: no portfolio-ledger beside ledger-bench at \(cli) (build it: swift build -c release)")
    }
    let ledger = scratch.file("html-demo", "ledger")
    let demo = try Measure.runChild([cli, "demo", "--db", ledger])
    guard demo.status == 0 else { throw BenchError.failed("html: portfolio-ledger demo --db exited \(demo.status)") }
    let pinned = ["--at", "2021-04-05T23:59:59Z", "--rate", "0.001", "--dividend-yield", "0.015"]
    let out = scratch.path + "/html-page"
    var ours = Side("portfolio-ledger report html (demo ledger, whole process)")
    var baseline = Side("portfolio-ledger report valuation --format json (one view, whole process)")
    for _ in 0..<config.repetitions {
        let page = try Measure.runChild([cli, "report", "html", ledger, "--out", out, "--force"] + pinned)
        guard page.status == 0 else { throw BenchError.failed("html: report html exited \(page.status)") }
        ours.add(seconds: page.seconds, kib: page.peakKiB)
        let one = try Measure.runChild([cli, "report", "valuation", ledger, "--format", "json"] + pinned)
        guard one.status == 0 else { throw BenchError.failed("html: report valuation exited \(one.status)") }
        baseline.add(seconds: one.seconds, kib: one.peakKiB)
    }
    let size = (try? FileManager.default.attributesOfItem(atPath: out + "/index.html")[.size] as? Int) ?? 0
    return [Comparison(job: "html", size: "demo, \(size / 1024) KiB page", ours: ours, baseline: baseline, target: .none,
                       notes: [String(format: "report html median %.3f s (issue 18 wants < 1 s)", ours.median)])]
}
