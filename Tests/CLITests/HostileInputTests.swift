import LedgerTestSupport
import Foundation
import SQLiteDB
import Testing

/// One case of the hostile-input corpus (`Corpus/manifest.json`, made by `Corpus/generate.py`,
/// and the hand-written `Corpus/hand.json`).
struct CorpusCase: Decodable, Sendable, CustomTestStringConvertible {
    struct Check: Decodable, Sendable {
        var sql: String
        var equals: String
    }
    /// Path under `Corpus/`.
    var file: String
    /// An import kind, or `calc-condor` for `calc condor --input`.
    var kind: String
    var args: [String]
    /// The expected exit code: 0 = accepted, else refused.
    var exit: Int32
    /// For refusals: the line and column the one-line error must name, and a phrase of its reason.
    var line: Int?
    var column: String?
    var phrase: String?
    /// For accepted files: SQL whose first value must equal `equals` (as text).
    var checks: [Check]?

    var testDescription: String { file }

    func arguments(ledger: String, corpus: URL) -> [String] {
        let path = corpus.appendingPathComponent(file).path
        return kind == "calc-condor" ? ["calc", "condor", "--input", path] : ["import", ledger, kind, path] + args
    }
}

/// Hostile and malformed input: every corpus file is imported into a copy of one base ledger.
/// A refused file must produce one clean line on stderr naming the file, line and column, the
/// documented exit code, and leave the ledger's logical dump unchanged; an accepted one (e.g.
/// SQL-looking text, 78-digit amounts, BOM + CRLF) must be stored exactly.
@Suite struct HostileInputTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus")

    struct Manifest: Decodable {
        /// Imports that build the base ledger, in order.
        struct Step: Decodable {
            var file: String, kind: String, args: [String]
        }
        var setup: [Step]?
        var cases: [CorpusCase]
    }

    static func manifest(_ name: String) throws -> Manifest {
        try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: corpus.appendingPathComponent(name)))
    }

    static let cases: [CorpusCase] = {
        do { return try manifest("manifest.json").cases + manifest("hand.json").cases } catch {
            Issue.record("cannot read the corpus manifests: \(error)")
            return []
        }
    }()

    /// The base ledger (built once from `Corpus/setup/`) and its logical dump.
    static let base: Result<(path: String, dump: [String]), any Error> = Result {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-corpus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("base.ledger").path
        guard try CLIRunner.run(["init", path]).exitCode == 0 else { throw CocoaError(.fileWriteUnknown) }
        for step in try manifest("manifest.json").setup ?? [] {
            let result = try CLIRunner.run(["import", path, step.kind, corpus.appendingPathComponent(step.file).path] + step.args)
            guard result.exitCode == 0 else { throw ImportSetupError(file: step.file, stderr: result.stderr) }
        }
        return (path, try Reliability.logicalDump(path))
    }

    struct ImportSetupError: Error { var file: String, stderr: String }

    let dir = TemporaryDirectory()

    @Test func theCorpusHasEnoughCasesAndEveryFileIsInAManifest() throws {
        #expect(Self.cases.count >= 200)
        #expect(Set(Self.cases.map(\.file)).count == Self.cases.count)
        let listed = Set(Self.cases.map(\.file))
        for folder in ["generated", "hand"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: Self.corpus.appendingPathComponent(folder).path) {
                #expect(listed.contains("\(folder)/\(name)"), "\(folder)/\(name) is not in a manifest")
            }
        }
    }

    @Test(arguments: cases)
    func hostileInput(_ testCase: CorpusCase) throws {
        let base = try Self.base.get()
        let ledger = dir.path("case.ledger")
        try FileManager.default.copyItem(atPath: base.path, toPath: ledger)
        let result = try CLIRunner.run(testCase.arguments(ledger: ledger, corpus: Self.corpus))
        #expect(result.exitCode == testCase.exit, "\(result.stderr)")
        if testCase.exit == 0 {
            #expect(result.stderr.isEmpty, "\(result.stderr)")
            for check in testCase.checks ?? [] {
                let db = try Connection(path: ledger, mode: .readOnly)
                defer { db.close() }
                #expect(try db.scalarIfAny(check.sql, as: String.self) == check.equals, "\(check.sql)")
            }
            return
        }
        expectOneCleanLine(result.stderr, testCase)
        if testCase.kind != "calc-condor" {
            #expect(try Reliability.logicalDump(ledger) == base.dump, "a refused import changed the ledger")
        }
    }

    /// `portfolio-ledger: error: FILE:LINE: column 'NAME': reason` (calc: `FILE line N, column NAME: …`),
    /// on one line with no control characters that a terminal would act on.
    private func expectOneCleanLine(_ stderr: String, _ testCase: CorpusCase) {
        let isCalc = testCase.kind == "calc-condor"
        #expect(stderr.hasPrefix("portfolio-ledger: error: "))
        #expect(stderr.hasSuffix("\n") && stderr.dropLast().allSatisfy { !$0.isNewline })
        #expect(!stderr.dropLast().unicodeScalars.contains { $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) },
                "control characters in \(stderr.debugDescription)")
        #expect(stderr.contains(URL(fileURLWithPath: testCase.file).lastPathComponent))
        if let line = testCase.line {
            #expect(stderr.contains(isCalc ? " line \(line)," : ":\(line):"), "line \(line) not named")
        }
        if let column = testCase.column {
            #expect(stderr.contains(isCalc ? "column \(column)" : "column '\(column)'"), "column \(column) not named")
        }
        if let phrase = testCase.phrase { #expect(stderr.contains(phrase)) }
    }
}
