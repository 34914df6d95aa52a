import Foundation
import LedgerMath
import PortfolioLedger

/// The full report (valuation, loans, hedges, returns) over a ledger, wired through
/// ``PendingHooks/fullReport``.
protocol FullReportRunner: Sendable {
    var label: String { get }
    /// Runs the full report over `[from, to]` on `ledger`; returns a count of what it produced
    /// (rows, lines…), so the work cannot be skipped.
    func runFullReport(on ledger: Ledger, from: Instant, to: Instant) throws -> Int
}

/// The full report as a user runs it at the end of the history, in one read snapshot: the
/// portfolio valuation, the state of every loan open then, the valuation of every hedge, the
/// full-stack return of the portfolio over the whole history and the borrowing cost of every
/// loan. The books grow with the history (loans and condors per year are constant), so its cost
/// should grow linearly with it.
struct LibraryFullReport: FullReportRunner {
    var label: String { "Swift: portfolioValuation + loanState (open loans) + hedgeValuation (every hedge) + fullStackReturn + portfolioBorrowingCost" }

    static let policy = PricingPolicy(maxAgeSeconds: 3 * 86_400, onMissingPrice: .fail)
    static let market = OptionMarketInputs(underlyingSeries: "SPX", rate: 0.04, dividendYield: 0.015)

    func runFullReport(on ledger: Ledger, from: Instant, to: Instant) throws -> Int {
        try ledger.read { book in
            var produced = 0
            let valuation = try book.portfolioValuation(at: to, policy: Self.policy, market: Self.market)
            produced += valuation.nfts.count + valuation.debts.count + valuation.hedges.count + valuation.prices.count
            for loan in try book.loans(openAt: to) {
                produced += try book.loanState(loan.id, at: to, policy: Self.policy).notes.count + 1
            }
            for hedge in try book.hedges() {
                produced += try book.hedgeValuation(hedge.id, at: to, market: Self.market).legs.count
            }
            let returns = try book.fullStackReturn(.portfolio, from: from, to: to, policy: Self.policy, market: Self.market)
            produced += returns.flows.count + returns.prices.count
            produced += try book.portfolioBorrowingCost(at: to, policy: Self.policy).loans.count
            return produced
        }
    }
}

/// What existed before the reports, timed beside them: one read snapshot that, for every
/// day of the history, values every NFT (as-of floor × as-of ETH/USD), walks every open loan
/// (outstanding principal, collateral floor as of that day, LTV), marks every live option leg
/// (latest quote) and reads SPX; then the whole cash-flow journal, summed into cash balances.
struct DailySweep {
    struct Totals {
        var lookups = 0
        var journalEntries = 0
        var checksum = 0.0
    }

    static func run(on ledger: Ledger) throws -> Totals {
        try ledger.read { book in
            var totals = Totals()
            let series = try book.allSeries()
            var floorOf: [CollectionID: PriceSeriesID] = [:]
            for s in series where s.kind == .floor { if let c = s.collectionID { floorOf[c] = s.id } }
            guard let fx = series.first(where: { $0.name == "ETH/USD" }), let spx = series.first(where: { $0.name == "SPX" }) else {
                throw BenchError.failed("not a synthetic benchmark ledger")
            }
            // Static facts loaded once: NFT → floor series, loan windows, live windows of contracts.
            let start = SyntheticLedger.mark(0)
            var floorOfNFT: [PriceSeriesID] = []
            var id: Int64 = 1
            while let nft = try book.nft(NFTID(id)) {
                floorOfNFT.append(floorOf[nft.collectionID]!)
                id += 1
            }
            // `loans(openAt:)` looks at every loan on each call (from the snapshot's memo since
            // D22, but still all of them), which would make a daily sweep quadratic in history;
            // find each loan's closing event once instead.
            var loanWindows: [(LoanRecord, closes: Instant, floor: PriceSeriesID)] = []
            for loan in try book.loans() {
                let closes = try book.loanEvents(of: loan.id).first(where: { $0.detail.isTerminal })?.occurredAt ?? Instant(unixSeconds: .max)
                let nft = try book.nft(loan.collateral[0])!
                loanWindows.append((loan, closes, floorOf[nft.collectionID]!))
            }
            var legWindows: [(OptionContractID, from: Instant, until: Instant)] = []
            for hedge in try book.hedges() {
                for trade in try book.optionTrades(of: hedge.id) {
                    let contract = try book.optionContract(trade.contractID)!
                    legWindows.append((trade.contractID, trade.tradedAt, contract.expiresAt))
                }
            }
            guard let last = try book.priceIfAny(of: spx.id, at: Instant(unixSeconds: .max))?.observedAt else { return totals }
            var t = start
            while t <= last {
                let ethUSD = try book.priceIfAny(of: fx.id, at: t)?.price ?? 0
                var valueETH = 0.0
                for floor in floorOfNFT {
                    valueETH += try book.priceIfAny(of: floor, at: t)?.price ?? 0
                }
                totals.lookups += floorOfNFT.count + 1
                for (loan, closes, floor) in loanWindows where loan.startedAt <= t && t < closes {
                    let debt = try book.outstandingPrincipal(of: loan.id, at: t).doubleValue
                    let collateral = try book.priceIfAny(of: floor, at: t)?.price ?? 0
                    totals.checksum += collateral > 0 ? debt / collateral : 0   // LTV on principal
                    totals.lookups += 2
                }
                for (contract, from, until) in legWindows where from <= t && t < until {
                    totals.checksum += try book.latestQuote(of: contract, at: t)?.mark ?? 0
                    totals.lookups += 1
                }
                totals.checksum += valueETH * ethUSD * 1e-9 + (try book.priceIfAny(of: spx.id, at: t)?.price ?? 0) * 1e-6
                totals.lookups += 1
                t = t.adding(seconds: SyntheticLedger.day)
            }
            // Cash by currency as a running sum over the journal (one pass), checked against
            // `cashBalance(_:at:)` (a binary search over the memo's running balances since D22).
            let journal = try book.journal(from: Instant(unixSeconds: 0), to: last)
            totals.journalEntries = journal.count
            var cash: [Currency: ExactDecimal] = [:]
            for entry in journal { cash[entry.amount.currency, default: .zero] += entry.amount.amount }
            guard cash[SyntheticLedger.usd] == (try book.cashBalance(SyntheticLedger.usd, at: last)) else {
                throw BenchError.failed("the journal's running USD balance disagrees with cashBalance")
            }
            totals.checksum += (cash[SyntheticLedger.usd] ?? .zero).doubleValue * 1e-12
            return totals
        }
    }
}

/// The report job at 1×, 2× and 4× history: generates each synthetic ledger (timed, for
/// information), then times the full report and the daily sweep on it.
func reportJob(_ config: Config, _ scratch: Scratch) throws -> [Comparison] {
    var results: [Comparison] = []
    var reportPerDay: [(Int, Double)] = []
    var sweepPerDay: [(Int, Double)] = []
    let repetitions = min(config.repetitions, 3)
    let report = PendingHooks.fullReport ?? LibraryFullReport()
    for scale in config.reportScales {
        let path = scratch.file("synthetic-\(scale)x", "ledger")
        let generated = try Measure.run { try SyntheticLedger.generate(at: path, shape: config.reportShape, scale: scale) }
        let summary = generated.result
        defer { if !config.keep { scratch.removeDatabase(path) } }
        say("  synthetic ledger \(scale)×: \(summary.text); generated through the Ledger API in \(Format.seconds(generated.seconds)), peak RSS \(Format.mib(generated.kib))")
        let size = "\(config.reportShape.years * scale) y (\(Format.count(summary.days)) days), \(config.reportShape.nfts) NFTs"

        let ledger = try Ledger.openReadOnly(at: path)
        var full = Side(report.label)
        var produced = 0
        for _ in 0..<repetitions {
            let m = try Measure.run { try report.runFullReport(on: ledger, from: summary.start, to: summary.end) }
            produced = m.result
            full.add(seconds: m.seconds, kib: m.kib)
        }
        var reportRow = Comparison(job: "full report \(scale)×", size: size, ours: full, baseline: nil, target: .none)
        reportRow.notes.append("\(Format.count(produced)) items produced; \(summary.loans) loans, \(summary.condors) condors; \(String(format: "%.1f", full.median / Double(summary.days) * 1e6)) µs per history day")
        reportPerDay.append((scale, full.median / Double(summary.days)))
        results.append(reportRow)
        say(Format.progress(reportRow))

        var sweep = Side("daily sweep (as-of lookups, outstandingPrincipal, quotes every day; journal)")
        var totals = DailySweep.Totals()
        for _ in 0..<repetitions {
            let m = try Measure.run { try DailySweep.run(on: ledger) }
            totals = m.result
            sweep.add(seconds: m.seconds, kib: m.kib)
        }
        var sweepRow = Comparison(job: "daily sweep \(scale)×", size: size, ours: sweep, baseline: nil, target: .none)
        sweepRow.notes.append("\(Format.count(totals.lookups)) lookups, \(Format.count(totals.journalEntries)) journal entries, checksum \(String(format: "%.6f", totals.checksum))")
        sweepPerDay.append((scale, sweep.median / Double(summary.days)))
        results.append(sweepRow)
        say(Format.progress(sweepRow))
    }
    for (name, perDay) in [("full report", reportPerDay), ("daily sweep", sweepPerDay)] {
        guard let base = perDay.first?.1 else { continue }
        let growth = perDay.map { String(format: "%d× %.1f µs/day (%.2f of 1×)", $0.0, $0.1 * 1e6, $0.1 / base) }
        let line = "\(name) cost per history day (constant ⇔ linear growth): " + growth.joined(separator: ", ")
        results[results.count - 1].notes.append(line)
        say("  \(line)")
    }
    return results
}
