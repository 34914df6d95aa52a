import BigInt
import Foundation
import LedgerMath

/// Where a logical column's value comes from: a column of the file, a constant, or nowhere.
enum FieldSource: Sendable {
    case column(Int)
    case constant(String)
    case absent
}

/// Typed access to the logical columns of the current CSV record, with errors that name the
/// file, the line and the file's own column name.
struct CSVRowAccess {
    let reader: CSVReader
    let kind: CSVImportKind
    private var sources: [String: FieldSource] = [:]
    private var headerNames: [String: String] = [:]
    let times: TimeResolver

    init(reader: CSVReader, kind: CSVImportKind, options: CSVImportOptions) throws(ImportError) {
        self.reader = reader
        self.kind = kind
        times = TimeResolver(options.dateOnlyTime, format: options.instantFormat)
        do { try options.validate(for: kind) } catch {
            throw ImportError(file: reader.path, reason: error.description, underlying: error)
        }
        // Precedence: an explicit mapping, then an explicit constant, then a column of the same name.
        for name in kind.columns.required + kind.columns.optional {
            if let mapped = options.columns[name] {
                guard options.constants[name] == nil else {
                    throw ImportError(file: reader.path, column: name, reason: "both mapped to a column and given a constant value; choose one")
                }
                sources[name] = .column(try reader.column(mapped))  // a mapped column must exist
                headerNames[name] = mapped
            } else if let value = options.constants[name] {
                sources[name] = .constant(value)
                headerNames[name] = "--set \(name)"
            } else if let index = reader.optionalColumn(name) {
                sources[name] = .column(index)
                headerNames[name] = name
            } else {
                sources[name] = .absent
            }
        }
        for name in kind.columns.required where !has(name) {
            if kind == .prices && name == "series" { continue }
            throw ImportError(file: reader.path, line: 1, column: name,
                              reason: "required column missing (the header has: \(reader.header.joined(separator: ", "))); map it with --map \(name)=HEADER or give a value with --set \(name)=VALUE")
        }
    }

    /// True when the logical column has a source (a file column or a constant).
    func has(_ name: String) -> Bool {
        if case .absent = source(name) { return false }
        return true
    }

    func source(_ name: String) -> FieldSource { sources[name] ?? .absent }

    /// The file's header name (or `--set NAME`) for errors.
    func header(_ name: String) -> String { headerNames[name] ?? name }

    func fail(_ name: String, _ reason: String, underlying: LedgerError? = nil) -> ImportError {
        ImportError(file: reader.path, line: reader.line, column: header(name), reason: reason, underlying: underlying)
    }

    /// The value as text, or `nil` when absent or empty.
    func text(_ name: String) -> String? {
        switch source(name) {
        case .column(let i): reader.isEmpty(i) ? nil : reader.string(i)
        case .constant(let value): value.isEmpty ? nil : value
        case .absent: nil
        }
    }

    func requiredText(_ name: String) throws(ImportError) -> String {
        guard let value = text(name) else { throw fail(name, "empty; a value is required") }
        return value
    }

    func double(_ name: String) throws(ImportError) -> Double? {
        switch source(name) {
        case .column(let i):
            guard !reader.isEmpty(i) else { return nil }
            do { return try reader.double(i) } catch { throw fail(name, error.reason) }
        case .constant(let value):
            guard !value.isEmpty else { return nil }
            guard let number = ByteParsing.double(value) else {
                throw fail(name, "'\(value)' is not a finite decimal number")
            }
            return number
        case .absent: return nil
        }
    }

    func requiredDouble(_ name: String) throws(ImportError) -> Double {
        guard let value = try double(name) else { throw fail(name, "empty; a number is required") }
        return value
    }

    func decimal(_ name: String) throws(ImportError) -> ExactDecimal? {
        guard let text = text(name) else { return nil }
        do { return try ExactDecimal(parsing: text) } catch { throw fail(name, error.description) }
    }

    func requiredDecimal(_ name: String) throws(ImportError) -> ExactDecimal {
        guard let value = try decimal(name) else { throw fail(name, "empty; a decimal amount is required") }
        return value
    }

    func integer(_ name: String) throws(ImportError) -> Int? {
        guard let text = text(name) else { return nil }
        guard let value = Int(text) else { throw fail(name, "'\(text.prefix(40))' is not an integer") }
        return value
    }

    func instant(_ name: String) throws(ImportError) -> Instant? {
        switch source(name) {
        case .column(let i):
            guard !reader.isEmpty(i) else { return nil }
            let parsed = try reader.withField(i) { (p) throws(ImportError) -> ByteParsing.ParsedTime? in times.parse(p) }
            guard let parsed else { throw fail(name, "'\(reader.string(i).prefix(40))' is not \(times.expected)") }
            do { return try times.resolve(parsed) } catch { throw fail(name, error.description) }
        case .constant(let value):
            guard !value.isEmpty else { return nil }
            guard let parsed = times.parse(value) else { throw fail(name, "'\(value)' is not \(times.expectedBrief)") }
            do { return try times.resolve(parsed) } catch { throw fail(name, error.description) }
        case .absent:
            return nil
        }
    }

    func requiredInstant(_ name: String) throws(ImportError) -> Instant {
        guard let value = try instant(name) else { throw fail(name, "empty; a date or instant is required") }
        return value
    }

    /// A non-negative integer in ray (1e27 = 1.0), kept exact.
    func ray(_ name: String) throws(ImportError) -> BigInt? {
        guard let text = text(name) else { return nil }
        guard let value = RayText.parse(text) else { throw fail(name, "'\(text)' is not a non-negative integer in ray (1e27 = 1.0)") }
        return value
    }

    func requiredRay(_ name: String) throws(ImportError) -> BigInt {
        guard let value = try ray(name) else { throw fail(name, "empty; a value is required") }
        return value
    }

    func enumeration<E: StoredEnum>(_ name: String, _ type: E.Type) throws(ImportError) -> E? {
        guard let text = text(name) else { return nil }
        return try decoded(name) { () throws(LedgerError) in try E.decode(text, field: name) }
    }

    /// `decode`'s value, its error as this row's error at column `name`.
    func decoded<E>(_ name: String, _ decode: () throws(LedgerError) -> E) throws(ImportError) -> E {
        do { return try decode() } catch {
            guard case .invalidValue(_, let reason) = error else { throw fail(name, error.description, underlying: error) }
            throw fail(name, reason, underlying: error)
        }
    }

    func currency(_ name: String) throws(ImportError) -> Currency {
        let text = try requiredText(name)
        do { return try Currency(text) } catch { throw fail(name, error.description) }
    }

    func optionType(_ name: String) throws(ImportError) -> OptionType {
        let text = try requiredText(name)
        guard let type = ImportValues.optionType(text) else { throw fail(name, "'\(text.prefix(40))' is not an option type (call, put, C or P)") }
        return type
    }

    func root(_ name: String) throws(ImportError) -> OptionRoot {
        let text = try requiredText(name)
        return try decoded(name) { () throws(LedgerError) in try OptionRoot.decode(text, field: name) }
    }

    func tokenID(_ name: String) throws(ImportError) -> TokenID {
        let text = try requiredText(name)
        do { return try TokenID(text) } catch { throw fail(name, error.description, underlying: error) }
    }

    /// An option expiry: a UTC instant, or a date that gets the root's expiry time (AM-settled
    /// SPX: 09:30 New York; PM-settled SPXW: 16:00 New York).
    func expiry(_ name: String, root: OptionRoot) throws(ImportError) -> Instant {
        switch source(name) {
        case .column(let i):
            guard !reader.isEmpty(i) else { throw fail(name, "empty; an expiry date is required") }
            let parsed = try reader.withField(i) { (p) throws(ImportError) -> ByteParsing.ParsedTime? in times.parse(p) }
            guard let parsed else { throw fail(name, "'\(reader.string(i).prefix(40))' is not \(times.expectedBrief)") }
            do { return try times.expiry(parsed, root: root) } catch { throw fail(name, error.description) }
        case .constant(let value):
            guard let parsed = times.parse(value) else { throw fail(name, "'\(value)' is not \(times.expectedBrief)") }
            do { return try times.expiry(parsed, root: root) } catch { throw fail(name, error.description) }
        case .absent:
            throw fail(name, "required")
        }
    }
}

/// Spellings shared by the CSV and JSON Lines importers.
enum ImportValues {
    /// `call`/`put`, any case, or `C`/`P`.
    static func optionType(_ text: String) -> OptionType? {
        switch text.lowercased() {
        case "call", "c": .call
        case "put", "p": .put
        default: nil
        }
    }

    static func bool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "yes", "1": true
        case "false", "no", "0": false
        default: nil
        }
    }

    /// Loan terms from the model name and its fields (all text, as in `loan.terms`); the one
    /// decoder is ``LoanTermsCoding/decode(_:field:)``.
    static func loanTerms(model: String, field: (String) -> String?) throws(LedgerError) -> LoanTerms {
        try LoanTermsCoding.decode(try InterestModelKind.decode(model, field: "interest_model"), field: field)
    }
}

/// Turns parsed dates and instants into `Instant`s: date-only values get the configured time of
/// day in its time zone (DST-aware through Foundation's `TimeZone`), cached per day.
final class TimeResolver {
    let dateOnly: DateOnlyTime
    /// (midnight UTC of the date × 100,000 + seconds of day) → resolved Unix seconds.
    private var cache: [Int64: Int64] = [:]
    private let isUTC: Bool

    let format: InstantFormat

    init(_ dateOnly: DateOnlyTime, format: InstantFormat = .iso8601) {
        self.dateOnly = dateOnly
        self.format = format
        isUTC = dateOnly.timeZone == "UTC" || dateOnly.timeZone == "GMT"
    }

    /// A time field in the file's ``InstantFormat``.
    @inline(__always)
    func parse(_ p: UnsafeBufferPointer<UInt8>) -> ByteParsing.ParsedTime? {
        switch format {
        case .iso8601: ByteParsing.time(p)
        case .unixSeconds: ByteParsing.unixSeconds(p).map { ByteParsing.ParsedTime(unixSeconds: $0, isDateOnly: false, year: 0, month: 0, day: 0) }
        }
    }

    func parse(_ text: String) -> ByteParsing.ParsedTime? {
        Array(text.utf8).withUnsafeBufferPointer { parse($0) }
    }

    /// What a time field must look like, for errors.
    var expected: String {
        switch format {
        case .iso8601: "a date (YYYY-MM-DD) or a UTC instant (YYYY-MM-DDTHH:MM:SSZ)"
        case .unixSeconds: "Unix seconds (digits only, 0 … 253402300799)"
        }
    }

    var expectedBrief: String {
        switch format {
        case .iso8601: "a date or a UTC instant"
        case .unixSeconds: "Unix seconds"
        }
    }

    @inline(__always)
    func resolve(_ parsed: ByteParsing.ParsedTime) throws(LedgerError) -> Instant {
        guard parsed.isDateOnly else { return Instant(unixSeconds: parsed.unixSeconds) }
        if isUTC { return Instant(unixSeconds: parsed.unixSeconds + Int64(dateOnly.secondsOfDay)) }
        return try cachedLocal(parsed, secondsOfDay: dateOnly.secondsOfDay, zone: dateOnly.timeZone)
    }

    /// The expiry instant of a contract expiring on a date (see ``CSVRowAccess/expiry(_:root:)``).
    func expiry(_ parsed: ByteParsing.ParsedTime, root: OptionRoot) throws(LedgerError) -> Instant {
        guard parsed.isDateOnly else { return Instant(unixSeconds: parsed.unixSeconds) }
        let seconds = root.settlementStyle == .am ? 9 * 3600 + 30 * 60 : 16 * 3600
        return try cachedLocal(parsed, secondsOfDay: seconds, zone: "America/New_York")
    }

    private func cachedLocal(_ parsed: ByteParsing.ParsedTime, secondsOfDay: Int, zone: String) throws(LedgerError) -> Instant {
        // One zone per resolver for date-only values, and New York for expiries: key on both.
        let key = (parsed.unixSeconds * 100_000 + Int64(secondsOfDay)) * (zone == "America/New_York" ? 1 : -1)
        if let hit = cache[key] { return Instant(unixSeconds: hit) }
        let value = try Self.local(year: parsed.year, month: parsed.month, day: parsed.day, hour: secondsOfDay / 3600,
                                   minute: secondsOfDay % 3600 / 60, second: secondsOfDay % 60, zone: zone)
        cache[key] = value.unixSeconds
        return value
    }

    /// The instant of a wall-clock time on a date in an IANA time zone.
    static func local(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, zone: String) throws(LedgerError) -> Instant {
        guard let timeZone = TimeZone(identifier: zone) else {
            throw .invalidValue(field: "time-zone", reason: "'\(zone)' is not a known time zone")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let date = calendar.date(from: components) else {
            throw .invalidValue(field: "date", reason: "\(year)-\(month)-\(day) \(hour):\(minute) does not exist in \(zone)")
        }
        return Instant(unixSeconds: Int64(date.timeIntervalSince1970.rounded()))
    }
}
