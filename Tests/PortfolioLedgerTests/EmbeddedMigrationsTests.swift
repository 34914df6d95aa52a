import Foundation
import LedgerMigrations
import Testing

/// Guards against stale build-plugin output: what ships in the binary must be exactly the files.
@Suite struct EmbeddedMigrationsTests {
    static let migrationsDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("migrations")

    @Test func embeddedSQLEqualsTheFilesOnDiskByteForByte() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.migrationsDirectory.path)
            .filter { $0.hasSuffix(".sql") }.sorted()
        #expect(!names.isEmpty)
        #expect(EmbeddedMigrations.files.map(\.fileName) == names)
        for (name, embedded) in EmbeddedMigrations.files {
            let disk = try Data(contentsOf: Self.migrationsDirectory.appendingPathComponent(name))
            #expect(Data(embedded.utf8) == disk, "embedded \(name) differs from migrations/\(name): rebuild")
        }
    }
}
