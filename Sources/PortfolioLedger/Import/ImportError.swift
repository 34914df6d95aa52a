/// Why an import stopped: the file, the physical line (1-based) and the column where the first bad
/// value was found, and the reason. Nothing of the file was written to the ledger.
public struct ImportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The imported file's path, as given.
    public var file: String
    /// 1-based physical line of the file (a quoted field may span lines; this is the line where the
    /// problem is), or `nil` when the problem is the file as a whole (unreadable, empty, …).
    public var line: Int?
    /// The column (its header name in a CSV file, the key in a JSON line), when one is at fault.
    public var column: String?
    /// What is wrong, in words.
    public var reason: String
    /// The ledger's own error behind the refusal (a validation, reference or state conflict of the
    /// write API), when there is one.
    public var underlying: LedgerError?
    /// True when the file itself could not be opened for reading (missing, no permission, a
    /// directory or another non-regular file): nothing of it was read.
    public var isUnreadableFile: Bool

    public init(file: String, line: Int? = nil, column: String? = nil, reason: String, underlying: LedgerError? = nil,
                isUnreadableFile: Bool = false) {
        self.file = file
        self.line = line
        self.column = column
        self.reason = reason
        self.underlying = underlying
        self.isUnreadableFile = isUnreadableFile
    }

    /// `file:line: column 'name': reason`.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ":"
        if let column { text += " column '\(column)':" }
        return text + " " + reason
    }
}

/// What an import did.
public struct ImportSummary: Sendable, Equatable {
    /// The imported file's path, as given.
    public var file: String
    /// The import kind (`prices`, `quotes`, …, `jsonl`).
    public var kind: String
    /// The `import_source` row the file's rows point to.
    public var sourceID: ImportSourceID
    /// The `import_source.content_hash` of the file and its mapping (see `docs/import.md`).
    public var contentHash: String
    /// True when the same file was imported the same way before: nothing was read or changed.
    public var alreadyImported: Bool
    /// Data rows (CSV records after the header, or JSON lines that are not blank) read.
    public var rowsRead: Int
    /// Rows that booked something new.
    public var inserted: Int
    /// Rows identical to what the ledger already held, skipped.
    public var skippedDuplicates: Int
    /// `sales`: rows that are not a trade of the user's wallets (neither side is one of them, or
    /// both are: a transfer between own wallets is not a trade), skipped.
    public var skippedNotOwn: Int = 0
    /// `sales`: rows whose buyer the source does not record (`0x0…0` or empty); the user's buys
    /// among them cannot be recognised.
    public var rowsWithoutBuyer: Int = 0

    public init(file: String, kind: String, sourceID: ImportSourceID, contentHash: String, alreadyImported: Bool,
                rowsRead: Int, inserted: Int, skippedDuplicates: Int, skippedNotOwn: Int = 0, rowsWithoutBuyer: Int = 0) {
        self.skippedNotOwn = skippedNotOwn
        self.rowsWithoutBuyer = rowsWithoutBuyer
        self.file = file
        self.kind = kind
        self.sourceID = sourceID
        self.contentHash = contentHash
        self.alreadyImported = alreadyImported
        self.rowsRead = rowsRead
        self.inserted = inserted
        self.skippedDuplicates = skippedDuplicates
    }
}

/// Progress of a running import, reported every few thousand rows.
public struct ImportProgress: Sendable, Equatable {
    public var rowsRead: Int
    public var bytesRead: Int64
    public var totalBytes: Int64
}
