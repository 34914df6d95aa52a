import ArgumentParser

/// `portfolio-ledger calc …`: a scriptable calculator over LedgerMath, with a stable output contract.
struct CalcCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calc",
        abstract: "Calculators: option greeks and implied vol, XIRR, iron-condor payoff, loan accrual.",
        discussion: """
        Every calculator prints an aligned table by default, or one JSON object (an array for a \
        batch) with --format json: keys in snake_case in a fixed order; booked money and other exact \
        decimals as strings; analytics (greeks, rates, APRs) as numbers.

        Dates are YYYY-MM-DD (midnight UTC) or a full UTC instant, YYYY-MM-DDTHH:MM:SSZ. CSV input \
        has a header row naming the columns (any order, any case; extra columns are ignored).

        Exit codes: 0 ok, 64 usage error, 65 invalid input (the message names the flag, or the \
        file, line and column), 66 an input file that cannot be read.
        """,
        subcommands: [CalcOptionCommand.self, CalcXIRRCommand.self, CalcCondorCommand.self, CalcLoanCommand.self]
    )
}

/// How a calc command prints its answer.
enum CalcFormat: String, ExpressibleByArgument, CaseIterable {
    /// An aligned, human-readable table.
    case table
    /// JSON with a fixed key order.
    case json
}

/// The `--format` option shared by every calc command.
struct CalcOutputOptions: ParsableArguments {
    @Option(help: "Output format: table (aligned, readable) or json (stable keys, for scripts).")
    var format: CalcFormat = .table
}
