// Generator of `schema-v3-holdings.ledger` (see README.md). Kept for the record; it is excluded from the
// test target (the Fixtures folder is). To regenerate at schema 3 it must be built at a commit whose
// schema is 3: copy it into Tests/PortfolioLedgerTests/ there, run
// `SCHEMA_V3_HOLDINGS_OUT=/path/schema-v3-holdings.ledger swift test --filter MakeSchemaV3Ledger`, then
// `sqlite3 /path/schema-v3-holdings.ledger 'PRAGMA journal_mode=DELETE'`.
import Foundation
import LedgerMath
import Testing
@testable import PortfolioLedger

@Suite struct MakeSchemaV3Ledger {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["SCHEMA_V3_HOLDINGS_OUT"] != nil))
    func write() throws {
        let path = try #require(ProcessInfo.processInfo.environment["SCHEMA_V3_HOLDINGS_OUT"])
        let ledger = try Ledger.create(at: path, clock: { Instant(unixSeconds: 1_735_689_600) }) // 2025-01-01T00:00:00Z
        let t = { (s: String) throws -> Instant in try ISO8601.parse(s) }
        let d = { (s: String) throws -> ExactDecimal in try ExactDecimal(parsing: s) }
        let eth = try Currency("ETH")
        try ledger.write { tx in
            let punks = try tx.addCollection(chain: "ethereum", contractAddress: "0xb47e3cd837ddf8e4c57f05d70ab865de6e193bbb", name: "CryptoPunks")
            let kept = try tx.addNFT(collection: punks, tokenID: TokenID("7804"))
            let lost = try tx.addNFT(collection: punks, tokenID: TokenID("3100"))
            _ = try tx.recordNFTTrade(nft: kept, side: .acquire, tradedAt: t("2024-03-01T12:00:00Z"), price: Money(d("60.5"), eth), fees: d("0.25"))
            _ = try tx.recordNFTTrade(nft: lost, side: .acquire, tradedAt: t("2024-03-02T12:00:00Z"), price: Money(d("58"), eth))
            let floor = try tx.addPriceSeries(name: "punks-floor", kind: .floor, quote: eth, collection: punks)
            _ = try tx.addObservations([PriceObservation(observedAt: t("2024-03-01T00:00:00Z"), price: 48.9),
                                        PriceObservation(observedAt: t("2024-03-20T00:00:00Z"), price: 31.25)], to: floor)
            let open = try tx.addLoan(NewLoan(lendingProtocol: .nftfi, externalRef: "nftfi-7", currency: eth, principal: d("30"),
                                              startedAt: t("2024-03-03T00:00:00Z"), maturityAt: t("2024-04-02T00:00:00Z"),
                                              terms: .fixedRepayment(repayment: d("30.5")), collateral: [kept]))
            let bend = try tx.addLoan(NewLoan(lendingProtocol: .benddao, externalRef: "bend-9", currency: eth, principal: d("25"),
                                              startedAt: t("2024-03-04T00:00:00Z"), terms: .continuous(rateBps: 1500), liquidationThreshold: 0.9,
                                              collateral: [lost]))
            _ = try tx.recordLoanEvent(loan: bend, at: t("2024-03-20T06:00:00Z"), .liquidation(surplus: d("1.5")))
            _ = try tx.setBufferPolicy(.loan(open), effectiveAt: t("2024-03-03T00:00:00Z"), target: BufferTarget(minHealthFactor: 1.5))
            try tx.addCollectionDailySales([CollectionDailySales(day: t("2024-03-20"), quote: eth, salesCount: 4, volume: 130, minPrice: 31.25,
                                                                 medianPrice: 32, maxPrice: 35)], collection: punks)
        }
    }
}
