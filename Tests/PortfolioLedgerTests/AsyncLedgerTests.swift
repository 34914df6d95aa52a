import Foundation
import LedgerMath
import LedgerTestSupport
import Testing
@testable import PortfolioLedger

/// The `async` API (Ledger+Async.swift) and change notification (LedgerChanges.swift).
@Suite struct AsyncLedgerTests {
    let dir = TemporaryDirectory()

    @Test func asyncReadsAndWritesBookWhatTheSyncAPIBooks() async throws {
        let book = try SampleBook(dir: dir)
        let collection = try await book.ledger.write { tx in
            try tx.addCollection(chain: "ethereum", contractAddress: "0xbc4ca0eda7647a8ab7c2061c2e118a18a936f13d", name: "BAYC")
        }
        let names = try await book.ledger.read { try $0.collections().map(\.name) }
        #expect(names == ["CryptoPunks", "BAYC"])
        let loan = book.loan
        let asyncLoan = try await book.ledger.read { try $0.loan(loan) }
        // A synchronous closure picks the synchronous overload (an async context prefers the async one).
        let syncLoan = try { try book.ledger.read { try $0.loan(loan) } }()
        #expect(asyncLoan == syncLoan && asyncLoan != nil)
        let check = try await book.ledger.check()
        #expect(check.isClean)
        _ = collection
    }

    @Test func aFailingAsyncWriteRollsBackAndThrowsTheLedgerError() async throws {
        let book = try SampleBook(dir: dir)
        let punk = book.punk
        await #expect(throws: LedgerError.self) {
            try await book.ledger.write { tx in
                _ = try tx.addCollection(chain: "ethereum", contractAddress: "0xbc4ca0eda7647a8ab7c2061c2e118a18a936f13d", name: "BAYC")
                // The punk is pledged to the sample loan: selling it is refused, so nothing of this write stays.
                _ = try tx.recordNFTTrade(nft: punk, side: .dispose, tradedAt: instant("2021-03-20T00:00:00Z"), price: eth("5000"))
            }
        }
        let names = try await book.ledger.read { try $0.collections().map(\.name) }
        #expect(names == ["CryptoPunks"])
    }

    @Test func aWriteCancelledWhileQueuedBooksNothing() async throws {
        let book = try SampleBook(dir: dir)
        let ledger = book.ledger
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        // A long write occupies the ledger's queue until the test releases it.
        let long = Task {
            try await ledger.write { _ in
                started.signal()
                release.wait()
            }
        }
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async { started.wait(); done.resume() }
        }
        let queued = Task {
            try await ledger.write { tx in
                _ = try tx.addCollection(chain: "ethereum", contractAddress: "0xbc4ca0eda7647a8ab7c2061c2e118a18a936f13d", name: "BAYC")
            }
        }
        queued.cancel()
        release.signal()
        try await long.value
        await #expect(throws: CancellationError.self) { try await queued.value }
        #expect(try await ledger.read { try $0.collections().count } == 1)
    }

    @Test func changesDeliverACommitOfAnotherConnection() async throws {
        let book = try SampleBook(dir: dir)
        let changes = try book.ledger.changes(pollingEvery: .milliseconds(20))
        // A second `Ledger` on the same file is a second SQLite connection, as another process would be.
        let other = try Ledger.open(at: book.ledger.path, clock: book.clock.read)
        try await other.write { tx in
            _ = try tx.addCollection(chain: "ethereum", contractAddress: "0xbc4ca0eda7647a8ab7c2061c2e118a18a936f13d", name: "BAYC")
        }
        let change = try await firstElement(of: changes, within: 30)
        #expect(change?.sequenceNumber == 1, "no change delivered within 30 s")
        #expect(change?.description == "ledger change #1 seen at 2021-03-12T00:00:00Z")
    }

    @Test func changesSeeThisLedgersOwnWritesToo() async throws {
        let book = try SampleBook(dir: dir)
        let changes = try book.ledger.changes(pollingEvery: .milliseconds(20))
        try await book.ledger.write { tx in
            _ = try tx.addCollection(chain: "ethereum", contractAddress: "0xbc4ca0eda7647a8ab7c2061c2e118a18a936f13d", name: "BAYC")
        }
        #expect(try await firstElement(of: changes, within: 30) != nil, "no change delivered within 30 s")
    }

    @Test func readsThatChangeNothingAreNotChanges() async throws {
        let book = try SampleBook(dir: dir)
        let changes = try book.ledger.changes(pollingEvery: .milliseconds(10))
        _ = try await book.ledger.read { try $0.loans() }
        _ = try await book.ledger.check()
        // Polls many times over half a second; none may report a change.
        #expect(try await firstElement(of: changes, within: 0.5) == nil)
    }

    @Test func observeDeliversTheCurrentValueThenTheValueAfterEachChange() async throws {
        let book = try SampleBook(dir: dir)
        let names = try book.ledger.observe(pollingEvery: .milliseconds(20)) { try $0.collections().map(\.name) }
        var iterator = names.makeAsyncIterator()
        #expect(try await iterator.next() == ["CryptoPunks"])
        let other = try Ledger.open(at: book.ledger.path, clock: book.clock.read)
        try await other.write { tx in
            _ = try tx.addCollection(chain: "ethereum", contractAddress: "0xbc4ca0eda7647a8ab7c2061c2e118a18a936f13d", name: "BAYC")
        }
        #expect(try await iterator.next() == ["CryptoPunks", "BAYC"])
    }

    @Test func watchingAFileThatIsGoneIsAClearError() throws {
        let book = try SampleBook(dir: dir)
        try FileManager.default.removeItem(atPath: book.ledger.path)
        #expect {
            _ = try book.ledger.changes()
        } throws: { error in
            guard case LedgerError.notALedger(let path, let reason) = error else { return false }
            return path == book.ledger.path && reason == "no such file"
        }
    }

    @Test func resultsPrintAsSentences() throws {
        let book = try SampleBook(dir: dir)
        let loan = book.loan
        let state = try book.ledger.read { try $0.loanState(loan, at: instant("2021-03-20T00:00:00Z")) }
        #expect(state.description.hasPrefix("loan 1 at 2021-03-20T00:00:00Z: open, debt 1016.438356164383561643 ETH"))
        let record = try #require(try book.ledger.read { try $0.loan(loan) })
        #expect(record.description == "loan 1 (nftfi, fixed_repayment): 1000 ETH from 2021-03-12T00:00:00Z to 2021-04-11T00:00:00Z, collateral [nft 1]")
        #expect(!String(describing: state).contains("PortfolioLedger."))
    }
}
