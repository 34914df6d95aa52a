import LedgerTestSupport
import Foundation
import LedgerMath
import SQLiteDB
import Testing
@testable import PortfolioLedger

/// Issue #9: stack break-even floor, weighted borrowing cost, collateral buffer, collection momentum.
/// Every expected number is worked by hand in the comments (ETH/USD fixed at 2,000).
@Suite struct StackRiskTests {
    let dir = TemporaryDirectory()
    static func day(_ n: Double) -> Instant { AnalyticsBook.day(n) }

    /// Punk bought for 45 ETH + 0.5 fees, a fixed-repayment loan (20 ETH, 19.9 received, repay 20.5)
    /// and a short SPX condor (credit 10 points = 1,000 USD) marked at −400 USD on day 10.
    func breakEvenBook(_ lendingProtocol: LendingProtocol, lt: Double?) throws -> (AnalyticsBook, LoanID) {
        let book = try AnalyticsBook(dir: dir, ethUSD: (-1...90).map { (Double($0), 2_000) })
        let loan = try book.addLoan(lendingProtocol, principal: "20", received: "19.9", terms: .fixedRepayment(repayment: dec("20.5")), lt: lt)
        try book.ledger.write { tx in
            let expiry = Self.day(40)
            let legs = [OptionLeg(.put, strike: try dec("4000"), quantity: 1, premium: try dec("5"), expiry: expiry),
                        OptionLeg(.put, strike: try dec("4100"), quantity: -1, premium: try dec("10"), expiry: expiry),
                        OptionLeg(.call, strike: try dec("4500"), quantity: -1, premium: try dec("8"), expiry: expiry),
                        OptionLeg(.call, strike: try dec("4600"), quantity: 1, premium: try dec("3"), expiry: expiry)]
            _ = try tx.openIronCondor(name: "condor", root: .spxw, legs: legs, tradedAt: Self.day(0), protecting: [loan])
            var quotes: [OptionQuote] = []
            for (strike, type, mark) in [("4000", OptionType.put, 2.0), ("4100", .put, 4), ("4500", .call, 3), ("4600", .call, 1)] {
                let c = try tx.addOptionContract(root: .spxw, type: type, strike: dec(strike), expiresAt: expiry)
                quotes.append(OptionQuote(contractID: c, quotedAt: Self.day(10), mark: mark, underlying: 4_300))
            }
            _ = try tx.addOptionQuotes(quotes)
        }
        return (book, loan)
    }

    @Test func breakEvenOfAFixedRepaymentLoanAndAShortCondor() throws {
        let (book, loan) = try breakEvenBook(.nftfi, lt: nil)
        let report = try book.ledger.read { try $0.stackBreakEven(.nft(book.nfts[0]), at: Self.day(10)) }
        // Flows (USD): −90,000 purchase, −1,000 fees, +39,800 proceeds, +1,000 + 800 − 500 − 300 premiums = −50,200.
        #expect(close(report.flowsTotal, -50_200, 1e-6))
        #expect(close(report.debt, 41_000, 1e-6))        // 20.5 ETH owed from day 0
        #expect(close(report.hedgeValue, -400, 1e-6))    // 100 × (2 − 4 − 3 + 1)
        #expect(report.floorNFTCount == 1 && close(report.slope, 2_000, 1e-9))
        // P&L(F) = 2,000·F − 91,600 → F* = 45.8 ETH = 91,600 USD
        // (= 45 cost + 0.5 fees + 0.6 loan cost − 0.3 ETH of condor gain so far).
        #expect(close(report.breakEven.price, 45.8, 1e-9))
        if case .at(_, let usd) = report.breakEven { #expect(close(usd, 91_600, 1e-6)) } else { Issue.record("no break-even") }
        #expect(close(report.pnlAtCurrentFloor, 8_400, 1e-6))
        #expect(close(report.firstThreshold?.distance, 1 - 45.8 / 50, 1e-12))
        // NFTfi has no price liquidation: the break-even is the only threshold.
        #expect(report.loans.count == 1 && report.loans[0].loan == loan && report.loans[0].price == nil)
        #expect(report.thresholds.map(\.kind) == [.breakEven])
        // Same stack in ETH: every amount ÷ 2,000, same floor.
        let inETH = try book.ledger.read { try $0.stackBreakEven(.portfolio, at: Self.day(10), numeraire: .eth) }
        #expect(close(inETH.breakEven.price, 45.8, 1e-9))
        #expect(close(inETH.pnlAtCurrentFloor, 4.2, 1e-9))
    }

    @Test func liquidationBeforeBreakEvenIsReportedFirst() throws {
        // Same stack with a price-liquidated loan, LT 0.44: liquidation floor 20.5 / 0.44 = 46.5909… > 45.8.
        let (book, loan) = try breakEvenBook(.other, lt: 0.44)
        let report = try book.ledger.read { try $0.stackBreakEven(.nft(book.nfts[0]), at: Self.day(10)) }
        #expect(report.thresholds.map(\.kind) == [.liquidation(loan), .breakEven])
        #expect(close(report.thresholds.first?.price, 20.5 / 0.44, 1e-9))
        #expect(close(report.loans.first?.priceUSD, 20.5 / 0.44 * 2_000, 1e-6))
        #expect(close(report.breakEven.price, 45.8, 1e-9))
        // A floor-independent scope is refused clearly.
        #expect(throws: AnalyticsError.self) {
            try book.ledger.read { try $0.stackBreakEven(.nft(book.nfts[0]), at: Self.day(10), collection: CollectionID(99)) }
        }
    }

    /// Loan A: NFTfi fixed, 20 ETH, 19.8 received (1 % origination), repay 20.5 on day 30 (30 days).
    /// Loan B: Arcade simple 18 %, 10 ETH from day 10 for 60 days, a 0.05 ETH fee on day 10.
    func costBook() throws -> (AnalyticsBook, LoanID, LoanID) {
        let book = try AnalyticsBook(dir: dir, nftCount: 2)
        let a = try book.addLoan(.nftfi, principal: "20", received: "19.8", terms: .fixedRepayment(repayment: dec("20.5")))
        let b = try book.addLoan(.arcade, principal: "10", days: 60, terms: .simpleProRata(rateBps: 1_800, roundsUp: false, capAtMaturity: true),
                                 collateral: 1, startDay: 10)
        try book.event(b, day: 10, .fee(amount: dec("0.05")))
        try book.event(a, day: 30, .repay(interest: dec("0.5"), principal: dec("20")))
        return (book, a, b)
    }

    @Test func weightedCostOfTwoLoansWithDifferentFeesAndTerms() throws {
        let (book, a, b) = try costBook()
        // APR_A = (20.5 − 19.8) / 19.8 × 365/30 = 0.430134680…
        // APR_B = (0.05 + 10 × 0.18 × 60/365) / 10 × 365/60 = 0.18 + 0.005 × 365/60 = 0.210416666…
        let aprA = 0.7 / 19.8 * 365 / 30, aprB = 0.18 + 0.005 * 365 / 60
        let now = try book.ledger.read { try $0.weightedBorrowingCost(at: Self.day(20)) }
        #expect(now.loans.map(\.basis) == [.projectedToMaturity, .projectedToMaturity])
        #expect(close(now.loans.first { $0.loan == a }?.effectiveAPR, aprA, 1e-12))
        #expect(close(now.loans.first { $0.loan == b }?.effectiveAPR, aprB, 1e-12))
        // Weighted by outstanding principal 20 : 10.
        let expected = (20 * aprA + 10 * aprB) / 30
        #expect(close(now.byCurrency[try Currency("ETH")]?.apr, expected, 1e-12))
        #expect(close(now.inNumeraire.apr, expected, 1e-12))       // ETH/USD constant: same in USD
        #expect(close(now.inNumeraire.weight, 30 * 2_000, 1e-9))
        #expect(close(now.byProtocol[.nftfi]?.apr, aprA, 1e-12))
        #expect(close(now.byProtocol[.arcade]?.apr, aprB, 1e-12))
        // Period [0, 25]: A weighs 20 × 25 days, B 10 × 15 days.
        let period = try book.ledger.read { try $0.weightedBorrowingCost(from: Self.day(0), to: Self.day(25)) }
        #expect(close(period.loans.first { $0.loan == a }?.weight, 20 * 25 * 86_400, 1e-6))
        #expect(close(period.inNumeraire.apr, (500 * aprA + 150 * aprB) / 650, 1e-12))
        // After A is repaid on day 30 its APR is realized, and it weighs only its 30 days.
        let later = try book.ledger.read { try $0.weightedBorrowingCost(from: Self.day(0), to: Self.day(40)) }
        #expect(later.loans.first { $0.loan == a }?.basis == .realized)
        #expect(close(later.loans.first { $0.loan == a }?.effectiveAPR, aprA, 1e-12))
        #expect(close(later.inNumeraire.apr, (600 * aprA + 300 * aprB) / 900, 1e-12))
    }

    /// Floor 50 ETH except 40 ETH on days 20–25; a 20 ETH loan owing 20.5 (fixed), LT 0.8.
    @Test func bufferBreachAndTheRepaymentThatCuresIt() throws {
        let floor = (0...90).map { d in (Double(d), (20...25).contains(d) ? 40.0 : 50.0) }
        let book = try AnalyticsBook(dir: dir, floor: floor)
        let loan = try book.addLoan(.other, principal: "20", received: "20", days: 60, terms: .fixedRepayment(repayment: dec("20.5")), lt: 0.8)
        try book.ledger.write { tx in
            _ = try tx.setBufferPolicy(.portfolio, effectiveAt: Self.day(0), target: BufferTarget(maxLTV: 0.6))
            _ = try tx.setBufferPolicy(.loan(loan), effectiveAt: Self.day(5), target: BufferTarget(minHealthFactor: 1.6), note: "keep HF ≥ 1.6")
        }
        let report = try book.ledger.read { try $0.collateralBuffer(at: Self.day(22)) }
        let status = try #require(report.loans.first)
        #expect(report.loansInBreach == [loan])
        #expect(status.policy?.scope == .loan(loan))
        // HF = 40 × 0.8 / 20.5 = 1.56097…; buffer −0.039…
        #expect(close(status.healthFactor, 32 / 20.5, 1e-12))
        #expect(close(status.healthFactorBuffer, 32 / 20.5 - 1.6, 1e-12))
        // Repay 20.5 − 32/1.6 = 0.5 ETH (1,000 USD), or add 20.5 × 1.6/0.8 − 40 = 1 ETH of collateral.
        let cure = try #require(status.cure)
        #expect(cure.repayment == (try dec("0.5")))
        #expect(cure.extraCollateralValue == (try dec("1")))
        #expect(close(cure.repaymentUSD, 1_000, 1e-9))
        #expect(cure.extraNFTsAtCurrentPrice == 1)
        // History from the start: one breach, days 20–25 (6 daily samples), back within target on day 26.
        let later = try book.ledger.read { try $0.collateralBuffer(at: Self.day(30)) }
        let after = try #require(later.loans.first)
        #expect(!after.inBreach && after.cure == nil)
        #expect(close(after.healthFactorBuffer, 40 / 20.5 - 1.6, 1e-12))
        #expect(after.breaches == [BufferBreach(start: Self.day(20), end: Self.day(25), recoveredAt: Self.day(26), samples: 6,
                                                worstHealthFactor: 32 / 20.5, worstLoanToValue: 20.5 / 40)])
        // A stricter target from day 22 adds LTV ≤ 35 %: repay 20.5 − 0.35 × 40 = 6.5, or add 20.5/0.35 − 40.
        try book.ledger.write { tx in
            _ = try tx.setBufferPolicy(.loan(loan), effectiveAt: Self.day(22), target: BufferTarget(minHealthFactor: 1.6, maxLTV: 0.35))
        }
        let strict = try #require(try book.ledger.read { try $0.collateralBuffer(at: Self.day(22)) }.loans.first?.cure)
        #expect(strict.repayment == (try dec("6.5")))
        #expect(strict.extraCollateralValue == (try dec("18.571428571428571429")))
        // Clearing the loan's own target hands it back to the portfolio target (LTV ≤ 60 %: 0.5125 is within it).
        try book.ledger.write { tx in _ = try tx.setBufferPolicy(.loan(loan), effectiveAt: Self.day(23), target: BufferTarget()) }
        let cleared = try #require(try book.ledger.read { try $0.collateralBuffer(at: Self.day(23)) }.loans.first)
        #expect(cleared.policy?.scope == .portfolio && !cleared.inBreach)
        #expect(close(cleared.loanToValueBuffer, 0.6 - 20.5 / 40, 1e-12))
    }

    @Test func bufferPoliciesAreValidatedAndAppendOnly() throws {
        let book = try AnalyticsBook(dir: dir)
        let loan = try book.addLoan(.benddao, principal: "20", days: nil, terms: .simpleProRata(rateBps: 1_000, roundsUp: false, capAtMaturity: false), lt: 0.9)
        #expect(throws: LedgerError.self) {
            try book.ledger.write { tx in _ = try tx.setBufferPolicy(.loan(loan), effectiveAt: Self.day(0), target: BufferTarget(minHealthFactor: 0.9)) }
        }
        #expect(throws: LedgerError.self) {
            try book.ledger.write { tx in _ = try tx.setBufferPolicy(.portfolio, effectiveAt: Self.day(0), target: BufferTarget(maxLTV: 1.2)) }
        }
        #expect(throws: LedgerError.unknownEntity(kind: "loan", id: "77")) {
            try book.ledger.write { tx in _ = try tx.setBufferPolicy(.loan(LoanID(77)), effectiveAt: Self.day(0), target: BufferTarget(maxLTV: 0.5)) }
        }
        try book.ledger.write { tx in _ = try tx.setBufferPolicy(.portfolio, effectiveAt: Self.day(0), target: BufferTarget(maxLTV: 0.5)) }
        // Raw SQL cannot change or replace it.
        let db = try Connection(path: book.ledger.path)
        #expect(throws: SQLiteError.self) { try db.execute("UPDATE buffer_policy SET max_ltv = 0.9") }
        #expect(throws: SQLiteError.self) { try db.execute("DELETE FROM buffer_policy") }
        #expect(throws: SQLiteError.self) {
            try db.execute("INSERT OR REPLACE INTO buffer_policy (buffer_policy_id, loan_id, effective_at, max_ltv, recorded_at) VALUES (1, NULL, 0, 0.9, 0)")
        }
        #expect(try book.ledger.read { try $0.bufferPolicies() }.map(\.target.maxLTV) == [0.5])
    }

    @Test func momentumFromStoredDailySales() throws {
        let book = try AnalyticsBook(dir: dir, floor: [(0, 50), (1, 52), (2, 51), (3, 53)])
        let eth = try Currency("ETH")
        // Day 1 median 2; day 2 sales vs 2: 2.5 and 3 advance, 1.5 declines (2 is neither); median 2.25;
        // day 3 vs 2.25: 5 advances, 2.25 is neither.
        let sales = [(0, 1.0), (0, 3), (0, 2), (1, 1.5), (1, 2.5), (1, 3), (1, 2), (2, 2.25), (2, 5)].map {
            CollectionSale(at: Self.day(Double($0.0)).adding(seconds: 3_600), price: $0.1)
        }
        let days = CollectionDailySales.aggregate(sales, quote: eth)
        #expect(days.map(\.medianPrice) == [2, 2.25, 3.625])
        #expect(days.map(\.advancing) == [nil, 2, 1] && days.map(\.declining) == [nil, 1, 0])
        let inserted = try book.ledger.write { tx in
            [try tx.addCollectionDailySales(days, collection: book.collection), try tx.addCollectionDailySales(days, collection: book.collection)]
        }
        #expect(inserted == [3, 0]) // an identical re-import is skipped
        #expect(throws: LedgerError.self) {
            var changed = days[0]
            changed.volume = 7
            try book.ledger.write { tx in _ = try tx.addCollectionDailySales([changed], collection: book.collection) }
        }
        let report = try book.ledger.read { try $0.collectionMomentum(book.collection, from: Self.day(0), to: Self.day(3), period: 2) }
        #expect(report.days.count == 4)
        #expect(report.days.map(\.advanceDeclineLine) == [nil, 1, 2, nil])
        #expect(report.advanceDeclineLine == 2 && report.daysWithAdvanceDecline == 2)
        // Floor 50, 52, 51, 53, period 2: first averages gain 1, loss 0.5 → RSI 66.67;
        // then gain (1 + 2)/2 = 1.5, loss 0.25 → RS 6 → RSI 85.714….
        #expect(close(report.days[2].floorRSI, 100 - 100 / 3.0, 1e-9))
        #expect(close(report.latestFloorRSI, 100 - 100 / 7.0, 1e-9))
        // Volume 6, 9, 7.25: changes +3, −1.75 → first averages 1.5 / 0.875 → RSI 63.157….
        #expect(report.days[1].volumeRSI == nil)
        #expect(close(report.latestVolumeRSI, 100 - 100 / (1 + 1.5 / 0.875), 1e-9))
        // Starting at day 2 warms up from days 0–1: the same RSI and A/D line on days 2–3, not a restart.
        let later = try book.ledger.read { try $0.collectionMomentum(book.collection, from: Self.day(2), to: Self.day(3), period: 2) }
        #expect(later.days == Array(report.days.suffix(2)))
        #expect(later.historyFrom == Self.day(0) && later.advanceDeclineLine == 2)
    }

    /// The real CryptoPunks daily sales (2017-06-23 … 2022-01-14, days with sales only) stored as
    /// daily sales rows, with the daily median as the floor proxy (as in RealDataAnalyticsTests).
    @Test func momentumOnRealCryptoPunksDailyData() throws {
        let rows = try RealDataAnalyticsTests.rows("nft/cryptopunks_daily_punksmarket.csv")
        #expect(rows.count == 991)
        let eth = try Currency("ETH")
        let days = try rows.map { r in
            CollectionDailySales(day: try instant((r["date"] ?? "") + "T00:00:00Z"), quote: eth, salesCount: Int(r["sales_count"] ?? "") ?? -1,
                                 volume: Double(r["volume_eth"] ?? "") ?? -1, minPrice: Double(r["min_price_eth"] ?? ""),
                                 medianPrice: Double(r["median_price_eth"] ?? ""), maxPrice: Double(r["max_price_eth"] ?? ""))
        }
        let ledger = try Ledger.create(at: dir.path("real-momentum.ledger"), clock: { Instant(unixSeconds: 1_700_000_000) })
        let punks: CollectionID = try ledger.write { tx in
            let punks = try tx.addCollection(chain: "ethereum", contractAddress: "0xb47e3cd837ddf8e4c57f05d70ab865de6e193bbb", name: "CryptoPunks")
            _ = try tx.addCollectionDailySales(days, collection: punks)
            let floor = try tx.addPriceSeries(name: "punks-median", kind: .floor, quote: eth, collection: punks)
            _ = try tx.addObservations(days.compactMap { d in d.medianPrice.map { PriceObservation(observedAt: d.day, price: $0) } }, to: floor)
            return punks
        }
        let (from, to) = (try instant("2017-06-01T00:00:00Z"), try instant("2022-02-01T00:00:00Z"))
        let report = try ledger.read { try $0.collectionMomentum(punks, from: from, to: to) }
        let bySeries = try ledger.read { try $0.collectionMomentum(punks, from: from, to: to, floorSource: .salesMedian) }
        #expect(report.days.count == 991 && report.floorSeries == "punks-median")
        #expect(bySeries.days.map(\.floorRSI) == report.days.map(\.floorRSI)) // the series is the stored median
        let floorRSI = report.days.compactMap(\.floorRSI), volumeRSI = report.days.compactMap(\.volumeRSI)
        #expect(floorRSI.count == 991 - 14 && volumeRSI.count == 991 - 14)
        #expect((floorRSI + volumeRSI).allSatisfy { (0...100).contains($0) })
        #expect(report.latestFloorRSI != nil && report.latestVolumeRSI != nil)
        // Daily aggregates carry no per-sale comparison, so the advance/decline line is empty (and says so).
        #expect(report.advanceDeclineLine == nil && report.daysWithAdvanceDecline == 0)
    }
}
