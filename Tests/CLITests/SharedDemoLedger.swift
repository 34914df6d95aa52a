import LedgerTestSupport
import Foundation

/// The demo ledger, built once for the suites that only read it or copy it.
enum SharedDemoLedger {
    static let directory = TemporaryDirectory()
    static let path: String = {
        let path = directory.path("demo.ledger")
        _ = try? CLIRunner.run(["demo", "--db", path])
        return path
    }()
}
