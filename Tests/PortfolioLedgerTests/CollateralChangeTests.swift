import LedgerTestSupport
import Foundation
import LedgerMath
import SQLiteDB
import Testing
@testable import PortfolioLedger

/// Collateral added to and released from a running loan (docs/import.md, "Holding states";
/// issue 12): every transition and refusal through the Swift API, CSV and JSON Lines, the reports
/// that read collateral, and corrections.
@Suite struct CollateralChangeTests {
    let dir = TemporaryDirectory()
    static let punks = "0xb47e3cd837ddf8e4c57f05d70ab865de6e193bbb"

    /// The sample book (punk #7804 pledged to an NFTfi loan from 2021-03-12) with a second punk,
    /// #3100, bought on 2021-03-15 and held, and a daily floor of 40 ETH through March 2021.
    private func book() throws -> (SampleBook, NFTID) {
        let book = try SampleBook(dir: dir)
        let second = try book.ledger.write { tx in
            let nft = try tx.addNFT(collection: book.punks, tokenID: TokenID("3100"))
            _ = try tx.recordNFTTrade(nft: nft, side: .acquire, tradedAt: instant("2021-03-15"), price: eth("40"))
            let floor = try tx.addPriceSeries(name: "punk floor", kind: .floor, quote: Currency("ETH"), collection: book.punks)
            let days = try (0..<40).map { PriceObservation(observedAt: try instant("2021-03-01").adding(seconds: Int64($0) * 86_400), price: 40) }
            try tx.addObservations(days, to: floor)
            return nft
        }
        return (book, second)
    }

    private func status(_ book: SampleBook, _ nft: NFTID, _ at: String) throws -> (NFTHolding.Status?, LoanID?) {
        let holding = try book.ledger.read { try $0.holding(of: nft, at: instant(at)) }
        return (holding?.status, holding?.pledgedTo)
    }

    @Test func anAddedNFTIsPledgedUntilReleasedAndTheRiskFollowsIt() throws {
        let (book, second) = try book()
        try book.ledger.write { tx in
            _ = try tx.addCollateral(loan: book.loan, nft: second, at: instant("2021-03-20"), note: "margin top-up")
            _ = try tx.releaseCollateral(loan: book.loan, nft: second, at: instant("2021-03-25"))
        }
        #expect(try status(book, second, "2021-03-19") == (.held, nil))
        #expect(try status(book, second, "2021-03-20") == (.pledged, book.loan))
        #expect(try status(book, second, "2021-03-25") == (.held, nil))
        #expect(try book.ledger.read { try $0.collateral(of: try #require(try $0.loan(book.loan)), at: instant("2021-03-21")) } == [book.punk, second])
        // The loan's collateral value counts the second punk only while it is pledged: 40 ETH per punk.
        func value(_ at: String) throws -> ExactDecimal? { try book.ledger.read { try $0.loanState(book.loan, at: instant(at)).risk?.collateral.value } }
        #expect(try value("2021-03-19") == dec("40"))
        #expect(try value("2021-03-21") == dec("80"))
        #expect(try value("2021-03-26") == dec("40"))
        // v_holding, the view other tools read, agrees.
        let db = try Connection(path: book.ledger.path, mode: .readOnly)
        defer { db.close() }
        #expect(try db.scalar("SELECT pledged FROM v_holding WHERE token_id = '3100'", as: Int64.self) == 0)
        #expect(try db.scalar("SELECT pledged FROM v_holding WHERE token_id = '7804'", as: Int64.self) == 1)
    }

    @Test func anAddedNFTStaysPledgedAndIsLostWithTheLoan() throws {
        for (end, expected) in [(LoanEventDetail.close, NFTHolding.Status.held), (.liquidation(surplus: nil), .lost), (.foreclosure, .lost)] {
            let inner = TemporaryDirectory()
            let book = try SampleBook(dir: inner)
            let second = try book.ledger.write { tx in
                let nft = try tx.addNFT(collection: book.punks, tokenID: TokenID("3100"))
                _ = try tx.recordNFTTrade(nft: nft, side: .acquire, tradedAt: instant("2021-03-15"), price: eth("40"))
                _ = try tx.addCollateral(loan: book.loan, nft: nft, at: instant("2021-03-20"))
                _ = try tx.recordLoanEvent(loan: book.loan, at: instant("2021-04-01"), end)
                return nft
            }
            let holding = try book.ledger.read { try $0.holding(of: second, at: instant("2021-04-02")) }
            #expect(holding?.status == expected, "\(end.kind)")
            #expect(try status(book, book.punk, "2021-04-02").0 == expected)
            let db = try Connection(path: book.ledger.path, mode: .readOnly)
            #expect(try db.scalar("SELECT count(*) FROM v_holding WHERE token_id = '3100' AND pledged = 0", as: Int64.self) == (expected == .held ? 1 : 0))
            db.close()
        }
    }

    @Test func refusalsNameTheNFTTheLoanAndTheInstant() throws {
        let (book, second) = try book()
        let before = try logicalDump(book.ledger.path)
        // Not yet bought.
        #expect(conflictMessage { _ = try book.ledger.write { tx in try tx.addCollateral(loan: book.loan, nft: second, at: instant("2021-03-14")) } }
                == "CryptoPunks #3100 is not held at 2021-03-14T00:00:00Z (it was never acquired by then); it cannot be added to the nftfi loan started 2021-03-12T00:00:00Z")
        // Already backing this loan.
        #expect(conflictMessage { _ = try book.ledger.write { tx in try tx.addCollateral(loan: book.loan, nft: book.punk, at: instant("2021-03-20")) } }
                == "CryptoPunks #7804 already backs the nftfi loan started 2021-03-12T00:00:00Z at 2021-03-20T00:00:00Z; it cannot be added to it again")
        // Released while it backs nothing.
        #expect(conflictMessage { _ = try book.ledger.write { tx in try tx.releaseCollateral(loan: book.loan, nft: second, at: instant("2021-03-20")) } }
                == "CryptoPunks #3100 does not back the nftfi loan started 2021-03-12T00:00:00Z at 2021-03-20T00:00:00Z (it is held, not pledged); nothing to release")
        #expect(try logicalDump(book.ledger.path) == before)
        // Pledged to another loan: it can neither be added here nor released from here, nor sold.
        let other = try book.ledger.write { tx in
            try tx.addLoan(NewLoan(lendingProtocol: .blend, externalRef: "B-1", currency: Currency("ETH"), principal: dec("10"),
                                   startedAt: instant("2021-03-16"), terms: .continuous(rateBps: 1000), collateral: [second]))
        }
        _ = other
        #expect(conflictMessage { _ = try book.ledger.write { tx in try tx.addCollateral(loan: book.loan, nft: second, at: instant("2021-03-20")) } }
                == "CryptoPunks #3100 already backs the blend loan 'B-1' at 2021-03-20T00:00:00Z; it cannot also be added to the nftfi loan started 2021-03-12T00:00:00Z")
        #expect(conflictMessage { _ = try book.ledger.write { tx in try tx.releaseCollateral(loan: book.loan, nft: second, at: instant("2021-03-20")) } }
                == "CryptoPunks #3100 backs the blend loan 'B-1', not the nftfi loan started 2021-03-12T00:00:00Z, at 2021-03-20T00:00:00Z; it cannot be released from it")
        // A closed loan takes no collateral change.
        try book.ledger.write { tx in _ = try tx.recordLoanEvent(loan: book.loan, at: instant("2021-03-30"), .close) }
        let closed = conflictMessage { _ = try book.ledger.write { tx in try tx.releaseCollateral(loan: book.loan, nft: book.punk, at: instant("2021-04-01")) } }
        #expect(closed == "the nftfi loan started 2021-03-12T00:00:00Z is closed at 2021-04-01T00:00:00Z; no further collateral_released events can be booked")
        // An unknown NFT.
        #expect(throws: LedgerError.unknownEntity(kind: "nft", id: "999")) {
            _ = try book.ledger.write { tx in try tx.addCollateral(loan: other, nft: NFTID(999), at: instant("2021-03-20")) }
        }
    }

    @Test func aReleasedNFTCanBeSoldOrPledgedElsewhereAtTheSameInstant() throws {
        let (book, _) = try book()
        try book.ledger.write { tx in
            _ = try tx.releaseCollateral(loan: book.loan, nft: book.punk, at: instant("2021-03-20"))
            _ = try tx.recordNFTTrade(nft: book.punk, side: .dispose, tradedAt: instant("2021-03-20"), price: eth("4500"))
        }
        #expect(try status(book, book.punk, "2021-03-20").0 == .disposed)
        // A sale before the release is refused, and the loan now has no collateral at all.
        let sale = try book.ledger.read { try $0.trades(of: book.punk).last!.id }
        let refused = conflictMessage {
            try book.ledger.write { tx in
                _ = try tx.supersede(.nftTrade(sale), reason: "sold a day earlier") {
                    .nftTrade(try tx.recordNFTTrade(nft: book.punk, side: .dispose, tradedAt: instant("2021-03-19"), price: eth("4500")))
                }
            }
        }
        #expect(refused == "CryptoPunks #7804 backs the nftfi loan started 2021-03-12T00:00:00Z at 2021-03-19T00:00:00Z; close or liquidate that loan before selling it")
        #expect(try book.ledger.read { try $0.collateral(of: try #require(try $0.loan(book.loan)), at: instant("2021-03-21")) }.isEmpty)
    }

    @Test func voidingAnAdditionThatALaterReleaseNeedsIsRefusedAndVoidingBothWorks() throws {
        let (book, second) = try book()
        let (add, release) = try book.ledger.write { tx in
            (try tx.addCollateral(loan: book.loan, nft: second, at: instant("2021-03-20")),
             try tx.releaseCollateral(loan: book.loan, nft: second, at: instant("2021-03-25")))
        }
        let refused = conflictMessage { try book.ledger.write { tx in try tx.void(.loanEvent(add), reason: "never added") } }
        #expect(refused == "CryptoPunks #3100 does not back the nftfi loan started 2021-03-12T00:00:00Z at 2021-03-25T00:00:00Z (it is held, not pledged); nothing to release")
        try book.ledger.write { tx in
            try tx.deferringHoldingChecks {
                try tx.void(.loanEvent(add), reason: "never added")
                try tx.void(.loanEvent(release), reason: "never added")
            }
        }
        #expect(try status(book, second, "2021-03-21") == (.held, nil))
    }

    // MARK: - CSV

    private func csvBook() throws -> Ledger {
        let ledger = try Ledger.create(at: dir.path("book.ledger"))
        let nfts = try writeFile(dir, "nfts.csv", """
            chain,contract_address,collection_name,token_id,side,traded_at,currency,price
            ethereum,\(Self.punks),CryptoPunks,7804,acquire,2021-03-11T00:48:39Z,ETH,4200
            ethereum,\(Self.punks),CryptoPunks,3100,acquire,2021-03-11T10:00:00Z,ETH,4200.5

            """)
        let loans = try writeFile(dir, "loans.csv", """
            protocol,external_ref,currency,principal,started_at,interest_model,rate_bps,collateral_chain,collateral_contract,collateral_token_ids
            benddao,B-7,ETH,500,2021-03-12T00:00:00Z,continuous,1200,ethereum,\(Self.punks),7804

            """)
        _ = try ledger.importCSV(.nfts, file: nfts)
        _ = try ledger.importCSV(.loans, file: loans)
        return ledger
    }

    @Test func csvLoanEventsAddAndReleaseCollateral() throws {
        let ledger = try csvBook()
        let events = try writeFile(dir, "events.csv", """
            protocol,external_ref,event_kind,occurred_at,collateral_chain,collateral_contract,collateral_token_id,note
            benddao,B-7,collateral_released,2021-03-25T00:00:00Z,ethereum,\(Self.punks),3100,
            benddao,B-7,collateral_added,2021-03-20T00:00:00Z,ethereum,\(Self.punks),3100,top-up

            """)
        let summary = try ledger.importCSV(.loanEvents, file: events)
        #expect(summary.inserted == 2)
        try ledger.read { book in
            let nft = try #require(try book.nfts(at: instant("2021-03-21")).first { $0.nft.tokenID.description == "3100" })
            #expect(nft.status == .pledged)
            #expect(try book.holding(of: nft.nft.id, at: instant("2021-03-25"))?.status == .held)
        }
    }

    static let badRows: [(name: String, text: String, line: Int, column: String?, reason: String)] = [
        ("adding an NFT that backs another loan", """
            protocol,external_ref,event_kind,occurred_at,collateral_chain,collateral_contract,collateral_token_id
            benddao,B-7,collateral_added,2021-03-20T00:00:00Z,ethereum,\(punks),7804
            """, 2, nil, "CryptoPunks #7804 already backs the benddao loan 'B-7' at 2021-03-20T00:00:00Z; it cannot be added to it again"),
        ("releasing an NFT the loan does not hold", """
            protocol,external_ref,event_kind,occurred_at,collateral_chain,collateral_contract,collateral_token_id
            benddao,B-7,collateral_released,2021-03-20T00:00:00Z,ethereum,\(punks),3100
            """, 2, nil, "CryptoPunks #3100 does not back the benddao loan 'B-7' at 2021-03-20T00:00:00Z (it is held, not pledged); nothing to release"),
        ("an addition without its NFT", """
            protocol,external_ref,event_kind,occurred_at,collateral_chain,collateral_contract,collateral_token_id
            benddao,B-7,collateral_added,2021-03-20T00:00:00Z,ethereum,\(punks),
            """, 2, "collateral_token_id", "empty; a value is required"),
        ("an unknown NFT", """
            protocol,external_ref,event_kind,occurred_at,collateral_chain,collateral_contract,collateral_token_id
            benddao,B-7,collateral_added,2021-03-20T00:00:00Z,ethereum,\(punks),9999
            """, 2, "collateral_token_id", "no nft with id ethereum:\(punks)#9999"),
        ("an NFT on a fee", """
            protocol,external_ref,event_kind,occurred_at,fee,collateral_chain,collateral_contract,collateral_token_id
            benddao,B-7,fee,2021-03-20T00:00:00Z,0.1,ethereum,\(punks),3100
            """, 2, "collateral_chain", "only collateral_added and collateral_released name an NFT, not fee"),
    ]

    @Test func csvRefusalsNameTheLineAndWriteNothing() throws {
        let ledger = try csvBook()
        let before = try logicalDump(ledger.path)
        for bad in Self.badRows {
            let file = try writeFile(dir, "bad.csv", bad.text + "\n")
            let error = #expect(throws: ImportError.self, "\(bad.name)") { try ledger.importCSV(.loanEvents, file: file) }
            #expect(error?.line == bad.line, "\(bad.name)")
            #expect(error?.column == bad.column, "\(bad.name)")
            #expect(error.map { $0.reason.hasPrefix(bad.reason) } == true, "\(bad.name): \(String(describing: error?.reason))")
            #expect(try logicalDump(ledger.path) == before, "\(bad.name)")
        }
    }

    // MARK: - JSON Lines

    @Test func jsonLinesRoundTripAndRefusals() throws {
        let (book, added) = try book()
        try book.ledger.write { tx in
            _ = try tx.addCollateral(loan: book.loan, nft: added, at: instant("2021-03-20"), note: "top-up")
            _ = try tx.releaseCollateral(loan: book.loan, nft: added, at: instant("2021-03-25"))
        }
        var first = ""
        _ = try book.ledger.exportJournal { first += $0 + "\n" }
        #expect(first.contains(#""event_kind":"collateral_added","occurred_at":"2021-03-20T00:00:00Z","note":"top-up","nft":{"chain":"ethereum","contract_address":"\#(Self.punks)","token_id":"3100"}"#))
        let file = try writeFile(dir, "book.jsonl", first)
        let copy = try Ledger.create(at: dir.path("copy.ledger"))
        _ = try copy.importJournal(file: file)
        var second = ""
        _ = try copy.exportJournal { second += $0 + "\n" }
        #expect(second == first)
        let loanID = try copy.read { try $0.loans()[0].id.rawValue }
        let before = try logicalDump(copy.path)
        let nftKey = #"{"chain":"ethereum","contract_address":"\#(Self.punks)","token_id":"3100"}"#
        let bad: [(String, String?, String)] = [
            (#"{"type":"loan_event","loan":{"loan_id":\#(loanID)},"event_kind":"collateral_added","occurred_at":"2021-03-21T00:00:00Z"}"#,
             "nft", "invalid nft: required for collateral_added"),
            (#"{"type":"loan_event","loan":{"loan_id":\#(loanID)},"event_kind":"fee","fee":"0.1","occurred_at":"2021-03-21T00:00:00Z","nft":\#(nftKey)}"#,
             "nft", "invalid nft: only collateral_added and collateral_released name an NFT, not fee"),
            (#"{"type":"loan_event","loan":{"loan_id":\#(loanID)},"event_kind":"collateral_added","occurred_at":"2021-03-22T00:00:00Z","nft":\#(nftKey)}"#,
             nil, "CryptoPunks #3100 already backs the nftfi loan started 2021-03-12T00:00:00Z at 2021-03-22T00:00:00Z; it cannot be added to it again"),
            (#"{"type":"loan_event","loan":{"loan_id":\#(loanID)},"event_kind":"collateral_released","occurred_at":"2021-03-26T00:00:00Z","nft":\#(nftKey)}"#,
             nil, "CryptoPunks #3100 does not back the nftfi loan started 2021-03-12T00:00:00Z at 2021-03-26T00:00:00Z"),
        ]
        for (line, column, reason) in bad {
            let badFile = try writeFile(dir, "bad.jsonl", line + "\n")
            let error = #expect(throws: ImportError.self, "\(line)") { try copy.importJournal(file: badFile) }
            #expect(error?.line == 1)
            #expect(error?.column == column, "\(line)")
            #expect(error.map { $0.reason.hasPrefix(reason) } == true, "\(String(describing: error?.reason))")
            #expect(try logicalDump(copy.path) == before)
        }
    }
}
