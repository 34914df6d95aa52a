import Foundation
import LedgerMath
internal import SQLiteDB

/// A commit to the ledger file, seen by ``Ledger/changes(pollingEvery:)``: made by this `Ledger`,
/// another `Ledger` on the same file, or another process (an import from the CLI, say).
public struct LedgerChange: Sendable, Hashable, CustomStringConvertible {
    /// 1 for the first change this sequence delivers, then 2, 3, … Commits that land between two
    /// polls arrive as one change: re-read what you show, don't count commits.
    public var sequenceNumber: Int
    /// When the change was seen, by the ledger's clock.
    public var detectedAt: Instant

    public var description: String { "ledger change #\(sequenceNumber) seen at \(detectedAt)" }
}

extension Ledger {
    /// The commits made to this ledger file from now on, by anyone, as an asynchronous sequence.
    ///
    /// SQLite tells a connection that *another* connection committed through
    /// `PRAGMA data_version`; the sequence keeps a read-only connection of its own and asks it every
    /// `interval`, so it sees this process's writes and every other process's alike. The baseline
    /// is taken before this method returns: a commit made right after the call is delivered.
    /// The sequence ends when the consuming task is cancelled or the loop breaks; it throws
    /// ``LedgerError`` if the file can no longer be read.
    ///
    /// ```swift
    /// for try await change in try ledger.changes() {
    ///     let loans = try await ledger.read { try $0.loans() }   // re-read what the screen shows
    /// }
    /// ```
    public func changes(pollingEvery interval: Duration = .milliseconds(100)) throws -> AsyncThrowingStream<LedgerChange, any Error> {
        let watcher = try DataVersionWatcher(path: path)
        let clock = self.clock
        return AsyncThrowingStream { continuation in
            let task = Task.detached {
                var delivered = 0
                do {
                    while true {
                        try await Task.sleep(for: interval)
                        guard try watcher.sawCommit() else { continue }
                        delivered += 1
                        continuation.yield(LedgerChange(sequenceNumber: delivered, detectedAt: clock()))
                    }
                } catch is CancellationError {
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
                watcher.close()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// The value of `query` now, then again after every change to the file (GRDB's
    /// `ValueObservation`, by polling): a screen that shows loans stays current when another
    /// process imports prices or repays a loan. Values are delivered even when equal to the last.
    public func observe<R: Sendable>(pollingEvery interval: Duration = .milliseconds(100), asKnownAt: Instant? = nil,
                                     _ query: @escaping @Sendable (LedgerSnapshot) throws -> R) throws -> AsyncThrowingStream<R, any Error> {
        let changes = try changes(pollingEvery: interval)
        return AsyncThrowingStream { continuation in
            let task = Task.detached {
                do {
                    continuation.yield(try await self.read(asKnownAt: asKnownAt, query))
                    for try await _ in changes {
                        continuation.yield(try await self.read(asKnownAt: asKnownAt, query))
                    }
                    continuation.finish()
                } catch is CancellationError {
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

/// A read-only connection that reports whether any other connection committed since it last asked.
private final class DataVersionWatcher: @unchecked Sendable {
    // @unchecked: used by one task at a time (the one polling loop that owns it).
    private let db: Connection
    private var lastVersion: Int64

    init(path: String) throws {
        db = try LedgerFile.open(path: path, mode: .readOnly)
        do { lastVersion = try db.scalar("PRAGMA data_version", as: Int64.self) } catch let error as SQLiteError {
            throw LedgerError.database(error)
        }
    }

    func sawCommit() throws -> Bool {
        let version: Int64
        do { version = try db.scalar("PRAGMA data_version", as: Int64.self) } catch let error as SQLiteError {
            throw LedgerError.database(error)
        }
        defer { lastVersion = version }
        return version != lastVersion
    }

    func close() { db.close() }
}
