#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A streaming reader of RFC 4180 CSV files with a header row.
///
/// - Reads the file in chunks into one buffer (1 MiB by default), so memory stays bounded
///   whatever the file's size; the buffer grows only for a single record longer than it, up to
///   ``maxRecordBytes``.
/// - Fields are byte ranges into that buffer: nothing is allocated per field unless asked for
///   (``string(_:)``), and numbers and instants are parsed straight from the bytes
///   (``double(_:)``, `instant(_:)`).
/// - Accepts quoted fields with embedded commas, newlines and doubled quotes (`""`), `\n` or
///   `\r\n` line ends, a UTF-8 byte-order mark, and skips blank lines. Refuses bytes that are not
///   UTF-8, a quote inside an unquoted field, text after a closing quote, an unterminated quote and
///   a record whose field count differs from the header's.
/// - Tracks physical line numbers: ``line`` is where the current record starts, and every error
///   names the file, the line and the column.
///
/// ```swift
/// let csv = try CSVReader(path: "prices.csv")
/// let t = try csv.column("observed_at"), p = try csv.column("price")
/// while try csv.next() { let at = try csv.instant(t); let price = try csv.double(p) }
/// ```
///
/// Not thread-safe; one reader per file and thread.
public final class CSVReader {
    /// The file's path, as given.
    public let path: String
    /// Size of the file in bytes when it was opened.
    public let fileSize: Int64
    /// The header's column names.
    public private(set) var header: [String] = []
    /// 1-based physical line where the current record starts (the header is line 1, unless blank
    /// lines precede it).
    public private(set) var line = 0
    /// Data records returned by ``next()`` so far.
    public private(set) var recordsRead = 0
    /// Size of the read buffer (for the bounded-memory test).
    var bufferCapacity: Int { capacity }
    /// Bytes consumed so far.
    public var bytesRead: Int64 { consumedBefore + Int64(start) }
    /// The longest record accepted, in bytes (a longer one is an error, not unbounded memory).
    public let maxRecordBytes: Int

    private let fd: Int32
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var start = 0
    private var end = 0
    private var atEOF = false
    private var consumedBefore: Int64 = 0
    /// Physical line number of the byte at `start`.
    private var nextLine = 1

    // The current record's fields: absolute buffer offsets, valid until the next `next()`.
    private var fieldStarts: UnsafeMutablePointer<Int>
    private var fieldEnds: UnsafeMutablePointer<Int>
    /// 0 = plain, 1 = quoted, 2 = quoted with doubled quotes to undo.
    private var fieldKinds: UnsafeMutablePointer<UInt8>
    private var fieldCapacity = 64
    /// Fields in the current record.
    public private(set) var fieldCount = 0
    private var unescaped: [UInt8] = []
    private var hasher = XXH64()

    /// XXH64 and size of every byte read so far (the whole file once ``next()`` returned false).
    var contentHash: (digest: UInt64, size: Int64) { (hasher.digest(), consumedBefore + Int64(end)) }

    /// Opens `path` and reads its header row.
    /// - Throws: ``ImportError`` when the file cannot be read, is empty, or its header is malformed.
    public init(path: String, chunkSize: Int = 1 << 20, maxRecordBytes: Int = 64 << 20) throws(ImportError) {
        (fd, fileSize) = try openRegularFile(path)
        self.path = path
        self.maxRecordBytes = max(maxRecordBytes, chunkSize)
        capacity = max(chunkSize, 64)
        buffer = .allocate(capacity: capacity)
        fieldStarts = .allocate(capacity: fieldCapacity)
        fieldEnds = .allocate(capacity: fieldCapacity)
        fieldKinds = .allocate(capacity: fieldCapacity)
        try fill()
        if end - start >= 3, buffer[start] == 0xEF, buffer[start + 1] == 0xBB, buffer[start + 2] == 0xBF { start += 3 }
        guard try readRecord() else { throw ImportError(file: path, reason: "the file is empty; expected a header row") }
        var names: [String] = []
        for i in 0..<fieldCount {
            let name = string(i)
            guard !name.isEmpty else { throw ImportError(file: path, line: line, reason: "header column \(i + 1) has no name") }
            guard !names.contains(name) else { throw ImportError(file: path, line: line, column: name, reason: "the header names this column twice") }
            names.append(name)
        }
        header = names
    }

    deinit {
        if fd >= 0 { close(fd) }
        buffer.deallocate()
        fieldStarts.deallocate()
        fieldEnds.deallocate()
        fieldKinds.deallocate()
    }

    /// The index of the header column `name`.
    /// - Throws: ``ImportError`` naming the missing column and the columns the file has.
    public func column(_ name: String) throws(ImportError) -> Int {
        guard let index = header.firstIndex(of: name) else {
            throw ImportError(file: path, line: 1, column: name,
                              reason: "no such column in the header (it has: \(header.joined(separator: ", ")))")
        }
        return index
    }

    /// The index of the header column `name`, or `nil` when the file has none.
    public func optionalColumn(_ name: String) -> Int? { header.firstIndex(of: name) }

    /// Advances to the next data record. Returns false at the end of the file.
    /// - Throws: ``ImportError`` with the line for malformed CSV, non-UTF-8 bytes or a field count
    ///   different from the header's.
    public func next() throws(ImportError) -> Bool {
        guard try readRecord() else { return false }
        guard fieldCount == header.count else {
            throw error(line: line, column: nil, "expected \(header.count) fields as in the header, found \(fieldCount)")
        }
        recordsRead += 1
        return true
    }

    /// An ``ImportError`` at the current record naming column `index`.
    public func error(column index: Int, _ reason: String, underlying: LedgerError? = nil) -> ImportError {
        ImportError(file: path, line: line, column: index < header.count ? header[index] : nil, reason: reason, underlying: underlying)
    }

    private func error(line: Int, column: String?, _ reason: String) -> ImportError {
        ImportError(file: path, line: line, column: column, reason: reason)
    }

    // MARK: - Field access

    /// Calls `body` with the bytes of field `index` of the current record (quotes removed and
    /// doubled quotes undone). The buffer is valid only during the call.
    @inline(__always)
    public func withField<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws(ImportError) -> R) throws(ImportError) -> R {
        let s = fieldStarts[index], e = fieldEnds[index]
        if fieldKinds[index] != 2 { return try body(UnsafeBufferPointer(start: buffer + s, count: e - s)) }
        unescaped.removeAll(keepingCapacity: true)
        var i = s
        while i < e {
            unescaped.append(buffer[i])
            i += buffer[i] == 0x22 ? 2 : 1
        }
        let copy = unescaped
        return try copy.withUnsafeBufferPointer { (p) throws(ImportError) -> R in try body(p) }
    }

    /// True when field `index` is empty (`,,` or `,"",`).
    @inline(__always) public func isEmpty(_ index: Int) -> Bool { fieldEnds[index] == fieldStarts[index] }

    /// Field `index` as text.
    public func string(_ index: Int) -> String {
        let s = fieldStarts[index], e = fieldEnds[index]
        if fieldKinds[index] != 2 { return String(decoding: UnsafeBufferPointer(start: buffer + s, count: e - s), as: UTF8.self) }
        var bytes: [UInt8] = []
        var i = s
        while i < e {
            bytes.append(buffer[i])
            i += buffer[i] == 0x22 ? 2 : 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Field `index` as a finite `Double`, parsed from the bytes.
    /// - Throws: naming the column for an empty field, NaN, ∞ or anything that is not a decimal number.
    @inline(__always) public func double(_ index: Int) throws(ImportError) -> Double {
        let value = try withField(index) { (p) throws(ImportError) -> Double? in ByteParsing.double(p) }
        guard let value else { throw invalidNumber(index) }
        return value
    }

    /// Field `index` as a `Double`, or `nil` when the field is empty.
    public func optionalDouble(_ index: Int) throws(ImportError) -> Double? {
        isEmpty(index) ? nil : try double(index)
    }

    private func invalidNumber(_ index: Int) -> ImportError {
        if isEmpty(index) { return error(column: index, "empty; a number is required") }
        let text = string(index)
        let lower = text.lowercased()
        if lower.contains("nan") || lower.contains("inf") { return error(column: index, "'\(text.prefix(40))' is not a finite number") }
        if let value = Double(text), !value.isFinite { return error(column: index, "'\(text.prefix(40))' is out of range (beyond ±1.8e308)") }
        return error(column: index, "'\(text.prefix(40))' is not a decimal number (digits, one optional '.', optional exponent)")
    }

    // MARK: - Reading records

    /// Reads the next record into the field arrays; false at the end of the file.
    private func readRecord() throws(ImportError) -> Bool {
        while true {
            switch try parseRecord() {
            case .record(let next, let newlines, let nonASCII):
                line = nextLine
                nextLine += newlines
                consumeTo(next)
                if nonASCII { try validateUTF8() }
                return true
            case .blankLine(let next):
                nextLine += 1
                consumeTo(next)
            case .endOfFile:
                return false
            case .needMore:
                try fill()
            }
        }
    }

    private func consumeTo(_ next: Int) {
        start = next
    }

    private enum ParseResult {
        case record(next: Int, newlines: Int, nonASCII: Bool)
        case blankLine(next: Int)
        case endOfFile
        case needMore
    }

    /// Parses one record starting at `start` without consuming it. `.needMore` when the buffer
    /// ends before the record does (and the file has more).
    private func parseRecord() throws(ImportError) -> ParseResult {
        let buf = buffer
        let end = self.end
        var i = start
        if i == end { return atEOF ? .endOfFile : .needMore }
        if buf[i] == 0x0A { return .blankLine(next: i + 1) }
        if buf[i] == 0x0D {
            if i + 1 == end { return atEOF ? .blankLine(next: i + 1) : .needMore }
            if buf[i + 1] == 0x0A { return .blankLine(next: i + 2) }
        }
        var count = 0
        var newlines = 0
        var nonASCII = false
        var starts = fieldStarts, ends = fieldEnds, kinds = fieldKinds, fieldLimit = fieldCapacity
        while true {
            if count == fieldLimit {
                growFields()
                (starts, ends, kinds, fieldLimit) = (fieldStarts, fieldEnds, fieldKinds, fieldCapacity)
            }
            if i < end && buf[i] == 0x22 {
                // Quoted field: up to the closing quote; "" is an escaped quote.
                let quoteLine = nextLine + newlines  // where the quote opened: the line to name if it never closes
                i += 1
                let fieldStart = i
                var escaped = false
                while true {
                    guard i < end else {
                        if atEOF { throw error(line: quoteLine, column: columnName(count), "unterminated quoted field (its quote opens on this line; the file ends inside it)") }
                        return .needMore
                    }
                    let b = buf[i]
                    if b == 0x22 {
                        if i + 1 < end {
                            if buf[i + 1] == 0x22 { escaped = true; i += 2; continue }
                            break
                        }
                        if atEOF { break }
                        return .needMore
                    }
                    if b == 0x0A { newlines += 1 }
                    if b &- 1 >= 0x7F { nonASCII = true }  // ≥ 0x80, or NUL
                    i += 1
                }
                starts[count] = fieldStart
                ends[count] = i
                kinds[count] = escaped ? 2 : 1
                count += 1
                i += 1  // the closing quote
                if i == end {
                    if !atEOF { return .needMore }
                    fieldCount = count
                    return .record(next: i, newlines: newlines + 1, nonASCII: nonASCII)
                }
                let b = buf[i]
                if b == 0x2C { i += 1; continue }
                if b == 0x0A {
                    fieldCount = count
                    return .record(next: i + 1, newlines: newlines + 1, nonASCII: nonASCII)
                }
                if b == 0x0D {
                    if i + 1 == end && !atEOF { return .needMore }
                    if i + 1 == end || buf[i + 1] == 0x0A {
                        fieldCount = count
                        return .record(next: min(i + 2, end), newlines: newlines + 1, nonASCII: nonASCII)
                    }
                }
                throw error(line: nextLine + newlines, column: columnName(count - 1), "unexpected text after a closing quote")
            }
            // Unquoted field: up to a comma or the end of the line.
            let fieldStart = i
            while i < end {
                let b = buf[i]
                if b == 0x2C || b == 0x0A || b == 0x22 { break }
                if b &- 1 >= 0x7F { nonASCII = true }  // ≥ 0x80, or NUL
                i += 1
            }
            if i == end && !atEOF { return .needMore }
            var fieldEnd = i
            if i < end && buf[i] == 0x22 {
                throw error(line: nextLine + newlines, column: columnName(count), "a quote inside an unquoted field (quote the whole field and double the quote)")
            }
            let endsRecord = i == end || buf[i] == 0x0A
            if endsRecord && fieldEnd > fieldStart && buf[fieldEnd - 1] == 0x0D { fieldEnd -= 1 }
            starts[count] = fieldStart
            ends[count] = fieldEnd
            kinds[count] = 0
            count += 1
            if endsRecord {
                fieldCount = count
                return .record(next: min(i + 1, end), newlines: newlines + 1, nonASCII: nonASCII)
            }
            i += 1  // the comma
            if i == end && atEOF {
                // A trailing comma at the very end of the file: one more, empty field.
                if count == fieldLimit { growFields() }
                fieldStarts[count] = i
                fieldEnds[count] = i
                fieldKinds[count] = 0
                fieldCount = count + 1
                return .record(next: i, newlines: newlines + 1, nonASCII: nonASCII)
            }
        }
    }

    private func columnName(_ index: Int) -> String? { index < header.count ? header[index] : nil }

    private func growFields() {
        let newCapacity = fieldCapacity * 2
        let starts = UnsafeMutablePointer<Int>.allocate(capacity: newCapacity)
        starts.update(from: fieldStarts, count: fieldCapacity)
        fieldStarts.deallocate()
        fieldStarts = starts
        let ends = UnsafeMutablePointer<Int>.allocate(capacity: newCapacity)
        ends.update(from: fieldEnds, count: fieldCapacity)
        fieldEnds.deallocate()
        fieldEnds = ends
        let kinds = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        kinds.update(from: fieldKinds, count: fieldCapacity)
        fieldKinds.deallocate()
        fieldKinds = kinds
        fieldCapacity = newCapacity
    }

    /// Moves the unconsumed bytes to the front (growing the buffer for a record longer than it)
    /// and reads more of the file.
    private func fill() throws(ImportError) {
        guard !atEOF else { return }
        if start > 0 {
            let remaining = end - start
            if remaining > 0 { (buffer).update(from: buffer + start, count: remaining) }
            consumedBefore += Int64(start)
            start = 0
            end = remaining
        }
        if end == capacity {
            guard capacity < maxRecordBytes else {
                throw error(line: nextLine, column: nil, "a record longer than \(maxRecordBytes) bytes (an unclosed quote?)")
            }
            let newCapacity = min(capacity * 2, maxRecordBytes)
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
            grown.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = grown
            capacity = newCapacity
        }
        while true {
            let n = read(fd, buffer + end, capacity - end)
            if n < 0 {
                if errno == EINTR { continue }
                throw error(line: nextLine, column: nil, "read failed: \(String(cString: strerror(errno)))")
            }
            if n == 0 { atEOF = true }
            hasher.update(UnsafeRawBufferPointer(start: buffer + end, count: n))
            end += n
            return
        }
    }

    /// Checks every field of the current record is UTF-8 text without NUL bytes (only called when
    /// a byte ≥ 0x80 or a NUL was seen). A NUL is refused: it is never part of a CSV export's text
    /// (a UTF-16 file is full of them), and SQLite's `length()` stops at one, so a value holding
    /// one would slip past the tables' length CHECKs or fail them with a baffling message.
    private func validateUTF8() throws(ImportError) {
        for index in 0..<fieldCount {
            let s = fieldStarts[index], e = fieldEnds[index]
            let bytes = UnsafeBufferPointer(start: buffer + s, count: e - s)
            if let nul = bytes.firstIndex(of: 0) {
                let lineOfByte = line + bytes[..<nul].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                throw error(line: lineOfByte, column: columnName(index) ?? "column \(index + 1)",
                            "a NUL byte (0x00) is not text (a UTF-16 file? re-export the file as UTF-8)")
            }
            guard bytes.contains(where: { $0 >= 0x80 }) else { continue }
            if String(validating: bytes, as: UTF8.self) == nil {
                let offset = bytes.firstIndex(where: { $0 >= 0x80 }) ?? 0
                let lineOfByte = line + bytes[..<offset].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                throw error(line: lineOfByte, column: columnName(index) ?? "column \(index + 1)",
                            "the bytes are not UTF-8 (re-export the file as UTF-8)")
            }
        }
    }
}
