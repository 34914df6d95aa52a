import LedgerTestSupport
import Foundation
import LedgerMath
import SQLiteDB
import Testing
@testable import PortfolioLedger

/// Rows of `table` whose `source_id` is NULL or different from `source` (every imported row must
/// point to its source).
func rowsWithoutSource(_ path: String, table: String, source: ImportSourceID) throws -> Int {
    let db = try Connection(path: path, mode: .readOnly)
    // The table name is one of our constants, not user input.
    return try db.scalar("SELECT count(*) FROM \(table) WHERE source_id IS NOT ?", source.rawValue, as: Int.self)
}

func count(_ path: String, _ table: String) throws -> Int {
    try Connection(path: path, mode: .readOnly).scalar("SELECT count(*) FROM \(table)", as: Int.self)
}

@Suite struct CSVImportTests {
    let dir = TemporaryDirectory()

    func newLedger() throws -> Ledger { try Ledger.create(at: dir.path("book.ledger")) }

    // MARK: - prices

    @Test func pricesWithMappedColumnsAndReimport() throws {
        let ledger = try newLedger()
        let file = try writeFile(dir, "eth.csv", """
            date,snapshot_utc,price_usd,market_cap_usd
            2021-03-11,2021-03-11T00:00:00Z,1826.0574768119818,1
            2021-03-12,2021-03-12T00:00:00Z,1772.3,2

            """)
        let options = CSVImportOptions(columns: ["observed_at": "snapshot_utc", "price": "price_usd"],
                                       constants: ["series": "ETH/USD", "kind": "fx", "base": "ETH", "quote": "USD"])
        let summary = try ledger.importCSV(.prices, file: file, options: options)
        #expect(summary.rowsRead == 2 && summary.inserted == 2 && summary.skippedDuplicates == 0 && !summary.alreadyImported)
        #expect(summary.contentHash.hasPrefix("xxh64-"))
        try ledger.read { book in
            let series = try #require(try book.series(named: "ETH/USD"))
            #expect(series.kind == .fx && series.base == "ETH" && series.quote?.code == "USD")
            #expect(try book.priceIfAny(of: series.id, at: instant("2021-03-11T12:00:00Z"))?.price == 1826.0574768119818)
        }
        #expect(try rowsWithoutSource(ledger.path, table: "price_observation", source: summary.sourceID) == 0)

        // The same file, the same way: recognised, nothing read or written.
        let before = try logicalDump(ledger.path)
        let again = try ledger.importCSV(.prices, file: file, options: options)
        #expect(again.alreadyImported && again.sourceID == summary.sourceID && again.rowsRead == 0)
        #expect(try logicalDump(ledger.path) == before)

        // Another file overlapping it: the known rows are skipped as duplicates.
        let overlap = try writeFile(dir, "eth2.csv", "snapshot_utc,price_usd\n2021-03-12T00:00:00Z,1772.3\n2021-03-13T00:00:00Z,1924.9\n")
        let third = try ledger.importCSV(.prices, file: overlap, options: CSVImportOptions(columns: options.columns, constants: options.constants))
        #expect(third.rowsRead == 2 && third.inserted == 1 && third.skippedDuplicates == 1)
    }

    @Test func dateOnlyValuesGetTheTimeOfDayInTheirZone() throws {
        let ledger = try newLedger()
        // 2021-03-12 is EST (UTC−5), 2021-03-15 EDT (UTC−4): 16:00 New York is 21:00 then 20:00 UTC.
        let file = try writeFile(dir, "spx.csv", "date,close_index_points\n2021-03-12,3943.34\n2021-03-15,3968.94\n")
        _ = try ledger.importCSV(.prices, file: file, options: ImportPreset.spxCloseFRED.options)
        var seen: [Instant] = []
        try ledger.read { book in
            let spx = try #require(try book.series(named: "SPX"))
            try book.observations(of: spx.id, from: Instant(unixSeconds: 0), to: instant("2030-01-01")) { seen.append($0.observedAt) }
        }
        #expect(seen == [try instant("2021-03-12T21:00:00Z"), try instant("2021-03-15T20:00:00Z")])

        let punks = try writeFile(dir, "punks.csv", "date,sales_count,min_price_eth,median_price_eth\n2021-03-11,3,10.5,30\n")
        _ = try ledger.importCSV(.prices, file: punks, options: ImportPreset.cryptoPunksFloorMedian.options)
        try ledger.read { book in
            let floor = try #require(try book.series(named: "CryptoPunks floor (median sale)"))
            #expect(floor.kind == .floor && floor.quote?.code == "ETH" && floor.collectionID != nil)
            // Known at the end of its day, not before.
            #expect(try book.priceIfAny(of: floor.id, at: instant("2021-03-11T23:59:58Z")) == nil)
            #expect(try book.priceIfAny(of: floor.id, at: instant("2021-03-11T23:59:59Z"))?.price == 30)
        }
    }

    struct BadPrice: Sendable, CustomTestStringConvertible {
        var name: String
        var row: String
        var column: String?
        var reason: String
        var testDescription: String { name }
    }

    static let badPrices: [BadPrice] = [
        BadPrice(name: "NaN", row: "2021-03-13,NaN", column: "price", reason: "'NaN' is not a finite number"),
        BadPrice(name: "bad date", row: "2021-02-30,1", column: "observed_at",
                 reason: "'2021-02-30' is not a date (YYYY-MM-DD) or a UTC instant (YYYY-MM-DDTHH:MM:SSZ)"),
        BadPrice(name: "not a number", row: "2021-03-13,12.3.4", column: "price",
                 reason: "'12.3.4' is not a decimal number (digits, one optional '.', optional exponent)"),
        BadPrice(name: "empty price", row: "2021-03-13,", column: "price", reason: "empty; a number is required"),
        BadPrice(name: "wrong column count", row: "2021-03-13,1,2", column: nil, reason: "expected 2 fields as in the header, found 3"),
        BadPrice(name: "negative floor", row: "2021-03-13,-1", column: "price",
                 reason: "invalid price: -1.0 at 2021-03-13T00:00:00Z must be positive for a index series"),
        BadPrice(name: "different value for a known instant", row: "2021-03-11,99", column: nil,
                 reason: "append-only: price_observation already has a different price for this series and instant"),
    ]

    @Test(arguments: badPrices)
    func aBadRowStopsTheImportAndChangesNothing(_ bad: BadPrice) throws {
        let ledger = try newLedger()
        let good = try writeFile(dir, "good.csv", "observed_at,price\n2021-03-11,1\n")
        _ = try ledger.importPrices(file: good, series: "X", kind: .index)
        let before = try logicalDump(ledger.path)
        let file = try writeFile(dir, "bad.csv", "observed_at,price\n2021-03-12,2\n\(bad.row)\n2021-03-14,4\n")
        let error = #expect(throws: ImportError.self) { try ledger.importPrices(file: file, series: "X") }
        #expect(error?.line == 3)
        #expect(error?.column == bad.column)
        #expect(error?.reason == bad.reason)
        #expect(try logicalDump(ledger.path) == before)
    }

    @Test func missingColumnsAndUnknownSeriesAreNamed() throws {
        let ledger = try newLedger()
        let file = try writeFile(dir, "p.csv", "when,value\n2021-03-11,1\n")
        let missing = #expect(throws: ImportError.self) { try ledger.importPrices(file: file, series: "X", kind: .index) }
        #expect(missing?.column == "observed_at")
        #expect(missing?.reason.hasPrefix("required column missing (the header has: when, value)") == true)
        let unknown = #expect(throws: ImportError.self) {
            try ledger.importPrices(file: file, series: "X", columns: ["observed_at": "when", "price": "value"])
        }
        #expect(unknown?.underlying == .unknownEntity(kind: "price series (give its kind to create it)", id: "X"))
        let mapped = #expect(throws: ImportError.self) { try ledger.importPrices(file: file, series: "X", columns: ["observed_at": "nope"]) }
        #expect(mapped?.column == "nope")
        #expect(try count(ledger.path, "import_source") == 0)
    }

    @Test func seriesPerRowFromAColumn() throws {
        let ledger = try newLedger()
        let file = try writeFile(dir, "multi.csv", "series,kind,observed_at,price\nSPX,index,2021-03-11,3939.34\nVIX,index,2021-03-11,21.91\nSPX,index,2021-03-12,3943.34\n")
        let summary = try ledger.importCSV(.prices, file: file)
        #expect(summary.inserted == 3)
        let names = try ledger.read { book in try book.allSeries().map(\.name) }
        #expect(names == ["SPX", "VIX"])
    }

    @Test func anExplicitConstantWinsOverAColumnOfTheSameName() throws {
        let ledger = try newLedger()
        let file = try writeFile(dir, "s.csv", "series,observed_at,price\nIGNORED,2021-03-11,1\n")
        _ = try ledger.importPrices(file: file, series: "CHOSEN", kind: .index)
        let names = try ledger.read { book in try book.allSeries().map(\.name) }
        #expect(names == ["CHOSEN"])
    }

    // MARK: - quotes

    @Test func quotesCreateContractsWithTheRootsExpiryTime() throws {
        let ledger = try newLedger()
        let file = try writeFile(dir, "chain.csv", """
            session_date,expiration_date,days_to_expiration,root,option_type,strike_pts,option_symbol,bid_pts,ask_pts,last_sale_pts,net_change_pts,implied_volatility_decimal,delta,gamma,volume_contracts,open_interest_contracts,underlying_last_pts
            2022-02-04,2022-02-07,3,SPXW,C,3850,SPXW220207C03850000,642,648.1,0,0,1.381,0.9995,0,0,0,4500.5298
            2022-02-04,2022-02-07,3,SPXW,P,3850,SPXW220207P03850000,0,0.05,0.05,-0.05,0.5142,-0.0005,0,176,1404,4500.5298
            2022-06-10,2022-06-17,7,SPX,P,3500.5,SPX220617P03500500,0,0,0,0,0,0,0,0,0,3900.8601

            """)
        let summary = try ledger.importCSV(.quotes, file: file, options: ImportPreset.spxOptionsCBOE.options)
        #expect(summary.rowsRead == 3 && summary.inserted == 3)
        let db = try Connection(path: ledger.path, mode: .readOnly)
        var contracts: [String] = []
        try db.query("SELECT root, option_type, strike, expires_at FROM option_contract ORDER BY contract_id") { row in
            contracts.append("\(try row.column(0, as: String.self)) \(try row.column(1, as: String.self)) \(try row.column(2, as: String.self)) \(Instant(unixSeconds: try row.column(3)))")
        }
        #expect(contracts == ["SPXW call 3850 2022-02-07T21:00:00Z", "SPXW put 3850 2022-02-07T21:00:00Z", "SPX put 3500.5 2022-06-17T13:30:00Z"])
        try ledger.read { book in
            let call = try #require(try book.latestQuote(of: OptionContractID(1), at: instant("2022-02-05")))
            #expect(call.quotedAt == (try instant("2022-02-04T21:00:00Z")))
            #expect(call.mark == (642 + 648.1) / 2 && call.impliedVol == 1.381 && call.underlying == 4500.5298)
            let put = try #require(try book.latestQuote(of: OptionContractID(2), at: instant("2022-02-05")))
            #expect(put.bid == 0 && put.ask == 0.05 && put.mark == nil)
            let dead = try #require(try book.latestQuote(of: OptionContractID(3), at: instant("2022-06-11")))
            #expect(dead.impliedVol == nil && dead.mark == nil)
        }
        #expect(try rowsWithoutSource(ledger.path, table: "option_quote", source: summary.sourceID) == 0)
    }

    // MARK: - nfts, loans, loan events, option trades

    static let punks = "0xb47e3cd837ddf8e4c57f05d70ab865de6e193bbb"

    func importBook(_ ledger: Ledger) throws -> [ImportSummary] {
        let nfts = try writeFile(dir, "nfts.csv", """
            chain,contract_address,collection_name,token_id,side,traded_at,currency,price,fees,note
            ethereum,\(Self.punks),CryptoPunks,7804,acquire,2021-03-11T00:48:39Z,ETH,4200,0,"the real sale, #7804"
            ethereum,\(Self.punks),CryptoPunks,3100,acquire,2021-03-11T10:00:00Z,ETH,4200.5,1.25,
            ethereum,\(Self.punks),CryptoPunks,1,,,,,,

            """)
        let loans = try writeFile(dir, "loans.csv", """
            protocol,external_ref,currency,principal,amount_received,started_at,maturity_at,interest_model,repayment,rate_bps,collateral_chain,collateral_contract,collateral_token_ids,max_ltv,liquidation_threshold
            nftfi,L-1,ETH,1000,995,2021-03-12T00:00:00Z,2021-04-11T00:00:00Z,fixed_repayment,1016.438356164383561643,,ethereum,\(Self.punks),7804,,
            benddao,B-7,ETH,500,500,2021-03-12T00:00:00Z,,continuous,,1200,ethereum,\(Self.punks),3100,0.4,0.9

            """)
        let events = try writeFile(dir, "events.csv", """
            protocol,external_ref,event_kind,occurred_at,amount,interest_part,principal_part,fee,note
            nftfi,L-1,repay,2021-04-01T00:00:00Z,,16.438356164383561643,1000,,
            nftfi,L-1,close,2021-04-01T00:00:00Z,,,,,repaid
            benddao,B-7,fee,2021-03-13T00:00:00Z,,,,0.1,

            """)
        let trades = try writeFile(dir, "trades.csv", """
            hedge,strategy,root,option_type,strike,expires_at,traded_at,quantity,price,fees
            condor-2021-04,iron_condor,SPXW,put,3700,2021-04-16,2021-03-12T15:00:00Z,1,5.1,0.65
            condor-2021-04,iron_condor,SPXW,put,3800,2021-04-16,2021-03-12T15:00:00Z,-1,9.3,0.65
            condor-2021-04,iron_condor,SPX,C,4100,2021-04-16,2021-03-12T15:00:00Z,-1,7.05,0.65

            """)
        return [try ledger.importCSV(.nfts, file: nfts), try ledger.importCSV(.loans, file: loans),
                try ledger.importCSV(.loanEvents, file: events), try ledger.importCSV(.optionTrades, file: trades)]
    }

    @Test func nftsLoansEventsAndOptionTrades() throws {
        let ledger = try newLedger()
        let summaries = try importBook(ledger)
        #expect(summaries.map(\.inserted) == [3, 2, 3, 3])
        try ledger.read { book in
            let holdings = try book.nfts(at: instant("2021-03-20"))
            #expect(holdings.map(\.nft.tokenID.text) == ["7804", "3100"])
            #expect(holdings.map(\.status) == [.pledged, .pledged])
            #expect(holdings[0].acquisition.note == "the real sale, #7804")
            #expect(holdings[1].acquisition.fees == (try dec("1.25")))
            let loans = try book.loans()
            #expect(loans.map(\.externalRef) == ["L-1", "B-7"])
            #expect(loans[0].terms == .fixedRepayment(repayment: try dec("1016.438356164383561643")))
            #expect(loans[1].terms == .continuous(rateBps: 1200) && loans[1].liquidationThreshold == 0.9)
            #expect(try book.loanStatus(loans[0].id, at: instant("2021-04-02")) == .closed)
            #expect(try book.loanEvents(of: loans[1].id).map(\.detail) == [.fee(amount: try dec("0.1"))])
            let hedge = try #require(try book.hedges().first)
            #expect(hedge.name == "condor-2021-04" && hedge.strategy == .ironCondor)
            let trades = try book.optionTrades(of: hedge.id)
            #expect(trades.map(\.quantity) == [1, -1, -1])
            #expect(trades.map(\.premium) == [try dec("510"), try dec("930"), try dec("705")])
        }
        for (table, summary) in [("nft_trade", summaries[0]), ("loan", summaries[1]), ("loan_event", summaries[2]), ("option_trade", summaries[3])] {
            #expect(try rowsWithoutSource(ledger.path, table: table, source: summary.sourceID) == 0, "\(table)")
        }
        // Importing the same files again changes nothing.
        let before = try logicalDump(ledger.path)
        #expect(try importBook(ledger).allSatisfy(\.alreadyImported))
        #expect(try logicalDump(ledger.path) == before)
    }

    @Test func identicalRowsInAnotherFileAreSkippedNotBookedTwice() throws {
        let ledger = try newLedger()
        _ = try importBook(ledger)
        let copy = try writeFile(dir, "trades2.csv", """
            hedge,strategy,root,option_type,strike,expires_at,traded_at,quantity,price,fees
            condor-2021-04,iron_condor,SPXW,put,3700,2021-04-16,2021-03-12T15:00:00Z,1,5.1,0.65
            condor-2021-04,iron_condor,SPXW,put,3700,2021-04-16,2021-03-15T15:00:00Z,-1,4,0.65
            """)
        let summary = try ledger.importCSV(.optionTrades, file: copy)
        #expect(summary.inserted == 1 && summary.skippedDuplicates == 1)
    }

    struct BadRow: Sendable, CustomTestStringConvertible {
        var name: String
        var kind: CSVImportKind
        var text: String
        var line: Int
        var column: String?
        var reason: String
        var testDescription: String { name }
    }

    static let badRows: [BadRow] = [
        BadRow(name: "unknown collateral token", kind: .loans, text: """
            protocol,external_ref,currency,principal,started_at,maturity_at,interest_model,repayment,collateral_chain,collateral_contract,collateral_token_ids
            nftfi,L-9,ETH,10,2021-03-12T00:00:00Z,2021-04-11T00:00:00Z,fixed_repayment,11,ethereum,\(punks),9999
            """, line: 2, column: "collateral_token_ids", reason: "no nft with id ethereum:\(punks)#9999"),
        BadRow(name: "unknown loan reference", kind: .loanEvents, text: """
            protocol,external_ref,event_kind,occurred_at,fee
            nftfi,L-1,fee,2021-03-13T00:00:00Z,0.1
            nftfi,NOPE,fee,2021-03-13T00:00:00Z,0.1
            """, line: 3, column: "external_ref", reason: "no loan with id nftfi NOPE"),
        BadRow(name: "malformed decimal", kind: .nfts, text: """
            chain,contract_address,collection_name,token_id,traded_at,currency,price
            ethereum,0xabc,Other,1,2021-03-11T00:00:00Z,ETH,1.2.3
            """, line: 2, column: "price", reason: "'1.2.3' is not a decimal number"),
        BadRow(name: "bad date in a quoted, multi-line file", kind: .nfts, text: """
            chain,contract_address,collection_name,token_id,traded_at,currency,price
            ethereum,0xabc,"Two
            lines",1,2021-03-11T00:00:00Z,ETH,1
            ethereum,0xabc,"Two
            lines",2,2021-03-32,ETH,1
            """, line: 4, column: "traded_at", reason: "'2021-03-32' is not a date (YYYY-MM-DD) or a UTC instant (YYYY-MM-DDTHH:MM:SSZ)"),
        BadRow(name: "unknown interest model", kind: .loans, text: """
            protocol,currency,principal,started_at,interest_model,collateral_chain,collateral_contract,collateral_token_ids
            nftfi,ETH,10,2021-03-12T00:00:00Z,compound,ethereum,\(punks),7804
            """, line: 2, column: "interest_model",
               reason: "invalid interest_model: 'compound' is not an interest model (fixed_repayment, full_term_rate, simple_pro_rata, nftfi_pro_rata, continuous, aave_index, vault_accrual)"),
        BadRow(name: "repaying more than owed", kind: .loanEvents, text: """
            loan_id,event_kind,occurred_at,interest_part,principal_part
            1,repay,2021-03-20T00:00:00Z,1,5000
            """, line: 2, column: nil, reason: "repaying 5000 of principal on the nftfi loan 'L-1', but only 1000 is outstanding at 2021-03-20T00:00:00Z"),
    ]

    @Test(arguments: badRows)
    func badRowsOfEveryKindAreNamedAndWriteNothing(_ bad: BadRow) throws {
        let ledger = try newLedger()
        _ = try importBook(ledger)
        let before = try logicalDump(ledger.path)
        let file = try writeFile(dir, "bad.csv", bad.text + "\n")
        let error = #expect(throws: ImportError.self) { try ledger.importCSV(bad.kind, file: file) }
        #expect(error?.line == bad.line)
        #expect(error?.column == bad.column)
        #expect(error.map { $0.reason.hasPrefix(bad.reason) } == true, "\(String(describing: error?.reason))")
        #expect(try logicalDump(ledger.path) == before)
    }

    @Test func unknownMappingNamesAreRefused() throws {
        let ledger = try newLedger()
        let file = try writeFile(dir, "p.csv", "observed_at,price\n2021-03-11,1\n")
        let error = #expect(throws: ImportError.self) {
            try ledger.importCSV(.prices, file: file, options: CSVImportOptions(columns: ["prize": "price"]))
        }
        #expect(error?.reason.hasPrefix("invalid column mapping: 'prize' is not a column of prices imports") == true)
    }
}

/// Unix-seconds instants and the batched import of a series per row, whose appends skip the
/// append-only trigger's lookup (decisions D21).
@Suite struct PriceImportFastPathTests {
    let dir = TemporaryDirectory()

    static let unix = CSVImportOptions(constants: ["kind": "index"], instantFormat: .unixSeconds)

    func observations(_ ledger: Ledger, _ name: String) throws -> [PriceObservation] {
        try ledger.read { book in
            let series = try #require(try book.series(named: name))
            var seen: [PriceObservation] = []
            try book.observations(of: series.id, from: Instant(unixSeconds: 0), to: Instant(unixSeconds: 253_402_300_799)) { seen.append($0) }
            return seen
        }
    }

    @Test func unixSecondsAndASeriesPerRow() throws {
        let ledger = try Ledger.create(at: dir.path("book.ledger"))
        let file = try writeFile(dir, "obs.csv", "series,observed_at,price\n1,100,1.5\n1,200,2.5\n2,100,10\n1,300,3.5\n2,50,9\n")
        let summary = try ledger.importCSV(.prices, file: file, options: Self.unix)
        #expect(summary.rowsRead == 5 && summary.inserted == 5 && summary.skippedDuplicates == 0)
        #expect(try observations(ledger, "1").map(\.observedAt.unixSeconds) == [100, 200, 300])
        #expect(try observations(ledger, "2") == [PriceObservation(observedAt: Instant(unixSeconds: 50), price: 9),
                                                 PriceObservation(observedAt: Instant(unixSeconds: 100), price: 10)])
        #expect(try rowsWithoutSource(ledger.path, table: "price_observation", source: summary.sourceID) == 0)
        // The format is part of the import's identity: the same bytes read as ISO 8601 are another import.
        #expect(CSVImportOptions(constants: ["kind": "index"]).canonicalText != Self.unix.canonicalText)
        #expect(!CSVImportOptions().canonicalText.contains("instants"))
        // Triggers and foreign keys are on again after the import.
        try ledger.write { tx in #expect(tx.db.isEnabled([.triggers, .foreignKeys])) }
    }

    @Test func overlapsAreSkippedOrRefusedExactlyAsByTheTrigger() throws {
        let ledger = try Ledger.create(at: dir.path("book.ledger"))
        _ = try ledger.importCSV(.prices, file: try writeFile(dir, "a.csv", "series,observed_at,price\nS,10,1\nS,20,2\nS,30,3\n"), options: Self.unix)
        // Appends (40, 50), a stored duplicate (20), a duplicate of a row queued by this import (50).
        let b = try ledger.importCSV(.prices, file: try writeFile(dir, "b.csv", "series,observed_at,price\nS,40,4\nS,20,2\nS,50,5\nS,50,5\nS,45,4.5\n"),
                                     options: Self.unix)
        #expect(b.rowsRead == 5 && b.inserted == 3 && b.skippedDuplicates == 2)
        #expect(try observations(ledger, "S").map(\.price) == [1, 2, 3, 4, 4.5, 5])
        // A different price for an instant queued earlier in the same file: refused, naming its line; nothing kept.
        let before = try logicalDump(ledger.path)
        let c = try writeFile(dir, "c.csv", "series,observed_at,price\nS,60,6\nS,70,7\nS,60,6.5\n")
        let error = #expect(throws: ImportError.self) { try ledger.importCSV(.prices, file: c, options: Self.unix) }
        #expect(error?.line == 4)
        #expect(error?.reason == "append-only: price_observation already has a different price for this series and instant")
        #expect(try logicalDump(ledger.path) == before)
    }

    @Test func badUnixSecondsAreRefusedNamingTheLine() throws {
        let ledger = try Ledger.create(at: dir.path("book.ledger"))
        for bad in ["2021-03-11", "-5", "1.5", "253402300800", ""] {
            let file = try writeFile(dir, "bad.csv", "series,observed_at,price\nS,100,1\nS,\(bad),2\n")
            let error = #expect(throws: ImportError.self) { try ledger.importCSV(.prices, file: file, options: Self.unix) }
            #expect(error?.line == 3 && error?.column == "observed_at")
            #expect(error?.reason == (bad.isEmpty ? "empty; a date or instant is required"
                                                  : "'\(bad)' is not Unix seconds (digits only, 0 … 253402300799)"))
        }
    }

    @Test func theTriggerCheckKnowsTheMigrationsTriggersAndRefusesOthers() throws {
        let ledger = try Ledger.create(at: dir.path("book.ledger"))
        try ledger.write { tx in
            #expect(try TriggerCheck.onlyKnownTriggers(tx.db))
            try tx.db.executeScript("CREATE TEMP TRIGGER audit AFTER INSERT ON main.price_observation BEGIN SELECT 1; END")
            #expect(try !TriggerCheck.onlyKnownTriggers(tx.db))
            // With an unknown trigger, every row takes the trigger path, and the import still works.
            let series = try tx.addPriceSeries(name: "T", kind: .index)
            var inserter = try ObservationBatchInserter(tx: tx, source: nil)
            #expect(!inserter.appendsSkipChecks)
            let info = try #require(try tx.current.series(series))
            try inserter.add(PriceObservation(observedAt: Instant(unixSeconds: 5), price: 1), to: info, line: 2)
            try inserter.flush()
            #expect(inserter.inserted == 1)
            try tx.db.executeScript("DROP TRIGGER temp.audit")
        }
    }
}
