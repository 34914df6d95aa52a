import Foundation
import PortfolioLedger
import LedgerMath

/// Where an input value came from, so an error can name it: a flag (`--dividend-yield`), a CSV
/// cell (`legs.csv line 3, column strike`) or a CSV file as a whole (`legs.csv, column strike`).
/// Column names are the flag names with `_` for `-`.
enum InputLocation {
    case flags
    case csv(file: String, line: Int)
    case file(String)

    /// How to name `field` (a column name, e.g. `dividend_yield`) in a message.
    func label(_ field: String) -> String {
        switch self {
        case .flags: "--" + field.replacingOccurrences(of: "_", with: "-")
        case let .csv(file, line): "\(file) line \(line), column \(field)"
        case let .file(file): "\(file), column \(field)"
        }
    }

    /// An invalid-input failure (exit 65): `<label>: <reason>`.
    func failure(_ field: String, _ reason: String) -> CLIFailure {
        CLIFailure(message: "\(label(field)): \(reason)", exitCode: CLIFailure.invalidInput)
    }

    /// An invalid-input failure about a whole CSV file (exit 65): `<file>: <reason>`.
    static func failure(file: String, _ reason: String) -> CLIFailure {
        CLIFailure(message: "\(file): \(reason)", exitCode: CLIFailure.invalidInput)
    }
}

/// Parsers for text fields, one message style for flags and CSV cells alike.
extension InputLocation {
    /// A finite `Double` written as a plain decimal or with an exponent (`0.2`, `-1.5e-3`).
    func number(_ text: String, _ field: String) throws(CLIFailure) -> Double {
        guard !text.isEmpty else { throw failure(field, "no value") }
        let allowed = text.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || "+-.eE".utf8.contains($0) }
        guard allowed, let value = Double(text) else {
            let lower = text.lowercased()
            if lower.contains("nan") || lower.contains("inf") { throw failure(field, "'\(text)' is not a finite number") }
            throw failure(field, "'\(text)' is not a number")
        }
        return value
    }

    /// An exact decimal (`-?digits(.digits)?`), as ``ExactDecimal/init(parsing:)`` reads it.
    func decimal(_ text: String, _ field: String) throws(CLIFailure) -> ExactDecimal {
        guard !text.isEmpty else { throw failure(field, "no value") }
        do { return try ExactDecimal(parsing: text) } catch { throw failure(field, error.description) }
    }

    /// A whole number ≥ 0 of any size (bps, ray), as an exact decimal with no fraction.
    func wholeNumber(_ text: String, _ field: String) throws(CLIFailure) -> ExactDecimal {
        let value = try decimal(text, field)
        guard value.isInteger, !value.isNegative else { throw failure(field, "'\(text)' is not a whole number ≥ 0") }
        return value
    }

    /// A signed machine integer (a quantity of contracts).
    func integer(_ text: String, _ field: String) throws(CLIFailure) -> Int {
        guard !text.isEmpty else { throw failure(field, "no value") }
        guard let value = Int(text) else { throw failure(field, "'\(text)' is not a whole number") }
        return value
    }

    /// `YYYY-MM-DD` or a full UTC instant.
    func instant(_ text: String, _ field: String) throws(CLIFailure) -> Instant {
        guard !text.isEmpty else { throw failure(field, "no value") }
        do { return try ISO8601.parse(text) } catch { throw failure(field, error.description) }
    }

    /// `call` or `put`, in any case.
    func optionType(_ text: String, _ field: String) throws(CLIFailure) -> OptionType {
        guard let type = OptionType(rawValue: text.lowercased()) else {
            throw failure(field, "'\(text)' is not an option type: expected call or put")
        }
        return type
    }
}

/// One data row of a calc CSV file, its cells by (normalised) column name.
struct CalcCSVRow {
    var line: Int
    fileprivate var fields: [String]
    fileprivate var index: [String: Int]

    /// The cell in `column`, or nil when the file has no such column.
    func value(_ column: String) -> String? { index[column].map { fields[$0] } }

    /// The cell of a column the header is known to have (checked when the file was opened).
    func text(_ column: String) -> String { value(column) ?? "" }
}

/// CSV input for the calc commands, read with the library's streaming `CSVReader` (quotes,
/// embedded newlines, CRLF, BOM, UTF-8 checked). Column names match without regard to case or
/// surrounding blanks; columns the command does not use are ignored.
struct CalcCSV {
    let file: String
    private let reader: CSVReader
    private let index: [String: Int]

    /// Opens `file` and checks its header for the `required` columns (lower case).
    /// - Throws: exit 66 when the file cannot be opened, 65 when it is not valid CSV or lacks a column.
    init(file: String, required: [String]) throws(CLIFailure) {
        self.file = file
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), isDirectory.boolValue {
            throw CLIFailure(message: "\(file): cannot open the file (it is a directory)", exitCode: CLIFailure.missingData)
        }
        do { reader = try CSVReader(path: file) } catch {
            if error.line == nil, error.reason.hasPrefix("cannot open: ") {
                throw CLIFailure(message: "\(file): cannot open the file (\(error.reason.dropFirst("cannot open: ".count)))",
                                 exitCode: CLIFailure.missingData)
            }
            throw Self.failure(file, error)
        }
        var index: [String: Int] = [:]
        for (i, raw) in reader.header.enumerated() {
            let name = raw.trimmingCharacters(in: .whitespaces).lowercased()
            guard index[name] == nil else {
                throw CLIFailure(message: "\(file) line 1: column '\(name)' appears twice in the header", exitCode: CLIFailure.invalidInput)
            }
            index[name] = i
        }
        for name in required where index[name] == nil {
            throw CLIFailure(message: "\(file) line 1: missing column '\(name)' (the header has: \(reader.header.joined(separator: ", ")))",
                             exitCode: CLIFailure.invalidInput)
        }
        self.index = index
    }

    /// Whether the header has `column`.
    func has(_ column: String) -> Bool { index[column] != nil }

    /// A reader error in the calc commands' wording: `FILE line N: reason` (exit 65).
    private static func failure(_ file: String, _ error: ImportError) -> CLIFailure {
        let place = error.line.map { "\(file) line \($0)" } ?? "\(file) line 1"
        let column = error.column.map { "column '\($0)': " } ?? ""
        return CLIFailure(message: "\(place): \(column)\(error.reason)", exitCode: CLIFailure.invalidInput)
    }

    /// The next row, with the location its errors should name.
    func next() throws(CLIFailure) -> (row: CalcCSVRow, location: InputLocation)? {
        do {
            guard try reader.next() else { return nil }
        } catch {
            throw Self.failure(file, error)
        }
        let row = CalcCSVRow(line: reader.line, fields: (0..<reader.header.count).map { reader.string($0).trimmingCharacters(in: .whitespaces) },
                             index: index)
        return (row, .csv(file: file, line: row.line))
    }
}
