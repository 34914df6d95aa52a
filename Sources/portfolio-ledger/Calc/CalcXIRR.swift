import ArgumentParser
import LedgerMath
import PortfolioLedger

/// `calc xirr`: the money-weighted annual return of dated cash flows (Excel's XIRR).
struct CalcXIRRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xirr",
        abstract: "Money-weighted annual return (XIRR) of dated cash flows from a CSV file.",
        discussion: """
        The CSV has columns date and amount: negative = paid out (invested), positive = received; \
        any order, same-day flows allowed. Solves Σ amount_i / (1 + rate)^((d_i − d_0)/365) = 0 with \
        d_0 the earliest date (Actual/365 Fixed, as Excel and LibreOffice).

        Output: rate (a fraction per year, null when there is none), status (ok, no_solution or \
        invalid), multiple_roots_possible (the flows change sign more than once: other rates may \
        also solve the equation), flows (rows read). status invalid (e.g. fewer than 2 flows) is \
        printed and also exits 65 with the reason on stderr; no_solution exits 0.
        """
    )

    @Option(help: "CSV file with columns date,amount.")
    var input: String
    @Option(help: "Time between flows: days (whole UTC days / 365, as spreadsheets) or seconds (elapsed seconds / 31,536,000).")
    var basis: Basis = .days
    @OptionGroup var output: CalcOutputOptions

    enum Basis: String, ExpressibleByArgument, CaseIterable {
        case days, seconds
        var timeBasis: XIRR.TimeBasis { self == .days ? .days : .seconds }
    }

    func run() throws {
        let csv = try CalcCSV(file: input, required: ["date", "amount"])
        var dates: [Instant] = []
        var amounts: [Double] = []
        while let (row, location) = try csv.next() {
            dates.append(try location.instant(row.text("date"), "date"))
            amounts.append(try location.number(row.text("amount"), "amount"))
        }
        let result = XIRR.solve(dates: dates, amounts: amounts, basis: basis.timeBasis)
        try output.format.emit(document: XIRRCalcDocument(result, flows: dates.count)) { PlainTable.keyValue($0.members) }
        if case .invalid(let reason) = result {
            throw InputLocation.failure(file: input, reason.description)
        }
    }
}
