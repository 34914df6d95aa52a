import LedgerMath
internal import SQLiteDB

/// Inserts the price observations of an import: the price import's fast path.
///
/// Rows go in multi-row `INSERT … VALUES (…), (…), …` statements of ``batchSize`` rows, which
/// saves SQLite's per-statement work (a statement journal, VDBE start-up, bind/reset) — measured
/// in `docs/decisions.md` (D14). Every row is validated as by
/// ``LedgerTransaction/addObservations(_:to:source:)`` and passes the schema's CHECKs and
/// foreign keys.
///
/// **Appends skip the append-only trigger and the per-row foreign-key lookups** (decisions D28).
/// `price_observation_no_replace` looks for a stored row with the same series and instant before
/// each insert, to skip an identical one and refuse a different one; with the two foreign-key
/// lookups (SQLite opens a cursor on the parent table per row for each) that was more than half
/// of SQLite's work per imported row. A row whose instant is later than every instant of its
/// series — stored before the import or queued by it — cannot meet such a row, so for it the
/// trigger does nothing; and its series and import source are rows this import has read or
/// written in the same transaction, checked once (per series, per import) instead of per row. So
/// these rows are inserted with the connection's triggers and foreign keys suspended,
/// ``appendWindow`` rows at a time. Any other row (out of order, or overlapping stored history) is
/// inserted with every check, as before, after the appends queued ahead of it. The suspension is
/// used only when the triggers on `price_observation` are exactly the ones this reasoning is about
/// (``TriggerCheck``); otherwise every row takes the checked path. CHECK constraints always run.
///
/// When a batch fails, its rows are re-inserted one at a time so the error names the exact row;
/// the caller's transaction is rolled back either way.
struct ObservationBatchInserter {
    static let batchSize = 64
    /// Append rows inserted per suspension (suspending expires the connection's prepared
    /// statements, so it is done per window, not per row). 16,384 rows ≈ 512 KiB queued.
    static let appendWindow = 16_384

    struct Row {
        var series: Int64
        var observedAt: Int64
        var price: Double
        var line: Int
    }

    let tx: LedgerTransaction
    let source: ImportSourceID?
    /// False when `price_observation` has triggers other than the known ones: no suspension.
    let appendsSkipChecks: Bool
    private(set) var inserted = 0
    /// Rows later than every instant of their series: inserted with triggers and foreign keys suspended.
    private var appends: [Row] = []
    /// Other rows: inserted with the trigger (identical skipped, different refused).
    private var checked: [Row] = []
    /// Series id → latest instant stored or queued, for series other than ``currentSeries``.
    private var latest: [Int64: Int64] = [:]
    private var currentSeries: Int64?
    private var currentLatest: Int64 = .min

    init(tx: LedgerTransaction, source: ImportSourceID?) throws {
        self.tx = tx
        self.source = source
        var skip = try TriggerCheck.onlyKnownTriggers(tx.db)
        if let source, skip {
            // What the foreign key on source_id would check for every row, checked once.
            skip = try tx.db.scalarIfAny("SELECT 1 FROM import_source WHERE source_id = ?", source.rawValue, as: Int64.self) != nil
        }
        appendsSkipChecks = skip
        appends.reserveCapacity(skip ? Self.appendWindow : 0)
        checked.reserveCapacity(Self.batchSize)
    }

    /// Validates `observation` of `series` (from file line `line`) and queues it; full batches
    /// are inserted.
    /// - Throws: ``LedgerError`` for an invalid value; a database refusal of a batch is rethrown
    ///   as ``BatchRowError`` naming the row's line.
    mutating func add(_ observation: PriceObservation, to series: PriceSeries, line: Int) throws {
        try Validate.instant(observation.observedAt, "observed_at")
        try Validate.finite(observation.price, "price")
        if series.kind != .rate && observation.price <= 0 {
            throw LedgerError.invalidValue(field: "price", reason: "\(observation.price) at \(observation.observedAt) must be positive for a \(series.kind.rawValue) series")
        }
        let row = Row(series: series.id.rawValue, observedAt: observation.observedAt.unixSeconds, price: observation.price, line: line)
        if appendsSkipChecks, row.observedAt > (try latestInstant(of: row.series)) {
            currentLatest = row.observedAt
            appends.append(row)
            if appends.count == Self.appendWindow { try flushAppends() }
        } else {
            try flushAppends()   // a checked row may repeat an append queued ahead of it
            checked.append(row)
            if checked.count == Self.batchSize { try flushChecked() }
        }
    }

    /// Inserts what is queued.
    mutating func flush() throws {
        try flushAppends()
        try flushChecked()
    }

    /// The latest instant stored for `series` (any `recorded_at`, as the trigger looks), or one
    /// queued by this import; `Int64.min` for none. The series of the previous row is kept out of
    /// the dictionary, as files hold runs of one series.
    private mutating func latestInstant(of series: Int64) throws -> Int64 {
        if series == currentSeries { return currentLatest }
        if let currentSeries { latest[currentSeries] = currentLatest }
        if let known = latest[series] {
            currentLatest = known
        } else {
            // What the foreign key would check for every row, checked once per series.
            guard try tx.db.scalarIfAny("SELECT 1 FROM price_series WHERE series_id = ?", series, as: Int64.self) != nil else {
                throw LedgerError.unknownEntity(kind: "price series", id: String(series))
            }
            currentLatest = try tx.db.scalar("SELECT max(observed_at) FROM price_observation WHERE series_id = ?", series, as: Int64?.self) ?? .min
        }
        currentSeries = series
        return currentLatest
    }

    private mutating func flushAppends() throws {
        guard !appends.isEmpty else { return }
        let rows = appends
        appends.removeAll(keepingCapacity: true)
        try tx.db.withSuspended([.triggers, .foreignKeys]) { try insertInBatches(rows) }
    }

    private mutating func flushChecked() throws {
        guard !checked.isEmpty else { return }
        let rows = checked
        checked.removeAll(keepingCapacity: true)
        try insertInBatches(rows)
    }

    /// Inserts `rows` ``batchSize`` at a time; a refused batch is retried row by row to name the row.
    private mutating func insertInBatches(_ rows: [Row]) throws {
        var start = rows.startIndex
        while start < rows.endIndex {
            let batch = rows[start..<min(start + Self.batchSize, rows.endIndex)]
            do {
                inserted += try insert(batch)
            } catch {
                for row in batch {
                    do { inserted += try insert(CollectionOfOne(row)) } catch { throw BatchRowError(line: row.line, error: error) }
                }
                throw error
            }
            start = batch.endIndex
        }
    }

    /// `?1` is `recorded_at` and `?2` `source_id`, shared by every row; row r binds `?(3r+3)…?(3r+5)`.
    private static func sql(rows: Int) -> String {
        "INSERT INTO price_observation (series_id, observed_at, price, recorded_at, source_id) VALUES "
            + (0..<rows).map { r in "(?\(3 * r + 3), ?\(3 * r + 4), ?\(3 * r + 5), ?1, ?2)" }.joined(separator: ", ")
    }

    private static let fullBatchSQL = sql(rows: batchSize)

    private func insert<C: Collection<Row>>(_ rows: C) throws -> Int {
        let sql = rows.count == Self.batchSize ? Self.fullBatchSQL : Self.sql(rows: rows.count)
        let recorded = tx.recordedAt.unixSeconds
        let source = source?.rawValue
        return try tx.db.withStatement(sql) { statement in
            try statement.bind(recorded, at: 1)
            try statement.bind(source, at: 2)
            var index: Int32 = 3
            for row in rows {
                try statement.bind(row.series, at: index)
                try statement.bind(row.observedAt, at: index + 1)
                try statement.bind(row.price, at: index + 2)
                index += 3
            }
            _ = try statement.step()
            return tx.db.changes
        }
    }
}

/// Whether the triggers that an insert into `price_observation` fires are exactly the ones
/// ``ObservationBatchInserter`` reasons about: the append-only trio of migration 0002, with the
/// `BEFORE INSERT` one unchanged. A migration that adds, drops or rewrites any of them (or a
/// `TEMP` trigger on the table) turns the suspension off until this check is updated with it.
enum TriggerCheck {
    static let knownInsertTriggerSQL = """
        CREATE TRIGGER price_observation_no_replace BEFORE INSERT ON price_observation
        WHEN EXISTS (SELECT 1 FROM price_observation WHERE series_id = NEW.series_id AND observed_at = NEW.observed_at)
        BEGIN
            SELECT RAISE(IGNORE) FROM price_observation
             WHERE series_id = NEW.series_id AND observed_at = NEW.observed_at AND price = NEW.price;
            SELECT RAISE(ABORT, 'append-only: price_observation already has a different price for this series and instant');
        END
        """
    static let knownTriggers: Set<String> = ["price_observation_no_update", "price_observation_no_delete", "price_observation_no_replace"]

    static func onlyKnownTriggers(_ db: Connection) throws -> Bool {
        var names: [String] = []
        var insertTriggerSQL: String?
        try db.query("""
            SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'price_observation'
            UNION ALL SELECT name, sql FROM sqlite_temp_schema WHERE type = 'trigger' AND tbl_name = 'price_observation'
            """) { s in
            let name: String = try s.column("name")
            names.append(name)
            if name == "price_observation_no_replace" { insertTriggerSQL = try s.column("sql") }
        }
        return names.count == knownTriggers.count && Set(names) == knownTriggers && insertTriggerSQL == knownInsertTriggerSQL
    }
}

/// A database refusal of one row of a batch, with the file line of that row.
struct BatchRowError: Error {
    var line: Int
    var error: any Error
}
