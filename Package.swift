// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "PortfolioLedger",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "PortfolioLedger", targets: ["PortfolioLedger"]),
        .library(name: "LedgerMath", targets: ["LedgerMath"]),
        .library(name: "SQLiteDB", targets: ["SQLiteDB"]),
        .executable(name: "portfolio-ledger", targets: ["portfolio-ledger"]),
        .executable(name: "ledger-bench", targets: ["ledger-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/attaswift/BigInt", from: "6.0.1"),
        // `swift package generate-documentation` (the DocC archive; CI builds it). A command plugin:
        // nothing of it is linked into the library or the tools.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // The system SQLite (libsqlite3-dev). Only SQLiteDB imports it.
        .systemLibrary(
            name: "CSQLite",
            providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite3"])]
        ),
        .target(name: "SQLiteDB", dependencies: ["CSQLite"]),

        // `migrations/*.sql` are the schema's single source of truth; a build-tool plugin turns
        // them into string literals in this target (see DESIGN §2 for why a target of its own).
        .executableTarget(name: "DataFileEmbedder"),
        .plugin(
            name: "EmbedDataFilesPlugin",
            capability: .buildTool(),
            dependencies: ["DataFileEmbedder"],
            path: "Sources/EmbedDataFilesPlugin"
        ),
        .target(
            name: "LedgerMigrations",
            path: "migrations",
            plugins: ["EmbedDataFilesPlugin"]
        ),
        // A slice of real market data for `portfolio-ledger demo` (docs/data.md), embedded the same way.
        .target(name: "DemoData", plugins: ["EmbedDataFilesPlugin"]),

        .target(
            name: "LedgerMath",
            dependencies: [.product(name: "BigInt", package: "BigInt")]
        ),
        .target(
            name: "PortfolioLedger",
            dependencies: ["SQLiteDB", "LedgerMath", "LedgerMigrations", .product(name: "BigInt", package: "BigInt")]
        ),
        .executableTarget(
            name: "portfolio-ledger",
            dependencies: [
                "PortfolioLedger", "LedgerMath", "DemoData",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // The benchmark (DESIGN §6): `swift run -c release ledger-bench [--quick]`. Its baselines
        // are plain C loops in a C target of their own, so they are compiled as C, not Swift; it
        // calls sqlite3_* directly by design (a baseline must not go through our layer).
        .target(name: "BenchBaselines", linkerSettings: [.linkedLibrary("sqlite3"), .linkedLibrary("m")]),
        .executableTarget(
            name: "ledger-bench",
            dependencies: ["PortfolioLedger", "LedgerMath", "BenchBaselines", "DemoData"]
        ),

        // Helpers shared by the test targets (temporary directories, a logical dump of a ledger).
        .target(name: "LedgerTestSupport", dependencies: ["SQLiteDB"], path: "Tests/LedgerTestSupport"),
        .testTarget(name: "SQLiteDBTests", dependencies: ["SQLiteDB", "LedgerTestSupport"]),
        .testTarget(name: "LedgerMathTests", dependencies: ["LedgerMath"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "PortfolioLedgerTests", dependencies: ["PortfolioLedger", "LedgerMigrations", "LedgerTestSupport", "DemoData"],
                    exclude: ["Fixtures"]),  // read in place via #filePath: old-schema ledger files
        // A test-only reader process for the concurrency tests (docs/reliability.md); not a product.
        .executableTarget(name: "ledger-probe", dependencies: ["PortfolioLedger", "SQLiteDB", "LedgerMath"],
                          path: "Tests/LedgerProbe"),
        .testTarget(name: "CLITests", dependencies: ["portfolio-ledger", "ledger-probe", "SQLiteDB", "PortfolioLedger", "LedgerMath", "LedgerTestSupport"],
                    exclude: ["Corpus", "Goldens", "GoldenInputs", "Browser"]),  // read in place via #filePath: hostile-input cases (HostileInputTests), golden outputs and their inputs (GoldenOutputTests), the headless-browser probe (ReportHTMLBrowserTests)
    ],
    swiftLanguageModes: [.v6]
)
