import Foundation
import LedgerTestSupport
import Testing

/// The realistic book's committed input is exactly what its generator writes from the shared real
/// data, so a reviewer can trust the script's description of the book (and nobody hand-edits it).
@Suite struct GoldenInputTests {
    let dir = TemporaryDirectory()

    @Test func realisticBookInputIsItsGeneratorsOutput() throws {
        let folder = GoldenBooks.inputs.appendingPathComponent("realistic-book")
        _ = try TestRequirement.realData("README.md")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try TestRequirement.program("python3"))
        process.arguments = [folder.appendingPathComponent("make_realistic_book.py").path, dir.url.path]
        let err = Pipe()
        process.standardError = err
        try process.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "make_realistic_book.py failed: \(message)")
        let files = ["book.jsonl", "prices/eth_usd_daily_coingecko.csv", "prices/spx_daily_close_fred.csv",
                     "prices/vix_daily_cboe.csv", "prices/cryptopunks_daily_punksmarket.csv"]
        for file in files {
            let committed = try Data(contentsOf: folder.appendingPathComponent(file))
            let generated = try Data(contentsOf: dir.url.appendingPathComponent(file))
            #expect(committed == generated, "GoldenInputs/realistic-book/\(file) is not what make_realistic_book.py writes; rerun it and commit")
        }
    }
}
