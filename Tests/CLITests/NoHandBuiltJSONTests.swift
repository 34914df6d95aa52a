import Foundation
import Testing

/// The CLI prints JSON only through the library's `ReportJSONEncoder` from documents: no JSON is
/// assembled by hand in `Sources/portfolio-ledger` (issue 15, "Results as values").
@Suite struct NoHandBuiltJSONTests {
    /// `Sources/portfolio-ledger`, found from this file (`Tests/CLITests/…`).
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/portfolio-ledger")

    /// What hand-built JSON looks like: the old ordered tree, an object literal of members, the
    /// string quoting of the journal, and a string literal holding a JSON key (`\"key\":`).
    static let patterns: [(name: String, matches: @Sendable (String) -> Bool)] = [
        ("OutputJSON", { $0.contains("OutputJSON") }),
        (".object([", { $0.contains(".object([") }),
        ("JSONString.quoted", { $0.contains("JSONString.quoted") }),
        ("a string literal with \\\" followed by :", { $0.contains(#"\":"#) || $0.contains(#"\" :"#) }),
    ]

    @Test func theCLIBuildsNoJSONByHand() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: Self.sources.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            Issue.record("Sources/portfolio-ledger not found at \(Self.sources.path)")
            return
        }
        let files = try #require(FileManager.default.enumerator(at: Self.sources, includingPropertiesForKeys: nil))
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
        #expect(files.count > 10, "expected the CLI's Swift files under \(Self.sources.path)")
        var findings: [String] = []
        for file in files.sorted(by: { $0.path < $1.path }) {
            let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            for (index, line) in lines.enumerated() {
                for pattern in Self.patterns where pattern.matches(String(line)) {
                    let relative = file.path.replacingOccurrences(of: Self.sources.deletingLastPathComponent().path + "/", with: "")
                    findings.append("\(relative):\(index + 1): \(pattern.name)")
                }
            }
        }
        #expect(findings.isEmpty, "hand-built JSON in the CLI (use a library document and ReportJSONEncoder):\n\(findings.joined(separator: "\n"))")
    }

    @Test func theScanFindsWhatItLooksFor() {
        let samples = [#"let j: OutputJSON = .null"#, #"x = .object([("a", .null)])"#, #"JSONString.quoted(s)"#, #"let t = "{\"key\": 1}""#]
        for (sample, pattern) in zip(samples, Self.patterns) { #expect(pattern.matches(sample), "\(pattern.name) misses \(sample)") }
    }
}
