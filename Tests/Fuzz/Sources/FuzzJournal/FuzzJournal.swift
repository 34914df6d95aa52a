import Foundation
import PortfolioLedger
import SQLiteDB

// Fuzzes the JSON Lines journal importer end to end: each input is imported into one scratch
// ledger. Whatever the bytes, the import either succeeds or throws an `ImportError`; a refused
// import must leave the ledger as it was (all or nothing: the count of import sources and of
// booked rows is unchanged), and `integrity_check` stays clean.

// In /dev/shm when there is one: each import commits with synchronous=FULL, and fsync is free there.
private let scratch = FileManager.default.fileExists(atPath: "/dev/shm") ? URL(fileURLWithPath: "/dev/shm") : FileManager.default.temporaryDirectory
private let dir = scratch.appendingPathComponent("fuzz-journal-\(getpid())")
private let ledgerPath = dir.appendingPathComponent("fuzz.ledger").path
private let inputPath = dir.appendingPathComponent("input.jsonl").path

private let ledger: Ledger = {
    try? FileManager.default.removeItem(at: dir)
    try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return try! Ledger.create(at: ledgerPath)
}()
nonisolated(unsafe) private let observer = try! Connection(path: ledgerPath, mode: .readOnly)
nonisolated(unsafe) private var runs = 0

private func footprint() -> [Int] {
    ["import_source", "collection", "nft", "nft_trade", "loan", "loan_event", "hedge", "option_contract", "option_trade",
     "price_series", "price_observation", "option_quote", "external_flow", "balance_assertion", "entry_correction"].map { table in
        // Table names are the constants above.
        (try? observer.scalar("SELECT count(*) FROM \(table)", as: Int.self)) ?? -1
    }
}

func fuzzJournal(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = ledger
    _ = FileManager.default.createFile(atPath: inputPath, contents: Data(bytes: data, count: size))
    let before = footprint()
    do {
        _ = try ledger.importJournal(file: inputPath)
    } catch is ImportError {
        let after = footprint()
        if after != before { fatalError("a refused import changed the ledger: \(before) → \(after)") }
    } catch {
        fatalError("importJournal threw a non-ImportError: \(error)")
    }
    runs += 1
    if runs % 500 == 0 {
        guard (try? observer.integrityCheck().isClean) == true else { fatalError("integrity_check is not clean") }
    }
    return 0
}
