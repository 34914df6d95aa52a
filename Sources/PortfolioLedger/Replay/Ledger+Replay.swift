import Foundation
import LedgerMath
internal import SQLiteDB

extension Ledger {
    /// Writes a replayed policy as a new ledger file at `path`: the market history of the
    /// replay's window, then every booking of `run`, each in its own transaction through the
    /// ordinary write API, stamped `recorded_at` = the instant it happens (so as-known-at reports
    /// replay the run as it went). The ledger is marked as simulated (``LedgerSnapshot/simulation()``).
    ///
    /// The same run writes a ledger whose reports and export are the same bytes every time.
    ///
    /// - Throws: ``LedgerError/alreadyExists(path:)`` (or another file error) when `path` cannot be
    ///   created — an existing file is left untouched; the first refused booking's error otherwise,
    ///   and then the half-written file is removed (a partial replay is not left behind).
    public static func createReplay(of run: ReplayRun, market: ReplayMarket, at path: String) throws -> Ledger {
        let clock = ReplayClock(run.from)
        let ledger = try Ledger.create(at: path, clock: { clock.now })
        do {
            var writer = try ledger.write { tx in try ReplayWriter(run: run, market: market, tx: tx) }
            for booking in run.bookings {
                clock.now = booking.at
                try ledger.write { tx in try writer.book(booking, tx) }
            }
        } catch {
            // The file is ours (created above); unlinking it while open is safe on POSIX, and SQLite
            // drops its -wal and -shm when the connection closes.
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            throw error
        }
        return ledger
    }
}

extension LedgerSnapshot {
    /// What produced this ledger when it is a simulation (a replay's origin and policy), else nil.
    public func simulation() throws -> String? {
        try db.scalarIfAny("SELECT setting_value FROM ledger_setting WHERE setting_key = 'simulated_by'", as: String.self)
    }
}

extension LedgerTransaction {
    /// Marks the ledger as simulated: a `simulated_by` row in `ledger_setting` saying what produced it.
    func markSimulated(_ origin: String) throws {
        try db.execute("INSERT INTO ledger_setting (setting_key, setting_value, updated_at) VALUES ('simulated_by', ?, ?)",
                       origin, recordedAt.unixSeconds)
    }
}

/// The `recorded_at` clock of a replay: set to each booking's instant before it is written.
private final class ReplayClock: @unchecked Sendable {
    // @unchecked: written and read on the writing thread only, between transactions.
    private let lock = NSLock()
    private var value: Instant

    init(_ start: Instant) { value = start }

    var now: Instant {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}

/// Books a replay's decisions; keeps the ids they refer to (tokens, the open loan, the open condor).
struct ReplayWriter {
    private let policy: ReplayPolicy
    private let market: ReplayMarket
    private var nfts: [String: NFTID] = [:]
    private var held: [String] = []
    private var loan: LoanID?
    private var loanCount = 0
    private var hedge: (id: HedgeID, openedAt: Instant)?

    static let punksContract = "0xb47e3cd837ddf8e4c57f05d70ab865de6e193bbb"

    /// Books the collection, its tokens, the window's market history and the simulation mark.
    init(run: ReplayRun, market: ReplayMarket, tx: LedgerTransaction) throws {
        policy = run.policy
        self.market = market
        let punks = try tx.addCollection(chain: "ethereum", contractAddress: Self.punksContract, name: "CryptoPunks")
        for token in run.policy.collateral + (run.policy.buffer?.reserveTokens ?? []) {
            nfts[token.token] = try tx.addNFT(collection: punks, tokenID: TokenID(token.token))
        }
        let floor = market.floor(run.policy.floor)
        let series: [(ReplayMarket.Series, PriceSeriesID)] = [
            (floor, try tx.addPriceSeries(name: floor.name, kind: .floor, quote: .eth, collection: punks)),
            (market.ethUSD, try tx.addPriceSeries(name: market.ethUSD.name, kind: .fx, base: "ETH", quote: .usd)),
            (market.spx, try tx.addPriceSeries(name: market.spx.name, kind: .index)),
            (market.vix, try tx.addPriceSeries(name: market.vix.name, kind: .index)),
        ]
        for (data, id) in series {
            _ = try tx.addObservations(data.window(from: run.from, to: run.to).map { PriceObservation(observedAt: $0.0, price: $0.1) }, to: id)
        }
        try tx.markSimulated("portfolio-ledger replay \(ISO8601.formatDate(run.from))…\(ISO8601.formatDate(run.to)) of policy \(run.policy.canonicalJSON())")
    }

    mutating func book(_ booking: ReplayBooking, _ tx: LedgerTransaction) throws {
        switch booking {
        case let .deposit(at, amount):
            _ = try tx.recordExternalFlow(.deposit, at: at, amount: Money(amount, .eth), note: "replay: buffer cash reserve")
        case let .acquire(at, token, price):
            let reserve = policy.buffer?.reserveTokens.contains { $0.token == token } ?? false
            _ = try tx.recordNFTTrade(nft: try nft(token), side: .acquire, tradedAt: at, price: Money(price, .eth),
                                      note: reserve ? "replay: buffer reserve token, bought at the floor proxy" : "replay: bought at the floor proxy")
            if !reserve { held.append(token) }   // a reserve token backs the loan only once pledged
        case let .borrow(at, principal, refinancing):
            guard let terms = policy.loan else { return }
            if let refinancing, let old = loan {
                _ = try tx.recordLoanEvent(loan: old, at: at, .repay(interest: refinancing.interest, principal: refinancing.principal),
                                           note: "replay: repaid to refinance")
            }
            loanCount += 1
            loan = try tx.addLoan(NewLoan(
                lendingProtocol: terms.lendingProtocol, externalRef: "replay-loan-\(loanCount)", currency: .eth, principal: principal,
                startedAt: at, terms: ReplaySimulator.loanTerms(terms), maxLTV: terms.targetLTV, liquidationThreshold: terms.liquidationThreshold,
                collateral: try held.map(nft), refinances: refinancing == nil ? nil : loan))
        case let .repay(at, repayment):
            _ = try tx.recordLoanEvent(loan: try openLoan(), at: at, .repay(interest: repayment.interest, principal: repayment.principal),
                                       note: "replay: buffer rule (health factor below \(policy.buffer?.belowHealthFactor ?? 0))")
        case let .liquidation(at, floor, debt, surplus):
            _ = try tx.recordLoanEvent(loan: try openLoan(), at: at, .liquidation(surplus: surplus),
                                       note: "replay: debt \(debt) ETH above value × threshold at a floor of \(floor) ETH")
            loan = nil
            held = []  // every held token backed the loan; the liquidation loses them (HoldingTimeline)
        case let .openCondor(at, legs, feesPerLeg):
            let expiry = legs.first?.expiry.map(ISO8601.formatDate) ?? "?"
            hedge = (try tx.openIronCondor(name: "replay: SPXW iron condor to \(expiry)", root: .spxw, legs: legs, tradedAt: at,
                                           feesPerLeg: feesPerLeg, protecting: loan.map { [$0] } ?? []), at)
        case let .pledge(at, token):
            _ = try tx.addCollateral(loan: try openLoan(), nft: try nft(token), at: at,
                                     note: "replay: buffer rule add_collateral (health factor below \(policy.buffer?.belowHealthFactor ?? 0))")
            held.append(token)
        case let .closeCondor(at, legs, feesPerLeg):
            guard let open = hedge else { throw LedgerError.conflict("replay: no open condor to close at \(at)") }
            try addModelQuotes(hedge: open.id, from: open.openedAt, to: at, tx)
            for leg in legs {
                guard let expiry = leg.expiry else { throw LedgerError.invalidValue(field: "closing leg", reason: "has no expiry") }
                let contract = try tx.addOptionContract(root: .spxw, type: leg.optionType, strike: leg.strike, expiresAt: expiry)
                _ = try tx.recordOptionTrade(hedge: open.id, contract: contract, tradedAt: at, quantity: leg.quantity, price: leg.premium,
                                             fees: feesPerLeg)
            }
            hedge = nil
        case let .repayFromHedge(at, repayment, proceeds, usdPerETH):
            _ = try tx.recordLoanEvent(loan: try openLoan(), at: at, .repay(interest: repayment.interest, principal: repayment.principal),
                                       note: "replay: buffer rule sell_hedge, from the closed condor's \(proceeds) USD net at \(usdPerETH) USD/ETH")
        case let .settleCondor(at, value):
            guard let open = hedge else { throw LedgerError.conflict("replay: no open condor to settle at \(at)") }
            try addModelQuotes(hedge: open.id, from: open.openedAt, to: at, tx)
            for position in try tx.current.positions(of: open.id, at: at) {
                _ = try tx.settleContract(position.contract.id, settlementValue: value, settledAt: at)
            }
            hedge = nil
        }
    }

    /// The legs' daily quotes as the replay priced them (implied vol = that day's VIX close, underlying =
    /// the SPX close), so valuation, hedge reports and the equity chart value the condor as the
    /// replay did. Recorded with the settlement: a report as known mid-cycle does not see them early.
    private func addModelQuotes(hedge: HedgeID, from: Instant, to: Instant, _ tx: LedgerTransaction) throws {
        var quotes: [OptionQuote] = []
        for (close, spot) in market.spx.window(from: from, to: to) where close >= from {
            guard let vix = market.vix.asOf(close.adding(seconds: 900)) else { continue }
            for position in try tx.current.positions(of: hedge, at: close) {
                quotes.append(OptionQuote(contractID: position.contract.id, quotedAt: close, impliedVol: vix.value / 100, underlying: spot))
            }
        }
        _ = try tx.addOptionQuotes(quotes)
    }

    private func nft(_ token: String) throws -> NFTID {
        guard let id = nfts[token] else { throw LedgerError.unknownEntity(kind: "nft", id: token) }
        return id
    }

    private func openLoan() throws -> LoanID {
        guard let loan else { throw LedgerError.conflict("replay: no open loan") }
        return loan
    }
}
