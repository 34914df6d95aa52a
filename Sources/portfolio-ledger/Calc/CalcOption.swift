import ArgumentParser
import LedgerMath
import PortfolioLedger

/// `calc option`: Black–Scholes–Merton price and greeks of one European option, or of every row
/// of a CSV file; solves for implied volatility when a price is given.
struct CalcOptionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "option",
        abstract: "Price, greeks and implied volatility of European options (Black–Scholes–Merton).",
        discussion: """
        Values are per unit of underlying (index points). Volatility, rate and dividend yield are \
        fractions per year (0.2 = 20 %); rate and yield are continuously compounded. Time to expiry \
        is Actual/365 Fixed: elapsed seconds / 31,536,000.

        Output keys: price, delta (per point), gamma (per point²), vega (per 1.00 of vol), \
        theta_per_year and theta_per_day (= per year / 365; negative = decay for a long option), \
        rho (per 1.00 of rate), intrinsic, extrinsic (price − intrinsic), time_to_expiry_years, and \
        implied_vol when a price is given (the greeks are then computed at that volatility; --vol \
        is not used).

        Batch: --input FILE.csv with columns type, spot, strike, vol, rate, dividend_yield, \
        valuation, expiry and optionally price (dividend_yield may be omitted: 0). Each row needs \
        vol or price. JSON output is an array, one object per row, in file order.
        """
    )

    @Option(help: "call or put.")
    var type: String?
    @Option(parsing: .unconditional, help: "Underlying level S (> 0), index points.")
    var spot: String?
    @Option(parsing: .unconditional, help: "Strike K (> 0), index points.")
    var strike: String?
    @Option(parsing: .unconditional, help: "Volatility σ (≥ 0) per √year, a fraction (0.2 for 20%).")
    var vol: String?
    @Option(parsing: .unconditional, help: "Risk-free rate r per year, continuously compounded (any sign).")
    var rate: String?
    @Option(parsing: .unconditional, help: "Dividend yield q per year, continuously compounded (default 0).")
    var dividendYield: String?
    @Option(help: "Valuation date or instant (YYYY-MM-DD = midnight UTC, or YYYY-MM-DDTHH:MM:SSZ).")
    var valuation: String?
    @Option(help: "Expiry date or instant (not before the valuation).")
    var expiry: String?
    @Option(parsing: .unconditional, help: "Option price (≥ 0): solve for the implied volatility instead of taking --vol.")
    var price: String?
    @Option(help: "CSV file with one option per row (see the discussion) instead of the flags.")
    var input: String?
    @OptionGroup var output: CalcOutputOptions

    /// Inputs every option needs (as column names); vol or price comes on top.
    static let requiredFields = ["type", "spot", "strike", "rate", "valuation", "expiry"]

    private var flagValues: [(name: String, value: String?)] {
        [("type", type), ("spot", spot), ("strike", strike), ("vol", vol), ("rate", rate),
         ("dividend_yield", dividendYield), ("valuation", valuation), ("expiry", expiry), ("price", price)]
    }

    func validate() throws {
        if input != nil {
            let given = flagValues.filter { $0.value != nil }.map { InputLocation.flags.label($0.name) }
            guard given.isEmpty else {
                throw ValidationError("--input reads every option from the file; do not also give \(given.joined(separator: ", "))")
            }
            return
        }
        let missing = flagValues.filter { Self.requiredFields.contains($0.name) && $0.value == nil }.map { InputLocation.flags.label($0.name) }
        guard missing.isEmpty else { throw ValidationError("missing \(missing.joined(separator: ", ")) (or give --input FILE.csv)") }
        guard vol != nil || price != nil else { throw ValidationError("give --vol, or --price to solve for the implied volatility") }
    }

    func run() throws {
        if let input {
            let results = try evaluateFile(input)
            let withImpliedVol = results.contains { $0.impliedVol != nil }
            let header = ["line"] + OptionResult.keys(withImpliedVol: withImpliedVol)
            try output.format.emit(document: results.map(\.document)) { tree in
                guard case .array(let items) = tree else { return "" }
                return PlainTable.grid(header: header,
                                       rows: zip(results, items).map { [String($0.line ?? 0)] + OptionResult.cells($1, withImpliedVol: withImpliedVol) },
                                       rightAligned: Set(header.indices))
            }
        } else {
            let result = try OptionInputs(cell: { name in flagValues.first { $0.name == name }?.value ?? "" }, location: .flags).evaluate()
            try output.format.emit(document: result.document) { PlainTable.keyValue($0.members) }
        }
    }

    private func evaluateFile(_ file: String) throws -> [OptionResult] {
        let csv = try CalcCSV(file: file, required: Self.requiredFields)
        guard csv.has("vol") || csv.has("price") else {
            throw InputLocation.failure(file: file, "needs a vol column or a price column")
        }
        var results: [OptionResult] = []
        while let (row, location) = try csv.next() {
            var result = try OptionInputs(cell: { row.value($0) ?? "" }, location: location).evaluate()
            result.line = row.line
            results.append(result)
        }
        return results
    }
}

/// One option's inputs, parsed from flags or a CSV row; an empty cell is an absent value.
struct OptionInputs {
    var type: OptionType
    var spot: Double
    var strike: Double
    var vol: Double?
    var rate: Double
    var dividendYield: Double
    var valuation: Instant
    var expiry: Instant
    var price: Double?
    var location: InputLocation

    init(cell: (String) -> String, location: InputLocation) throws(CLIFailure) {
        func optional(_ name: String) throws(CLIFailure) -> Double? {
            let text = cell(name)
            return text.isEmpty ? nil : try location.number(text, name)
        }
        self.location = location
        type = try location.optionType(cell("type"), "type")
        spot = try location.number(cell("spot"), "spot")
        strike = try location.number(cell("strike"), "strike")
        vol = try optional("vol")
        rate = try location.number(cell("rate"), "rate")
        dividendYield = try optional("dividend_yield") ?? 0
        valuation = try location.instant(cell("valuation"), "valuation")
        expiry = try location.instant(cell("expiry"), "expiry")
        price = try optional("price")
        if vol == nil && price == nil { throw location.failure("vol", "no value (give vol, or price to solve for the implied volatility)") }
    }

    /// Greeks at the given volatility, or at the volatility implied by the price.
    func evaluate() throws(CLIFailure) -> OptionResult {
        let t: Double
        do { t = try BlackScholes.timeToExpiry(from: valuation, to: expiry) } catch { throw failure(error) }
        var impliedVol: Double?
        if let price { impliedVol = try solveVolatility(price: price, timeToExpiry: t) }
        let greeks: OptionGreeks
        do {
            greeks = try BlackScholes.greeks(type, spot: spot, strike: strike, volatility: impliedVol ?? vol ?? 0,
                                             rate: rate, dividendYield: dividendYield, timeToExpiry: t)
        } catch { throw failure(error) }
        return OptionResult(greeks: greeks,
                            intrinsic: OptionValue.intrinsic(type, underlying: spot, strike: strike),
                            extrinsic: OptionValue.extrinsic(type, mark: greeks.price, underlying: spot, strike: strike),
                            timeToExpiry: t, impliedVol: impliedVol)
    }

    private func solveVolatility(price: Double, timeToExpiry t: Double) throws(CLIFailure) -> Double {
        do {
            return try BlackScholes.impliedVolatility(type, price: price, spot: spot, strike: strike, rate: rate,
                                                      dividendYield: dividendYield, timeToExpiry: t)
        } catch {
            if case .invalidInput(let input) = error { throw failure(input) }
            throw location.failure("price", "no implied volatility: \(error.description)")
        }
    }

    /// Names the column or flag behind a model input error.
    private func failure(_ error: BlackScholes.InputError) -> CLIFailure {
        switch error.field {
        case .timeToExpiry: location.failure("expiry", error.reason)
        case .volatility: location.failure("vol", "\(error.value) \(error.reason)")
        case .dividendYield: location.failure("dividend_yield", "\(error.value) \(error.reason)")
        case .spot, .strike, .rate, .price: location.failure(error.field.rawValue, "\(error.value) \(error.reason)")
        case .forward, .callPrice, .putPrice: location.failure("price", "\(error.value) \(error.reason)")
        }
    }
}

/// What `calc option` reports for one option.
struct OptionResult {
    var greeks: OptionGreeks
    var intrinsic: Double
    var extrinsic: Double
    var timeToExpiry: Double
    var impliedVol: Double?
    /// The CSV line, in batch mode.
    var line: Int?

    /// Output keys in their fixed order.
    static func keys(withImpliedVol: Bool) -> [String] {
        ["price", "delta", "gamma", "vega", "theta_per_year", "theta_per_day", "rho", "intrinsic", "extrinsic",
         "time_to_expiry_years"] + (withImpliedVol ? ["implied_vol"] : [])
    }

    /// The library's document of this result.
    var document: OptionCalcDocument {
        OptionCalcDocument(greeks: greeks, intrinsic: intrinsic, extrinsic: extrinsic, timeToExpiry: timeToExpiry, impliedVol: impliedVol)
    }

    /// Table cells of one result's tree in key order; `-` for a missing implied vol when other rows have one.
    static func cells(_ tree: ReportJSONValue, withImpliedVol: Bool) -> [String] {
        let cells = tree.members.map(\.value.cell)
        return withImpliedVol && cells.count < keys(withImpliedVol: true).count ? cells + ["-"] : cells
    }
}
