import ArgumentParser
import Foundation
import PortfolioLedger

/// `portfolio-ledger query LEDGER SQL`: one read-only SQL statement, for people and other tools.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run one read-only SQL statement on a ledger (e.g. on the v_* views) and print the rows as they are read.",
        discussion: """
            The ledger is opened read-only, and a statement that could write (INSERT, UPDATE, DELETE, DDL, a \
            writing PRAGMA) is refused before it runs, as are ATTACH/DETACH, PRAGMAs that change a setting and \
            functions that reveal memory addresses or load files (fts3_tokenizer, load_extension). Rows are printed \
            as they are read. At --max-rows or --timeout the output is ended validly (the JSON array closed, the \
            table's row count printed), stderr says why it stopped, and the exit code is 8. The views are \
            documented in docs/schema.md. \
            Example: portfolio-ledger query book.ledger "SELECT loan_id, principal, status FROM v_loan" --format json
            """
    )

    static let defaultMaxRows = 100_000
    static let defaultTimeoutSeconds = 60.0
    /// Table output aligns its columns to the widest cell among the first rows; later rows are
    /// streamed with those widths (a wider cell widens only its own line).
    static let tableWidthSampleRows = 200

    @Argument(help: "Path of the ledger file (opened read-only).")
    var ledger: String

    @Argument(help: "One SQL statement (SELECT, WITH … SELECT, or a read-only PRAGMA).")
    var sql: String

    @Option(help: "Output format: table, json (an array of objects) or csv.")
    var format: ReportFormat = .table

    @Option(name: .customLong("max-rows"), help: "Stop after this many rows (0: no limit).")
    var maxRows: Int = Self.defaultMaxRows

    @Option(help: "Stop after this many seconds (0: no limit).")
    var timeout: Double = Self.defaultTimeoutSeconds

    func validate() throws {
        guard maxRows >= 0 else { throw ValidationError("--max-rows must be 0 (no limit) or positive") }
        guard timeout >= 0, timeout.isFinite else { throw ValidationError("--timeout must be 0 (no limit) or a positive number of seconds") }
    }

    func run() throws {
        let output = StandardOutputBuffer()
        var printer: QueryRowPrinter?
        let ending: UntrustedQuery.Ending
        do {
            ending = try UntrustedQuery.run(
                ledgerAt: ledger, sql: sql, timeoutSeconds: timeout > 0 ? timeout : nil,
                columns: { printer = QueryRowPrinter(format: format, columns: $0, output: output) },
                row: { values in
                    guard maxRows == 0 || printer?.rowCount ?? 0 < maxRows else { return false }
                    try printer?.print(values)
                    return true
                })
        } catch let failure as UntrustedQuery.Failure {
            // Rows already printed stay a valid document (the JSON array closed).
            printer?.finish()
            output.flush()
            throw CLIFailure(message: Self.message(for: failure), exitCode: CLIFailure.invalidInput)
        }
        let rows = printer?.rowCount ?? 0
        let stop: CLIFailure? = switch ending {
        case .complete: nil
        case .stoppedByCaller:
            CLIFailure(message: "query stopped at --max-rows \(maxRows): the output holds the first \(maxRows) rows; more were left",
                       exitCode: CLIFailure.queryLimitReached)
        case .timedOut:
            CLIFailure(message: "query stopped at --timeout \(Self.seconds(timeout)) s after \(rows) row(s): the output holds those rows",
                       exitCode: CLIFailure.queryLimitReached)
        }
        printer?.stoppedEarly = stop != nil
        printer?.finish()
        output.flush()
        if let stop { throw stop }
    }

    /// SQLite's own words: a refused function reads "not authorized to use function: fts3_tokenizer";
    /// a refused ATTACH, DETACH or setting PRAGMA only "not authorized", so that one is explained.
    static func message(for failure: UntrustedQuery.Failure) -> String {
        switch failure {
        case .wouldWrite: "query runs read-only statements only; this statement would write to the ledger"
        case .sql(let message): "SQL error: \(message)"
        case .notAuthorized(let message):
            "query does not allow this statement: it would attach or detach a database, or change a setting with a pragma (SQLite: \(message))"
        }
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}

/// Prints query rows one at a time in the chosen format, and ends the output validly whenever it
/// stops (all rows read, a limit reached, an error).
struct QueryRowPrinter {
    let format: ReportFormat
    let columns: [String]
    let output: StandardOutputBuffer
    private(set) var rowCount = 0
    var stoppedEarly = false
    private var widthSample: [[String]] = []
    private var widths: [Int]?

    init(format: ReportFormat, columns: [String], output: StandardOutputBuffer) {
        self.format = format
        self.columns = columns
        self.output = output
        switch format {
        case .csv: output.line(ReportOutput.csvLine(columns))
        case .json: output.append("[")
        case .table: break
        }
    }

    mutating func print(_ row: [UntrustedQuery.Value]) throws {
        rowCount += 1
        switch format {
        case .json:
            let object = try ReportJSONEncoder().encode(QueryRowDocument(columns: columns, values: row))
            output.append(rowCount == 1 ? "\n" : ",\n")
            output.append(object.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n"))
        case .csv:
            output.line(ReportOutput.csvLine(row.map(Self.text)))
        case .table:
            let cells = row.map(Self.text)
            if let widths {
                output.line(Self.tableLine(cells, widths: widths))
            } else {
                widthSample.append(cells)
                if widthSample.count == QueryCommand.tableWidthSampleRows { flushSample() }
            }
        }
    }

    mutating func finish() {
        switch format {
        case .json: output.line(rowCount == 0 ? "]" : "\n]")
        case .csv: break
        case .table:
            flushSample()
            output.line("(\(rowCount) row\(rowCount == 1 ? "" : "s")\(stoppedEarly ? "; stopped early, see stderr" : ""))")
        }
    }

    private mutating func flushSample() {
        guard widths == nil else { return }
        let all = [columns] + widthSample
        let found = (0..<columns.count).map { c in all.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        widths = found
        for row in all { output.line(Self.tableLine(row, widths: found)) }
        widthSample = []
    }

    static func tableLine(_ cells: [String], widths: [Int]) -> String {
        let line = cells.enumerated().map { c, cell in cell + String(repeating: " ", count: max(0, widths[c] - cell.count)) }
            .joined(separator: "  ")
        return String(line.reversed().drop(while: { $0 == " " }).reversed())
    }

    static func text(_ value: UntrustedQuery.Value) -> String {
        switch value {
        case .integer(let v): String(v)
        case .real(let v): String(v)
        case .text(let v): v
        case .blob(let v): "x'" + v.map { String(format: "%02x", $0) }.joined() + "'"
        case .null: ""
        }
    }
}

/// Standard output in 64 KiB writes, so streaming many rows is not one system call per row.
final class StandardOutputBuffer {
    private var buffer = Data()

    init() { buffer.reserveCapacity(1 << 16) }

    func append(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    func line(_ text: String) { append(text + "\n") }

    func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
