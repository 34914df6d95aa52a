import Foundation
import Testing

/// Every `report`, `chart`, `calc`, `export` and `demo` output, in every format, pinned byte for
/// byte against the committed files in `Goldens/` (SVG charts as text).
///
/// Regenerate after an intended change: `UPDATE_GOLDENS=1 swift test --filter GoldenOutputTests`,
/// then review `git diff Tests/CLITests/Goldens` and commit (docs/testing.md).
///
/// Books: `demo` is `portfolio-ledger demo --db` (bundled real data, fixed clock). `realistic` is
/// built through the CLI from `GoldenInputs/realistic-book/` (`book.jsonl`, then real ETH/USD, SPX, VIX
/// and CryptoPunks files cut to Dec 2020–Apr 2021; the journal: four real punk purchases and one real resale,
/// loans under four interest models — one repaid and closed — a superseded fee and a voided
/// withdrawal, a settled and an open SPX iron condor). Every run is pinned: `--at`, the option
/// market (`--rate 0.001 --dividend-yield 0.015`, the demo's stated assumptions) and chart ranges.
///
/// How the numbers were checked when the goldens were first written (2026-12-05):
/// - realistic `report cost`, loan 1 (NFTfi, fixed repayment): received 2.97 ETH, repaid
///   3.073972602739726027 (= 3·(1 + 0.30·30/365) truncated to the wei), fees 0.035 = the 0.03
///   origination fee + the 0.005 fee that superseded the 0.05 typo (the typo does not count):
///   cost 0.108972602739726027 ETH; APR = cost / 2.97 × 365 / 26.5 days = 50.54 % — by hand.
/// - realistic `report loans`, loan 2 (BendDAO-style index, 18 % then 26 % from 02-15, 0.5 WETH
///   repaid 03-01): debt 1.594571923029749586 WETH at the report instant — the same figure from
///   the contracts' integer arithmetic in Python (`aave_index_reference.py`'s `ray_mul`, `ray_div`
///   and `compounded_interest`, independent of the Swift code), with `updateState()` re-anchoring
///   the index at the rate change and at the repay: scaled −= rayDiv(0.5, I(03-01)),
///   debt = rayMul(scaled, compounded(26 %, t − 03-01) · I(03-01)). (First written as
///   1.594571842918101074, which compounded from 02-15 across the repay; the protocol issue #13
///   fixed that — 8.0e-8 WETH.) Likewise loan 3
///   (Blend, 3 ETH at 1,500 bps from 01-20: debt 3.095177207711454612) and loan 4 (Arcade v4, 2 WETH
///   at 2,200 bps from 02-10: interest 0.066301355910705225) equal the port's `blend_current_debt`
///   and `arcade_v4_interest` to the wei.
/// - realistic `report valuation`: cash ETH 25 − 22.27 (four purchases) + 2.97 − 0.005 −
///   3.073972602739726027 + 6.99 (resale) + 3 (Blend) = 12.611027397260273973; cash USD 30,000 +
///   5,890 + 3,090 net premiums − 8 × 1.32 fees = 38,969.44 (the March condor expired worthless at
///   3,913.1); each punk 15.995 ETH × 2,077.755212 USD = 33,233.69 USD — by hand.
/// - demo: the figures in README/docs/cli.md (loan 2's liquidation on 2021-01-21, the condor's
///   +88.6 %), checked when the demo was written (decisions D12), are in these goldens unchanged.
@Suite struct GoldenOutputTests {
    @Test(arguments: GoldenCase.all)
    func outputMatchesItsGolden(_ golden: GoldenCase) throws {
        let scratch = GoldenBooks.directory.url.appendingPathComponent("out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let out = scratch.appendingPathComponent("output").path
        let ledger: String? = switch golden.book {
        case .demo: try GoldenBooks.demo.get()
        case .realistic: try GoldenBooks.realistic.get()
        case nil: nil
        }
        let arguments = golden.arguments.map { $0 == GoldenCase.ledger ? ledger ?? $0 : $0 == GoldenCase.out ? out : $0 }
        let result = try CLIRunner.run(arguments, in: golden.workingDirectory)
        #expect(result.exitCode == 0, "\(arguments.joined(separator: " ")): exit \(result.exitCode): \(result.stderr)")
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        var output = golden.writesFile ? try Data(contentsOf: URL(fileURLWithPath: out + golden.fileInOut)) : Data(result.stdout.utf8)
        if golden.namesTheLedger, let ledger {
            // The page's header and footer name the ledger file, whose path changes per run.
            output = Data(String(decoding: output, as: UTF8.self).replacingOccurrences(of: ledger, with: GoldenCase.ledger).utf8)
        }
        try GoldenFile.check(output, golden: golden.golden)
    }

    @Test func everyGoldenFileBelongsToACase() throws {
        let expected = Set(GoldenCase.all.map(\.golden))
        let stale = GoldenFile.filesOnDisk().subtracting(expected)
        if GoldenFile.isUpdating && !GoldenFile.isCI {
            for file in stale { try FileManager.default.removeItem(at: GoldenFile.directory.appendingPathComponent(file)) }
            return
        }
        #expect(stale.isEmpty, "golden files no case produces (delete them, or run `\(GoldenFile.regenerate)`): \(stale.sorted())")
        #expect(expected.count == GoldenCase.all.count, "two cases write the same golden file")
    }

    /// A view added to `report`, `chart` or `calc` without a golden fails here: "every output" stays every output.
    @Test(arguments: ["report", "chart", "calc"])
    func everySubcommandHasGoldensInEveryFormat(_ command: String) throws {
        let help = try CLIRunner.run([command, "--help"])
        #expect(help.exitCode == 0, "\(help.stderr)")
        let section = help.stdout.components(separatedBy: "SUBCOMMANDS:").last ?? ""
        let subcommands = section.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("  "), !line.hasPrefix("   "), let word = line.split(separator: " ").first,
                  word.first?.isLowercase == true else { return nil }  // not the closing "See …" line
            return String(word)
        }
        #expect(subcommands.count >= 3, "cannot read the subcommands of `\(command) --help`")
        for subcommand in subcommands {
            let cases = GoldenCase.all.filter { $0.arguments.count > 1 && $0.arguments[0] == command && $0.arguments[1] == subcommand }
            let formats = Set(cases.map { ($0.golden as NSString).pathExtension })
            // `report html` is a format of its own: one page (its index.html), the other reports print in three.
            let expected: Set<String> = command == "report" ? (subcommand == "html" ? ["html"] : ["table", "json", "csv"])
                : command == "chart" ? ["svg"] : ["table", "json"]
            #expect(formats == expected, "`\(command) \(subcommand)` has goldens in \(formats.sorted()), expected \(expected.sorted())")
        }
    }

    @Test func aChangedDigitShowsAsAUnifiedDiff() {
        let golden = "Loans\n\nloan  debt\n1     2.041095890410958904 ETH\n2     0\n"
        let actual = "Loans\n\nloan  debt\n1     2.041095890410958905 ETH\n2     0\n"
        #expect(UnifiedDiff.render(expected: golden, actual: actual, path: "x.table") == """
            --- x.table (golden)
            +++ x.table (actual)
            @@ -1,6 +1,6 @@
             Loans
             \("")
             loan  debt
            -1     2.041095890410958904 ETH
            +1     2.041095890410958905 ETH
             2     0
             \("")
            """)
    }
}

/// One pinned command: its arguments (`LEDGER` and `OUT` are placeholders for the book's ledger
/// and an output file) and the golden file it must reproduce.
struct GoldenCase: Sendable, CustomTestStringConvertible {
    enum Book: String, Sendable { case demo, realistic }

    static let ledger = "LEDGER", out = "OUT"
    static let at = ["--at", "2021-04-05T23:59:59Z"]
    static let market = ["--rate", "0.001", "--dividend-yield", "0.015"]
    static let formats = ["table", "json", "csv"]

    let golden: String
    let book: Book?
    let arguments: [String]
    var writesFile = false
    var workingDirectory: URL? = nil
    /// What the command wrote, relative to `OUT` (`/index.html` when `OUT` is a directory).
    var fileInOut = ""
    /// The output names the ledger's path, which the check reads as `LEDGER`.
    var namesTheLedger = false
    var testDescription: String { golden }

    static let all: [GoldenCase] = demo + realistic + calc

    /// `report VIEW LEDGER ARGS… --at … --format F` for each format; `market` adds the option-market flags.
    static func report(_ book: Book, _ name: String, _ view: [String], market usesMarket: Bool = false,
                       at instant: [String] = at) -> [GoldenCase] {
        formats.map { format in
            GoldenCase(golden: "\(book.rawValue)/report-\(name).\(format)", book: book,
                       arguments: ["report", view[0], ledger] + view.dropFirst() + instant + (usesMarket ? market : []) + ["--format", format])
        }
    }

    static func chart(_ book: Book, _ name: String, _ arguments: [String]) -> GoldenCase {
        GoldenCase(golden: "\(book.rawValue)/chart-\(name).svg", book: book,
                   arguments: ["chart", arguments[0], ledger] + arguments.dropFirst() + ["--out", out], writesFile: true)
    }

    /// The reports both books share.
    static func commonReports(_ book: Book) -> [GoldenCase] {
        report(book, "valuation", ["valuation"], market: true)
            + report(book, "loans", ["loans"])
            + report(book, "hedges", ["hedges"], market: true)
            + report(book, "returns", ["returns"], market: true)
            + report(book, "returns-eth", ["returns", "--numeraire", "eth"], market: true)
            + report(book, "cost", ["cost"])
            + report(book, "stress", ["stress", "--floor", "-40%", "--eth-usd", "-30%", "--spx", "-10%", "--vol", "+0.15"], market: true)
            + report(book, "statement", ["statement", "--from", "2020-12-01"], market: true)
            + report(book, "balance-sheet", ["balance-sheet"], market: true)
            + report(book, "break-even", ["break-even"], market: true)
            + report(book, "borrowing-wacc", ["borrowing-wacc", "--from", "2021-01-01"])
            + report(book, "buffer", ["buffer"])
            + report(book, "momentum", ["momentum", "1"])
            + [GoldenCase(golden: "\(book.rawValue)/export.jsonl", book: book, arguments: ["export", ledger])]
    }

    static let demo: [GoldenCase] = commonReports(.demo)
        + report(.demo, "loan-1", ["loan", "1"]) + report(.demo, "loan-2", ["loan", "2"])
        + report(.demo, "hedge-1", ["hedge", "1", "--to", "2021-03-19"], market: true)
        // While both demo loans and the condor are open (docs/cli.md's session).
        + report(.demo, "loans-2021-01-25", ["loans"], at: ["--at", "2021-01-25"])
        + report(.demo, "stress-2021-02-26", ["stress", "--floor", "-40%", "--eth-usd", "-30%", "--spx", "-10%", "--vol", "+0.15"],
                 market: true, at: ["--at", "2021-02-26T21:00:00Z"])
        + report(.demo, "break-even-2021-02-26", ["break-even"], market: true, at: ["--at", "2021-02-26T21:00:00Z"])
        + [GoldenCase(golden: "demo/report-html.html", book: .demo,
                      arguments: ["report", "html", ledger, "--out", out] + at + market, writesFile: true,
                      fileInOut: "/index.html", namesTheLedger: true)]
        + [chart(.demo, "health-2", ["health", "2", "--to", "2021-03-15"]),
           chart(.demo, "health-1", ["health", "1", "--to", "2021-03-15"]),
           chart(.demo, "loan-2", ["loan", "2", "--to", "2021-03-15"]),
           chart(.demo, "theta-1", ["theta", "1", "--to", "2021-03-19"] + market),
           chart(.demo, "equity", ["equity", "--to", "2021-04-05T23:59:59Z", "--step-days", "7"] + market),
           GoldenCase(golden: "demo/demo.txt", book: nil, arguments: ["demo"])]

    static let realistic: [GoldenCase] = commonReports(.realistic)
        + (1...4).flatMap { report(.realistic, "loan-\($0)", ["loan", "\($0)"]) }
        + report(.realistic, "hedge-1", ["hedge", "1"], market: true)
        + report(.realistic, "hedge-2", ["hedge", "2"], market: true)
        + [chart(.realistic, "health-2", ["health", "2", "--to", "2021-04-05T23:59:59Z"]),
           chart(.realistic, "health-4", ["health", "4", "--to", "2021-04-05T23:59:59Z"]),
           chart(.realistic, "loan-2", ["loan", "2", "--to", "2021-04-05T23:59:59Z"]),
           chart(.realistic, "theta-2", ["theta", "2", "--to", "2021-04-05T23:59:59Z"] + market),
           chart(.realistic, "equity", ["equity", "--to", "2021-04-05T23:59:59Z", "--step-days", "7"] + market)]

    /// Calculators need no ledger; CSV inputs are in `GoldenInputs/calc/`, named relative to it.
    static let calc: [GoldenCase] = {
        let folder = GoldenBooks.inputs.appendingPathComponent("calc")
        let loans: [(String, [String])] = [
            ("fixed", ["--model", "fixed", "--principal", "20", "--repayment", "20.328767123287671232", "--duration-days", "30"]),
            ("simple-arcade-v4", ["--model", "simple", "--variant", "arcade-v4", "--principal", "20", "--rate-bps", "2000", "--duration-days", "30"]),
            ("simple-gondi", ["--model", "simple", "--variant", "gondi", "--principal", "20", "--rate-bps", "2000", "--duration-days", "30"]),
            ("nftfi-pro-rata", ["--model", "nftfi-pro-rata", "--principal", "20", "--repayment", "20.328767123287671232", "--duration-days", "30"]),
            ("continuous", ["--model", "continuous", "--principal", "20", "--rate-bps", "2000"]),
            ("index", ["--model", "index", "--principal", "20", "--rate-bps", "2000"]),
            ("vault", ["--model", "vault", "--principal", "20", "--rate-bps", "500"]),
            ("usdc-simple", ["--model", "simple", "--principal", "60000", "--rate-bps", "1529", "--decimals", "6"]),
        ]
        let commands: [(String, [String])] = [
            ("option-call", ["option", "--type", "call", "--spot", "5000", "--strike", "5100", "--vol", "0.15", "--rate", "0.05",
                             "--dividend-yield", "0.015", "--valuation", "2024-03-01", "--expiry", "2024-03-29T20:00:00Z"]),
            ("option-implied-vol", ["option", "--type", "put", "--spot", "4500", "--strike", "4400", "--price", "60", "--rate", "0.05",
                                    "--dividend-yield", "0.015", "--valuation", "2024-01-02", "--expiry", "2024-02-16"]),
            ("option-batch", ["option", "--input", "options.csv"]),
            ("xirr", ["xirr", "--input", "flows.csv"]),
            ("condor", ["condor", "--input", "legs.csv", "--settlement", "4925", "--settlement", "5000"]),
        ] + loans.map { ("loan-\($0.0)", ["loan"] + $0.1 + ["--start", "2024-01-01", "--at", "2024-01-31"]) }
        return commands.flatMap { name, arguments in
            ["table", "json"].map { format in
                GoldenCase(golden: "calc/\(name).\(format)", book: nil, arguments: ["calc"] + arguments + ["--format", format],
                           workingDirectory: folder)
            }
        }
    }()
}
