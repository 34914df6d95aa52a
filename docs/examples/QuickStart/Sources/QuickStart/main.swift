// QuickStart: open a ledger, record an NFT, a loan and an iron condor, add prices, and print the
// loan's health and the position's return — what a user's own program does with the library.
import Foundation
import LedgerMath
import PortfolioLedger

let path = CommandLine.arguments.dropFirst().first ?? FileManager.default.temporaryDirectory
    .appendingPathComponent("quickstart-\(UUID().uuidString).ledger").path
let ledger = try Ledger.create(at: path)
let eth = try Currency("ETH"), usd = try Currency("USD")
func day(_ text: String) throws -> Instant { try ISO8601.parse(text) }
func amount(_ text: String) throws -> ExactDecimal { try ExactDecimal(parsing: text) }

// 1. The NFT: CryptoPunk #6818, bought for 3.5 ETH (its real sale on 2020-12-14).
let (punk, loan) = try ledger.write { tx in
    let punks = try tx.addCollection(chain: "ethereum", contractAddress: "0xb47e3cd837ddf8e4c57f05d70ab865de6e193bbb", name: "CryptoPunks")
    let punk = try tx.addNFT(collection: punks, tokenID: TokenID("6818"))
    _ = try tx.recordNFTTrade(nft: punk, side: .acquire, tradedAt: day("2020-12-14T18:56:10Z"), price: Money(amount("3.5"), eth))
    // 2. Market data: a floor series for the collection and ETH/USD (values from the project's
    //    bundled real data: the daily median CryptoPunks sale and CoinGecko's ETH/USD).
    let floor = try tx.addPriceSeries(name: "punks floor", kind: .floor, quote: eth, collection: punks)
    try tx.addObservations([PriceObservation(observedAt: day("2021-01-05T23:59:59Z"), price: 5.04),
                            PriceObservation(observedAt: day("2021-01-21T23:59:59Z"), price: 4.425)], to: floor)
    let fx = try tx.addPriceSeries(name: "ETH/USD", kind: .fx, base: "ETH", quote: usd)
    try tx.addObservations([PriceObservation(observedAt: day("2020-12-14T00:00:00Z"), price: 590.3244403029342),
                            PriceObservation(observedAt: day("2021-01-05T00:00:00Z"), price: 1025.6547675669035),
                            PriceObservation(observedAt: day("2021-01-21T00:00:00Z"), price: 1385.8529958752583)], to: fx)
    // The S&P 500 closes (FRED) the hedge is valued on.
    let spx = try tx.addPriceSeries(name: "SPX", kind: .index)
    try tx.addObservations([PriceObservation(observedAt: day("2021-01-06T21:00:00Z"), price: 3748.14),
                            PriceObservation(observedAt: day("2021-01-21T21:00:00Z"), price: 3853.07)], to: spx)
    // 3. A BendDAO-style loan: 2 WETH at a 20 % variable rate, liquidation threshold 65 %.
    let loan = try tx.addLoan(NewLoan(lendingProtocol: .benddao, currency: Currency("WETH"), principal: amount("2"),
                                      startedAt: day("2021-01-06T00:00:00Z"),
                                      terms: .aaveIndex(rateRay: "200000000000000000000000000", indexRayAtStart: "1000000000000000000000000000"),
                                      liquidationThreshold: 0.65, collateral: [punk]))
    // 4. An SPX iron condor protecting it (premiums per unit, in index points).
    let expiry = try day("2021-03-19T13:30:00Z")
    let hedge = try tx.openIronCondor(name: "Q1 hedge", root: .spx, legs: [
        OptionLeg(.put, strike: amount("3300"), quantity: 1, premium: amount("20.1"), expiry: expiry),
        OptionLeg(.put, strike: amount("3450"), quantity: -1, premium: amount("39.1"), expiry: expiry),
        OptionLeg(.call, strike: amount("3950"), quantity: -1, premium: amount("41.4"), expiry: expiry),
        OptionLeg(.call, strike: amount("4100"), quantity: 1, premium: amount("20"), expiry: expiry),
    ], tradedAt: day("2021-01-06T21:00:00Z"), protecting: [loan])
    // Quotes for the legs: the VIX close (21.32 on 2021-01-21) as each leg's implied vol, no market mark.
    for position in try tx.current.positions(of: hedge, at: expiry.adding(seconds: -1)) {
        try tx.addOptionQuotes([OptionQuote(contractID: position.contract.id, quotedAt: day("2021-01-21T21:00:00Z"), impliedVol: 0.2132)])
    }
    return (punk, loan)
}

// 5. Ask: the loan's health on 2021-01-22, and the return of the NFT with its loan and hedge, in USD.
try ledger.read { book in
    let at = try day("2021-01-22T00:00:00Z")
    let state = try book.loanState(loan, at: at)
    let hf: String = switch state.risk?.healthFactor {
    case .value(let v)?: String(format: "%.3f", v)
    case .noDebt?: "no debt"
    case nil: "n/a"
    }
    print("loan \(loan): debt \(state.debt) \(state.loan.currency), health factor \(hf), liquidation floor \(state.risk?.liquidationFloorPrice?.description ?? "-") ETH")
    let market = OptionMarketInputs(underlyingSeries: "SPX", rate: 0.001, dividendYield: 0.015)
    let returns = try book.fullStackReturn(.nft(punk), from: day("2020-12-14T00:00:00Z"), to: at, numeraire: .usd, market: market)
    for (name, layer) in [("NFT alone", returns.nftAlone), ("NFT + loan", returns.nftWithLoans), ("whole stack", returns.total)] {
        print("\(name): gain \(String(format: "%.2f", layer.gain)) USD, XIRR \(layer.xirr.rate.map { String(format: "%.1f %%", $0 * 100) } ?? "n/a")")
    }
}
print("ledger written to \(path)")
