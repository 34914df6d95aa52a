import LedgerTestSupport
import Foundation
import LedgerMath
import Testing
@testable import PortfolioLedger

/// Reports restricted to a wallet (WALLETS-5): wallet a's part + wallet b's + the part naming no
/// wallet make up the whole book's balance sheet, income statement and borrowing cost.
@Suite struct WalletReportTests {
    let wallets = WalletTests()
    static let a = WalletTests.a.lowercased(), b = WalletTests.b
    static let flag = PricingPolicy(onMissingPrice: .flag)

    /// The wallets book (punk 1 bought by a, punk 2 opened in a and moved to b on 2021-02-01, a's
    /// opening 50 ETH, a 5 ETH deposit naming no wallet, b's 15 ETH loan against punk 2) plus a
    /// 3 ETH deposit into b and the sale of punk 1 from a for 26 ETH (fees 1), both in February.
    func book() throws -> (Ledger, LoanID) {
        let (ledger, bought, _, loan) = try wallets.bookWithCashAndALoan()
        try ledger.write { tx in
            _ = try tx.recordExternalFlow(.deposit, at: instant("2021-02-05"), amount: eth("3"), wallet: Self.b)
            _ = try tx.recordNFTTrade(nft: bought, side: .dispose, tradedAt: instant("2021-02-20"), price: eth("26"), fees: dec("1"), wallet: Self.a)
        }
        return (ledger, loan)
    }

    func sum(_ parts: [BalanceSheet], _ currency: Currency, _ value: (BookedBalances) -> ExactDecimal) -> ExactDecimal {
        parts.reduce(ExactDecimal.zero) { $0 + value($1.booked(currency)) }
    }

    @Test func balanceSheetPartsSumToTheWholeBook() throws {
        let (ledger, loan) = try book()
        let at = try instant("2021-03-01")
        let (whole, parts, onlyA) = try ledger.read { book in
            (try book.balanceSheet(at: at), try book.balanceSheetsByWallet(at: at),
             try book.balanceSheet(at: at, wallet: WalletScope(WalletTests.a)))
        }
        #expect(parts.map(\.wallet) == [WalletScope(Self.a), WalletScope(Self.b), .noWalletNamed])
        #expect(onlyA == parts[0])
        let ethC = try Currency("ETH")
        // a: 50 opening − 20 bought + 25 sale proceeds = 55 cash, no NFT left. b: punk 2 at cost 10,
        // 15 borrowed + 3 deposited, 15 principal owed. No wallet: the 5 ETH deposit.
        #expect(parts[0].booked(ethC).cash == (try dec("55")))
        #expect(parts[0].nfts.isEmpty)
        #expect(parts[1].booked(ethC).nftsAtCost == (try dec("10")))
        #expect(parts[1].booked(ethC).cash == (try dec("18")))
        #expect(parts[1].loans.map(\.loan) == [loan])
        #expect(parts[2].booked(ethC).cash == (try dec("5")))
        for value: (BookedBalances) -> ExactDecimal in [\.cash, \.nftsAtCost, \.loanPrincipal, \.yieldAtCost, \.equity] {
            #expect(sum(parts, ethC, value) == value(whole.booked(ethC)))
        }
        let markedSum = parts.reduce(0.0) { $0 + ($1.marked?.equity ?? .nan) }
        #expect(abs(markedSum - (whole.marked?.equity ?? 0)) < 1e-6)
        #expect(whole.wallet == nil)
    }

    @Test func statementPartsReconcileAndSumToTheWholeBook() throws {
        let (ledger, _) = try book()
        let (from, to) = (try instant("2021-01-15"), try instant("2021-03-01"))
        let (whole, parts) = try ledger.read { book in
            (try book.incomeStatement(from: from, to: to, policy: Self.flag),
             try [WalletScope(WalletTests.a), WalletScope(Self.b), .noWalletNamed].map {
                 try book.incomeStatement(from: from, to: to, policy: Self.flag, wallet: $0)
             })
        }
        let ethC = try Currency("ETH")
        #expect(whole.bookedReconciles)
        for part in parts { #expect(part.bookedReconciles, "\(part.wallet?.description ?? "")") }
        // The transfer moved punk 2 at its 10 ETH cost out of a into b: flows of each, P&L of neither.
        let transfers = parts.map { $0.lines.filter { $0.kind == .walletTransfer }.map(\.amount) }
        #expect(transfers == [[try eth("-10")], [try eth("10")], []])
        #expect(!whole.lines.contains { $0.kind == .walletTransfer })
        // The parts' lines are the whole book's, the transfers cancelling.
        for kind in StatementLineKind.allCases where kind != .walletTransfer {
            let total = parts.reduce(ExactDecimal.zero) { s, p in s + p.lines.filter { $0.kind == kind }.reduce(.zero) { $0 + $1.amount.amount } }
            #expect(total == whole.lines.filter { $0.kind == kind }.reduce(.zero) { $0 + $1.amount.amount }, "\(kind)")
        }
        for keyPath: (BookedIncome) -> ExactDecimal in [\.profitAndLoss, \.externalFlows] {
            #expect(parts.reduce(ExactDecimal.zero) { $0 + keyPath($1.booked.first { $0.currency == ethC }!) }
                        == keyPath(whole.booked.first { $0.currency == ethC }!))
        }
        // a sold punk 1 (cost 20) for 25 net: its realized gain is 5; b's deposit is its flow.
        #expect(parts[0].booked.first?.realizedNFTGain == (try dec("5")))
        #expect(parts[0].disposals.count == 1 && parts[1].disposals.isEmpty)
        #expect(parts[1].lines.contains { $0.kind == .deposit && $0.amount == (try? eth("3")) })
        #expect(parts[0].wallet == WalletScope(Self.a))
    }

    @Test func loansAndBorrowingCostFollowTheBorrowingWallet() throws {
        let (ledger, loan) = try book()
        let at = try instant("2021-03-01")
        let (inA, inB, inNone, wacc) = try ledger.read { book in
            (try book.loans(in: WalletScope(WalletTests.a)).map(\.id), try book.loans(in: WalletScope(Self.b)).map(\.id),
             try book.loans(in: .noWalletNamed).map(\.id), try book.weightedBorrowingCost(at: at, wallet: WalletScope(WalletTests.a)))
        }
        #expect(inA.isEmpty)
        #expect(inB == [loan])
        #expect(inNone.isEmpty)
        #expect(wacc.loans.isEmpty)
        #expect(WalletScope("0xBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB2").contains(Self.b))
        let (whole, parts) = try ledger.read { book in
            let cost = try book.portfolioBorrowingCost(at: at, numeraire: .eth, policy: Self.flag)
            return (cost, try book.borrowingCostByWallet(cost))
        }
        #expect(parts.map(\.wallet) == [WalletScope(Self.b)])
        #expect(parts.flatMap { $0.cost.loans.map(\.loan) } == whole.loans.map(\.loan))
        #expect(abs(parts.reduce(0.0) { $0 + $1.cost.costInNumeraire } - whole.costInNumeraire) < 1e-9)
    }

    @Test func stressPartsSumToTheWholeBook() throws {
        let (ledger, loan) = try book()
        let at = try instant("2021-03-01")
        let shock = MarketShock(floor: .relative(-0.3))
        let (whole, parts) = try ledger.read { book in
            (try book.stress(at: at, shock: shock),
             try [WalletScope(WalletTests.a), WalletScope(Self.b), .noWalletNamed].map { try book.stress(at: at, shock: shock, wallet: $0) })
        }
        #expect(parts.map { $0.loans.map(\.loan) } == [[], [loan], []])
        // Punk 2 (b's) is the only NFT still held: 30 ETH × 1500 × −30 %.
        #expect(abs(parts[1].nftChangeUSD - (-13_500)) < 1e-6)
        #expect(abs(parts.reduce(0.0) { $0 + $1.netChangeUSD } - whole.netChangeUSD) < 1e-6)
        #expect(parts[1].wallet == WalletScope(Self.b))
    }
}
