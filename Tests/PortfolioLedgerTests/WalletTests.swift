import LedgerTestSupport
import Foundation
import LedgerMath
import SQLiteDB
import Testing
@testable import PortfolioLedger

/// Wallets (issue 19): two wallets, a transfer between them, per-wallet valuation summing to the total.
@Suite struct WalletTests {
    let dir = TemporaryDirectory()
    static let a = "0xAaAaaAAAaaaAaaAaAaAAAaaaAaAAaAaAAaAaAAA1", b = "0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2"

    func book() throws -> (Ledger, NFTID, NFTID) {
        let ledger = try Ledger.create(at: dir.path("wallets.ledger"))
        let ids = try ledger.write { tx in
            let punks = try tx.addCollection(chain: "ethereum", contractAddress: "0xb47e3cd837ddf8e4c57f05d70ab865de6e193bbb", name: "CryptoPunks")
            let bought = try tx.addNFT(collection: punks, tokenID: TokenID("1"))
            let opened = try tx.addNFT(collection: punks, tokenID: TokenID("2"))
            _ = try tx.recordNFTTrade(nft: bought, side: .acquire, tradedAt: instant("2021-01-05"), price: eth("20"), wallet: Self.a)
            _ = try tx.openNFTPosition(nft: opened, openedAt: instant("2021-01-01"), cost: dec("10"), currency: Currency("ETH"), wallet: Self.a)
            _ = try tx.transferNFT(opened, from: Self.a, to: Self.b, at: instant("2021-02-01"))
            let floor = try tx.addPriceSeries(name: "punk floor", kind: .floor, quote: Currency("ETH"), collection: punks)
            try tx.addObservations([PriceObservation(observedAt: instant("2021-02-28"), price: 30)], to: floor)
            let fx = try tx.addPriceSeries(name: "ETH/USD", kind: .fx, base: "ETH", quote: Currency("USD"))
            try tx.addObservations([PriceObservation(observedAt: instant("2021-02-28"), price: 1500)], to: fx)
            return (bought, opened)
        }
        return (ledger, ids.0, ids.1)
    }

    @Test func aTransferMovesTheNFTAndPerWalletValuesSumToTheTotal() throws {
        let (ledger, bought, opened) = try book()
        let at = try instant("2021-03-01")
        let (valuation, split, before, after, cash) = try ledger.read { book in
            let v = try book.portfolioValuation(at: at)
            return (v, try book.nftValueByWallet(v), try book.wallet(of: opened, at: instant("2021-01-15")), try book.wallet(of: opened, at: at),
                    try book.cashBalance(Currency("ETH"), at: at))
        }
        let lowerA = Self.a.lowercased()
        #expect(before == lowerA)
        #expect(after == Self.b)
        #expect(split[lowerA] == 45_000)   // punk 1: floor 30 ETH × 1500 USD
        #expect(split[Self.b] == 45_000)   // punk 2 after its transfer
        #expect(split.values.reduce(0, +) == valuation.nftUSD)
        #expect(valuation.nftUSD == 90_000)
        // A transfer is not a trade: no cash (only the purchase of punk 1 moved cash), no new trade.
        #expect(cash == (try dec("-20")))
        #expect(try count(ledger.path, "nft_trade") == 2)
        _ = bought
    }

    /// The derived series split the NFT layer by wallet per day (`v_wallet_day`), following the
    /// transfer, and the parts sum to the day's `nft_usd`.
    @Test func derivedWalletDaysFollowTheTransfer() throws {
        let (ledger, _, _) = try book()
        _ = try ledger.refreshAnalytics()
        let db = try Connection(path: ledger.path, mode: .readOnly)
        defer { db.close() }
        var rows: [String] = []
        try db.query("SELECT day, ifnull(wallet, '-'), nft_count, nft_usd FROM v_wallet_day WHERE day IN ('2021-01-03', '2021-01-20', '2021-02-28') ORDER BY day, wallet") {
            rows.append("\(try $0.column(0, as: String.self)) \(try $0.column(1, as: String.self)) \(try $0.column(2, as: Int.self)) \(try $0.column(3, as: Double.self))")
        }
        let lowerA = Self.a.lowercased()
        // Before the transfer both punks are kept in A (unpriced: the floor's only close is 02-28);
        // at 02-28 punk 2 is in B, each worth 30 ETH × 1,500.
        #expect(rows == ["2021-01-03 \(lowerA) 1 0.0", "2021-01-20 \(lowerA) 2 0.0",
                         "2021-02-28 \(lowerA) 1 45000.0", "2021-02-28 \(Self.b) 1 45000.0"])
        let mismatched = try db.scalar("""
            SELECT count(*) FROM v_portfolio_day p WHERE abs(p.nft_usd - (SELECT ifnull(sum(w.nft_usd), 0) FROM v_wallet_day w WHERE w.day = p.day)) > 1e-6
            """, as: Int.self)
        #expect(mismatched == 0)
    }

    @Test func transferRefusalsAreTypedAndChangeNothing() throws {
        let (ledger, bought, opened) = try book()
        let before = try count(ledger.path, "nft_transfer")
        // Punk 2 is in wallet b since February: it cannot leave a.
        do {
            try ledger.write { tx in _ = try tx.transferNFT(opened, from: Self.a, to: Self.b, at: instant("2021-03-01")) }
            Issue.record("moved from a wallet that does not hold it")
        } catch LedgerError.conflict(let reason) { #expect(reason.contains("not in")) }
        // Before it was bought, punk 1 is not held.
        do {
            try ledger.write { tx in _ = try tx.transferNFT(bought, from: Self.a, to: Self.b, at: instant("2021-01-02")) }
            Issue.record("moved before it was held")
        } catch LedgerError.conflict(let reason) { #expect(reason.contains("not held")) }
        #expect(throws: LedgerError.self) {
            try ledger.write { tx in _ = try tx.transferNFT(bought, from: Self.a, to: Self.a.lowercased(), at: instant("2021-03-01")) }
        }
        #expect(try count(ledger.path, "nft_transfer") == before)
    }

    @Test func walletsAndTransfersRoundTripThroughTheJournal() throws {
        let (ledger, _, _) = try book()
        var first = ""
        try ledger.exportJournal { first += $0 + "\n" }
        #expect(first.contains("\"type\":\"nft_transfer\""))
        #expect(first.contains("\"wallet\":\"\(Self.a.lowercased())\""))
        let file = dir.path("w.jsonl")
        try Data(first.utf8).write(to: URL(fileURLWithPath: file))
        let copy = try Ledger.create(at: dir.path("copy.ledger"))
        _ = try copy.importJournal(file: file)
        var second = ""
        try copy.exportJournal { second += $0 + "\n" }
        #expect(second == first)
    }

    /// The wallets book plus an opening cash balance of 50 ETH in a (2021-01-01), a 15 ETH loan
    /// borrowed by b against punk 2 (2021-02-10) and a 5 ETH deposit naming no wallet.
    func bookWithCashAndALoan() throws -> (Ledger, NFTID, NFTID, LoanID) {
        let (ledger, bought, opened) = try book()
        let loan = try ledger.write { tx in
            _ = try tx.openCashBalance(dec("50"), currency: Currency("ETH"), at: instant("2021-01-01"), wallet: Self.a, note: "held before the book")
            _ = try tx.recordExternalFlow(.deposit, at: instant("2021-01-02"), amount: eth("5"))
            return try tx.addLoan(NewLoan(lendingProtocol: .nftfi, externalRef: "w-1", currency: Currency("ETH"), principal: dec("15"),
                                          startedAt: instant("2021-02-10"), maturityAt: instant("2021-04-10"), terms: .fixedRepayment(repayment: dec("16")),
                                          collateral: [opened], wallet: Self.b))
        }
        return (ledger, bought, opened, loan)
    }

    /// Two wallets, a transfer between them, cash and a loan in one: NFTs + cash − debt per wallet
    /// sum to the net equity; the transfer moved no cash and changed no cost basis.
    @Test func perWalletValuationWithCashAndALoanSumsToTheTotal() throws {
        let (ledger, _, opened, loan) = try bookWithCashAndALoan()
        let at = try instant("2021-03-01")
        let (valuation, parts, cash, sheet, inB, inA, loansOfB) = try ledger.read { book in
            let v = try book.portfolioValuation(at: at)
            return (v, try book.walletValuations(v), try book.cashByWallet(at: at), try book.balanceSheet(at: at),
                    try book.valuation(v, inWallet: Self.b.uppercased().replacingOccurrences(of: "0X", with: "0x")),
                    try book.valuation(v, inWallet: Self.a), try book.loans(wallet: Self.b).map(\.id))
        }
        let lowerA = Self.a.lowercased()
        // a: 50 opening − 20 for punk 1 (punk 2's opening is paired by its contribution: no cash);
        // b: the loan's 15 received; no wallet: the 5 ETH deposit.
        #expect(cash[lowerA] == [try eth("30")])
        #expect(cash[Self.b] == [try eth("15")])
        #expect(cash[nil] == [try eth("5")])
        #expect(parts.map(\.wallet) == [lowerA, Self.b, nil])
        let debt = try #require(valuation.debts.first { $0.loan == loan })
        #expect(parts[0].nftUSD == 45_000 && parts[0].cashUSD == 45_000 && parts[0].debtUSD == 0)
        #expect(parts[1].nftUSD == 45_000 && parts[1].cashUSD == 22_500 && parts[1].debtUSD == debt.debtUSD)
        #expect(parts[2].nftUSD == 0 && parts[2].cashUSD == 7_500 && parts[2].debtUSD == 0)
        #expect(debt.debtUSD > 22_500)   // 15 ETH plus interest accrued by the fixed repayment
        #expect(abs(parts.reduce(0) { $0 + $1.netEquityUSD } - valuation.netEquityUSD) < 1e-6)
        #expect(abs(parts.reduce(0) { $0 + $1.cashUSD } - valuation.cashUSD) < 1e-6)
        // The transfer is not a trade: the booked NFTs at cost are the 20 paid and the 10 opened.
        #expect(sheet.booked(try Currency("ETH")).nftsAtCost == (try dec("30")))
        #expect(try count(ledger.path, "nft_trade") == 2)
        // One wallet's view (the address in any case): its NFT, its cash, its loan, nothing else.
        #expect(inB.nfts.map(\.holding.nft.id) == [opened])
        #expect(inB.cash == [try eth("15")])
        #expect(inB.debts.map(\.loan) == [loan])
        #expect(abs(inB.netEquityUSD - parts[1].netEquityUSD) < 1e-6)
        #expect(inA.debts.isEmpty && inA.nfts.count == 1)
        #expect(inA.cash == [try eth("30")])
        #expect(loansOfB == [loan])
        #expect(try ledger.read { try $0.loan(loan)?.wallet } == Self.b)
    }

    /// An opening cash balance is equity brought in: cash and equity rise by it, the income
    /// statement shows it with the deposits (no P&L), the journal and `v_cash_flow` name it.
    @Test func anOpeningCashBalanceIsEquityNotIncome() throws {
        let (ledger, _, _, _) = try bookWithCashAndALoan()
        let eth = try Currency("ETH"), flag = PricingPolicy(onMissingPrice: .flag)
        let (sheetBefore, sheetAfter, statement, journal) = try ledger.read { book in
            // Marks are flagged missing (the floor's only close is 02-28): the booked figures are whole.
            (try book.balanceSheet(at: instant("2020-12-31"), policy: flag), try book.balanceSheet(at: instant("2021-01-01T12:00:00Z"), policy: flag),
             try book.incomeStatement(from: instant("2020-12-31"), to: instant("2021-01-01T12:00:00Z"), policy: flag),
             try book.journal(from: instant("2021-01-01"), to: instant("2021-01-01")))
        }
        #expect(sheetBefore.booked(eth).equity == .zero)
        // 50 ETH of cash, and punk 2 opened the same instant at its cost of 10 (contributed).
        #expect(sheetAfter.booked(eth).cash == (try dec("50")))
        #expect(sheetAfter.booked(eth).equity == (try dec("60")))
        let income = try #require(statement.booked.first { $0.currency == eth })
        #expect(income.amount(.deposit) == (try dec("60")))
        #expect(income.profitAndLoss == .zero)
        #expect(statement.bookedReconciliation.allSatisfy { $0.holds })
        let opening = try #require(journal.first { $0.kind == .openingCashBalance })
        #expect(opening.amount == Money(try dec("50"), eth))
        #expect(opening.wallet == Self.a.lowercased() && opening.entryTable == "external_flow")
        let db = try Connection(path: ledger.path, mode: .readOnly)
        defer { db.close() }
        #expect(try db.scalar("SELECT count(*) FROM v_cash_flow WHERE description = 'opening cash balance' AND amount = '50'", as: Int.self) == 1)
        // Only deposits can be openings (the CHECK mirrors the API, which books deposits only).
        #expect(throws: (any Error).self) {
            try db.execute("INSERT INTO external_flow (flow_kind, flowed_at, currency, amount, recorded_at, is_opening) VALUES ('withdrawal', 1, 'ETH', '1', 1, 1)")
        }
    }

    @Test func openingCashBalanceRefusalsNameTheField() throws {
        let ledger = try Ledger.create(at: dir.path("refusals.ledger"))
        for (amount, wallet, field) in [("0", nil, "amount"), ("-1", nil, "amount"), ("1", String(repeating: "w", count: 129), "wallet")] as [(String, String?, String)] {
            do {
                try ledger.write { tx in _ = try tx.openCashBalance(dec(amount), currency: Currency("ETH"), at: instant("2021-01-01"), wallet: wallet) }
                Issue.record("booked \(amount) in \(wallet ?? "no wallet")")
            } catch LedgerError.invalidValue(let named, _) { #expect(named == field) }
        }
        #expect(throws: LedgerError.self) {
            try ledger.write { tx in _ = try tx.recordExternalFlow(.withdrawal, at: instant("2021-01-01"), amount: eth("1"), wallet: "") }
        }
        #expect(try count(ledger.path, "external_flow") == 0)
    }

    /// Wallets on deposits and loans and the opening cash balance survive export → import →
    /// export; re-importing books nothing twice; voiding the opening balance removes its cash.
    @Test func cashWalletsAndOpeningBalancesRoundTripAndCorrect() throws {
        let (ledger, _, _, _) = try bookWithCashAndALoan()
        _ = try ledger.write { tx in _ = try tx.recordExternalFlow(.withdrawal, at: instant("2021-02-20"), amount: eth("1"), wallet: Self.b) }
        var first = ""
        try ledger.exportJournal { first += $0 + "\n" }
        #expect(first.contains("\"type\":\"opening_cash_balance\""))
        #expect(first.contains("\"opened_at\":\"2021-01-01T00:00:00Z\",\"currency\":\"ETH\",\"amount\":\"50\",\"note\":\"held before the book\",\"wallet\":\"\(Self.a.lowercased())\""))
        #expect(first.contains("\"kind\":\"withdrawal\",\"flowed_at\":\"2021-02-20T00:00:00Z\",\"currency\":\"ETH\",\"amount\":\"1\",\"wallet\":\"\(Self.b)\""))
        #expect(first.split(separator: "\n").contains { $0.contains("\"type\":\"loan\"") && $0.contains("\"wallet\":\"\(Self.b)\"") })
        let file = dir.path("cash.jsonl")
        try Data(first.utf8).write(to: URL(fileURLWithPath: file))
        let copy = try Ledger.create(at: dir.path("copy.ledger"))
        _ = try copy.importJournal(file: file)
        var second = ""
        try copy.exportJournal { second += $0 + "\n" }
        #expect(second == first)
        let again = try copy.importJournal(file: file)
        #expect(again.inserted == 0)
        // A strict schema: an unknown key on the new entry is refused.
        let bad = dir.path("bad.jsonl")
        try Data(#"{"type":"opening_cash_balance","opened_at":"2021-01-01T00:00:00Z","currency":"ETH","amount":"1","kind":"deposit"}"#.utf8)
            .write(to: URL(fileURLWithPath: bad))
        #expect(throws: (any Error).self) { _ = try copy.importJournal(file: bad) }
        // The opening balance is corrected like any deposit.
        let id = try copy.read { book in try #require(try book.journal(from: instant("2021-01-01"), to: instant("2021-01-01")).first { $0.kind == .openingCashBalance }).entryID }
        try copy.write { tx in try tx.void(.externalFlow(ExternalFlowID(id)), reason: "held elsewhere") }
        #expect(try copy.read { try $0.cashByWallet(at: instant("2021-03-01"))[Self.a.lowercased()] } == [try eth("-20")])
    }

    /// In the derived daily series an opening cash balance is a contribution at its instant, as is
    /// an opening NFT position of known cost: the day's `external_flow_usd` holds both, so the
    /// net equity they bring is invested capital, not return.
    @Test func openingsAreContributionsInTheDerivedSeries() throws {
        let ledger = try Ledger.create(at: dir.path("contributions.ledger"))
        try ledger.write { tx in
            let punks = try tx.addCollection(chain: "ethereum", contractAddress: "0xb47e3cd837ddf8e4c57f05d70ab865de6e193bbb", name: "CryptoPunks")
            let punk = try tx.addNFT(collection: punks, tokenID: TokenID("9"))
            _ = try tx.openCashBalance(dec("10"), currency: Currency("ETH"), at: instant("2021-01-01"), wallet: Self.a)
            _ = try tx.openNFTPosition(nft: punk, openedAt: instant("2021-01-01"), cost: dec("5"), currency: Currency("ETH"), wallet: Self.a)
            let fx = try tx.addPriceSeries(name: "ETH/USD", kind: .fx, base: "ETH", quote: Currency("USD"))
            try tx.addObservations([PriceObservation(observedAt: instant("2021-01-01"), price: 700),
                                    PriceObservation(observedAt: instant("2021-01-02"), price: 800)], to: fx)
        }
        _ = try ledger.refreshAnalytics()
        let db = try Connection(path: ledger.path, mode: .readOnly)
        defer { db.close() }
        // 10 ETH of cash and the punk's 5 ETH cost, each at 700 USD on 2021-01-01.
        #expect(try db.scalar("SELECT external_flow_usd FROM v_portfolio_day WHERE day = '2021-01-01'", as: Double.self) == 10_500)
        #expect(try db.scalar("SELECT invested_capital_usd FROM v_portfolio_day WHERE day = '2021-01-02'", as: Double.self) == 10_500)
    }
}
