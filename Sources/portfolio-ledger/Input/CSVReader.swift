import Foundation

/// A small streaming reader of comma-separated values: RFC 4180 plus what spreadsheets export.
///
/// - Fields are separated by `,`; records end at LF, CRLF or a lone CR; a final line ending is
///   optional. A UTF-8 byte-order mark at the start is skipped.
/// - A field that starts with `"` is quoted: it may hold commas, line breaks and `""` (one quote).
///   Spaces or tabs may follow the closing quote; anything else there is an error, and so is a
///   quote inside an unquoted field.
/// - Unquoted fields lose leading and trailing spaces and tabs; quoted fields are kept verbatim.
/// - Lines that are empty (or only blanks) are skipped. Text must be valid UTF-8.
///
/// Every record carries the line number it starts on (1-based, counting every line ending, also
/// those inside quoted fields), so errors can point at the line a person sees in an editor.
///
/// Memory is one read chunk plus the current record, whatever the file's size: O(record).
/// Self-contained (Foundation only); errors are ``Failure`` values naming the line.
struct CSVReader {
    /// One record: its fields and the line it starts on.
    struct Record: Equatable {
        var line: Int
        var fields: [String]
    }

    /// Why the text is not CSV (or cannot be read), and on which line.
    struct Failure: Error, Equatable, CustomStringConvertible {
        var line: Int
        var reason: String
        var description: String { "line \(line): \(reason)" }
    }

    /// A field longer than this is refused rather than buffered (no legitimate input comes close).
    static let maxFieldBytes = 1 << 20

    private let handle: FileHandle
    private let chunkSize: Int
    private var buffer: [UInt8] = []
    private var position = 0
    private var reachedEnd = false
    private var startedReading = false
    private var line = 1

    init(handle: FileHandle, chunkSize: Int = 64 * 1024) {
        self.handle = handle
        self.chunkSize = max(chunkSize, 4)
    }

    /// The next non-blank record, or nil at the end of the input.
    mutating func next() throws(Failure) -> Record? {
        while try peek() != nil {
            let startLine = line
            var fields: [String] = []
            var anyQuoted = false
            var terminator = Terminator.comma
            while terminator == .comma {
                let field = try readField(index: fields.count + 1)
                fields.append(field.text)
                anyQuoted = anyQuoted || field.quoted
                terminator = field.terminator
            }
            if fields.count == 1 && fields[0].isEmpty && !anyQuoted { continue }   // a blank line
            return Record(line: startLine, fields: fields)
        }
        return nil
    }

    // MARK: - Fields

    private enum Terminator { case comma, lineEnd, endOfInput }

    private static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ",")
    private static let lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
    private static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")

    private mutating func readField(index: Int) throws(Failure) -> (text: String, quoted: Bool, terminator: Terminator) {
        var bytes: [UInt8] = []
        let quoted = try peek() == Self.quote
        if quoted {
            try readQuoted(into: &bytes)
            while let b = try peek(), b == Self.space || b == Self.tab { position += 1 }
        } else {
            try readUnquoted(into: &bytes)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw Failure(line: line, reason: "field \(index) is not valid UTF-8")
        }
        return (text, quoted, try readTerminator(afterQuotedField: quoted))
    }

    private mutating func readUnquoted(into bytes: inout [UInt8]) throws(Failure) {
        while let b = try peek(), b != Self.comma, b != Self.lf, b != Self.cr {
            guard b != Self.quote else {
                throw Failure(line: line, reason: "a quote inside an unquoted field (quote the whole field and double the inner quotes)")
            }
            try append(b, to: &bytes)
            position += 1
        }
        while let first = bytes.first, first == Self.space || first == Self.tab { bytes.removeFirst() }
        while let last = bytes.last, last == Self.space || last == Self.tab { bytes.removeLast() }
    }

    private mutating func readQuoted(into bytes: inout [UInt8]) throws(Failure) {
        let openedOn = line
        position += 1   // the opening quote
        while true {
            guard let b = try peek() else {
                throw Failure(line: openedOn, reason: "a quoted field is never closed")
            }
            position += 1
            if b == Self.quote {
                guard try peek() == Self.quote else { return }   // the closing quote
                position += 1
            } else if b == Self.lf {
                line += 1
            } else if b == Self.cr, try peek() != Self.lf {
                line += 1   // a lone CR ends a line; in CRLF the LF counts
            }
            try append(b, to: &bytes)
        }
    }

    private mutating func readTerminator(afterQuotedField quoted: Bool) throws(Failure) -> Terminator {
        switch try peek() {
        case nil:
            return .endOfInput
        case Self.comma:
            position += 1
            return .comma
        case Self.lf:
            position += 1
            line += 1
            return .lineEnd
        case Self.cr:
            position += 1
            if try peek() == Self.lf { position += 1 }
            line += 1
            return .lineEnd
        default:
            // Only reachable after a closing quote: readUnquoted stops at a separator or the end.
            throw Failure(line: line, reason: quoted ? "unexpected text after a closing quote" : "unexpected character")
        }
    }

    private func append(_ byte: UInt8, to bytes: inout [UInt8]) throws(Failure) {
        guard bytes.count < Self.maxFieldBytes else {
            throw Failure(line: line, reason: "a field is longer than \(Self.maxFieldBytes) bytes")
        }
        bytes.append(byte)
    }

    // MARK: - Bytes

    /// The next byte without consuming it, reading another chunk when the buffer is used up.
    private mutating func peek() throws(Failure) -> UInt8? {
        if position == buffer.count {
            try refill()
            if position == buffer.count { return nil }
        }
        return buffer[position]
    }

    private mutating func refill() throws(Failure) {
        buffer.removeAll(keepingCapacity: true)
        position = 0
        while !reachedEnd && (buffer.isEmpty || (!startedReading && buffer.count < 3)) {
            let chunk: Data?
            do { chunk = try handle.read(upToCount: chunkSize) } catch {
                throw Failure(line: line, reason: "cannot read: \(error.localizedDescription)")
            }
            if let chunk, !chunk.isEmpty { buffer.append(contentsOf: chunk) } else { reachedEnd = true }
        }
        if !startedReading {
            startedReading = true
            if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        }
    }
}

/// CSV with a header row: records become rows whose cells are looked up by column name.
///
/// Column names are matched without regard to case or surrounding blanks. Columns the caller does
/// not ask for are allowed (and ignored); a missing required column, a duplicate name, or a row
/// whose field count differs from the header's is an error naming the line.
struct CSVTable {
    /// One data row.
    struct Row {
        var line: Int
        fileprivate var fields: [String]
        fileprivate var index: [String: Int]

        /// The cell in `column`, or nil when the file has no such column.
        func value(_ column: String) -> String? { index[column].map { fields[$0] } }
    }

    /// Column names as normalised (lower case, trimmed), in file order.
    let columns: [String]
    private let index: [String: Int]
    private var reader: CSVReader

    /// Reads the header and checks that every `required` column (lower case) is present.
    init(reader: CSVReader, required: [String]) throws(CSVReader.Failure) {
        self.reader = reader
        guard let header = try self.reader.next() else {
            throw CSVReader.Failure(line: 1, reason: "the file is empty; expected a header row naming the columns \(required.joined(separator: ","))")
        }
        var index: [String: Int] = [:]
        var columns: [String] = []
        for (i, raw) in header.fields.enumerated() {
            let name = raw.trimmingCharacters(in: .whitespaces).lowercased()
            guard !name.isEmpty else { throw CSVReader.Failure(line: header.line, reason: "header column \(i + 1) has no name") }
            guard index[name] == nil else { throw CSVReader.Failure(line: header.line, reason: "column '\(name)' appears twice in the header") }
            index[name] = i
            columns.append(name)
        }
        for name in required where index[name] == nil {
            throw CSVReader.Failure(line: header.line, reason: "missing column '\(name)' (the header has: \(columns.joined(separator: ", ")))")
        }
        self.columns = columns
        self.index = index
    }

    func has(_ column: String) -> Bool { index[column] != nil }

    /// The next data row, or nil at the end.
    mutating func nextRow() throws(CSVReader.Failure) -> Row? {
        guard let record = try reader.next() else { return nil }
        guard record.fields.count == columns.count else {
            throw CSVReader.Failure(line: record.line, reason: "\(record.fields.count) field(s), but the header has \(columns.count) columns")
        }
        return Row(line: record.line, fields: record.fields, index: index)
    }
}
