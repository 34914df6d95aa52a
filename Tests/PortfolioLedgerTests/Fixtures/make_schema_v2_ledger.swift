// Generator of `schema-v2.ledger` (see README.md). Kept for the record; it is excluded from the
// test target (the Fixtures folder is). To regenerate at schema 2 it must be built at a commit whose
// schema is 2: copy it into Tests/PortfolioLedgerTests/ there, run
// `SCHEMA_V2_OUT=/path/schema-v2.ledger swift test --filter MakeSchemaV2Ledger`, then
// `sqlite3 /path/schema-v2.ledger 'PRAGMA journal_mode=DELETE'`.
import Foundation
import LedgerMath
import Testing
@testable import PortfolioLedger

@Suite struct MakeSchemaV2Ledger {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["SCHEMA_V2_OUT"] != nil))
    func write() throws {
        let path = try #require(ProcessInfo.processInfo.environment["SCHEMA_V2_OUT"])
        let ledger = try Ledger.create(at: path, clock: { Instant(unixSeconds: 1_704_067_200) }) // 2024-01-01T00:00:00Z
        let t = { (s: String) throws -> Instant in try ISO8601.parse(s) }
        let d = { (s: String) throws -> ExactDecimal in try ExactDecimal(parsing: s) }
        let eth = try Currency("ETH")
        try ledger.write { tx in
            let punks = try tx.addCollection(chain: "ethereum", contractAddress: "0xb47e3cd837ddf8e4c57f05d70ab865de6e193bbb", name: "CryptoPunks")
            let punk = try tx.addNFT(collection: punks, tokenID: TokenID("7804"))
            _ = try tx.recordNFTTrade(nft: punk, side: .acquire, tradedAt: t("2023-10-01T12:00:00Z"), price: Money(d("60.5"), eth), fees: d("0.25"))
            let floor = try tx.addPriceSeries(name: "punks-floor", kind: .floor, quote: eth, collection: punks)
            _ = try tx.addObservations([PriceObservation(observedAt: t("2023-10-01T00:00:00Z"), price: 48.9),
                                        PriceObservation(observedAt: t("2023-10-02T00:00:00Z"), price: 47.25),
                                        PriceObservation(observedAt: t("2023-10-03T00:00:00Z"), price: 49.125)], to: floor)
            let fx = try tx.addPriceSeries(name: "ETHUSD", kind: .fx, base: "ETH", quote: Currency("USD"))
            _ = try tx.addObservations([PriceObservation(observedAt: t("2023-10-01T00:00:00Z"), price: 1_671.25),
                                        PriceObservation(observedAt: t("2023-10-02T00:00:00Z"), price: 1_733.5)], to: fx)
            let spx = try tx.addPriceSeries(name: "SPX", kind: .index)
            _ = try tx.addObservations([PriceObservation(observedAt: t("2023-10-02T20:00:00Z"), price: 4_288.39)], to: spx)
            let loan = try tx.addLoan(NewLoan(lendingProtocol: .nftfi, externalRef: "nftfi-42", currency: eth, principal: d("30"),
                                              amountReceived: d("29.85"), startedAt: t("2023-10-02T00:00:00Z"),
                                              maturityAt: t("2023-11-01T00:00:00Z"),
                                              terms: .fixedRepayment(repayment: d("30.493150684931506849")),
                                              liquidationThreshold: nil, collateral: [punk]))
            _ = try tx.recordLoanEvent(loan: loan, at: t("2023-10-15T00:00:00Z"), .fee(amount: d("0.01")), note: "late-fee waiver refused")
            let expiry = try t("2023-11-17T14:30:00Z")
            _ = try tx.openIronCondor(name: "Nov SPX condor", root: .spx,
                                      legs: [OptionLeg(.put, strike: d("4000"), quantity: 1, premium: d("9.8"), expiry: expiry),
                                             OptionLeg(.put, strike: d("4100"), quantity: -1, premium: d("16.45"), expiry: expiry),
                                             OptionLeg(.call, strike: d("4500"), quantity: -1, premium: d("12.1"), expiry: expiry),
                                             OptionLeg(.call, strike: d("4600"), quantity: 1, premium: d("4.35"), expiry: expiry)],
                                      tradedAt: t("2023-10-02T19:00:00Z"), feesPerLeg: d("1.32"), protecting: [loan])
            let twice = try tx.recordLoanEvent(loan: loan, at: t("2023-10-15T00:00:00Z"), .fee(amount: d("0.01")))
            try tx.void(.loanEvent(twice), reason: "booked twice")
            let shortPut = try tx.addOptionContract(root: .spx, type: .put, strike: d("4100"), expiresAt: expiry)
            _ = try tx.addOptionQuotes([OptionQuote(contractID: shortPut, quotedAt: t("2023-10-03T20:00:00Z"), bid: 17.1, ask: 17.6,
                                                    mark: 17.35, impliedVol: 0.1825, underlying: 4_229.45)])
            _ = try tx.recordExternalFlow(.deposit, at: t("2023-09-30T00:00:00Z"), amount: Money(d("70"), eth), note: "funding")
            _ = try tx.assertBalance(at: t("2023-10-01T13:00:00Z"), amount: Money(d("9.25"), eth))
        }
    }
}
