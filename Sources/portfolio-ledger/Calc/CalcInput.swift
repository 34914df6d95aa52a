import Foundation
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

/// Opens CSV input for the calc commands, turning reader errors into one-line failures.
struct CalcCSV {
    let file: String
    private var table: CSVTable

    /// Opens `file` and checks its header for the `required` columns.
    /// - Throws: exit 66 when the file cannot be opened, 65 when the header is wrong.
    init(file: String, required: [String]) throws(CLIFailure) {
        self.file = file
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), isDirectory.boolValue {
            throw CLIFailure(message: "\(file): cannot open the file (it is a directory)", exitCode: CLIFailure.missingData)
        }
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: file)) } catch {
            throw CLIFailure(message: "\(file): cannot open the file (\(Self.reason(error)))", exitCode: CLIFailure.missingData)
        }
        do { table = try CSVTable(reader: CSVReader(handle: handle), required: required) } catch {
            throw Self.failure(file, error)
        }
    }

    /// Whether the header has `column`.
    func has(_ column: String) -> Bool { table.has(column) }

    /// The next row, with the location its errors should name.
    mutating func next() throws(CLIFailure) -> (row: CSVTable.Row, location: InputLocation)? {
        do {
            guard let row = try table.nextRow() else { return nil }
            return (row, .csv(file: file, line: row.line))
        } catch {
            throw Self.failure(file, error)
        }
    }

    private static func failure(_ file: String, _ error: CSVReader.Failure) -> CLIFailure {
        CLIFailure(message: "\(file) line \(error.line): \(error.reason)", exitCode: CLIFailure.invalidInput)
    }

    private static func reason(_ error: any Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
           let code = POSIXErrorCode(rawValue: Int32(underlying.code)) {
            return String(cString: strerror(code.rawValue))
        }
        if ns.domain == NSCocoaErrorDomain && ns.code == NSFileReadNoSuchFileError { return "no such file" }
        return ns.localizedDescription
    }
}

extension CSVTable.Row {
    /// The cell of a column the header is known to have (checked when the file was opened).
    func text(_ column: String) -> String { value(column) ?? "" }
}
