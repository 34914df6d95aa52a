import DemoData
import Foundation
import LedgerMath
import PortfolioLedger

/// The demo's book, built through the public API on the bundled real market data.
///
/// Market data (floor proxy, ETH/USD, SPX, VIX) and the two purchases are real; the positions
/// (loans, the condor) are the demo's story. Condor premiums and daily leg quotes are model values
/// (Black–Scholes with VIX as the implied vol), labelled as such in the ledger and the report.
struct DemoScenario {
    let ledger: Ledger
    let punkA: NFTID
    let punkB: NFTID
    let fixedLoan: LoanID
    let poolLoan: LoanID
    let hedge: HedgeID

    static let reportAt = "2021-04-05T23:59:59Z"
    static let condorEntry = "2021-01-04T21:00:00Z"     // the 16:00 New York close
    static let condorExpiry = "2021-03-19T13:30:00Z"    // SPX AM settlement: 09:30 New York (EDT)
    static let rate = 0.001                              // stated assumption, docs/data.md
    static let dividendYield = 0.015                     // stated assumption, docs/data.md

    /// Every booked row is stamped by this clock, so the ledger is the same on every run.
    static let clock: @Sendable () -> Instant = { Instant(unixSeconds: 1_617_667_200) } // 2021-04-06T00:00:00Z

    static func build(at path: String, dataDirectory: URL) throws -> DemoScenario {
        let ledger = try Ledger.create(at: path, clock: clock)
        let files = try writeBundledData(to: dataDirectory)
        for (file, preset) in [("eth_usd_daily_coingecko.csv", ImportPreset.ethUSDCoinGecko),
                               ("spx_daily_close_fred.csv", .spxCloseFRED),
                               ("vix_daily_cboe.csv", .vixCloseCBOE),
                               ("cryptopunks_daily_punksmarket.csv", .cryptoPunksFloorMedian)] {
            guard let url = files[file] else { throw CLIFailure(message: "bundled data file \(file) is missing", exitCode: CLIFailure.databaseError) }
            _ = try ledger.importCSV(preset.kind, file: url.path, options: preset.options)
        }
        let sales = try bundledSales()
        let eth = try Currency("ETH"), weth = try Currency("WETH"), usd = try Currency("USD")

        let (punkA, punkB) = try ledger.write { tx in
            _ = try tx.recordExternalFlow(.deposit, at: ISO8601.parse("2020-12-14T00:00:00Z"), amount: Money(try ExactDecimal(parsing: "7"), eth),
                                          note: "funds for the purchases")
            guard let punks = try tx.current.collection(chain: "ethereum", contractAddress: "0xb47e3cd837ddf8e4c57f05d70ab865de6e193bbb") else {
                throw LedgerError.unknownEntity(kind: "collection", id: "CryptoPunks")
            }
            var ids: [NFTID] = []
            for sale in sales {
                let nft = try tx.addNFT(collection: punks.id, tokenID: TokenID(sale.punk))
                _ = try tx.recordNFTTrade(nft: nft, side: .acquire, tradedAt: sale.at, price: Money(sale.priceETH, eth),
                                          note: "real sale, tx \(sale.tx)")
                ids.append(nft)
            }
            return (ids[0], ids[1])
        }

        // An NFTfi-style fixed loan: 2 ETH for 30 days at 25 % APR, repaid early in full.
        let fixedLoan = try ledger.write { tx in
            let start = try ISO8601.parse("2021-01-05T00:00:00Z")
            let loan = try tx.addLoan(NewLoan(
                lendingProtocol: .nftfi, externalRef: "demo-nftfi-1", currency: eth, principal: ExactDecimal(parsing: "2"),
                startedAt: start, maturityAt: start.adding(seconds: 30 * 86_400),
                terms: .fixedRepayment(repayment: ExactDecimal(parsing: "2.041095890410958904")), collateral: [punkA]))
            let repaid = try ISO8601.parse("2021-01-29T12:00:00Z")
            _ = try tx.recordLoanEvent(loan: loan, at: repaid, .repay(interest: ExactDecimal(parsing: "0.041095890410958904"),
                                                                    principal: ExactDecimal(parsing: "2")))
            _ = try tx.recordLoanEvent(loan: loan, at: repaid, .close)
            return loan
        }

        // A BendDAO-style pool loan: 2.9 WETH at a 20 % variable rate (Aave-style index),
        // liquidation threshold 65 %, repaid on 2021-03-15 with the interest the model accrued.
        let poolLoan = try ledger.write { tx in
            try tx.addLoan(NewLoan(
                lendingProtocol: .benddao, externalRef: "demo-bend-1", currency: weth, principal: ExactDecimal(parsing: "2.9"),
                startedAt: ISO8601.parse("2021-01-20T00:00:00Z"),
                terms: .aaveIndex(rateRay: "200000000000000000000000000", indexRayAtStart: "1000000000000000000000000000"),
                maxLTV: 0.4, liquidationThreshold: 0.65, collateral: [punkB]))
        }
        try ledger.write { tx in
            let repaid = try ISO8601.parse("2021-03-15T12:00:00Z")
            // The interest is owed in WETH, which the book never held beyond the loan's proceeds:
            // wrap 0.1 ETH first (out of the ETH balance, into the WETH balance, 1:1), so no
            // balance goes negative. A wrap is booked as the pair of flows it is (decisions.md).
            let wrapAt = repaid.adding(seconds: -3_600), wrapped = try ExactDecimal(parsing: "0.1")
            _ = try tx.recordExternalFlow(.withdrawal, at: wrapAt, amount: Money(wrapped, eth), note: "wrap 0.1 ETH into WETH (ETH out)")
            _ = try tx.recordExternalFlow(.deposit, at: wrapAt, amount: Money(wrapped, weth), note: "wrap 0.1 ETH into WETH (WETH in)")
            guard let record = try tx.current.loan(poolLoan) else { throw LedgerError.unknownEntity(kind: "loan", id: poolLoan.description) }
            let debt = try tx.current.debtReplay(of: record, at: repaid).model.debt(at: repaid)
            _ = try tx.recordLoanEvent(loan: poolLoan, at: repaid, .repay(interest: debt - record.principal, principal: record.principal))
            _ = try tx.recordLoanEvent(loan: poolLoan, at: repaid, .close)
        }

        let hedge = try bookCondor(ledger, protecting: [fixedLoan, poolLoan], usd: usd)
        return DemoScenario(ledger: ledger, punkA: punkA, punkB: punkB, fixedLoan: fixedLoan, poolLoan: poolLoan, hedge: hedge)
    }

    /// A 2-lot SPX iron condor 3300/3450/3950/4100 for March 2021, opened at the 2021-01-04 close.
    /// Premiums are Black–Scholes values at VIX/100, rounded to the SPX tick (0.05 below 3, 0.10 above);
    /// every SPX close until expiry adds a model quote (implied vol = that day's VIX) per leg, and the
    /// legs settle at the expiry day's SPX close (the special opening quotation is not in the data).
    static func bookCondor(_ ledger: Ledger, protecting loans: [LoanID], usd: Currency) throws -> HedgeID {
        let entry = try ISO8601.parse(condorEntry), expiry = try ISO8601.parse(condorExpiry)
        return try ledger.write { tx in
            let book = tx.current
            guard let spx = try book.series(named: "SPX"), let vix = try book.series(named: "VIX") else {
                throw LedgerError.unknownEntity(kind: "price series", id: "SPX or VIX")
            }
            let spot = try book.price(of: spx, at: entry, maxAgeSeconds: 3_600).price
            let vol = try book.price(of: vix, at: entry.adding(seconds: 900), maxAgeSeconds: 3_600).price / 100
            let plan: [(OptionType, String, Int)] = [(.put, "3300", 2), (.put, "3450", -2), (.call, "3950", -2), (.call, "4100", 2)]
            var legs: [OptionLeg] = []
            for (type, strike, quantity) in plan {
                let k = try ExactDecimal(parsing: strike)
                let price = try BlackScholes.price(type, spot: spot, strike: k.doubleValue, volatility: vol, rate: rate,
                                                   dividendYield: dividendYield, timeToExpiry: entry.yearFraction(to: expiry))
                legs.append(OptionLeg(type, strike: k, quantity: quantity, premium: try SPXTick.rounded(price), expiry: expiry))
            }
            let hedge = try tx.openIronCondor(name: "SPX Mar-2021 iron condor", root: .spx, legs: legs, tradedAt: entry,
                                              feesPerLeg: ExactDecimal(parsing: "1.32"), protecting: loans)
            _ = try tx.recordExternalFlow(.deposit, at: entry, amount: Money(try ExactDecimal(parsing: "30000"), usd),
                                          note: "margin for the hedge")
            // Daily model quotes: the leg's implied vol is that day's VIX close; the underlying is the SPX close.
            var quotes: [OptionQuote] = []
            var closes: [PriceObservation] = []
            try book.observations(of: spx.id, from: entry, to: expiry) { closes.append($0) }
            for close in closes {
                let vixClose = try book.price(of: vix, at: close.observedAt.adding(seconds: 900), maxAgeSeconds: 3_600).price
                for position in try tx.current.positions(of: hedge, at: close.observedAt) {
                    quotes.append(OptionQuote(contractID: position.contract.id, quotedAt: close.observedAt,
                                              impliedVol: vixClose / 100, underlying: close.price))
                }
            }
            try tx.addOptionQuotes(quotes)
            let settlement = try book.price(of: spx, at: expiry.adding(seconds: 86_400), maxAgeSeconds: 86_400)
            for position in try tx.current.positions(of: hedge, at: expiry) {
                _ = try tx.settleContract(position.contract.id, settlementValue: ExactDecimal(settlement.price, scale: 2, mode: .halfEven),
                                          settledAt: settlement.observedAt)
            }
            return hedge
        }
    }

    struct Sale {
        var at: Instant
        var punk: String
        var priceETH: ExactDecimal
        var tx: String
    }

    /// The two real purchases, with their exact wei amounts.
    static func bundledSales() throws -> [Sale] {
        guard let file = EmbeddedDemoData.files.first(where: { $0.fileName == "cryptopunks_demo_sales.csv" }) else { return [] }
        return try file.text.split(separator: "\n").dropFirst().map { line in
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let wei = try ExactDecimal(parsing: cells[3])
            return Sale(at: try ISO8601.parse(cells[0]), punk: cells[1],
                        priceETH: ExactDecimal(significand: wei.significand, scale: 18), tx: cells[7])
        }
    }

    /// Writes the embedded CSVs to `directory` so they import through the same path as a user's files.
    static func writeBundledData(to directory: URL) throws -> [String: URL] {
        var urls: [String: URL] = [:]
        for file in EmbeddedDemoData.files {
            let url = directory.appendingPathComponent(file.fileName)
            try OutputFile.write(to: url.path, existing: .refuse) { try $0.write(Data(file.text.utf8)) }
            urls[file.fileName] = url
        }
        return urls
    }
}
