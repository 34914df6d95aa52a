import Foundation
import Testing

/// The floors of docs/architecture.md hold in the source: the CLI and the benchmark see only
/// `PortfolioLedger` and `LedgerMath`, and no file of `PortfolioLedger` imports `SQLiteDB` in a
/// way that could let one of its types into the public API. (`internal import` makes the compiler
/// refuse a public declaration that mentions a SQLiteDB type; a plain `import` would not.)
@Suite struct ModuleBoundaryTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    static func swiftFiles(in target: String) throws -> [(name: String, text: String)] {
        let folder = sources.appendingPathComponent(target)
        let names = try #require(FileManager.default.enumerator(atPath: folder.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") }.sorted()
        #expect(!names.isEmpty, "no Swift files under \(folder.path)")
        return try names.map { ($0, try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8)) }
    }

    static func importLines(_ text: String, of module: String) -> [String] {
        text.split(separator: "\n").map(String.init).filter {
            $0.range(of: #"^\s*(@\w+\s+)?((public|package|internal|fileprivate|private)\s+)?import\s+"# + module + #"\s*$"#,
                     options: .regularExpression) != nil
        }
    }

    @Test func theCLIAndTheBenchmarkImportNoStorageModule() throws {
        for target in ["portfolio-ledger", "ledger-bench"] {
            for file in try Self.swiftFiles(in: target) {
                #expect(Self.importLines(file.text, of: "SQLiteDB").isEmpty, "\(target)/\(file.name) imports SQLiteDB")
            }
        }
    }

    @Test func portfolioLedgerImportsSQLiteDBOnlyBelowPublic() throws {
        var checked = 0
        for file in try Self.swiftFiles(in: "PortfolioLedger") {
            for line in Self.importLines(file.text, of: "SQLiteDB") {
                checked += 1
                let level = line.trimmingCharacters(in: .whitespaces).split(separator: " ").first.map(String.init)
                #expect(level == "internal" || level == "package", "\(file.name): `\(line)` would let SQLiteDB types into the public API")
            }
        }
        #expect(checked > 10)
    }
}
