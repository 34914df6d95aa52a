import LedgerTestSupport
import Foundation
import LedgerMath
import SQLiteDB
import Testing
@testable import PortfolioLedger

/// The holding-and-pledge state machine (docs/import.md, "Holding states") through the Swift API:
/// each case was accepted before `HoldingTimeline` (issue 12 item 1).
@Suite struct HoldingStateTests {
    let dir = TemporaryDirectory()

    /// The sample book with its loan closed on 2021-03-20, so the punk is held and unpledged.
    private func closedBook() throws -> SampleBook {
        let book = try SampleBook(dir: dir)
        try book.ledger.write { tx in _ = try tx.recordLoanEvent(loan: book.loan, at: instant("2021-03-20"), .close) }
        return book
    }

    @Test func anNFTCannotBeSoldTwiceInOneOrTwoWrites() throws {
        let book = try closedBook()
        try book.ledger.write { tx in
            _ = try tx.recordNFTTrade(nft: book.punk, side: .dispose, tradedAt: instant("2021-03-21"), price: eth("4500"))
        }
        let before = try logicalDump(book.ledger.path)
        let second = conflictMessage {
            try book.ledger.write { tx in
                _ = try tx.recordNFTTrade(nft: book.punk, side: .dispose, tradedAt: instant("2021-03-22"), price: eth("4600"))
            }
        }
        #expect(second == "CryptoPunks #7804 is not held at 2021-03-22T00:00:00Z (it was sold at 2021-03-21T00:00:00Z); nothing to sell")
        // Dated before the booked sale, the new sale breaks the booked one instead.
        let earlier = conflictMessage {
            try book.ledger.write { tx in
                _ = try tx.recordNFTTrade(nft: book.punk, side: .dispose, tradedAt: instant("2021-03-20T12:00:00Z"), price: eth("4600"))
            }
        }
        #expect(earlier?.hasPrefix("CryptoPunks #7804 is not held at 2021-03-21T00:00:00Z") == true, "\(earlier ?? "accepted")")
        #expect(try logicalDump(book.ledger.path) == before)
    }

    @Test func aLoanCannotBeOpenedOnCollateralAlreadySold() throws {
        let book = try closedBook()
        try book.ledger.write { tx in
            _ = try tx.recordNFTTrade(nft: book.punk, side: .dispose, tradedAt: instant("2021-03-21"), price: eth("4500"))
        }
        let message = conflictMessage {
            _ = try book.ledger.write { tx in
                try tx.addLoan(NewLoan(lendingProtocol: .blend, externalRef: "B-9", currency: Currency("ETH"), principal: dec("10"),
                                       startedAt: instant("2021-03-25"), terms: .continuous(rateBps: 1000), collateral: [book.punk]))
            }
        }
        #expect(message == "CryptoPunks #7804 is not held at 2021-03-25T00:00:00Z (it was sold at 2021-03-21T00:00:00Z); it cannot be pledged to the blend loan 'B-9'")
    }

    @Test func anNFTLostToALiquidationIsNoLongerHeld() throws {
        for lossKind in [LoanEventDetail.liquidation(surplus: nil), .foreclosure] {
            let inner = TemporaryDirectory()
            let book = try SampleBook(dir: inner)
            try book.ledger.write { tx in _ = try tx.recordLoanEvent(loan: book.loan, at: instant("2021-03-20"), lossKind) }
            let holding = try book.ledger.read { try $0.holding(of: book.punk, at: instant("2021-03-21")) }
            #expect(holding?.status == .lost && holding?.lostTo == book.loan && holding?.pledgedTo == nil)
            #expect(try book.ledger.read { try $0.holding(of: book.punk, at: instant("2021-03-19")) }?.status == .pledged)
            let pledge = conflictMessage {
                _ = try book.ledger.write { tx in
                    try tx.addLoan(NewLoan(lendingProtocol: .blend, currency: Currency("ETH"), principal: dec("10"),
                                           startedAt: instant("2021-03-25"), terms: .continuous(rateBps: 1000), collateral: [book.punk]))
                }
            }
            #expect(pledge?.contains("it was lost to the \(lossKind.kind) of the nftfi loan started 2021-03-12T00:00:00Z") == true, "\(pledge ?? "accepted")")
            let sale = conflictMessage {
                try book.ledger.write { tx in
                    _ = try tx.recordNFTTrade(nft: book.punk, side: .dispose, tradedAt: instant("2021-03-25"), price: eth("1"))
                }
            }
            #expect(sale?.hasPrefix("CryptoPunks #7804 is not held at 2021-03-25T00:00:00Z") == true)
            // Not valued any more, and bought back it is held again.
            #expect(try book.ledger.read { try $0.nfts(at: instant("2021-03-25")) }.filter(\.status.isHeld).isEmpty)
            try book.ledger.write { tx in
                _ = try tx.recordNFTTrade(nft: book.punk, side: .acquire, tradedAt: instant("2021-04-01"), price: eth("3000"))
            }
            #expect(try book.ledger.read { try $0.holding(of: book.punk, at: instant("2021-04-02")) }?.status == .held)
        }
    }

    @Test func aPurchaseCanBeSupersededAndABookedSaleCanBeBoughtBack() throws {
        let book = try closedBook()
        let buy = try book.ledger.read { try $0.trades(of: book.punk)[0].id }
        try book.ledger.write { tx in
            try tx.supersede(.nftTrade(buy), reason: "price was 4250") {
                .nftTrade(try tx.recordNFTTrade(nft: book.punk, side: .acquire, tradedAt: instant("2021-03-11T00:48:39Z"), price: eth("4250")))
            }
        }
        #expect(try book.ledger.read { try $0.trades(of: book.punk).map(\.price.amount.description) } == ["4250"])
        // The two-step form works inside one deferring scope, and is refused outside it.
        let refused = conflictMessage {
            try book.ledger.write { tx in
                _ = try tx.recordNFTTrade(nft: book.punk, side: .acquire, tradedAt: instant("2021-03-11T00:48:39Z"), price: eth("4300"))
            }
        }
        #expect(refused == "CryptoPunks #7804 is already held at 2021-03-11T00:48:39Z; book its sale before buying it again")
        let current = try book.ledger.read { try $0.trades(of: book.punk)[0].id }
        try book.ledger.write { tx in
            try tx.deferringHoldingChecks {
                let again = try tx.recordNFTTrade(nft: book.punk, side: .acquire, tradedAt: instant("2021-03-11T00:48:39Z"), price: eth("4300"))
                try tx.supersede(.nftTrade(current), by: .nftTrade(again), reason: "price was 4300")
            }
            _ = try tx.recordNFTTrade(nft: book.punk, side: .dispose, tradedAt: instant("2021-03-21"), price: eth("4500"))
            _ = try tx.recordNFTTrade(nft: book.punk, side: .acquire, tradedAt: instant("2021-03-22"), price: eth("4400"))
        }
        #expect(try book.ledger.read { try $0.holding(of: book.punk, at: instant("2021-03-23")) }?.status == .held)
    }

    @Test func aCorrectionThatBreaksALaterEntryIsRefused() throws {
        let book = try closedBook()
        try book.ledger.write { tx in
            _ = try tx.recordNFTTrade(nft: book.punk, side: .dispose, tradedAt: instant("2021-03-21"), price: eth("4500"))
        }
        let buy = try book.ledger.read { try $0.trades(of: book.punk)[0].id }
        let voidBuy = conflictMessage { try book.ledger.write { tx in try tx.void(.nftTrade(buy), reason: "never bought") } }
        #expect(voidBuy?.hasPrefix("CryptoPunks #7804 is not held at 2021-03-12T00:00:00Z") == true, "\(voidBuy ?? "accepted")")
        // Voiding the loan's close leaves the punk pledged when it was sold.
        let close = try book.ledger.read { try $0.loanEvents(of: book.loan)[0].id }
        let voidClose = conflictMessage { try book.ledger.write { tx in try tx.void(.loanEvent(close), reason: "not closed") } }
        #expect(voidClose == "CryptoPunks #7804 backs the nftfi loan started 2021-03-12T00:00:00Z at 2021-03-21T00:00:00Z; close or liquidate that loan before selling it")
    }

    @Test func aRefinanceMovesThePledgeAtTheSameInstantAndALoanCannotEndBeforeItsLaterEvents() throws {
        let book = try SampleBook(dir: dir)
        let next = try book.ledger.write { tx in
            try tx.addLoan(NewLoan(lendingProtocol: .blend, currency: Currency("ETH"), principal: dec("1000"), startedAt: instant("2021-03-20"),
                                   terms: .continuous(rateBps: 1000), collateral: [book.punk], refinances: book.loan))
        }
        #expect(try book.ledger.read { try $0.holding(of: book.punk, at: instant("2021-03-20")) }?.pledgedTo == next)
        try book.ledger.write { tx in _ = try tx.recordLoanEvent(loan: next, at: instant("2021-03-25"), .fee(amount: dec("1"))) }
        let early = conflictMessage { try book.ledger.write { tx in _ = try tx.recordLoanEvent(loan: next, at: instant("2021-03-22"), .close) } }
        #expect(early == "the blend loan started 2021-03-20T00:00:00Z has a fee event at 2021-03-25T00:00:00Z; it cannot end before it at 2021-03-22T00:00:00Z")
    }

    @Test func duplicateCollateralNamesTheNFT() throws {
        let book = try closedBook()
        let error = #expect(throws: LedgerError.self) {
            _ = try book.ledger.write { tx in
                try tx.addLoan(NewLoan(lendingProtocol: .blend, currency: Currency("ETH"), principal: dec("10"), startedAt: instant("2021-03-25"),
                                       terms: .continuous(rateBps: 1000), collateral: [book.punk, book.punk]))
            }
        }
        #expect(error == .invalidValue(field: "collateral", reason: "CryptoPunks #7804 is listed twice"))
    }

    @Test func settlingTwiceNamesTheHedgeAndContractNotTheirIDs() throws {
        let book = try SampleBook(dir: dir)
        let expiry = try instant("2021-04-16T20:00:00Z")
        let message = conflictMessage {
            try book.ledger.write { tx in
                let hedge = try tx.openIronCondor(name: "april condor", root: .spxw,
                                                  legs: condorLegs(["3700", "3800", "4100", "4250"], premiums: ["5.2", "9.1", "8.4", "2.05"], expiry: expiry),
                                                  tradedAt: instant("2021-03-15T15:00:00Z"))
                let contract = try tx.current.positions(of: hedge, at: expiry)[0].contract.id
                _ = try tx.settleContract(contract, settlementValue: dec("4120.5"))
                _ = try tx.settleContract(contract, settlementValue: dec("4120.5"))
            }
        }
        #expect(message == "the position of hedge 'april condor' in SPXW put 3700 expiring 2021-04-16T20:00:00Z is already settled")
    }
}
