import Foundation
import LedgerMath
import PortfolioLedger

/// A SYNTHETIC benchmark ledger: deterministic, seeded, made only through the public `Ledger`
/// API. Its prices are random walks, not market data; it exists to time reports at scale.
///
/// The shape at 1× history: `collections` NFT floors, `nftsPerCollection` tokens each (all bought
/// on day 0), ETH/USD and SPX daily, `loansPerYear` loans of 30–90 days each on one NFT,
/// `condorsPerYear` SPX iron condors of 35 days (opened, quoted every day for every live leg,
/// settled at expiry). A history `scale` of k keeps the activity per year and makes the history
/// k times longer (k × `years`), so a report's cost should grow k-fold.
enum SyntheticLedger {
    struct Shape: Sendable {
        var years: Int
        var collections: Int
        var nftsPerCollection: Int
        var loansPerYear: Int
        var condorsPerYear: Int

        /// DESIGN §6: 1,000 NFTs in 50 collections, 200 loans and 500 condors over 5 years.
        static let full = Shape(years: 5, collections: 50, nftsPerCollection: 20, loansPerYear: 40, condorsPerYear: 100)
        /// For `--quick`: one year, 100 NFTs, the same activity per year.
        static let quick = Shape(years: 1, collections: 10, nftsPerCollection: 10, loansPerYear: 40, condorsPerYear: 100)

        var nfts: Int { collections * nftsPerCollection }
    }

    /// What was generated.
    struct Summary: Sendable {
        var days: Int
        var start: Instant
        var end: Instant
        var observations = 0
        var quotes = 0
        var loans = 0
        var condors = 0
        var text: String {
            "\(Format.count(days)) days, \(Format.count(observations)) observations, \(Format.count(quotes)) option quotes, "
                + "\(loans) loans, \(condors) condors"
        }
    }

    static let day: Int64 = 86_400
    /// 2010-01-04 (a Monday); daily marks at 20:00 UTC, after the US close.
    static let firstDay: Int64 = 1_262_563_200
    static func mark(_ d: Int) -> Instant { Instant(unixSeconds: firstDay + Int64(d) * day + 20 * 3_600) }

    static let eth = try! Currency("ETH")
    static let usd = try! Currency("USD")

    static func decimal(_ value: Double, scale: Int) throws -> ExactDecimal {
        try ExactDecimal(value, scale: scale, mode: .halfEven)
    }

    /// Builds the ledger at `path` (which must not exist).
    static func generate(at path: String, shape: Shape, scale: Int, seed: UInt64 = 1) throws -> Summary {
        let days = 365 * shape.years * scale
        var random = SeededRandom(seed: seed)
        let ledger = try Ledger.create(at: path, clock: benchClock)
        var summary = Summary(days: days, start: mark(0), end: mark(days - 1))

        // Market history: random walks (floors in ETH, ETH/USD, SPX).
        func walk(from start: Double, volatility: Double) -> [Double] {
            var level = start
            return (0..<days).map { _ in
                defer { level *= exp(volatility * (random.unit() - 0.5) * 3.46) }   // ≈ N(0, σ) per day
                return level
            }
        }
        let floors = (0..<shape.collections).map { c in walk(from: 2 + Double(c % 10) * 3, volatility: 0.04) }
        let ethUSD = walk(from: 1_500, volatility: 0.035)
        let spx = walk(from: 2_000, volatility: 0.011)

        // Day 0: money in, collections, NFTs bought at the floor, the series and their history.
        var nfts: [(NFTID, collection: Int)] = []
        try ledger.write { tx in
            _ = try tx.recordExternalFlow(.deposit, at: Instant(unixSeconds: firstDay), amount: Money(1_000_000, eth))
            _ = try tx.recordExternalFlow(.deposit, at: Instant(unixSeconds: firstDay), amount: Money(10_000_000, usd))
            for c in 0..<shape.collections {
                let hex = String(repeating: "0", count: 32) + String(format: "%08x", c + 1)
                let collection = try tx.addCollection(chain: "ethereum", contractAddress: "0x" + hex, name: "Synthetic collection \(c + 1)")
                for t in 0..<shape.nftsPerCollection {
                    let nft = try tx.addNFT(collection: collection, tokenID: TokenID("\(t + 1)"))
                    _ = try tx.recordNFTTrade(nft: nft, side: .acquire, tradedAt: mark(0),
                                              price: Money(try decimal(floors[c][0], scale: 4), eth), fees: try decimal(floors[c][0] * 0.005, scale: 6))
                    nfts.append((nft, c))
                }
                let series = try tx.addPriceSeries(name: "floor/\(c + 1)", kind: .floor, quote: eth, collection: collection)
                summary.observations += try tx.addObservations((0..<days).lazy.map { d in
                    PriceObservation(observedAt: mark(d), price: floors[c][d])
                }, to: series)
            }
            let fx = try tx.addPriceSeries(name: "ETH/USD", kind: .fx, base: "ETH", quote: usd)
            summary.observations += try tx.addObservations((0..<days).lazy.map { PriceObservation(observedAt: mark($0), price: ethUSD[$0]) }, to: fx)
            let index = try tx.addPriceSeries(name: "SPX", kind: .index)
            summary.observations += try tx.addObservations((0..<days).lazy.map { PriceObservation(observedAt: mark($0), price: spx[$0]) }, to: index)
        }

        // Loans: evenly spread, 30–90 days, one NFT each, three interest models in turn; repaid
        // and closed a day before maturity.
        let loanCount = shape.loansPerYear * shape.years * scale
        try ledger.write { tx in
            for k in 0..<loanCount {
                let startDay = 1 + k * (days - 100) / loanCount
                let length = 30 + Int(random.next() % 61)
                let (nft, c) = nfts[k % nfts.count]
                let principal = try decimal(0.4 * floors[c][startDay], scale: 4)
                let maturity = mark(startDay + length)
                let terms: LoanTerms = switch k % 3 {
                case 0: .fixedRepayment(repayment: try decimal(principal.doubleValue * (1 + 0.12 * Double(length) / 365), scale: 6))
                case 1: .simpleProRata(rateBps: 1_500, roundsUp: false, capAtMaturity: true)
                default: .continuous(rateBps: 1_200)
                }
                let protocols: [LendingProtocol] = [.nftfi, .arcade, .blend]
                let loan = try tx.addLoan(NewLoan(lendingProtocol: protocols[k % 3], currency: eth, principal: principal,
                                                  startedAt: mark(startDay), maturityAt: maturity, terms: terms,
                                                  maxLTV: 0.6, liquidationThreshold: 0.8, collateral: [nft]))
                let repayDay = startDay + length - 1
                let interest = try decimal(principal.doubleValue * 0.12 * Double(length - 1) / 365, scale: 6)
                _ = try tx.recordLoanEvent(loan: loan, at: mark(repayDay), .repay(interest: interest, principal: principal))
                _ = try tx.recordLoanEvent(loan: loan, at: mark(repayDay).adding(seconds: 60), .close)
            }
        }
        summary.loans = loanCount

        // Iron condors on SPX: 35 days to the AM expiry, wings ±10 %, bodies ±5 %; every live leg
        // quoted at each daily mark; settled at expiry on that day's SPX level.
        let condorCount = shape.condorsPerYear * shape.years * scale
        let (vol, rate, dividend) = (0.18, 0.04, 0.015)
        try ledger.write { tx in
            var quotes: [OptionQuote] = []
            var quoted: Set<[Int64]> = []
            var settled: Set<OptionContractID> = []
            var expiring: [(OptionContractID, day: Int)] = []
            for j in 0..<condorCount {
                let openDay = j * (days - 40) / condorCount
                let expiryDay = openDay + 35
                let expiry = Instant(unixSeconds: firstDay + Int64(expiryDay) * day + 13 * 3_600 + 1_800)   // 09:30 New York (EST)
                let s = spx[openDay]
                let strikes = [0.90, 0.95, 1.05, 1.10].map { ($0 * s / 5).rounded() * 5 }
                let types: [OptionType] = [.put, .put, .call, .call]
                let quantities = [1, -1, -1, 1]
                func price(_ leg: Int, spot: Double, at t: Instant) throws -> Double {
                    try BlackScholes.price(types[leg], spot: spot, strike: strikes[leg], volatility: vol, rate: rate,
                                           dividendYield: dividend, timeToExpiry: t.yearFraction(to: expiry))
                }
                var legs: [OptionLeg] = []
                for leg in 0..<4 {
                    legs.append(OptionLeg(types[leg], strike: try decimal(strikes[leg], scale: 0), quantity: quantities[leg],
                                          premium: try decimal(try price(leg, spot: s, at: mark(openDay)), scale: 2), expiry: expiry))
                }
                _ = try tx.openIronCondor(name: "IC \(j + 1)", root: .spx, legs: legs, tradedAt: mark(openDay), feesPerLeg: ExactDecimal(parsing: "1.30"))
                for leg in 0..<4 {
                    let contract = try tx.addOptionContract(root: .spx, type: types[leg], strike: legs[leg].strike, expiresAt: expiry)
                    if settled.insert(contract).inserted { expiring.append((contract, expiryDay)) }
                    for d in openDay..<expiryDay where quoted.insert([contract.rawValue, Int64(d)]).inserted {
                        let mid = try price(leg, spot: spx[d], at: mark(d))
                        quotes.append(OptionQuote(contractID: contract, quotedAt: mark(d), bid: mid * 0.97, ask: mid * 1.03, mark: mid,
                                                  impliedVol: vol, underlying: spx[d]))
                    }
                }
            }
            summary.quotes = try tx.addOptionQuotes(quotes)
            for (contract, expiryDay) in expiring {
                _ = try tx.settleContract(contract, settlementValue: try decimal(spx[expiryDay], scale: 2))
            }
        }
        summary.condors = condorCount
        return summary
    }
}
