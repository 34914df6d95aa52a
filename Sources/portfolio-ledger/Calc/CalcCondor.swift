import ArgumentParser
import LedgerMath
import PortfolioLedger

/// `calc condor`: metrics and P&L at expiry of an iron condor read from a CSV of legs.
struct CalcCondorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "condor",
        abstract: "Net credit, max profit/loss, break-evens and P&L at expiry of an iron condor.",
        discussion: """
        The CSV has one row per leg, four rows, columns option_type (call or put), strike (index \
        points), quantity (signed contracts: + long, − short) and premium (per unit, index points). \
        Legs may come in any order; they must form K1 < K2 < K3 < K4 with signs (+, −, −, +) for a \
        credit condor or (−, +, +, −) for a debit one, all of one size.

        Money (net_credit, max_profit, max_loss, pnl) is for the whole position: points × contracts \
        × multiplier, exact, as decimal strings; a loss is negative. break_evens and settlements are \
        index points. pnl_at_expiry has one entry per --settlement, in the order given.
        """
    )

    @Option(help: "CSV file of legs with columns option_type,strike,quantity,premium.")
    var input: String
    @Option(parsing: .unconditionalSingleValue, help: "Settlement value (index points, ≥ 0) to report the P&L at; repeat for several.")
    var settlement: [String] = []
    @Option(help: "Contract multiplier (USD per index point per contract).")
    var multiplier: Int = 100
    @OptionGroup var output: CalcOutputOptions

    func run() throws {
        let settlements = try settlement.map { text throws(CLIFailure) in
            let value = try InputLocation.flags.decimal(text, "settlement")
            guard !value.isNegative else { throw InputLocation.flags.failure("settlement", "\(text) must be ≥ 0") }
            return value
        }
        let condor = try readCondor()
        let document = CondorCalcDocument(condor, settlements: settlements)
        try output.format.emit(document: document) { tree in
            let summary = PlainTable.keyValue(Array(tree.members.dropLast()))
            guard !document.pnlAtExpiry.isEmpty else { return summary }
            let rows = document.pnlAtExpiry.map { [$0.settlement.description, $0.pnl.description] }
            return summary + "\n\n" + PlainTable.grid(header: ["settlement", "pnl_at_expiry"], rows: rows, rightAligned: [0, 1])
        }
    }

    /// Reads the legs, each error naming the file, line and column.
    private func readCondor() throws(CLIFailure) -> IronCondor {
        let csv = try CalcCSV(file: input, required: ["option_type", "strike", "quantity", "premium"])
        var legs: [(leg: OptionLeg, line: Int)] = []
        while let (row, location) = try csv.next() {
            let leg = OptionLeg(try location.optionType(row.text("option_type"), "option_type"),
                                strike: try location.decimal(row.text("strike"), "strike"),
                                quantity: try location.integer(row.text("quantity"), "quantity"),
                                premium: try location.decimal(row.text("premium"), "premium"))
            legs.append((leg, row.line))
        }
        do {
            return try IronCondor(legs: legs.map(\.leg), multiplier: multiplier)
        } catch {
            throw failure(error, legs: legs)
        }
    }

    /// Names the line of the leg an ``IronCondorError`` is about.
    private func failure(_ error: IronCondorError, legs: [(leg: OptionLeg, line: Int)]) -> CLIFailure {
        // The roles in the order IronCondor assigns them: puts, then calls, each by strike.
        let byRole = legs.filter { $0.leg.optionType == .put }.sorted { $0.leg.strike < $1.leg.strike }
            + legs.filter { $0.leg.optionType == .call }.sorted { $0.leg.strike < $1.leg.strike }
        func at(_ role: IronCondor.Role, _ field: String, _ reason: String) -> CLIFailure {
            guard let i = IronCondor.Role.allCases.firstIndex(of: role), i < byRole.count else {
                return InputLocation.failure(file: input, reason)
            }
            return InputLocation.csv(file: input, line: byRole[i].line).failure(field, reason)
        }
        switch error {
        case .invalidMultiplier:
            return InputLocation.flags.failure("multiplier", error.description)
        case let .invalidLeg(leg, field, _):
            return at(leg, field, error.description)
        case let .strikesOutOfOrder(leg, _):
            return at(leg, "strike", error.description)
        case let .signPattern(leg, _):
            return at(leg, "quantity", error.description)
        case let .expiryMismatch(leg):
            return at(leg, "expiry", error.description)
        case .wrongLegTypes:
            return InputLocation.file(input).failure("option_type", error.description)
        case .wrongLegCount, .invalidField:
            return InputLocation.failure(file: input, error.description)
        }
    }
}
