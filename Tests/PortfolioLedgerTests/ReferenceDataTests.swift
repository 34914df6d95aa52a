import Foundation
import LedgerMath
import LedgerTestSupport
import SQLiteDB
import Testing
@testable import PortfolioLedger

/// Migration 0009: lending protocols and interest models are rows of reference tables that the
/// booked tables reference by foreign key, NFTfi pro-rata loans are relabelled `nftfi_pro_rata`,
/// and the Swift enums that name them agree with the tables.
@Suite struct ReferenceDataTests {
    let dir = TemporaryDirectory()
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    private func strings(_ path: String, _ sql: String) throws -> [String] {
        let db = try Connection(path: path, mode: .readOnly)
        defer { db.close() }
        var values: [String] = []
        try db.query(sql) { row in values.append(try (0..<row.columnCount).map { row.isNull($0) ? "NULL" : try row.column($0, as: String.self) }.joined(separator: "|")) }
        return values
    }

    /// The schema-v8 fixture (the realistic golden book) with an NFTfi pro-rata loan booked as
    /// schema 8 stored it: `interest_model = 'simple_pro_rata'`.
    private func v8WithNFTfiProRataLoan() throws -> String {
        let path = dir.path("v8-nftfi.ledger")
        try FileManager.default.copyItem(atPath: Self.fixtures.appendingPathComponent("schema-v8.ledger").path, toPath: path)
        let db = try Connection(path: path)
        defer { db.close() }
        #expect(try db.scalar("PRAGMA user_version", as: Int.self) == 8)
        try db.execute("""
            INSERT INTO loan (loan_id, protocol, external_ref, currency, principal, amount_received, started_at, maturity_at,
                              interest_model, terms, recorded_at)
            VALUES (90, 'nftfi', 'nftfi-pro-rata-1', 'WETH', '10', '10', 1612137600, 1614729600, 'simple_pro_rata',
                    '{"maximum_repayment":"10.5","model":"nftfi_pro_rata"}', 1617667200)
            """)
        return path
    }

    @Test func upgradeRelabelsNFTfiProRataLoansAndChangesNothingElse() throws {
        let path = try v8WithNFTfiProRataLoan()
        let columns = "loan_id, protocol, external_ref, currency, principal, amount_received, started_at, maturity_at, terms, max_ltv, liquidation_threshold, refinances_loan_id, recorded_at, source_id"
        let before = try strings(path, "SELECT \(columns), interest_model FROM loan ORDER BY loan_id")
        try LedgerFile.migrate(at: path)
        let after = try strings(path, "SELECT \(columns), interest_model FROM loan ORDER BY loan_id")
        #expect(after.count == before.count)
        for (old, new) in zip(before, after) {
            // Every column but the model is unchanged, recorded_at included: a relabelling, not a booking.
            #expect(old.split(separator: "|").dropLast() == new.split(separator: "|").dropLast())
            let oldModel = old.split(separator: "|").last.map(String.init), newModel = new.split(separator: "|").last.map(String.init)
            #expect(newModel == (old.hasPrefix("90|") ? "nftfi_pro_rata" : oldModel))
        }
        #expect(try strings(path, "SELECT interest_model FROM v_loan WHERE loan_id = 90") == ["nftfi_pro_rata"])
        #expect(try strings(path, "SELECT count(*) FROM pragma_foreign_key_check") == ["0"])
        #expect(try LedgerFile.check(at: path).isClean)
        let loan = try Ledger.openReadOnly(at: path).read { try $0.loan(LoanID(90)) }
        #expect(loan?.terms == .nftfiProRata(maximumRepayment: try dec("10.5")))
        #expect(loan?.terms.model == .nftfiProRata)
    }

    @Test func upgradeKeepsEveryIndexTriggerAndViewOfTheRebuiltTables() throws {
        let path = try v8WithNFTfiProRataLoan()
        let objects = "SELECT type, name, tbl_name FROM sqlite_schema WHERE type IN ('index', 'trigger', 'view') ORDER BY type, name"
        let before = Set(try strings(path, objects))
        try LedgerFile.migrate(at: path)
        let after = Set(try strings(path, objects))
        #expect(before.subtracting(after).isEmpty, "lost in the rebuild: \(before.subtracting(after).sorted())")
        // The upgrade runs every later migration too: 0010 (yield positions) adds its own tables' objects
        // and rebuilds entry_correction's under the same names (so none of those is lost above);
        // 0011 (derived analytics) adds its tables and views.
        let addedByYieldPositions = ["index|sqlite_autoindex_yield_position_1|yield_position", "index|yield_flow_by_position|yield_flow",
                                     "index|yield_flow_by_time|yield_flow", "index|yield_flow_source|yield_flow",
                                     "index|yield_position_loan|yield_position", "index|yield_position_series|yield_position",
                                     "index|yield_position_source|yield_position", "trigger|yield_flow_no_delete|yield_flow",
                                     "trigger|yield_flow_no_replace|yield_flow", "trigger|yield_flow_no_update|yield_flow",
                                     "trigger|yield_flow_shares_match_valuation|yield_flow", "trigger|yield_position_no_delete|yield_position",
                                     "trigger|yield_position_no_replace|yield_position", "trigger|yield_position_no_update|yield_position",
                                     "view|v_current_yield_flow|v_current_yield_flow", "view|v_yield_position|v_yield_position"]
        let addedByDerivedAnalytics: Set = ["index|derived_return_layer_key|derived_return_layer", "view|v_book_version|v_book_version",
                                            "view|v_derived_status|v_derived_status", "view|v_hedge_leg_day|v_hedge_leg_day", "view|v_loan_day|v_loan_day",
                                            "view|v_portfolio_day|v_portfolio_day", "view|v_return_layer|v_return_layer",
                                            "view|v_wallet_day|v_wallet_day"]
        #expect(addedByDerivedAnalytics.isSubset(of: after))
        #expect(after.subtracting(before).subtracting(addedByDerivedAnalytics).sorted()
                == (["index|loan_by_interest_model|loan", "index|price_series_protocol|price_series",
                     "trigger|interest_model_no_delete|interest_model", "trigger|interest_model_no_update|interest_model",
                     "trigger|lending_protocol_no_delete|lending_protocol",
                     "trigger|lending_protocol_no_update|lending_protocol"] + addedByYieldPositions).sorted())
        // Append-only still holds on the rebuilt tables that have rows in this book (the trigger
        // set above covers reserve_index and risk_parameter, empty here).
        let db = try Connection(path: path)
        defer { db.close() }
        for statement in ["UPDATE loan SET external_ref = 'x' WHERE loan_id = 90", "DELETE FROM loan", "DELETE FROM price_series",
                          "UPDATE price_series SET base = 'x'"] {
            #expect(throws: SQLiteError.self, "\(statement)") { try db.execute(statement) }
        }
    }

    /// A reference the rebuild would carry over broken (written with foreign keys off by another
    /// client) makes the upgrade fail, and the file stays at schema 8 as it was.
    @Test func upgradeRefusesAFileWithABrokenReferenceAndLeavesItAtSchema8() throws {
        let path = try v8WithNFTfiProRataLoan()
        do {
            let db = try Connection(path: path)
            defer { db.close() }
            _ = try db.withSuspended(.foreignKeys) {
                try db.execute("INSERT INTO loan_collateral (loan_id, nft_id, recorded_at) VALUES (555, 1, 0)")
            }
        }
        #expect(throws: LedgerError.self) { try LedgerFile.migrate(at: path) }
        #expect(try strings(path, "PRAGMA user_version") == ["8"])
        #expect(try strings(path, "SELECT interest_model FROM loan WHERE loan_id = 90") == ["simple_pro_rata"])
        #expect(try strings(path, "SELECT count(*) FROM sqlite_schema WHERE name IN ('lending_protocol', 'interest_model')") == ["0"])
    }

    @Test func referenceTablesHoldExactlyTheSwiftCases() throws {
        let path = dir.path("fresh.ledger")
        _ = try Ledger.create(at: path)
        #expect(try strings(path, "SELECT protocol FROM lending_protocol ORDER BY protocol") == LendingProtocol.allCases.map(\.rawValue).sorted())
        #expect(try strings(path, "SELECT interest_model FROM interest_model ORDER BY interest_model")
                == InterestModelKind.allCases.map(\.rawValue).sorted())
        // Each model's terms keys, the JSON Lines schema's and the codec's, are one list.
        for model in InterestModelKind.allCases {
            #expect(JournalSchema.termKeys[model.rawValue] == Set(LoanTermsCoding.keys(of: model)))
        }
    }

    @Test func foreignKeysRefuseAnUnknownProtocolOrModelAndReferenceRowsAreFixed() throws {
        let path = dir.path("fk.ledger")
        _ = try Ledger.create(at: path)
        let db = try Connection(path: path)
        defer { db.close() }
        let insert = """
            INSERT INTO loan (protocol, currency, principal, amount_received, started_at, interest_model, terms, recorded_at)
            VALUES (?, 'ETH', '1', '1', 0, ?, '{"model":"continuous","rate_bps":"100"}', 0)
            """
        #expect(throws: SQLiteError.self) { try db.execute(insert, "aave", "continuous") }
        #expect(throws: SQLiteError.self) { try db.execute(insert, "blend", "compound") }
        try db.execute(insert, "blend", "continuous")
        #expect(throws: SQLiteError.self) { try db.execute("INSERT INTO reserve_index (protocol, asset, updated_at, variable_borrow_index, variable_borrow_rate, recorded_at) VALUES ('aave', 'WETH', 0, '1000000000000000000000000000', '0', 0)") }
        #expect(throws: SQLiteError.self) { try db.execute("UPDATE lending_protocol SET description = 'x'") }
        #expect(throws: SQLiteError.self) { try db.execute("DELETE FROM interest_model WHERE interest_model = 'continuous'") }
    }

    @Test func aNewNFTfiProRataLoanIsStoredUnderItsOwnModel() throws {
        let book = try SampleBook(dir: dir)
        let loan = try book.ledger.write { tx in
            let nft = try tx.addNFT(collection: book.punks, tokenID: TokenID("1"))
            _ = try tx.recordNFTTrade(nft: nft, side: .acquire, tradedAt: instant("2021-03-11T12:00:00Z"), price: eth("50"))
            return try tx.addLoan(NewLoan(lendingProtocol: .nftfi, externalRef: "pro-rata", currency: Currency("ETH"), principal: dec("10"),
                                   amountReceived: dec("10"), startedAt: instant("2021-03-12T00:00:00Z"),
                                   maturityAt: instant("2021-04-11T00:00:00Z"), terms: .nftfiProRata(maximumRepayment: dec("10.5")),
                                   collateral: [nft]))
        }
        #expect(try strings(dir.path("book.ledger"), "SELECT interest_model FROM v_loan WHERE loan_id = \(loan.rawValue)") == ["nftfi_pro_rata"])
        // Its JSON Lines line carries only `terms` (model nftfi_pro_rata, as before schema 9): a
        // re-import books the same model, and the export round trip is byte for byte.
        var first = ""
        _ = try book.ledger.exportJournal { first += $0 + "\n" }
        #expect(first.contains(#""terms":{"maximum_repayment":"10.5","model":"nftfi_pro_rata"}"#))
        #expect(!first.contains("interest_model"))
        let file = dir.path("book.jsonl")
        try first.write(toFile: file, atomically: true, encoding: .utf8)
        let copy = try Ledger.create(at: dir.path("copy.ledger"), clock: book.clock.read)
        _ = try copy.importJournal(file: file)
        var second = ""
        _ = try copy.exportJournal { second += $0 + "\n" }
        #expect(second == first)
        #expect(try strings(dir.path("copy.ledger"), "SELECT interest_model FROM loan ORDER BY loan_id") == ["fixed_repayment", "nftfi_pro_rata"])
    }

    /// Stored text the codecs do not know (a file edited behind the library's back) is a typed
    /// error naming the column and listing the known values, not a crash or a silent default.
    @Test func unknownStoredTextIsAnErrorNamingTheColumn() throws {
        let book = try SampleBook(dir: dir)
        try book.ledger.write { tx in _ = try tx.recordLoanEvent(loan: book.loan, at: instant("2021-03-20T00:00:00Z"), .fee(amount: dec("1"))) }
        do {
            let db = try Connection(path: dir.path("book.ledger"))
            defer { db.close() }
            try db.execute("PRAGMA ignore_check_constraints = ON")
            _ = try db.withSuspended(.triggers) {
                try db.execute("UPDATE loan_event SET event_kind = 'pay'")
                try db.execute("UPDATE nft_trade SET side = 'gift'")
            }
        }
        let ledger = try Ledger.openReadOnly(at: dir.path("book.ledger"))
        // The field is `stored <column>`; the record layer (branch `records`) qualifies it with the
        // table (`stored loan_event.event_kind`), so only its prefix and suffix are pinned here.
        func failure(_ body: () throws -> Void) -> (field: String, reason: String)? {
            do { try body() } catch let LedgerError.invalidValue(field, reason) { return (field, reason) } catch { return ("unexpected \(error)", "") }
            return nil
        }
        let event = failure { _ = try ledger.read { try $0.loanEvents(of: book.loan) } }
        #expect(event?.field.hasPrefix("stored ") == true && event?.field.hasSuffix("event_kind") == true, "\(String(describing: event))")
        #expect(event?.reason == "'pay' is not an event kind (\(LoanEventKind.storedValues))")
        let trade = failure { _ = try ledger.read { try $0.trades(of: book.punk) } }
        #expect(trade?.field.hasPrefix("stored ") == true && trade?.field.hasSuffix("side") == true, "\(String(describing: trade))")
        #expect(trade?.reason == "'gift' is not a trade side (acquire, dispose)")
    }

    @Test func everyStoredEnumRoundTripsThroughItsCodec() throws {
        func roundTrips<E: StoredEnum & Equatable>(_ type: E.Type) throws {
            for value in E.allCases { #expect(try E.decode(value.rawValue, field: "f") == value) }
            #expect(throws: LedgerError.self) { try E.decode("", field: "f") }
        }
        try roundTrips(LendingProtocol.self)
        try roundTrips(InterestModelKind.self)
        try roundTrips(LoanEventKind.self)
        try roundTrips(JournalEntryKind.self)
        try roundTrips(TradeSide.self)
        try roundTrips(HedgeRecord.Strategy.self)
        try roundTrips(OptionRoot.self)
        try roundTrips(OptionType.self)
        try roundTrips(PriceSeriesKind.self)
        try roundTrips(ExternalFlow.Kind.self)
        // Terms: each model's stored JSON decodes to the same terms through the one decoder.
        let samples: [LoanTerms] = [.fixedRepayment(repayment: try dec("1.1")), .fullTermRate(rateBps: try dec("164.5")), .simpleProRata(rateBps: 1500, roundsUp: true, capAtMaturity: false),
                                    .nftfiProRata(maximumRepayment: try dec("2")), .continuous(rateBps: 900),
                                    .aaveIndex(rateRay: "1", indexRayAtStart: "1000000000000000000000000000"),
                                    .vaultAccrual(aprNumerator: 2, aprDenominator: 100)]
        #expect(Set(samples.map(\.model)) == Set(InterestModelKind.allCases))
        for terms in samples { #expect(try LoanTermsCoding.decode(try LoanTermsCoding.encode(terms)) == terms) }
        #expect(throws: LedgerError.invalidValue(field: "terms.model", reason: "'compound' is not an interest model (\(InterestModelKind.storedValues))")) {
            try LoanTermsCoding.decode(#"{"model":"compound"}"#)
        }
        #expect(throws: LedgerError.invalidValue(field: "terms.rate_bps", reason: "required by the continuous model")) {
            try LoanTermsCoding.decode(#"{"model":"continuous"}"#)
        }
    }
}
