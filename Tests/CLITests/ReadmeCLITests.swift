import LedgerTestSupport
import Foundation
import Testing

/// README's "Using the CLI" block, run top to bottom as a shell script on a fresh ledger, with
/// `swift run portfolio-ledger` replaced by the built binary (`swift test` holds the build lock)
/// and the example files copied from docs/examples/cli as a fresh clone has them.
@Suite struct ReadmeCLITests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The first ```sh block after the "## Using the CLI" heading.
    static func cliBlock() throws -> String {
        let readme = try String(contentsOf: packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.range(of: "## Using the CLI"), "README.md has no '## Using the CLI' section")
        let rest = readme[section.upperBound...]
        let open = try #require(rest.range(of: "```sh\n"), "no ```sh block in README's CLI section")
        let close = try #require(rest[open.upperBound...].range(of: "```"), "unterminated ```sh block")
        return String(rest[open.upperBound..<close.lowerBound])
    }

    @Test func readmeCLISectionRunsAsWritten() throws {
        let dir = TemporaryDirectory()
        let examples = dir.url.appendingPathComponent("docs/examples")
        try FileManager.default.createDirectory(at: examples, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.packageRoot.appendingPathComponent("docs/examples/cli"), to: examples.appendingPathComponent("cli"))
        let block = try Self.cliBlock()
        #expect(block.contains("swift run portfolio-ledger init my.ledger"))
        let binary = "'" + CLIRunner.binary.path.replacingOccurrences(of: "'", with: "'\\''") + "'"
        let script = "set -euo pipefail\n" + block.replacingOccurrences(of: "swift run portfolio-ledger", with: binary)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        process.currentDirectoryURL = dir.url
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "README's CLI block failed: \(stderr)")
        for file in ["my.ledger", "health.svg", "loan.svg", "equity.svg"] {
            #expect(FileManager.default.fileExists(atPath: dir.path(file)), "\(file) was not written")
        }
        // Each report printed what the README's comment promises.
        for expected in ["health factor", "multiple", "TWR", "currency effect", "\"loan_id\"", "theta_per_day", "SUBCOMMANDS"] {
            #expect(stdout.contains(expected), "README run printed no '\(expected)'")
        }
    }
}
