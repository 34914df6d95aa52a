import LedgerMath
import SQLiteDB

/// One NFT's holding-and-pledge history, replayed in effective-time order.
///
/// The state machine (docs/import.md, "Holding states"): never held → **held** (acquired) ⇄
/// **pledged** (a loan starts with it as collateral; the loan's close releases it) → **disposed**
/// (sold), or **lost** (the loan it backs ends by liquidation or foreclosure). Acquiring again
/// after a disposal or a loss makes it held again. Every write path books through the same
/// ``LedgerTransaction`` methods, which replay this timeline, and every report reads its state
/// from it, so a write that would break a rule anywhere in the NFT's history — also one dated
/// before entries already booked — is refused.
///
/// Events at the same instant are applied in a fixed order: loan ends (close, liquidation,
/// foreclosure), then disposals, then acquisitions, then loan starts; a loan that ends at the
/// instant it started ends after its start; ties within one kind in booking (id) order.
struct HoldingTimeline {
    enum State: Equatable {
        case neverHeld, held, pledged(LoanRecord), disposed(NFTTrade), lost(LoanRecord, LoanEvent)
    }

    enum Step {
        case acquire(NFTTrade), dispose(NFTTrade), pledge(LoanRecord), end(LoanRecord, LoanEvent)

        /// The booked entry that makes this step (what a refusal points at).
        var entry: CorrectableEntry {
            switch self {
            case .acquire(let trade), .dispose(let trade): .nftTrade(trade.id)
            case .pledge(let loan): .loan(loan.id)
            case .end(_, let event): .loanEvent(event.id)
            }
        }
    }

    struct TimedStep {
        var at: Instant
        var phase: Int
        var id: Int64
        var step: Step
    }

    let nft: NFTID
    let name: String
    /// In application order.
    let steps: [TimedStep]

    /// The state after every step at or before `at`, applying each step as booked.
    func state(at: Instant) -> (state: State, acquisition: NFTTrade?) {
        var state = State.neverHeld
        var acquisition: NFTTrade?
        for timed in steps where timed.at <= at {
            if case .acquire(let trade) = timed.step { acquisition = trade }
            state = Self.apply(timed.step, to: state)
        }
        return (state, acquisition)
    }

    /// The state after `step`: a loan's end changes only an NFT pledged to that loan.
    private static func apply(_ step: Step, to state: State) -> State {
        switch step {
        case .acquire: return .held
        case .dispose(let trade): return .disposed(trade)
        case .pledge(let loan): return .pledged(loan)
        case .end(let loan, let event):
            guard case .pledged(let pledged) = state, pledged.id == loan.id else { return state }
            return event.detail == .close ? .held : .lost(loan, event)
        }
    }

    /// The first step that breaks a rule, with the reason in the user's terms.
    func firstViolation() -> HoldingConflict? {
        var state = State.neverHeld
        for timed in steps {
            if let reason = refusal(of: timed.step, in: state, at: timed.at) {
                return HoldingConflict(nft: nft, entry: timed.step.entry, error: .conflict(reason))
            }
            state = Self.apply(timed.step, to: state)
        }
        return nil
    }

    /// Why `step` may not happen in `state`, or nil when it may.
    private func refusal(of step: Step, in state: State, at: Instant) -> String? {
        switch (step, state) {
        case (.acquire, .held), (.acquire, .pledged):
            return "\(name) is already held at \(at); book its sale before buying it again"
        case (.dispose, .pledged(let loan)):
            return "\(name) backs \(Self.describe(loan)) at \(at); close or liquidate that loan before selling it"
        case (.dispose, .neverHeld), (.dispose, .disposed), (.dispose, .lost):
            return "\(name) is not held at \(at) (\(why(state))); nothing to sell"
        case (.pledge(let loan), .pledged(let other)):
            return "\(name) already backs \(Self.describe(other)) at \(at); it cannot also back \(Self.describe(loan))"
        case (.pledge(let loan), .neverHeld), (.pledge(let loan), .disposed), (.pledge(let loan), .lost):
            return "\(name) is not held at \(at) (\(why(state))); it cannot be pledged to \(Self.describe(loan))"
        default:
            return nil
        }
    }

    private func why(_ state: State) -> String {
        switch state {
        case .neverHeld: "it was never acquired by then"
        case .disposed(let trade): "it was sold at \(trade.tradedAt)"
        case .lost(let loan, let event): "it was lost to the \(event.detail.kind) of \(Self.describe(loan)) at \(event.occurredAt)"
        case .held, .pledged: "it is held"
        }
    }

    /// A loan as the user knows it: protocol and their reference, or protocol and start.
    static func describe(_ loan: LoanRecord) -> String {
        if let ref = loan.externalRef { return "the \(loan.lendingProtocol.rawValue) loan '\(ref)'" }
        return "the \(loan.lendingProtocol.rawValue) loan started \(loan.startedAt)"
    }
}

/// A write that breaks the holding rules of one NFT: the entry whose step is refused, and why.
struct HoldingConflict: Error {
    var nft: NFTID
    var entry: CorrectableEntry
    var error: LedgerError
}

extension LedgerSnapshot {
    /// An NFT as the user knows it: "CryptoPunks #7804".
    func describe(_ nft: NFTID) throws -> String {
        guard let record = try self.nft(nft), let collection = try collection(record.collectionID) else { return "NFT \(nft)" }
        return "\(collection.name) #\(record.tokenID)"
    }

    /// The NFT's holding-and-pledge timeline as visible in this snapshot.
    func holdingTimeline(of nft: NFTID) throws -> HoldingTimeline {
        if let known = memo?.holdingTimelines[nft] { return known }
        var steps: [HoldingTimeline.TimedStep] = []
        for trade in try trades(of: nft) {
            steps.append(trade.side == .acquire
                ? .init(at: trade.tradedAt, phase: 2, id: trade.id.rawValue, step: .acquire(trade))
                : .init(at: trade.tradedAt, phase: 1, id: trade.id.rawValue, step: .dispose(trade)))
        }
        for loan in try loans(collateral: nft) {
            steps.append(.init(at: loan.startedAt, phase: 3, id: loan.id.rawValue, step: .pledge(loan)))
            // A loan ends at its first terminal event (events after it cannot be booked).
            if let end = try loanEvents(of: loan.id).first(where: { $0.detail.isTerminal }) {
                steps.append(.init(at: end.occurredAt, phase: end.occurredAt == loan.startedAt ? 4 : 0, id: end.id.rawValue,
                                   step: .end(loan, end)))
            }
        }
        steps.sort { ($0.at, $0.phase, $0.id) < ($1.at, $1.phase, $1.id) }
        let timeline = HoldingTimeline(nft: nft, name: try describe(nft), steps: steps)
        memo?.holdingTimelines[nft] = timeline
        return timeline
    }
}
