import Foundation
import LedgerMath

/// `async` forms of the ledger's reads and writes, for apps that live on Swift concurrency.
///
/// SQLite calls block: a write may wait up to the busy timeout for another process's lock, and a
/// report over a long history computes for a while. These run the same synchronous transaction on
/// the ledger's own serial queue and suspend the calling task meanwhile, so the caller's executor
/// (the main actor, say) is never blocked. Semantics are those of ``Ledger/read(asKnownAt:_:)-62mf2``
/// and ``Ledger/write(_:)-3rkxe``: one snapshot, one all-or-nothing transaction.
///
/// ```swift
/// let loans = try await ledger.read { try $0.loans() }
/// try await ledger.write { tx in try tx.recordPrice(…) }
/// ```
extension Ledger {
    /// Runs `body` in one write transaction without blocking the calling task's executor.
    /// A task cancelled before the transaction starts throws `CancellationError` and books nothing;
    /// once started, the transaction runs to its end (commit or rollback).
    @discardableResult
    public func write<R: Sendable>(_ body: @escaping @Sendable (LedgerTransaction) throws -> R) async throws -> R {
        try await onLedgerQueue { try self.write(body) }
    }

    /// Runs `body` against one consistent snapshot without blocking the calling task's executor.
    /// - Parameters:
    ///   - asKnownAt: as in ``Ledger/read(asKnownAt:_:)-62mf2``.
    ///   - body: the queries; runs on the ledger's queue, so it must be `@Sendable`.
    public func read<R: Sendable>(asKnownAt: Instant? = nil,
                                  _ body: @escaping @Sendable (LedgerSnapshot) throws -> R) async throws -> R {
        try await onLedgerQueue { try self.read(asKnownAt: asKnownAt, body) }
    }

    /// ``Ledger/check()-r33d`` without blocking the calling task's executor.
    public func check() async throws -> LedgerCheckReport {
        try await onLedgerQueue { try self.check() }
    }

    private func onLedgerQueue<R: Sendable>(_ work: @escaping @Sendable () throws -> R) async throws -> R {
        try Task.checkCancellation()
        let cancelled = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                asyncQueue.async {
                    // A task cancelled while queued behind a long write books nothing.
                    if cancelled.isSet { return continuation.resume(throwing: CancellationError()) }
                    continuation.resume(with: Result { try work() })
                }
            }
        } onCancel: {
            cancelled.set()
        }
    }
}

/// Set once by a task's cancellation handler, read by the queued work (another thread).
private final class CancellationFlag: @unchecked Sendable {
    // @unchecked: `value` is only touched while `lock` is held.
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
