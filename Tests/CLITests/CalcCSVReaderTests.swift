import Foundation
import Testing
@testable import portfolio_ledger

/// The CSV reader on its own, fed through a pipe in chunks as small as one byte, so every
/// BOM, CRLF and quote is also seen split across reads.
@Suite struct CalcCSVReaderTests {
    /// All records of `text`, read in chunks of `chunkSize` bytes.
    func records(_ text: String, chunkSize: Int) throws(CSVReader.Failure) -> [CSVReader.Record] {
        let pipe = Pipe()
        let bytes = Data(text.utf8)
        // A pipe buffer holds at least 4 KiB; the inputs here are far smaller.
        pipe.fileHandleForWriting.write(bytes)
        try? pipe.fileHandleForWriting.close()
        var reader = CSVReader(handle: pipe.fileHandleForReading, chunkSize: chunkSize)
        var out: [CSVReader.Record] = []
        while let record = try reader.next() { out.append(record) }
        return out
    }

    @Test(arguments: [1, 2, 3, 5, 64 * 1024])
    func headerQuotesCRLFBOMAndBlankLines(chunkSize: Int) throws {
        let text = "\u{FEFF}a,b,c\r\n1, two ,\"x,\"\"y\"\"\"\r\n\r\n\"multi\nline\",,\"\" \n4,5,6"
        let got = try records(text, chunkSize: chunkSize)
        #expect(got == [
            .init(line: 1, fields: ["a", "b", "c"]),
            .init(line: 2, fields: ["1", "two", "x,\"y\""]),
            .init(line: 4, fields: ["multi\nline", "", ""]),
            .init(line: 6, fields: ["4", "5", "6"]),
        ])
    }

    @Test(arguments: [1, 4, 64 * 1024])
    func lineEndingsAllCount(chunkSize: Int) throws {
        let got = try records("a\rb\nc\r\nd\n", chunkSize: chunkSize)
        #expect(got.map(\.line) == [1, 2, 3, 4])
        #expect(got.map(\.fields) == [["a"], ["b"], ["c"], ["d"]])
        #expect(try records("", chunkSize: chunkSize).isEmpty)
        #expect(try records("\u{FEFF}", chunkSize: chunkSize).isEmpty)
    }

    @Test(arguments: [
        ("a,b\n\"open,2\n", CSVReader.Failure(line: 2, reason: "a quoted field is never closed")),
        ("a,b\n1,x\"y\n", CSVReader.Failure(line: 2, reason: "a quote inside an unquoted field (quote the whole field and double the inner quotes)")),
        ("a,b\n\"1\"x,2\n", CSVReader.Failure(line: 2, reason: "unexpected text after a closing quote")),
    ])
    func malformedInputNamesTheLine(text: String, failure: CSVReader.Failure) {
        #expect(throws: failure) { try records(text, chunkSize: 3) }
    }

    @Test func invalidUTF8IsRefused() {
        let pipe = Pipe()
        pipe.fileHandleForWriting.write(Data([0x61, 0x0A, 0xFF, 0xFE, 0x0A]))
        try? pipe.fileHandleForWriting.close()
        var reader = CSVReader(handle: pipe.fileHandleForReading)
        #expect(throws: CSVReader.Failure(line: 2, reason: "field 1 is not valid UTF-8")) {
            while try reader.next() != nil {}
        }
    }
}
