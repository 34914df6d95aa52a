import LedgerTestSupport
import Foundation
import LedgerMath
import SQLiteDB
import Testing
@testable import PortfolioLedger

/// The derived analytics tables (migration 0011, `Ledger.refreshAnalytics`): what other tools read
/// equals what the library reports, staleness, incremental = full, not journal, upgrade from schema 9.
@Suite struct DerivedAnalyticsTests {
    let dir = TemporaryDirectory()
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let prices = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("CLITests/GoldenInputs/realistic-book/prices")
    static let market = OptionMarketInputs(underlyingSeries: "SPX", rate: 0.04, dividendYield: 0.015)
    static let parameters = DerivedAnalyticsParameters(maxPriceAgeSeconds: 3 * 86_400, market: market)
    static let flagging = PricingPolicy(maxAgeSeconds: 3 * 86_400, onMissingPrice: .flag)
    static let derivedTables = ["derived_loan_day", "derived_hedge_leg_day", "derived_portfolio_day", "derived_return_layer"]

    /// The schema-v10 fixture (the realistic golden book, its ETH/USD closes and a loan-funded yield
    /// position) upgraded by opening it, plus the golden book's SPX, VIX and CryptoPunks floor files.
    func book(_ name: String) throws -> Ledger {
        let path = dir.path(name)
        try FileManager.default.copyItem(atPath: Self.fixtures.appendingPathComponent("schema-v10.ledger").path, toPath: path)
        let stamp = try instant("2021-04-06T00:00:03Z")
        let ledger = try Ledger.open(at: path, clock: { stamp })
        for (file, preset) in [("spx_daily_close_fred", "spx-close-fred"), ("vix_daily_cboe", "vix-close-cboe"),
                               ("cryptopunks_daily_punksmarket", "cryptopunks-floor-median")] {
            _ = try ledger.importCSV(.prices, file: Self.prices.appendingPathComponent("\(file).csv").path,
                                     options: try #require(ImportPreset.named(preset)).options)
        }
        return ledger
    }

    /// Every derived row as sorted text, per table.
    func derivedRows(_ path: String) throws -> [String: [String]] {
        let db = try Connection(path: path, mode: .readOnly)
        defer { db.close() }
        var result: [String: [String]] = [:]
        for table in Self.derivedTables {
            var rows: [String] = []
            // Table names are the constants above.
            try db.query("SELECT * FROM \(table)") { row in
                rows.append((0..<row.columnCount).map { row.isNull($0) ? "NULL" : (try? row.column($0, as: String.self)) ?? "?" }.joined(separator: "|"))
            }
            result[table] = rows.sorted()
        }
        return result
    }

    /// Adds ETH/USD and SPX closes on `days` days after 2021-04-30 (the book's last ETH/USD close).
    func appendMay(_ ledger: Ledger, days: Int) throws {
        try ledger.write { tx in
            let book = tx.current
            let fx = try #require(try book.series(named: "ETH/USD")), spx = try #require(try book.series(named: "SPX"))
            let start = try instant("2021-05-01T00:00:00Z")
            _ = try tx.addObservations((0..<days).map { PriceObservation(observedAt: start.adding(seconds: Int64($0) * 86_400), price: 2_900 + Double($0)) }, to: fx.id)
            _ = try tx.addObservations((0..<days).map { PriceObservation(observedAt: start.adding(seconds: Int64($0) * 86_400 + 72_000), price: 4_180 + Double($0)) }, to: spx.id)
        }
    }

    @Test func schemaV9FixtureUpgradesAndRefreshes() throws {
        let path = dir.path("v9.ledger")
        try FileManager.default.copyItem(atPath: Self.fixtures.appendingPathComponent("schema-v9.ledger").path, toPath: path)
        #expect(try Connection(path: path, mode: .readOnly).scalar("PRAGMA user_version", as: Int.self) == 9)
        let ledger = try Ledger.open(at: path)
        #expect(try Connection(path: path, mode: .readOnly).scalar("PRAGMA user_version", as: Int.self) == LedgerFile.schemaVersion)
        let before = try ledger.derivedStatus()
        #expect(before.status == "never refreshed" && before.isStale && before.refreshedBookVersion == nil)
        #expect(try ledger.check().isClean)
        let report = try ledger.refreshAnalytics()
        #expect(report.mode == .full)
        // 4 loans, 2 condors; ETH/USD only (no floor in this file): debt but no collateral value.
        #expect(report.loanDays > 0 && report.hedgeLegDays > 0 && report.portfolioDays > 0)
        let unvalued = try Connection(path: path, mode: .readOnly).scalar("SELECT count(*) FROM v_loan_day WHERE collateral_value IS NULL AND price_problem IS NOT NULL", as: Int.self)
        #expect(unvalued == report.loanDays)
        let after = try LedgerFile.check(at: path)
        #expect(after.isClean && after.derivedAnalytics?.status == "current")
    }

    /// Python's stdlib sqlite3 reads the views; every figure equals the library's own report at the
    /// same instant (exact text for exact amounts; doubles equal, sums within 1e-9 relative).
    @Test func pythonReadsTheSameNumbersAsTheLibrary() throws {
        let ledger = try book("python.ledger")
        try ledger.refreshAnalytics(Self.parameters)
        let script = """
            import sqlite3, sys, json
            con = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
            out = {}
            for name in ["v_loan_day", "v_hedge_leg_day", "v_portfolio_day", "v_return_layer", "v_derived_status"]:
                cur = con.execute("SELECT * FROM " + name)
                cols = [d[0] for d in cur.description]
                out[name] = [dict(zip(cols, r)) for r in cur.fetchall()]
            # Floats as repr text: the shortest text that round-trips, parsed exactly by Double(_:).
            print(json.dumps({v: [{k: (repr(x) if isinstance(x, float) else x) for k, x in r.items()} for r in rows] for v, rows in out.items()}))
            """
        let result = try ExternalClientTests.run("python3", ["-c", script, ledger.path])
        #expect(result.status == 0, "\(result.err)")
        let views = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: [[String: Any]]])
        /// A REAL column, sent as its repr text.
        func real(_ row: [String: Any], _ key: String) -> Double? { (row[key] as? String).flatMap(Double.init) }
        func close(_ a: Double?, _ b: Double?, _ what: String) {
            guard let a, let b else { #expect(a == nil && b == nil, "\(what): \(String(describing: a)) vs \(String(describing: b))"); return }
            #expect(abs(a - b) <= 1e-9 * max(1, abs(b)), "\(what): \(a) vs \(b)")
        }
        let status = try #require(views["v_derived_status"]?.first)
        #expect(status["status"] as? String == "current" && status["stale"] as? Int == 0)
        try ledger.read { book in
            let loanRows = views["v_loan_day"] ?? []
            #expect(loanRows.count > 300)
            for row in loanRows {
                let id = LoanID(try #require(row["loan_id"] as? Int64)), at = Instant(unixSeconds: try #require(row["at_unix"] as? Int64))
                let state = try book.loanState(id, at: at, policy: Self.flagging)
                #expect(state.status == .open)
                #expect(row["debt"] as? String == state.debt.description, "loan \(id) at \(at)")
                #expect(row["accrued_interest"] as? String == state.accruedInterest.description)
                #expect(row["collateral_value"] as? String == state.risk?.collateral.value.description)
                #expect(real(row, "loan_to_value") == state.risk?.loanToValue)
                #expect(real(row, "health_factor") == state.risk?.healthFactor?.doubleValue)
                #expect(row["liquidation_floor_price"] as? String == state.risk?.liquidationFloorPrice?.description)
                #expect(real(row, "price") == state.risk?.collateral.items.first?.price.price)
                #expect(row["price_age_seconds"] as? Int64 == state.risk?.collateral.items.first?.price.ageSeconds)
            }
            // A health factor exists (BendDAO has a threshold), so the recipe has something to chart.
            #expect(loanRows.contains { real($0, "health_factor") != nil })
            let legRows = views["v_hedge_leg_day"] ?? []
            #expect(legRows.count > 300)
            for row in legRows where row["problem"] is NSNull {
                let hedge = HedgeID(try #require(row["hedge_id"] as? Int64)), at = Instant(unixSeconds: try #require(row["at_unix"] as? Int64))
                let valuation = try book.hedgeValuation(hedge, at: at, market: Self.market)
                let leg = try #require(valuation.legs.first { $0.contract.id.rawValue == row["contract_id"] as? Int64 })
                #expect(real(row, "mark") == leg.mark && row["mark_source"] as? String == leg.markSource.rawValue)
                #expect(real(row, "intrinsic") == leg.intrinsic && real(row, "extrinsic") == leg.extrinsic)
                #expect(real(row, "delta") == leg.greeks?.delta && real(row, "theta_per_year") == leg.greeks?.thetaPerYear)
                #expect(real(row, "theta_per_day_usd") == leg.thetaPerDayUSD && real(row, "value_usd") == leg.valueUSD)
            }
            let dayRows = views["v_portfolio_day"] ?? []
            #expect(dayRows.count == 114)
            var checkedComplete = 0
            for row in dayRows {
                let at = Instant(unixSeconds: try #require(row["at_unix"] as? Int64))
                let v = try book.portfolioValuation(at: at, policy: Self.flagging, market: Self.market)
                #expect((row["complete"] as? Int == 1) == v.isComplete, "complete at \(at): \(v.problems)")
                guard v.isComplete else { continue }
                checkedComplete += 1
                close(real(row, "nft_usd"), v.nftUSD, "nft at \(at)")
                close(real(row, "debt_usd"), v.debtUSD, "debt at \(at)")
                close(real(row, "hedge_usd"), v.hedgeUSD, "hedges at \(at)")
                close(real(row, "yield_usd"), v.yieldUSD, "yield positions at \(at)")
                close(real(row, "cash_usd"), v.cashUSD, "cash at \(at)")
                close(real(row, "net_equity_usd"), v.netEquityUSD, "equity at \(at)")
                // Invested capital: deposits − withdrawals up to the day, each at its own instant.
                let invested = try book.journal(from: Instant(unixSeconds: 0), to: at).filter { $0.entryTable == "external_flow" }
                    .reduce(0.0) { $0 + (try book.convert($1.amount, to: .usd, at: $1.at).converted) }
                close(real(row, "invested_capital_usd"), invested, "invested capital at \(at)")
            }
            #expect(checkedComplete > 60)
            let returns = try book.fullStackReturn(.portfolio, from: try instant("2021-01-07T00:00:00Z"), to: try instant("2021-04-30T23:59:59Z"),
                                                   policy: Self.flagging, market: Self.market)
            let layers = views["v_return_layer"] ?? []
            // The fixture's yield position adds the yield layer (and is held on the days between its flows).
            let yieldLayer = try #require(returns.yieldAlone)
            #expect(dayRows.contains { (real($0, "yield_usd") ?? 0) > 0 })
            #expect(layers.count == 5 + returns.perLoan.count)
            for (name, layer) in [("total", returns.total), ("nft", returns.nftAlone), ("nft_with_loans", returns.nftWithLoans), ("hedge", returns.hedgeAlone),
                                  ("yield", yieldLayer)] {
                let row = try #require(layers.first { $0["layer"] as? String == name })
                #expect(row["loan_id"] is NSNull)
                #expect(real(row, "gain") == layer.gain && real(row, "terminal_value") == layer.terminalValue)
                #expect(real(row, "xirr") == layer.xirr.rate && real(row, "money_multiple") == layer.moneyMultiple)
            }
            for loan in returns.perLoan {
                let row = try #require(layers.first { $0["loan_id"] as? Int64 == loan.loan.rawValue })
                #expect(row["layer"] as? String == "loan" && real(row, "gain") == loan.layer.gain)
            }
        }
    }

    /// A booking after a refresh makes the rows stale (views, status, check); a refresh makes them current.
    @Test func bookingAfterARefreshMakesTheRowsStale() throws {
        let ledger = try book("stale.ledger")
        let first = try ledger.refreshAnalytics(Self.parameters)
        #expect(first.mode == .full)
        #expect(try ledger.derivedStatus().status == "current")
        #expect(try ledger.check().derivedAnalytics?.isStale == false)
        try appendMay(ledger, days: 1)
        let stale = try ledger.derivedStatus()
        #expect(stale.isStale && stale.status == "stale" && stale.currentBookVersion == (stale.refreshedBookVersion ?? 0) + 2)
        let check = try ledger.check()
        #expect(check.isClean, "staleness is a notice, not a finding")
        #expect(check.derivedAnalytics?.isStale == true)
        let fileCheck = try LedgerFile.check(at: ledger.path)
        #expect(fileCheck.isClean && fileCheck.derivedAnalytics?.isStale == true)
        let viewsSayStale = try Connection(path: ledger.path, mode: .readOnly)
            .scalar("SELECT min(stale) FROM (SELECT stale FROM v_loan_day UNION ALL SELECT stale FROM v_portfolio_day UNION ALL SELECT stale FROM v_hedge_leg_day UNION ALL SELECT stale FROM v_return_layer)", as: Int.self)
        #expect(viewsSayStale == 1)
        #expect(try ledger.refreshAnalytics(Self.parameters).mode == .incremental)
        #expect(try ledger.derivedStatus().status == "current")
        // A booking that no analytic reads adds no day: incremental, no daily row, the returns rewritten.
        let returnRows = "SELECT count(*) FROM derived_return_layer"
        let layers = try Connection(path: ledger.path, mode: .readOnly).scalar(returnRows, as: Int.self)
        try ledger.write { tx in _ = try tx.assertBalance(at: try instant("2021-02-01T00:00:00Z"), amount: try eth("1")) }
        let noNewDay = try ledger.refreshAnalytics(Self.parameters)
        #expect(noNewDay.mode == .incremental && noNewDay.portfolioDays == 0 && noNewDay.loanDays == 0 && noNewDay.returnLayers == layers)
        #expect(try Connection(path: ledger.path, mode: .readOnly).scalar(returnRows, as: Int.self) == layers)
        #expect(try ledger.derivedStatus().status == "current")
        // A correction is a booking too.
        try ledger.write { tx in
            let entry = try #require(try tx.current.journal(from: Instant(unixSeconds: 0), to: try instant("2030-01-01")).first { $0.entryTable == "external_flow" })
            try tx.void(.externalFlow(ExternalFlowID(entry.entryID)), reason: "test")
        }
        #expect(try ledger.derivedStatus().isStale)
        #expect(try ledger.refreshAnalytics(Self.parameters).mode == .full)
        #expect(try ledger.derivedStatus().status == "current")
        #expect(try ledger.refreshAnalytics(Self.parameters).mode == .unchanged)
    }

    /// The `async` form runs the same refresh off the caller's executor.
    @Test func asyncRefresh() async throws {
        let ledger = try book("async.ledger")
        let report = try await ledger.refreshAnalytics(Self.parameters)
        #expect(report.mode == .full && report.rowsWritten > 0)
        let again = try await ledger.refreshAnalytics(Self.parameters)
        #expect(again.mode == .unchanged && again.rowsWritten == 0)
        let status = try await ledger.read { try $0.derivedStatus() }
        #expect(status.status == "current")
    }

    /// The book grew only after the last refreshed day: the incremental refresh computes the new
    /// days only, and leaves exactly the rows a full refresh of the same book writes.
    @Test func incrementalRefreshEqualsFullRefresh() throws {
        let grown = try book("grown.ledger")
        #expect(try grown.refreshAnalytics(Self.parameters).mode == .full)
        try appendMay(grown, days: 10)
        let incremental = try grown.refreshAnalytics(Self.parameters)
        #expect(incremental.mode == .incremental)
        #expect(incremental.portfolioDays == 10, "only the 10 new days are computed")
        let whole = try book("whole.ledger")
        try appendMay(whole, days: 10)
        let full = try whole.refreshAnalytics(Self.parameters)
        #expect(full.mode == .full && full.portfolioDays == 114 + 10)
        let a = try derivedRows(grown.path), b = try derivedRows(whole.path)
        for table in Self.derivedTables {
            #expect(a[table] == b[table], "\(table) differs between the incremental and the full refresh")
        }
    }

    /// A booking dated before the last refreshed day, or other parameters, make the refresh full.
    @Test func anEarlierBookingOrOtherParametersForceAFullRefresh() throws {
        let ledger = try book("earlier.ledger")
        try ledger.refreshAnalytics(Self.parameters)
        try ledger.write { tx in
            let fx = try #require(try tx.current.series(named: "ETH/USD"))
            _ = try tx.addObservations([PriceObservation(observedAt: try instant("2021-02-01T12:00:00Z"), price: 1_400)], to: fx.id)
        }
        #expect(try ledger.refreshAnalytics(Self.parameters).mode == .full)
        var other = Self.parameters
        other.market.rate = 0.05
        #expect(try ledger.refreshAnalytics(other).mode == .full)
        let stored = try Connection(path: ledger.path, mode: .readOnly).scalar("SELECT rate FROM v_derived_status", as: Double.self)
        #expect(stored == 0.05)
    }

    /// Derived rows are not journal: the export carries none, an import of it has none.
    @Test func exportAndImportDoNotCarryDerivedRows() throws {
        let ledger = try book("export.ledger")
        var before: [String] = []
        _ = try ledger.exportJournal { before.append($0) }
        try ledger.refreshAnalytics(Self.parameters)
        var lines: [String] = []
        let count = try ledger.exportJournal { lines.append($0) }
        #expect(count > 0)
        #expect(lines == before, "the export after a refresh is the export before it")
        #expect(!lines.contains { $0.contains("derived") })
        let file = dir.path("export.jsonl")
        try lines.joined(separator: "\n").appending("\n").write(toFile: file, atomically: true, encoding: .utf8)
        let copy = try Ledger.create(at: dir.path("imported.ledger"))
        _ = try copy.importJournal(file: file)
        #expect(try derivedRows(copy.path).values.allSatisfy(\.isEmpty))
        #expect(try copy.derivedStatus().status == "never refreshed")
    }

    @Test func refreshRefusesAReadOnlyLedgerAndLeavesItUnchanged() throws {
        let ledger = try book("readonly.ledger")
        let before = try logicalDump(ledger.path)
        let readOnly = try Ledger.openReadOnly(at: ledger.path)
        #expect(throws: LedgerError.self) { try readOnly.refreshAnalytics() }
        #expect(try logicalDump(ledger.path) == before)
        #expect(try ledger.derivedStatus().status == "never refreshed")
    }

    /// The recipe in docs/recipes runs as documented: pandas reads nullable ids as `Int64`.
    @Test func pythonRecipeRuns() throws {
        let ledger = try book("recipe.ledger")
        try ledger.refreshAnalytics(Self.parameters)
        let recipe = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/recipes/health_factor_history.py").path
        let out = dir.path("hf.csv")
        let result = try ExternalClientTests.run("python3", [recipe, ledger.path, "--loan", "2", "--csv", out])
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out.contains("loan_id: Int64") || result.out.contains("pandas not installed"), "\(result.out)")
        let csv = try String(contentsOfFile: out, encoding: .utf8)
        let rows = csv.split(whereSeparator: \.isNewline).dropFirst()
        let expected = try Connection(path: ledger.path, mode: .readOnly).scalar("SELECT count(*) FROM v_loan_day WHERE loan_id = 2", as: Int.self)
        #expect(rows.count == expected && expected > 0)
    }
}
