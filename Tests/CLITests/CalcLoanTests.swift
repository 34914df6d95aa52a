import Foundation
import Testing

/// The fact sheet's worked examples F1–F5 (20 ETH, 30 days, 20 % APR unless stated), to the wei —
/// the same figures `InterestModelTests` asserts on the library.
@Suite struct CalcLoanTests {
    static let start = ["--principal", "20", "--start", "2024-01-01"]

    struct Case: Sendable, CustomTestStringConvertible {
        var args: [String]
        var debt: String
        var apr: Double
        var testDescription: String { args[1] }
    }

    static let factSheet: [Case] = [
        Case(args: ["--model", "fixed", "--repayment", "20.328767123287671232", "--duration-days", "30", "--at", "2024-01-11"],
             debt: "20.328767123287671232", apr: 0.6),
        Case(args: ["--model", "simple", "--variant", "arcade-v4", "--rate-bps", "2000", "--maturity", "2024-01-31", "--at", "2024-02-15"],
             debt: "20.328767123287671232", apr: 0.2 * 30 / 45),
        Case(args: ["--model", "simple", "--variant", "gondi", "--rate-bps", "2000", "--duration-days", "30", "--at", "2024-01-31"],
             debt: "20.328767123287671233", apr: 0.2),
        Case(args: ["--model", "simple", "--rate-bps", "2000", "--at", "2024-01-31"],
             debt: "20.328767123287671232", apr: 0.2),
        Case(args: ["--model", "nftfi-pro-rata", "--repayment", "20.328767123287671232", "--duration-days", "30", "--at", "2024-01-11"],
             debt: "20.109333333333333333", apr: 0.109333333333333333 / 20 * 365 / 10),
        Case(args: ["--model", "continuous", "--rate-bps", "2000", "--at", "2024-01-31"],
             debt: "20.33148418642185256", apr: 0.33148418642185256 / 20 * 365 / 30),
        Case(args: ["--model", "index", "--rate-ray", "200000000000000000000000000", "--at", "2024-01-31"],
             debt: "20.331484119881771785", apr: 0.331484119881771785 / 20 * 365 / 30),
        Case(args: ["--model", "index", "--rate-bps", "2000", "--index-ray", "1000000000000000000000000000", "--at", "2024-01-31"],
             debt: "20.331484119881771785", apr: 0.331484119881771785 / 20 * 365 / 30),
        Case(args: ["--model", "vault", "--rate-bps", "500", "--at", "2024-01-31"],
             debt: "20.082191780821917808", apr: 0.05),
    ]

    @Test(arguments: factSheet)
    func factSheetDebtsToTheWei(_ c: Case) throws {
        let (args, debt, apr) = (c.args, c.debt, c.apr)
        let result = try calc(["loan"] + Self.start + args + ["--format", "json"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(keysInOrder(result.stdout) == ["model", "at", "principal", "debt", "interest", "effective_apr"])
        let object = try #require(try parseJSON(result.stdout) as? [String: Any])
        #expect(object["model"] as? String == args[1])
        #expect(object["principal"] as? String == "20")
        #expect(object["debt"] as? String == debt)
        #expect(object["interest"] as? String == "0" + debt.dropFirst(2))
        #expect(isClose(try #require(object["effective_apr"] as? Double), apr, relative: 1e-12))
    }

    @Test func tableFullTextAndNullAPRAtTheStart() throws {
        let table = try calc(["loan", "--model", "continuous", "--principal", "20", "--rate-bps", "2000",
                              "--start", "2024-01-01", "--at", "2024-01-31T00:00:00Z"])
        #expect(table.exitCode == 0)
        #expect(table.stdout == """
            model          continuous
            at             2024-01-31T00:00:00Z
            principal      20
            debt           20.33148418642185256
            interest       0.33148418642185256
            effective_apr  0.20165288007329363

            """)
        let json = try calc(["loan", "--model", "fixed", "--principal", "1000", "--repayment", "1010", "--decimals", "6",
                             "--start", "2024-01-01", "--maturity", "2024-02-01", "--at", "2024-01-01", "--format", "json"])
        #expect(json.stdout == """
            {
              "model": "fixed",
              "at": "2024-01-01T00:00:00Z",
              "principal": "1000",
              "debt": "1010",
              "interest": "10",
              "effective_apr": null
            }

            """)
    }

    @Test(arguments: [
        (["--model", "continuous", "--rate-bps", "2000", "--at", "2023-12-31"],
         "--at: 2023-12-31T00:00:00Z is before the start 2024-01-01T00:00:00Z"),
        (["--model", "continuous", "--rate-bps", "200000", "--at", "2024-01-31"],
         "--rate-bps: invalid rateBps: 200000 is not in 0...100000"),
        (["--model", "continuous", "--rate-bps", "12.5", "--at", "2024-01-31"],
         "--rate-bps: '12.5' is not a whole number ≥ 0"),
        (["--model", "fixed", "--repayment", "19", "--maturity", "2024-02-01", "--at", "2024-01-31"],
         "--repayment: invalid repayment: 19 is below the principal 20"),
        (["--model", "fixed", "--repayment", "21", "--maturity", "2023-02-01", "--at", "2024-01-31"],
         "--maturity: 2023-02-01T00:00:00Z is not after the start 2024-01-01T00:00:00Z"),
        (["--model", "nftfi-pro-rata", "--repayment", "21", "--duration-days", "0", "--at", "2024-01-31"],
         "--duration-days: 0 is not in 1...36500"),
        (["--model", "vault", "--rate-bps", "500", "--decimals", "6", "--at", "2024-01-31", "--principal", "1.0000001"],
         "--principal: invalid amount: 1.0000001 has more than 6 decimals"),
        (["--model", "index", "--rate-ray", "2e26", "--at", "2024-01-31"],
         "--rate-ray: '2e26' is not a decimal number: exponent notation is not accepted"),
        (["--model", "index", "--rate-bps", "2000", "--index-ray", "0", "--at", "2024-01-31"],
         "--index-ray: invalid indexRay: must be positive"),
        (["--model", "simple", "--rate-bps", "2000", "--at", "2024-01-31T25:00:00Z"],
         "--at: '2024-01-31T25:00:00Z' is not an ISO-8601 UTC date or instant: time of day out of range"),
    ])
    func invalidValuesExit65NamingTheFlag(args: [String], message: String) throws {
        let result = try calc(["loan"] + Self.start + args)
        #expect(result.exitCode == 65)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "portfolio-ledger: error: \(message)\n")
    }

    @Test(arguments: [
        (["--model", "continuous", "--rate-bps", "2000", "--repayment", "3", "--at", "2024-01-31"], "--repayment does not apply to --model continuous"),
        (["--model", "fixed", "--repayment", "21", "--at", "2024-01-31"], "--model fixed needs --maturity or --duration-days"),
        (["--model", "simple", "--variant", "gondi", "--rate-bps", "1", "--at", "2024-01-31"], "--model simple --variant gondi needs --maturity or --duration-days"),
        (["--model", "fixed", "--duration-days", "30", "--at", "2024-01-31"], "--model fixed needs --repayment"),
        (["--model", "vault", "--at", "2024-01-31"], "--model vault needs --rate-bps"),
        (["--model", "index", "--rate-bps", "1", "--rate-ray", "1", "--at", "2024-01-31"], "--model index needs one of --rate-ray and --rate-bps"),
        (["--model", "fixed", "--repayment", "21", "--maturity", "2024-02-01", "--duration-days", "3", "--at", "2024-01-31"], "give --maturity or --duration-days, not both"),
        (["--model", "bendy", "--at", "2024-01-31"], "The value 'bendy' is invalid for '--model <model>'"),
    ])
    func usageErrorsExit64(args: [String], message: String) throws {
        let result = try calc(["loan"] + Self.start + args)
        #expect(result.exitCode == 64)
        #expect(result.stderr.hasPrefix("Error: \(message)"), "\(result.stderr)")
    }

    @Test func helpDocumentsEveryModel() throws {
        let help = try calc(["loan", "--help"])
        #expect(help.exitCode == 0)
        for model in ["fixed", "simple", "nftfi-pro-rata", "continuous", "index", "vault"] {
            #expect(help.stdout.contains("\n  \(model) "), "\(model)")
        }
        for command in ["option", "xirr", "condor", "loan"] {
            let sub = try calc([command, "--help"])
            #expect(sub.exitCode == 0)
            #expect(sub.stdout.contains("USAGE: portfolio-ledger calc \(command)"))
            #expect(sub.stdout.contains("--format <format>"))
        }
    }
}
