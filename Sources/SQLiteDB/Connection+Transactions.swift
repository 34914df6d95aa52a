import CSQLite

extension Connection {
    /// Runs `body` in a write transaction and commits when it returns.
    ///
    /// The outermost scope is `BEGIN IMMEDIATE`, which takes the write lock up front so a
    /// transaction that reads and then writes can never fail half-way with `SQLITE_BUSY`
    /// (the busy timeout applies to the BEGIN instead). A scope nested inside another transaction
    /// becomes a SAVEPOINT, so an inner failure that the caller catches undoes only the inner work.
    /// When `body` throws, everything it did is rolled back and its error — the first error — is
    /// rethrown, even if the rollback itself also fails.
    /// See <https://www.sqlite.org/lang_transaction.html> and <https://www.sqlite.org/lang_savepoint.html>.
    @discardableResult
    public func write<R>(_ body: (Connection) throws -> R) throws -> R {
        if !isAutocommit { return try savepoint(body) }
        try execute("BEGIN IMMEDIATE")
        let result: R
        do {
            result = try body(self)
        } catch {
            rollbackIgnoringError()
            throw error
        }
        do {
            try execute("COMMIT")
        } catch {
            // A failed COMMIT (e.g. a deferred foreign key) leaves the transaction open.
            rollbackIgnoringError()
            throw error
        }
        return result
    }

    /// Runs `body` in a read transaction: every query inside sees one consistent snapshot of the
    /// database, whatever other connections commit meanwhile (WAL). Inside an open transaction
    /// `body` simply runs in it.
    @discardableResult
    public func read<R>(_ body: (Connection) throws -> R) throws -> R {
        if !isAutocommit { return try body(self) }
        try execute("BEGIN DEFERRED")
        do {
            // A deferred transaction takes its snapshot at the first read; read now, so the
            // snapshot is the one at the start of the scope.
            _ = try scalar("PRAGMA schema_version", as: Int64.self)
            let result = try body(self)
            try execute("COMMIT")
            return result
        } catch {
            rollbackIgnoringError()
            throw error
        }
    }

    private func savepoint<R>(_ body: (Connection) throws -> R) throws -> R {
        savepointDepth += 1
        defer { savepointDepth -= 1 }
        // Savepoint names cannot be bound; this one is built from our own counter only.
        let name = "ledger_sp_\(savepointDepth)"
        try executeScript("SAVEPOINT \(name)")
        do {
            let result = try body(self)
            try executeScript("RELEASE \(name)")
            return result
        } catch {
            try? executeScript("ROLLBACK TO \(name); RELEASE \(name)")
            throw error
        }
    }

    private func rollbackIgnoringError() {
        // The caller is already throwing the first error; a failed ROLLBACK (e.g. SQLite already
        // rolled back after SQLITE_FULL) must not replace it.
        if !isAutocommit { _ = try? execute("ROLLBACK") }
    }
}
