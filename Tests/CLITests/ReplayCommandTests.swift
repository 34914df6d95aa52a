import Foundation
import LedgerTestSupport
import Testing

/// `portfolio-ledger replay` on the bundled history, as a user runs it.
@Suite struct ReplayCommandTests {
    let dir = TemporaryDirectory()

    /// docs/examples/cli/replay-policy.json, found from this file (a missing file fails the test).
    static let policy: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/examples/cli/replay-policy.json").path

    @Test func theComparisonAndItsLedgerAreTheSameBytesOnEveryRun() throws {
        var outputs: [String] = []
        for name in ["a", "b"] {
            let run = try CLIRunner.run(["replay", Self.policy, "--from", "2021-01-02", "--to", "2021-02-28", "--out", dir.path("\(name).ledger"),
                                         "--chart", dir.path("\(name).svg")])
            #expect(run.exitCode == 0, "\(run.stderr)")
            #expect(run.stdout.contains("levered, no buffer  liquidated") == false)   // 40 % LTV survives without the buffer
            let json = try CLIRunner.run(["replay", Self.policy, "--from", "2021-01-02", "--to", "2021-02-28", "--format", "json"])
            let export = try CLIRunner.run(["export", dir.path("\(name).ledger")])
            let returns = try CLIRunner.run(["report", "returns", dir.path("\(name).ledger"), "--at", "2021-02-28T23:59:59Z"])
            let loans = try CLIRunner.run(["report", "loans", dir.path("\(name).ledger"), "--at", "2021-01-20", "--format", "json"])
            let model = ["--rate", "0.001", "--dividend-yield", "0.015"]
            let hedges = try CLIRunner.run(["report", "hedges", dir.path("\(name).ledger"), "--at", "2021-01-20"] + model)
            let valuation = try CLIRunner.run(["report", "valuation", dir.path("\(name).ledger"), "--at", "2021-01-20"] + model)
            let statement = try CLIRunner.run(["report", "statement", dir.path("\(name).ledger"), "--from", "2021-01-02", "--to", "2021-02-28"])
            let equity = try CLIRunner.run(["chart", "equity", dir.path("\(name).ledger"), "--out", dir.path("\(name)-equity.svg"),
                                            "--from", "2021-01-03", "--to", "2021-02-28"] + model)
            let reports = [json, export, returns, loans, hedges, valuation, statement, equity]
            #expect(reports.allSatisfy { $0.exitCode == 0 }, "\(reports.map(\.stderr))")
            outputs.append(([run.stdout, equity.stdout].map { $0.replacingOccurrences(of: dir.path(name), with: "X") }
                            + [json, export, returns, loans, hedges, valuation, statement].map(\.stdout)
                            + [try String(contentsOfFile: dir.path("\(name).svg"), encoding: .utf8),
                               try String(contentsOfFile: dir.path("\(name)-equity.svg"), encoding: .utf8)]).joined(separator: "\n--\n"))
            let check = try CLIRunner.run(["check", dir.path("\(name).ledger")])
            #expect(check.exitCode == 0)
        }
        #expect(outputs[0] == outputs[1])
        #expect(outputs[0].contains("\"simulated\": true"))
    }

    @Test func theJanuaryDipLiquidatesHalfLTVWithoutTheBufferOnly() throws {
        let run = try CLIRunner.run(["replay", Self.policy, "--from", "2021-01-02", "--to", "2021-02-28", "--sweep",
                                     "--ltv", "0.4:0.6:0.1", "--buffer-hf", "1.5:1.5:1", "--with-no-buffer", "--hedge", "on",
                                     "--chart", dir.path("sweep.svg")])
        #expect(run.exitCode == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("0.40        off  on     survived") })
        #expect(lines.contains { $0.hasPrefix("0.50        off  on     liquidated 2021-01-17 at floor 4.10 ETH") })
        #expect(lines.contains { $0.hasPrefix("0.60        off  on     liquidated 2021-01-08 at floor 4.75 ETH") })
        #expect(lines.contains { $0.hasPrefix("0.60       1.50  on     survived") })
        #expect(lines.contains("4 of 6 points survived"))
        #expect(run.stderr.contains("sweep: 6/6 points"))
        #expect(try String(contentsOfFile: dir.path("sweep.svg"), encoding: .utf8).hasPrefix("<svg"))
        // Any point can be written as a ledger: the 50 % no-buffer point, liquidated on 2021-01-17.
        let point = try CLIRunner.run(["replay", Self.policy, "--from", "2021-01-02", "--to", "2021-02-28", "--sweep", "--ltv", "0.5:0.5:0.1",
                                       "--buffer-hf", "off", "--hedge", "on", "--write-point", "0.5,off,on", "--out", dir.path("point.ledger")])
        #expect(point.exitCode == 0, "\(point.stderr)")
        let loans = try CLIRunner.run(["report", "loans", dir.path("point.ledger"), "--at", "2021-01-18"])
        #expect(loans.stdout.contains("liquidated"))
    }

    @Test func badInputIsAClearErrorAndWritesNothing() throws {
        let bad = dir.path("bad.json")
        try Data(#"{ "name": "p", "collateral": [{ "token": "1" }], "loan": { "rateBps": 1, "targetLTV": 0.9, "liquidationThreshold": 0.65 } }"#.utf8)
            .write(to: URL(fileURLWithPath: bad))
        let invalid = try CLIRunner.run(["replay", bad, "--from", "2021-01-02", "--to", "2021-02-28", "--out", dir.path("x.ledger")])
        #expect(invalid.exitCode == 65)
        #expect(invalid.stderr.contains("loan.targetLTV"))
        #expect(!FileManager.default.fileExists(atPath: dir.path("x.ledger")))
        let missing = try CLIRunner.run(["replay", dir.path("none.json"), "--from", "2021-01-02", "--to", "2021-02-28"])
        #expect(missing.exitCode == 66)
        let late = try CLIRunner.run(["replay", Self.policy, "--from", "2021-01-02", "--to", "2021-05-01", "--out", dir.path("y.ledger")])
        #expect(late.exitCode == 65)
        #expect(late.stderr.contains("to"))
        #expect(!FileManager.default.fileExists(atPath: dir.path("y.ledger")))
        let both = try CLIRunner.run(["replay", Self.policy, "--from", "2021-01-02", "--to", "2021-02-28", "--sweep", "--out", dir.path("z.ledger")])
        #expect(both.exitCode == 64)
    }

    /// docs/examples/cli/replay-policy-buffer-actions.json: sell the hedge, pledge a third punk, then repay.
    static let actionsPolicy: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/examples/cli/replay-policy-buffer-actions.json").path

    @Test func theBufferActionsReplayWritesACheckedLedgerWithTheSameBytesTwice() throws {
        var outputs: [String] = []
        for name in ["a", "b"] {
            let args = ["replay", Self.actionsPolicy, "--from", "2021-01-02", "--to", "2021-02-28"]
            let run = try CLIRunner.run(args + ["--out", dir.path("\(name).ledger")])
            #expect(run.exitCode == 0, "\(run.stderr)")
            #expect(run.stdout.contains("pledged  hedge sold → ETH"))
            let json = try CLIRunner.run(args + ["--format", "json"])
            #expect(json.stdout.contains("\"collateralPledges\": 1"))
            let export = try CLIRunner.run(["export", dir.path("\(name).ledger")])
            #expect(export.stdout.contains("collateral_added"))
            let check = try CLIRunner.run(["check", dir.path("\(name).ledger")])
            #expect(check.exitCode == 0, "\(check.stdout)")
            outputs.append([run.stdout.replacingOccurrences(of: dir.path(name), with: "X"), json.stdout, export.stdout].joined(separator: "\n--\n"))
        }
        #expect(outputs[0] == outputs[1])
    }

    @Test func theSweepVariesTheBufferActions() throws {
        let args = ["replay", Self.actionsPolicy, "--from", "2021-01-02", "--to", "2021-02-28", "--sweep", "--ltv", "0.6:0.6:0.1",
                    "--buffer-hf", "1.5:1.5:1", "--with-no-buffer", "--hedge", "on", "--buffer-actions", "repay,sell_hedge,sell_hedge+add_collateral+repay"]
        let run = try CLIRunner.run(args)
        #expect(run.exitCode == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix(" LTV  buffer HF  actions ") == true)
        #expect(lines.contains { $0.hasPrefix("0.60        off  -                                on     liquidated 2021-01-08") })
        #expect(lines.contains { $0.hasPrefix("0.60       1.50  repay                            on     survived") })
        #expect(lines.contains { $0.hasPrefix("0.60       1.50  sell_hedge                       on     liquidated 2021-01-08") })
        #expect(lines.contains { $0.hasPrefix("0.60       1.50  sell_hedge+add_collateral+repay  on     survived") })
        #expect(try CLIRunner.run(args).stdout == run.stdout)
        let point = try CLIRunner.run(args + ["--write-point", "0.6,1.5,on,sell_hedge+add_collateral+repay", "--out", dir.path("point.ledger")])
        #expect(point.exitCode == 0, "\(point.stderr)")
        #expect(try CLIRunner.run(["check", dir.path("point.ledger")]).exitCode == 0)
        let single = try CLIRunner.run(["replay", Self.actionsPolicy, "--from", "2021-01-02", "--to", "2021-02-28", "--buffer-actions", "repay"])
        #expect(single.exitCode == 64)
        let unknown = try CLIRunner.run(args.dropLast() + ["repay+sell"])
        #expect(unknown.exitCode == 64)
    }

    @Test func storedQuotesOutsideTheBundledHistoryChangeNothing() throws {
        // The bundled floor history ends on 2021-04-05; the stored chains are 2022–2023: no session overlaps.
        let quotes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/data/real/options/spx_option_chain_snapshots.csv").path
        let args = ["replay", Self.policy, "--from", "2021-01-02", "--to", "2021-02-28"]
        let with = try CLIRunner.run(args + ["--option-quotes", quotes])
        #expect(with.exitCode == 0, "\(with.stderr)")
        #expect(with.stdout == (try CLIRunner.run(args)).stdout)
        let bad = dir.path("bad.csv")
        try Data("session_date,expiration_date,root,option_type,strike_pts,bid_pts,ask_pts\n2022-02-04,2022-03-04,SPXW,P,x,1,2\n".utf8)
            .write(to: URL(fileURLWithPath: bad))
        let refused = try CLIRunner.run(args + ["--option-quotes", bad])
        #expect(refused.exitCode == 65)
        #expect(refused.stderr.contains("bad.csv:2 strike_pts"))
    }
}
