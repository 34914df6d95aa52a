import Foundation
import PortfolioLedger

// Fuzzes `CSVReader` (the streaming CSV parser of imports) differentially: the same bytes are read
// with a 64-byte buffer (every record crosses buffer refills) and with a 64 KiB one; both must give
// the same header, records, line numbers and errors. Every field is also parsed as a number, and a
// number the fast byte parser accepts must equal Swift's own correctly rounded `Double(String)`.

/// What one reading of the file produced.
private struct Reading: Equatable {
    var header: [String] = []
    var records: [[String]] = []
    var lines: [Int] = []
    var error: String?
}

private let path = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-csv-\(getpid()).csv").path

private func read(chunkSize: Int) -> Reading {
    var reading = Reading()
    do {
        let reader = try CSVReader(path: path, chunkSize: chunkSize)
        reading.header = reader.header
        while try reader.next() {
            var fields: [String] = []
            for i in 0..<reader.fieldCount {
                let text = reader.string(i)
                fields.append(text)
                checkNumber(reader, i, text)
            }
            reading.records.append(fields)
            reading.lines.append(reader.line)
            if reading.records.count > 10_000 { break }
        }
    } catch {
        reading.error = error.description
    }
    return reading
}

private func checkNumber(_ reader: CSVReader, _ index: Int, _ text: String) {
    guard let fast = try? reader.double(index) else { return }
    guard fast.isFinite else { fatalError("double(\(index)) returned a non-finite \(fast) for \(text.debugDescription)") }
    guard let reference = Double(text), reference == fast || (reference == 0 && fast == 0) else {
        fatalError("double(\(index)) of \(text.debugDescription) = \(fast), Double(String) = \(String(describing: Double(text)))")
    }
}

func fuzzCSVReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes: data, count: size))
    let small = read(chunkSize: 64)
    let large = read(chunkSize: 1 << 16)
    if small != large {
        fatalError("64-byte and 64 KiB buffers disagree:\n\(small)\n\(large)")
    }
    return 0
}
