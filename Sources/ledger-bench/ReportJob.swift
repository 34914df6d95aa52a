import Foundation
import LedgerMath
import PortfolioLedger

/// The full report (valuation, loans, hedges, returns) over a ledger — built on branch
/// `analytics`; wired through ``PendingHooks/fullReport``.
protocol FullReportRunner: Sendable {
    var label: String { get }
    /// Runs the full report over `[from, to]` on `ledger`; returns a count of what it produced
    /// (rows, lines…), so the work cannot be skipped.
    func runFullReport(on ledger: Ledger, from: Instant, to: Instant) throws -> Int
}

/// What exists today, timed in place of the full report: one read snapshot that, for every
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
            // `loans(openAt:)` re-reads every loan on each call, which would make a daily sweep
            // quadratic in history; read the loans and their closing events once instead.
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
            // Cash by currency as a running sum over the journal (one pass). `cashBalance(_:at:)`
            // sums the journal up to its instant on every call, so calling it at each month end
            // would make this part quadratic in history.
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
/// information), then times the full report when wired, else the daily sweep of what exists.
func reportJob(_ config: Config, _ scratch: Scratch) throws -> [Comparison] {
    var results: [Comparison] = []
    var perDay: [(Int, Double)] = []
    let repetitions = min(config.repetitions, 3)
    for scale in config.reportScales {
        let path = scratch.file("synthetic-\(scale)x", "ledger")
        let generated = try Measure.run { try SyntheticLedger.generate(at: path, shape: config.reportShape, scale: scale) }
        let summary = generated.result
        defer { if !config.keep { scratch.removeDatabase(path) } }
        say("  synthetic ledger \(scale)×: \(summary.text); generated through the Ledger API in \(Format.seconds(generated.seconds)), peak RSS \(Format.mib(generated.kib))")

        let ledger = try Ledger.openReadOnly(at: path)
        var sweep = Side("daily sweep of what exists (as-of lookups, loans, quotes, journal)")
        var totals = DailySweep.Totals()
        for _ in 0..<repetitions {
            let m = try Measure.run { try DailySweep.run(on: ledger) }
            totals = m.result
            sweep.add(seconds: m.seconds, kib: m.kib)
        }
        var comparison = Comparison(job: "report over SYNTHETIC ledger \(scale)×", size: "\(config.reportShape.years * scale) y, \(config.reportShape.nfts) NFTs",
                                    ours: sweep, baseline: nil, target: .none)
        comparison.notes.append("\(Format.count(totals.lookups)) lookups, \(Format.count(totals.journalEntries)) journal entries, checksum \(String(format: "%.6f", totals.checksum))")
        perDay.append((scale, sweep.median / Double(summary.days)))

        if let report = PendingHooks.fullReport {
            var full = Side(report.label)
            for _ in 0..<repetitions {
                let m = try Measure.run { try report.runFullReport(on: ledger, from: summary.start, to: summary.end) }
                full.add(seconds: m.seconds, kib: m.kib)
            }
            results.append(Comparison(job: "full report \(scale)×", size: comparison.size, ours: full, baseline: nil, target: .none))
        } else {
            comparison.notes.append("full report: pending branch `analytics` (hook PendingHooks.fullReport is nil)")
        }
        results.append(comparison)
        say(Format.progress(comparison))
    }
    if let base = perDay.first?.1 {
        let growth = perDay.map { String(format: "%d× %.1f µs/day (%.2f of 1×)", $0.0, $0.1 * 1e6, $0.1 / base) }
        let line = "cost per history day (constant ⇔ linear growth): " + growth.joined(separator: ", ")
        results[results.count - 1].notes.append(line)
        say("  \(line)")
    }
    return results
}
