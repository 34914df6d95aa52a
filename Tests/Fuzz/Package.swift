// swift-tools-version: 6.1
// libFuzzer targets for PortfolioLedger's parsers, kept out of the normal build: this package
// depends on the main one by path and is built only by `Tests/Fuzz/run.sh` (docs/reliability.md).
import PackageDescription

let fuzzTarget: (String) -> Target = { name in
    .executableTarget(name: name, dependencies: [
        "FuzzSupport",
        .product(name: "PortfolioLedger", package: "PortfolioLedger"),
        .product(name: "LedgerMath", package: "PortfolioLedger"),
        .product(name: "SQLiteDB", package: "PortfolioLedger"),
    ])
}

let package = Package(
    name: "PortfolioLedgerFuzz",
    platforms: [.macOS(.v14)],
    // `.root/PortfolioLedger` is a symlink to the repository made by run.sh, so the dependency has the
    // same identity whatever the clone's folder is called.
    dependencies: [.package(path: ".root/PortfolioLedger")],
    targets: [.target(name: "FuzzSupport")] + ["FuzzCSVReader", "FuzzExactDecimal", "FuzzJournal"].map(fuzzTarget),
    swiftLanguageModes: [.v6]
)
