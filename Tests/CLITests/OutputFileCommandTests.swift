import LedgerTestSupport
import Foundation
import Testing

/// Every file the CLI writes is owner-only, never written through a symbolic link, and never
/// replaces an existing file unless `--force` (and `init` never). Exit 7 for "exists", 73 for
/// "cannot create", 66 for an input file that cannot be opened.
@Suite struct OutputFileCommandTests {
    static var demo: String { SharedDemoLedger.path }
    let dir = TemporaryDirectory()

    /// Each command that writes a file, writing to `out`.
    static func writers(_ out: String) -> [(name: String, arguments: [String])] {
        [("chart", ["chart", "health", demo, "2", "--out", out, "--to", "2021-03-15"]),
         ("export", ["export", demo, "--out", out]),
         ("backup", ["backup", demo, out])]
    }

    func mode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    func leftovers() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.url.path).filter { $0.contains(".tmp-") }
    }

    @Test(arguments: ["chart", "export", "backup"])
    func writesOwnerOnlyAndRefusesToReplaceWithoutForce(command: String) throws {
        let out = dir.path("out.file")
        let arguments = try #require(Self.writers(out).first { $0.name == command }).arguments
        let first = try CLIRunner.run(arguments)
        #expect(first.exitCode == 0, "\(first.stderr)")
        #expect(try mode(out) == 0o600)
        let written = try Data(contentsOf: URL(fileURLWithPath: out))

        try Data("precious".utf8).write(to: URL(fileURLWithPath: out))
        let refused = try CLIRunner.run(arguments)
        #expect(refused.exitCode == 7)
        #expect(refused.stderr == "portfolio-ledger: error: \(out) already exists; refusing to overwrite it (--force replaces it)\n")
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "precious")

        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: out)
        let forced = try CLIRunner.run(arguments + ["--force"])
        #expect(forced.exitCode == 0, "\(forced.stderr)")
        #expect(try mode(out) == 0o600)
        if command != "backup" { #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == written) }
        if command == "backup" { #expect(try CLIRunner.run(["check", out]).exitCode == 0) }
        #expect(try leftovers().isEmpty)
    }

    @Test(arguments: ["chart", "export", "backup"])
    func neverWritesThroughASymbolicLinkEvenWithForce(command: String) throws {
        let target = dir.path("target.txt"), link = dir.path("link.out")
        try Data("target".utf8).write(to: URL(fileURLWithPath: target))
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let arguments = try #require(Self.writers(link).first { $0.name == command }).arguments
        let refused = try CLIRunner.run(arguments)
        #expect(refused.exitCode == 7, "\(refused.stderr)")
        let forced = try CLIRunner.run(arguments + ["--force"])
        #expect(forced.exitCode == 73)
        #expect(forced.stderr == "portfolio-ledger: error: cannot create \(link): it is a symbolic link; portfolio-ledger never writes through or replaces a link\n")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "target")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
        #expect(try leftovers().isEmpty)
    }

    @Test func aDanglingLinkIsNotFollowedEither() throws {
        let target = dir.path("would-be-created.svg"), link = dir.path("dangling.svg")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        for arguments in Self.writers(link).map(\.arguments) + [["init", link]] {
            let result = try CLIRunner.run(arguments)
            #expect(result.exitCode == 7, "\(arguments[0]): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: target), "\(arguments[0]) created the link's target")
        }
    }

    @Test func initNeverReplacesAnythingAndCreatesOwnerOnly() throws {
        let path = dir.path("new.ledger")
        #expect(try CLIRunner.run(["init", path]).exitCode == 0)
        #expect(try mode(path) == 0o600)
        let again = try CLIRunner.run(["init", path])
        #expect(again.exitCode == 7)
        #expect(try CLIRunner.run(["init", path, "--force"]).exitCode == 64)  // there is no --force for init
    }

    @Test func aLeftoverWALBesideANewFileIsRefused() throws {
        let path = dir.path("fresh.ledger")
        try Data("old wal".utf8).write(to: URL(fileURLWithPath: path + "-wal"))
        for arguments in [["init", path], ["backup", Self.demo, path]] {
            let result = try CLIRunner.run(arguments)
            #expect(result.exitCode == 73, "\(arguments[0]): \(result.stderr)")
            #expect(result.stderr.contains("\(path)-wal is there"))
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }

    @Test func initWhereNothingCanBeCreatedExits73NotFour() throws {
        let path = dir.path("no-such-folder/x.ledger")
        let result = try CLIRunner.run(["init", path])
        #expect(result.exitCode == 73)
        #expect(result.stderr == "portfolio-ledger: error: cannot create \(path): No such file or directory\n")
        let directory = try CLIRunner.run(["export", Self.demo, "--out", dir.url.path, "--force"])
        #expect(directory.exitCode == 73)
        #expect(directory.stderr.contains("it is a directory"))
    }

    @Test func importOfAFileThatCannotBeOpenedExits66() throws {
        let ledger = dir.path("i.ledger")
        #expect(try CLIRunner.run(["init", ledger]).exitCode == 0)
        for (kind, file) in [("jsonl", dir.path("missing.jsonl")), ("prices", dir.path("missing.csv")), ("jsonl", dir.url.path)] {
            let result = try CLIRunner.run(["import", ledger, kind, file, ] + (kind == "prices" ? ["--series", "S", "--series-kind", "index"] : []))
            #expect(result.exitCode == 66, "\(kind) \(file): \(result.stderr)")
            #expect(result.stderr.hasPrefix("portfolio-ledger: error: \(file):"))
            #expect(result.stderr.split(separator: "\n").count == 1)
        }
    }

    @Test func helpListsTheExitCodes() throws {
        let help = try CLIRunner.run(["--help"])
        let text = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")  // --help wraps lines
        for code in ["7 file already exists", "8 query stopped at --max-rows or --timeout", "73 cannot create an output file", "66 input file"] {
            #expect(text.contains(code), "\(code)")
        }
    }
}
