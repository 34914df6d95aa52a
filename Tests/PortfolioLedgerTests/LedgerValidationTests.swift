import LedgerTestSupport
import Foundation
import LedgerMath
import SQLiteDB
import Testing
@testable import PortfolioLedger

/// Every refused write: a typed error, and the file's content exactly as before.
@Suite struct LedgerValidationTests {
    let dir = TemporaryDirectory()

    typealias BadWrite = (name: String, write: @Sendable (LedgerTransaction, SampleBookIDs) throws -> Void)

    struct SampleBookIDs: Sendable {
        let punks: CollectionID, punk: NFTID, loan: LoanID, hedge: HedgeID, contract: OptionContractID, series: PriceSeriesID
    }

    static let expiry = "2021-04-16T13:30:00Z"

    static func legs(_ strikes: [String], quantities: [Int] = [1, -1, -1, 1]) throws -> [OptionLeg] {
        let types: [OptionType] = [.put, .put, .call, .call]
        return try zip(zip(types, strikes), quantities).map { pair, quantity in
            OptionLeg(pair.0, strike: try dec(pair.1), quantity: quantity, premium: try dec("10"), expiry: try instant(expiry))
        }
    }

    static let badWrites: [BadWrite] = [
        ("zero principal", { tx, ids in
            _ = try tx.addLoan(NewLoan(lendingProtocol: .blend, currency: Currency("ETH"), principal: .zero, startedAt: instant("2021-03-20"),
                                       terms: .continuous(rateBps: 1000), collateral: [ids.punk])) }),
        ("negative principal", { tx, ids in
            _ = try tx.addLoan(NewLoan(lendingProtocol: .blend, currency: Currency("ETH"), principal: dec("-1"), startedAt: instant("2021-03-20"),
                                       terms: .continuous(rateBps: 1000), collateral: [ids.punk])) }),
        ("received above principal", { tx, ids in
            _ = try tx.addLoan(NewLoan(lendingProtocol: .blend, currency: Currency("ETH"), principal: dec("1"), amountReceived: dec("2"),
                                       startedAt: instant("2021-03-20"), terms: .continuous(rateBps: 1000), collateral: [ids.punk])) }),
        ("maturity before start", { tx, ids in
            _ = try tx.addLoan(NewLoan(lendingProtocol: .nftfi, currency: Currency("ETH"), principal: dec("1"), startedAt: instant("2021-03-20"),
                                       maturityAt: instant("2021-03-19"), terms: .fixedRepayment(repayment: dec("1.1")), collateral: [ids.punk])) }),
        ("unknown currency code", { tx, ids in
            _ = try tx.recordExternalFlow(.deposit, at: instant("2021-03-20"), amount: Money(dec("1"), Currency("eth"))) }),
        ("pledging an already pledged NFT", { tx, ids in
            _ = try tx.addLoan(NewLoan(lendingProtocol: .blend, currency: Currency("ETH"), principal: dec("1"), startedAt: instant("2021-03-20"),
                                       terms: .continuous(rateBps: 1000), collateral: [ids.punk])) }),
        ("repaying a closed loan", { tx, ids in
            _ = try tx.recordLoanEvent(loan: ids.loan, at: instant("2021-04-05"), .repay(interest: dec("1"), principal: dec("1"))) }),
        ("repaying more principal than outstanding", { tx, ids in
            _ = try tx.recordLoanEvent(loan: ids.loan, at: instant("2021-03-20"), .repay(interest: .zero, principal: dec("1000.000000000000000001"))) }),
        ("event before the loan started", { tx, ids in
            _ = try tx.recordLoanEvent(loan: ids.loan, at: instant("2021-03-01"), .fee(amount: dec("1"))) }),
        ("iron condor strikes out of order", { tx, ids in
            _ = try tx.openIronCondor(name: "bad", root: .spx, legs: legs(["3800", "3700", "4000", "4100"]), tradedAt: instant("2021-03-15")) }),
        ("iron condor wrong sign pattern", { tx, ids in
            _ = try tx.openIronCondor(name: "bad", root: .spx, legs: legs(["3700", "3800", "4000", "4100"], quantities: [1, 1, -1, 1]),
                                      tradedAt: instant("2021-03-15")) }),
        ("option trade at or after expiry", { tx, ids in
            _ = try tx.recordOptionTrade(hedge: ids.hedge, contract: ids.contract, tradedAt: instant(expiry), quantity: 1, price: dec("1")) }),
        ("zero-quantity option trade", { tx, ids in
            _ = try tx.recordOptionTrade(hedge: ids.hedge, contract: ids.contract, tradedAt: instant("2021-03-20"), quantity: 0, price: dec("1")) }),
        ("NaN observation", { tx, ids in
            try tx.addObservations([PriceObservation(observedAt: instant("2021-03-20"), price: .nan)], to: ids.series) }),
        ("infinite observation", { tx, ids in
            try tx.addObservations([PriceObservation(observedAt: instant("2021-03-20"), price: .infinity)], to: ids.series) }),
        ("negative floor", { tx, ids in
            try tx.addObservations([PriceObservation(observedAt: instant("2021-03-20"), price: -1)], to: ids.series) }),
        ("different value for a recorded instant", { tx, ids in
            try tx.addObservations([PriceObservation(observedAt: instant("2021-03-12"), price: 99)], to: ids.series) }),
        ("half a batch then a bad row", { tx, ids in
            try tx.addObservations([PriceObservation(observedAt: instant("2021-03-21"), price: 50),
                                    PriceObservation(observedAt: instant("2021-03-22"), price: .nan)], to: ids.series) }),
        ("disposing of an NFT that backs an open loan", { tx, ids in
            _ = try tx.recordNFTTrade(nft: ids.punk, side: .dispose, tradedAt: instant("2021-03-20"), price: eth("5000")) }),
        ("acquiring an NFT already held", { tx, ids in
            _ = try tx.recordNFTTrade(nft: ids.punk, side: .acquire, tradedAt: instant("2021-03-20"), price: eth("5000")) }),
        ("negative fees", { tx, ids in
            let other = try tx.addNFT(collection: ids.punks, tokenID: TokenID("1"))
            _ = try tx.recordNFTTrade(nft: other, side: .acquire, tradedAt: instant("2021-03-20"), price: eth("50"), fees: dec("-0.1")) }),
        ("token id beyond uint256", { tx, ids in
            _ = try tx.addNFT(collection: ids.punks, tokenID: TokenID("115792089237316195423570985008687907853269984665640564039457584007913129639936")) }),
        ("unknown loan", { tx, ids in _ = try tx.recordLoanEvent(loan: LoanID(999), at: instant("2021-03-20"), .close) }),
        ("bid above ask", { tx, ids in
            try tx.addOptionQuotes([OptionQuote(contractID: ids.contract, quotedAt: instant("2021-03-20"), bid: 5, ask: 4)]) }),
        ("threshold above one", { tx, ids in
            let other = try tx.addNFT(collection: ids.punks, tokenID: TokenID("2"))
            _ = try tx.recordNFTTrade(nft: other, side: .acquire, tradedAt: instant("2021-03-20"), price: eth("50"))
            _ = try tx.addLoan(NewLoan(lendingProtocol: .benddao, currency: Currency("ETH"), principal: dec("1"), startedAt: instant("2021-03-21"),
                                       terms: .continuous(rateBps: 100), liquidationThreshold: 1.5, collateral: [other])) }),
        ("voiding twice", { tx, ids in
            try tx.void(.loan(ids.loan), reason: "typo")
            try tx.void(.loan(ids.loan), reason: "again") }),
    ]

    @Test(arguments: badWrites.indices)
    func refusedWriteLeavesTheFileUnchanged(index: Int) throws {
        let book = try SampleBook(dir: dir)
        let ids = try book.ledger.write { tx in
            let hedge = try tx.addHedge(name: "h", strategy: .custom, openedAt: instant("2021-03-12"))
            let contract = try tx.addOptionContract(root: .spx, type: .put, strike: dec("3700"), expiresAt: instant(Self.expiry))
            let series = try tx.addPriceSeries(name: "punks floor", kind: .floor, quote: Currency("ETH"), collection: book.punks)
            try tx.addObservations([PriceObservation(observedAt: instant("2021-03-12"), price: 30)], to: series)
            return SampleBookIDs(punks: book.punks, punk: book.punk, loan: book.loan, hedge: hedge, contract: contract, series: series)
        }
        if Self.badWrites[index].name == "repaying a closed loan" {
            try book.ledger.write { tx in _ = try tx.recordLoanEvent(loan: ids.loan, at: instant("2021-04-01"), .close) }
        }
        let before = try logicalDump(book.ledger.path)
        let bad = Self.badWrites[index]
        do {
            try book.ledger.write { tx in try bad.write(tx, ids) }
            Issue.record("\(bad.name): the write was accepted")
        } catch let error as LedgerError {
            switch error {
            case .invalidValue, .conflict, .unknownEntity: break
            default: Issue.record("\(bad.name): unexpected error kind \(error)")
            }
        } catch is Currency.InvalidCode {
            #expect(bad.name == "unknown currency code")
        }
        #expect(try logicalDump(book.ledger.path) == before, "\(bad.name) changed the file")
    }
}
