import Foundation

// ledger-bench: each job and its baseline in the same run (DESIGN §6). Release build:
//     swift run -c release ledger-bench [--quick]

// `ledger-bench --child-import CSV LEDGER`: one library import in a process of its own, so the
// import job can read that process's peak memory (VmHWM) without the bench's own data in it.
if CommandLine.arguments.count == 4, CommandLine.arguments[1] == "--child-import" {
    do {
        let stored = try LibraryCSVImporter().importObservations(csv: CommandLine.arguments[2], into: CommandLine.arguments[3])
        print(stored)
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("ledger-bench --child-import: \(error)\n".utf8))
        exit(1)
    }
}

let config: Config
do {
    config = try Config.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
    let message = "\(error)"
    if !message.isEmpty { FileHandle.standardError.write(Data("ledger-bench: \(message)\n".utf8)) }
    exit(message.isEmpty ? 0 : 2)
}

func machineLine() -> String {
    let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }?.split(separator: ":", maxSplits: 1).last?
        .trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
    let memory = Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824
    return "\(ProcessInfo.processInfo.activeProcessorCount) CPUs (\(model)), \(String(format: "%.1f", memory)) GiB"
}

#if DEBUG
say("warning: this is a debug build; timings are meaningless. Use: swift run -c release ledger-bench")
#endif
say("ledger-bench \(config.quick ? "--quick" : "(full)"), \(config.repetitions) repetitions per side; machine: \(machineLine())")
let runStart = Measure.now()
var results: [Comparison] = []
do {
    let scratch = try Scratch()
    if config.keep { say("files kept in \(scratch.path)") }
    func job(_ name: String, _ body: () throws -> [Comparison]) throws {
        guard config.runs(name) else { return }
        let found = try body()
        if name != "report" && name != "refresh" { found.forEach { say(Format.progress($0)) } }
        results += found
    }
    try job("insert") { [try insertJob(config, scratch)] }
    try job("lookup") { [try lookupJob(config, scratch)] }
    try job("xirr") { [try xirrJob(config, scratch)] }
    try job("theta") { [try thetaJob(config)] }
    try job("import") { try importJob(config, scratch) }
    try job("replay") { [try replaySweepJob(config)] }
    try job("report") {
        say("report (synthetic ledgers at 1×, 2×, 4× history)")
        return try reportJob(config, scratch)
    }
    try job("refresh") {
        say("refresh (derived analytics on the synthetic ledgers at 1×, 2×, 4× history)")
        return try refreshJob(config, scratch)
    }
    try job("html") { try htmlJob(config, scratch) }
    if config.keep { _ = Unmanaged.passRetained(scratch) }   // keep the directory
} catch {
    FileHandle.standardError.write(Data("ledger-bench: \(error)\n".utf8))
    exit(1)
}
say("")
say(Format.table(results))
if !Measure.peakIsPerJob { say("note: peak RSS is the process's high-water mark (the kernel refused a reset)") }
say(String(format: "total %.1f s", Measure.now() - runStart))
