#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LedgerMath
internal import SQLiteDB

extension Ledger {
    /// Imports a CSV file of one kind in **one transaction**: every row is booked, or — at the
    /// first bad row — nothing is, and the ``ImportError`` names the file, line, column and reason.
    ///
    /// The file is recorded as an `import_source` (kind `csv`, the path, a content hash of the
    /// file's bytes and of `options`) and every booked row points to it. Importing the same file
    /// with the same options again changes nothing and returns ``ImportSummary/alreadyImported``.
    /// Rows identical to what the ledger already holds (e.g. overlapping price history from
    /// another file) are skipped and counted as duplicates.
    ///
    /// Memory stays bounded whatever the file's size: the file is streamed in chunks.
    ///
    /// ```swift
    /// let summary = try ledger.importCSV(.prices, file: "eth.csv", options: ImportPreset.ethUSDCoinGecko.options)
    /// ```
    /// - Parameters:
    ///   - kind: what the file holds (one ``CSVImportKind``).
    ///   - file: the CSV file's path.
    ///   - options: column mapping, constants, time rules; a preset's `options` for the real exports.
    ///   - progress: called every 16,384 rows (on the calling thread).
    public func importCSV(_ kind: CSVImportKind, file: String, options: CSVImportOptions = CSVImportOptions(),
                          progress: ((ImportProgress) -> Void)? = nil) throws -> ImportSummary {
        let hash = try ContentHash.of(file: file, settings: "csv \(kind.rawValue)\u{1E}\(options.canonicalText)")
        let reader = try CSVReader(path: file)
        return try importing(kind: kind.rawValue, sourceKind: .csv, file: file, hash: hash) { book in
            let importer = try CSVImporter(reader: reader, kind: kind, options: options, book: book, progress: progress)
            let counts = try importer.run()
            try ContentHash.check(reader.contentHash, against: hash, file: file)
            return (reader.recordsRead, counts)
        }
    }

    /// Imports observations of one price series from a CSV file.
    ///
    /// `observed_at` and `price` are the default column names (map others with `columns`); the
    /// series is created with `kind` (and `base`/`quote`) when it does not exist.
    public func importPrices(file: String, series: String, kind: PriceSeriesKind? = nil, base: String? = nil, quote: String? = nil,
                             columns: [String: String] = [:], dateOnlyTime: DateOnlyTime = .midnightUTC,
                             instantFormat: InstantFormat = .iso8601,
                             progress: ((ImportProgress) -> Void)? = nil) throws -> ImportSummary {
        var constants = ["series": series]
        constants["kind"] = kind?.rawValue
        constants["base"] = base
        constants["quote"] = quote
        return try importCSV(.prices, file: file, options: CSVImportOptions(columns: columns, constants: constants, dateOnlyTime: dateOnlyTime,
                                                                            instantFormat: instantFormat),
                             progress: progress)
    }

    /// Runs `body` in one write transaction after recording the import source; a file already
    /// imported (same kind and hash) is not read again.
    func importing(kind: String, sourceKind: ImportSource.Kind, file: String, hash: String,
                   _ body: (ImportBook) throws -> (rows: Int, counts: ImportCounts)) throws -> ImportSummary {
        try write { tx in
            let (source, isNew) = try tx.addImportSource(kind: sourceKind, name: file, contentHash: hash)
            guard isNew else {
                return ImportSummary(file: file, kind: kind, sourceID: source, contentHash: hash, alreadyImported: true,
                                     rowsRead: 0, inserted: 0, skippedDuplicates: 0)
            }
            let book = ImportBook(tx: tx, source: source)
            let rows: Int, counts: ImportCounts
            do {
                // Holding rules are checked once the whole file is booked, so its rows may come in
                // any order and a correction applies before its replacement is checked.
                (rows, counts) = try tx.withDeferredHoldingChecks { try body(book) }
            } catch let conflict as HoldingConflict {
                throw ImportError(file: file, line: book.line(of: conflict), reason: conflict.error.description, underlying: conflict.error)
            }
            return ImportSummary(file: file, kind: kind, sourceID: source, contentHash: hash, alreadyImported: false,
                                 rowsRead: rows, inserted: counts.inserted, skippedDuplicates: counts.skipped,
                                 skippedNotOwn: counts.notOwn, rowsWithoutBuyer: counts.withoutBuyer)
        }
    }
}

/// The `import_source.content_hash` of an imported file:
/// `xxh64-<hash of the bytes>-<size in bytes>-<hash of the import settings>` (hex XXH64, seed 0).
///
/// The settings (kind, column mapping, constants, time of day of dates) are part of it, so one
/// file imported two ways — CryptoPunks' daily minimum and median as two series — are two
/// sources, while the same file imported the same way again is recognised. Size and modification
/// time alone would not do: a file edited in place can keep both.
enum ContentHash {
    static func of(file: String, settings: String) throws -> String {
        let fd = try openRegularFile(file).fd
        defer { close(fd) }
        var hasher = XXH64()
        var size: Int64 = 0
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer, chunk)
            if n < 0 {
                if errno == EINTR { continue }
                throw ImportError(file: file, reason: "read failed: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            hasher.update(UnsafeRawBufferPointer(start: buffer, count: n))
            size += Int64(n)
        }
        return format(bytes: hasher.digest(), size: size, settings: settings)
    }

    static func format(bytes: UInt64, size: Int64, settings: String) -> String {
        "xxh64-\(bytes.hex16)-\(size)-\(XXH64.hash(settings.utf8).hex16)"
    }

    /// Refuses an import whose file changed between hashing and reading.
    static func check(_ read: (digest: UInt64, size: Int64), against hash: String, file: String) throws {
        let prefix = "xxh64-\(read.digest.hex16)-\(read.size)-"
        guard hash.hasPrefix(prefix) else {
            throw ImportError(file: file, reason: "the file changed while it was being imported; nothing was written")
        }
    }
}
