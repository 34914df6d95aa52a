// swift-tools-version: 6.1
// A program a user might write: it depends on PortfolioLedger by path, as it would by URL.
import PackageDescription

let package = Package(
    name: "QuickStart",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "PortfolioLedger", path: "../../..")],
    targets: [
        .executableTarget(
            name: "QuickStart",
            dependencies: [
                .product(name: "PortfolioLedger", package: "PortfolioLedger"),
                .product(name: "LedgerMath", package: "PortfolioLedger"),
            ]
        )
    ],
    swiftLanguageModes: [.v6]
)
