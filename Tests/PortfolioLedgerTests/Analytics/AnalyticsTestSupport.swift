import Foundation
import LedgerMath
@testable import PortfolioLedger

/// A book for the analytics scenarios: one collection, NFTs bought at `start`, a user floor series
/// (ETH) and an ETH/USD fx series. Booking amounts are illustrative (fact sheet §9 numbers);
/// market data in these scenarios is hand-made only where no real data applies.
struct AnalyticsBook {
    static let start = Instant(unixSeconds: 1_704_067_200) // 2024-01-01T00:00:00Z
    let ledger: Ledger
    let collection: CollectionID
    let nfts: [NFTID]
    let floor: PriceSeriesID
    let ethUSD: PriceSeriesID

    static func day(_ n: Double) -> Instant { start.adding(seconds: Int64(n * 86_400)) }

    init(dir: TemporaryDirectory, nftCount: Int = 1, floor floorPrices: [(Double, Double)] = (0...90).map { (Double($0), 50) },
         ethUSD rates: [(Double, Double)] = (0...90).map { (Double($0), 2_000) },
         clock: @escaping @Sendable () -> Instant = { Instant(unixSeconds: 1_700_000_000) }) throws {
        ledger = try Ledger.create(at: dir.path("analytics.ledger"), clock: clock)
        (collection, nfts, floor, ethUSD) = try ledger.write { tx in
            let c = try tx.addCollection(chain: "ethereum", contractAddress: "0xbc4ca0eda7647a8ab7c2061c2e118a18a936f13d", name: "Apes")
            var ids: [NFTID] = []
            for i in 0..<nftCount {
                let n = try tx.addNFT(collection: c, tokenID: TokenID("\(100 + i)"))
                _ = try tx.recordNFTTrade(nft: n, side: .acquire, tradedAt: Self.start.adding(seconds: -3_600), price: eth("45"), fees: dec("0.5"))
                ids.append(n)
            }
            let f = try tx.addPriceSeries(name: "apes-floor", kind: .floor, quote: Currency("ETH"), collection: c)
            _ = try tx.addObservations(floorPrices.map { PriceObservation(observedAt: Self.day($0.0), price: $0.1) }, to: f)
            let x = try tx.addPriceSeries(name: "ETHUSD", kind: .fx, base: "ETH", quote: Currency("USD"))
            _ = try tx.addObservations(rates.map { PriceObservation(observedAt: Self.day($0.0), price: $0.1) }, to: x)
            return (c, ids, f, x)
        }
    }

    func addLoan(_ protocolName: LendingProtocol, principal: String, received: String? = nil, days: Double? = 30,
                 terms: LoanTerms, lt: Double? = nil, collateral: Int = 0, startDay: Double = 0, refinances: LoanID? = nil) throws -> LoanID {
        try ledger.write { tx in
            try tx.addLoan(NewLoan(lendingProtocol: protocolName, currency: Currency("ETH"), principal: dec(principal),
                                   amountReceived: received.map(dec), startedAt: Self.day(startDay),
                                   maturityAt: days.map { Self.day(startDay + $0) }, terms: terms, liquidationThreshold: lt,
                                   collateral: [nfts[collateral]], refinances: refinances))
        }
    }

    func event(_ loan: LoanID, day: Double, _ detail: LoanEventDetail) throws {
        _ = try ledger.write { tx in try tx.recordLoanEvent(loan: loan, at: Self.day(day), detail) }
    }
}

/// |a − b| ≤ tol.
func close(_ a: Double?, _ b: Double, _ tol: Double) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= tol
}

/// An exact amount rounded to `places` as text.
func rounded(_ d: ExactDecimal, _ places: Int) -> String { d.formatted(fractionDigits: places) }
