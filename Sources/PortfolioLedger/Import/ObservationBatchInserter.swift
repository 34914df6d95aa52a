import LedgerMath
import SQLiteDB

/// Inserts price observations of one series in multi-row `INSERT … VALUES (…), (…), …`
/// statements of ``batchSize`` rows: the price import's fast path.
///
/// Each row still goes through the schema's CHECKs, foreign keys and the append-only trigger
/// (identical re-inserts skipped, a different price for a known instant refused), exactly as with
/// ``LedgerTransaction/addObservations(_:to:source:)``, whose validation rules it applies too. What
/// batching saves is SQLite's per-statement work (a statement journal, VDBE start-up, bind/reset),
/// which for single-row statements cost as much as the insert itself — measured in
/// `docs/decisions.md` (D14).
///
/// When a batch fails, its rows are re-inserted one at a time so the error names the exact row;
/// the caller's transaction is rolled back either way.
struct ObservationBatchInserter {
    static let batchSize = 64

    let tx: LedgerTransaction
    let series: PriceSeries
    let source: ImportSourceID?
    private(set) var inserted = 0
    private var pending: [(observation: PriceObservation, line: Int)] = []

    init(tx: LedgerTransaction, series: PriceSeries, source: ImportSourceID?) {
        self.tx = tx
        self.series = series
        self.source = source
        pending.reserveCapacity(Self.batchSize)
    }

    /// Validates `observation` (from file line `line`) and queues it; full batches are inserted.
    /// - Throws: ``LedgerError`` for an invalid value; a database refusal of a batch is rethrown
    ///   as ``BatchRowError`` naming the row's line.
    mutating func add(_ observation: PriceObservation, line: Int) throws {
        try Validate.instant(observation.observedAt, "observed_at")
        try Validate.finite(observation.price, "price")
        if series.kind != .rate && observation.price <= 0 {
            throw LedgerError.invalidValue(field: "price", reason: "\(observation.price) at \(observation.observedAt) must be positive for a \(series.kind.rawValue) series")
        }
        pending.append((observation, line))
        if pending.count == Self.batchSize { try flush() }
    }

    /// Inserts what is queued.
    mutating func flush() throws {
        guard !pending.isEmpty else { return }
        let rows = pending
        pending.removeAll(keepingCapacity: true)
        do {
            inserted += try insert(rows.map(\.observation))
        } catch {
            // Find the row SQLite refused: the batch statement was undone, so retry row by row.
            for row in rows {
                do { inserted += try insert([row.observation]) } catch { throw BatchRowError(line: row.line, error: error) }
            }
            throw error
        }
    }

    private static func sql(rows: Int) -> String {
        "INSERT INTO price_observation (series_id, observed_at, price, recorded_at, source_id) VALUES "
            + repeatElement("(?, ?, ?, ?, ?)", count: rows).joined(separator: ", ")
    }

    private static let fullBatchSQL = sql(rows: batchSize)

    private func insert(_ observations: [PriceObservation]) throws -> Int {
        let sql = observations.count == Self.batchSize ? Self.fullBatchSQL : Self.sql(rows: observations.count)
        let recorded = tx.recordedAt.unixSeconds
        return try tx.db.withStatement(sql) { statement in
            var index: Int32 = 1
            for observation in observations {
                try statement.bind(series.id.rawValue, at: index)
                try statement.bind(observation.observedAt.unixSeconds, at: index + 1)
                try statement.bind(observation.price, at: index + 2)
                try statement.bind(recorded, at: index + 3)
                try statement.bind(source?.rawValue, at: index + 4)
                index += 5
            }
            _ = try statement.step()
            return tx.db.changes
        }
    }
}

/// A database refusal of one row of a batch, with the file line of that row.
struct BatchRowError: Error {
    var line: Int
    var error: any Error
}
