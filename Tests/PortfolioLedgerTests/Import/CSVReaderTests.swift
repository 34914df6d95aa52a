import LedgerTestSupport
import Foundation
import Testing
@testable import PortfolioLedger

/// Writes `bytes` to a file in `dir` and returns its path.
func writeFile(_ dir: TemporaryDirectory, _ name: String, _ bytes: [UInt8]) throws -> String {
    let path = dir.path(name)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
}

func writeFile(_ dir: TemporaryDirectory, _ name: String, _ text: String) throws -> String {
    try writeFile(dir, name, Array(text.utf8))
}

/// Every record of a CSV file as strings, with the line each starts on.
func readAll(_ path: String, chunkSize: Int) throws -> (header: [String], records: [(line: Int, fields: [String])]) {
    let reader = try CSVReader(path: path, chunkSize: chunkSize)
    var records: [(Int, [String])] = []
    while try reader.next() {
        records.append((reader.line, (0..<reader.fieldCount).map { reader.string($0) }))
    }
    return (reader.header, records)
}

@Suite struct CSVReaderTests {
    let dir = TemporaryDirectory()

    /// 64 bytes (the smallest buffer) makes records straddle chunk boundaries and forces growth.
    static let chunkSizes = [64, 1 << 20]

    @Test(arguments: chunkSizes)
    func quotesEmbeddedNewlinesDoubledQuotesCRLFAndBOM(chunkSize: Int) throws {
        let text = "\u{FEFF}name,note,value\r\n"
            + "plain,\"with, comma\",1\r\n"
            + "\"multi\nline\",\"she said \"\"hi\"\"\",2\r\n"
            + "\r\n"
            + "last,,\"3\"\r\n"
            + "no newline at end,x,\"4\""
        let path = try writeFile(dir, "a.csv", text)
        let (header, records) = try readAll(path, chunkSize: chunkSize)
        #expect(header == ["name", "note", "value"])
        #expect(records.map(\.fields) == [
            ["plain", "with, comma", "1"],
            ["multi\nline", "she said \"hi\"", "2"],
            ["last", "", "3"],
            ["no newline at end", "x", "4"],
        ])
        // Physical lines: the quoted newline moves everything after it down one line, and the
        // blank line 5 is skipped.
        #expect(records.map(\.line) == [2, 3, 6, 7])
    }

    @Test(arguments: chunkSizes)
    func longRecordsGrowTheBufferOnlyAsNeeded(chunkSize: Int) throws {
        let long = String(repeating: "x", count: 1000)
        let path = try writeFile(dir, "long.csv", "a,b\n\(long),\"\(long)\"\n1,2\n")
        let (_, records) = try readAll(path, chunkSize: chunkSize)
        #expect(records.map(\.fields) == [[long, long], ["1", "2"]])
    }

    @Test func numbersAndInstantsParseFromBytes() throws {
        let path = try writeFile(dir, "n.csv", "t,p\n2021-03-11,1826.0574768119818\n2021-03-11T16:00:00Z,-1e3\n")
        let reader = try CSVReader(path: path)
        #expect(try reader.next())
        #expect(try reader.double(1) == 1826.0574768119818)
        #expect(try reader.next())
        #expect(try reader.double(1) == -1000)
        #expect(try reader.next() == false)
    }

    struct BadCase: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var line: Int
        var column: String?
        var reason: String
        var testDescription: String { name }
    }

    static let badCases: [BadCase] = [
        BadCase(name: "wrong field count", bytes: Array("a,b\n1,2\n3\n".utf8), line: 3, column: nil, reason: "expected 2 fields as in the header, found 1"),
        BadCase(name: "too many fields", bytes: Array("a,b\n1,2,3\n".utf8), line: 2, column: nil, reason: "expected 2 fields as in the header, found 3"),
        BadCase(name: "quote inside an unquoted field", bytes: Array("a,b\n1,x\"y\n".utf8), line: 2, column: "b",
                reason: "a quote inside an unquoted field (quote the whole field and double the quote)"),
        BadCase(name: "text after a closing quote", bytes: Array("a,b\n\"x\"y,2\n".utf8), line: 2, column: "a", reason: "unexpected text after a closing quote"),
        BadCase(name: "unterminated quote", bytes: Array("a,b\n1,2\n3,\"never\nclosed\n".utf8), line: 3, column: "b",
                reason: "unterminated quoted field (its quote opens on this line; the file ends inside it)"),
        BadCase(name: "not UTF-8 (Latin-1 é)", bytes: Array("a,b\n1,2\n3,caf".utf8) + [0xE9] + Array("\n".utf8), line: 3, column: "b",
                reason: "the bytes are not UTF-8 (re-export the file as UTF-8)"),
    ]

    @Test(arguments: badCases)
    func malformedCSVNamesTheLineAndColumn(_ bad: BadCase) throws {
        let path = try writeFile(dir, "bad.csv", bad.bytes)
        let error = #expect(throws: ImportError.self) { _ = try readAll(path, chunkSize: 64) }
        #expect(error?.file == path)
        #expect(error?.line == bad.line)
        #expect(error?.column == bad.column)
        #expect(error?.reason == bad.reason)
    }

    @Test func emptyFileAndDuplicateHeaderAreRefused() throws {
        let empty = try writeFile(dir, "empty.csv", "")
        #expect(throws: ImportError(file: empty, reason: "the file is empty; expected a header row")) { _ = try CSVReader(path: empty) }
        let twice = try writeFile(dir, "twice.csv", "a,b,a\n")
        #expect(throws: ImportError(file: twice, line: 1, column: "a", reason: "the header names this column twice")) { _ = try CSVReader(path: twice) }
        let missing = dir.path("nope.csv")
        #expect(throws: ImportError(file: missing, reason: "cannot open: No such file or directory", isUnreadableFile: true)) { _ = try CSVReader(path: missing) }
    }

    @Test func memoryStaysBoundedWhateverTheFileSize() throws {
        // ~3 MB of records through a 64 KiB buffer: the buffer never grows (no record is longer).
        var text = "observed_at,price\n"
        for i in 0..<100_000 { text += "2020-01-01T00:00:\(String(format: "%02d", i % 60))Z,\(1000 + i).25\n" }
        let path = try writeFile(dir, "big.csv", text)
        let reader = try CSVReader(path: path, chunkSize: 64 << 10)
        var rows = 0
        while try reader.next() { rows += 1 }
        #expect(rows == 100_000)
        #expect(reader.bufferCapacity == 64 << 10)
        #expect(reader.bytesRead == Int64(text.utf8.count))
    }
}

@Suite struct ByteParsingTests {
    static let valid: [String] = ["0", "1", "-2.5", "+3", "1e3", "1E-3", "0.1", ".5", "5.", "007", "1234567890.123456789",
                                  "0.000000000000000000000000001", "12345678901234567890123", "1.7976931348623157e308",
                                  "4.9e-324", "2.83162", "0.6875857090838133", "1826.0574768119818", "-0"]
    static let invalid: [String] = ["", " 1", "1 ", "NaN", "nan", "inf", "-Infinity", "1.2.3", "0x10", "1e", "e5", ".", "-", "1,5", "1e400"]

    @Test(arguments: valid)
    func parsesLikeTheStandardLibrary(_ text: String) throws {
        // Both are correctly rounded, so the results are the same double, bit for bit.
        let expected = try #require(Double(text))
        #expect(ByteParsing.double(text)?.bitPattern == expected.bitPattern)
    }

    @Test(arguments: invalid)
    func refusesWhatIsNotAFiniteDecimal(_ text: String) {
        #expect(ByteParsing.double(text) == nil)
    }

    @Test func roundTripsManyDoubles() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let value = Double(bitPattern: (state >> 2) | 0x3000_0000_0000_0000) * (state & 1 == 0 ? 1 : -1)
            guard value.isFinite else { continue }
            #expect(ByteParsing.double(value.description)?.bitPattern == value.bitPattern, "\(value)")
        }
    }

    @Test func instants() throws {
        #expect(ByteParsing.time("2021-03-11")?.unixSeconds == 1_615_420_800)
        #expect(ByteParsing.time("2021-03-11")?.isDateOnly == true)
        for text in ["2021-03-11T00:48:39Z", "2021-03-11 00:48:39Z", "2021-03-11T00:48:39.000Z", "2021-03-11T00:48:39+00:00"] {
            #expect(ByteParsing.time(text)?.unixSeconds == 1_615_423_719, "\(text)")
        }
        for bad in ["2021-02-29", "2021-13-01", "2021-03-11T24:00:00Z", "2021-03-11T00:00:00+01:00", "11/03/2021", "2021-03-11T00:00:00"] {
            #expect(ByteParsing.time(bad) == nil, "\(bad)")
        }
    }
}

@Suite struct ContentHashTests {
    // Reference values from the xxHash reference implementation (python-xxhash 4.1.0).
    static let vectors: [(String, [UInt8], UInt64)] = [
        ("empty", [], 0xEF46_DB37_51D8_E999),
        ("a", Array("a".utf8), 0xD24E_C4F1_A98C_6E5B),
        ("abc", Array("abc".utf8), 0x44BC_2CF5_AD77_0999),
        ("sentence", Array("Nobody inspects the spammish repetition".utf8), 0xFBCE_A83C_8A37_8BF1),
        ("768 bytes", Array((0..<768).map { UInt8($0 % 256) }), 0x8E03_C838_C596_036F),
    ]

    @Test func matchesTheReferenceImplementation() {
        for (name, bytes, expected) in Self.vectors {
            #expect(XXH64.hash(bytes) == expected, "\(name)")
        }
    }

    @Test func incrementalUpdatesInAnyChunkingGiveTheSameHash() {
        let bytes = Array((0..<768).map { UInt8($0 % 256) })
        for chunk in [1, 3, 7, 31, 32, 33, 100, 768] {
            var hasher = XXH64()
            var i = 0
            while i < bytes.count {
                hasher.update(Array(bytes[i..<min(i + chunk, bytes.count)]))
                i += chunk
            }
            #expect(hasher.digest() == 0x8E03_C838_C596_036F, "chunk \(chunk)")
        }
    }
}
