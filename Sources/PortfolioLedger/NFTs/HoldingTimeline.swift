import LedgerMath
internal import SQLiteDB

/// One NFT's holding-and-pledge history, replayed in effective-time order.
///
/// The state machine (docs/import.md, "Holding states"): never held → **held** (acquired) ⇄
/// **pledged** (a loan starts with it as collateral, or it is added to a running loan; a release
/// from the loan or the loan's close makes it held again) → **disposed** (sold), or **lost** (the
/// loan it backs ends by liquidation or foreclosure — added collateral is lost with the rest). Acquiring again
/// after a disposal or a loss makes it held again. Every write path books through the same
/// ``LedgerTransaction`` methods, which replay this timeline, and every report reads its state
/// from it, so a write that would break a rule anywhere in the NFT's history — also one dated
/// before entries already booked — is refused.
///
/// Events at the same instant are applied in a fixed order: loan ends (close, liquidation,
/// foreclosure), then collateral releases, then disposals, then acquisitions, then loan starts,
/// then collateral additions; a loan that ends at the instant it started, or at the instant the
/// NFT was added to or released from it, ends after that; ties within one kind in booking (id) order.
struct HoldingTimeline {
    enum State: Equatable {
        case neverHeld, held, pledged(LoanRecord), disposed(NFTTrade), lost(LoanRecord, LoanEvent)
    }

    enum Step {
        case acquire(NFTTrade), dispose(NFTTrade), pledge(LoanRecord), end(LoanRecord, LoanEvent)
        /// Collateral added to, or released from, a running loan.
        case add(LoanRecord, LoanEvent), release(LoanRecord, LoanEvent)

        /// The booked entry that makes this step (what a refusal points at).
        var entry: CorrectableEntry {
            switch self {
            case .acquire(let trade), .dispose(let trade): .nftTrade(trade.id)
            case .pledge(let loan): .loan(loan.id)
            case .end(_, let event), .add(_, let event), .release(_, let event): .loanEvent(event.id)
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
        case .pledge(let loan), .add(let loan, _): return .pledged(loan)
        case .release(let loan, _):
            guard case .pledged(let pledged) = state, pledged.id == loan.id else { return state }
            return .held
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
        case (.add(let loan, _), .pledged(let other)) where other.id == loan.id:
            return "\(name) already backs \(Self.describe(loan)) at \(at); it cannot be added to it again"
        case (.add(let loan, _), .pledged(let other)):
            return "\(name) already backs \(Self.describe(other)) at \(at); it cannot also be added to \(Self.describe(loan))"
        case (.add(let loan, _), .neverHeld), (.add(let loan, _), .disposed), (.add(let loan, _), .lost):
            return "\(name) is not held at \(at) (\(why(state))); it cannot be added to \(Self.describe(loan))"
        case (.release(let loan, _), .pledged(let other)) where other.id != loan.id:
            return "\(name) backs \(Self.describe(other)), not \(Self.describe(loan)), at \(at); it cannot be released from it"
        case (.release(let loan, _), .held), (.release(let loan, _), .neverHeld), (.release(let loan, _), .disposed),
             (.release(let loan, _), .lost):
            return "\(name) does not back \(Self.describe(loan)) at \(at) (\(why(state))); nothing to release"
        default:
            return nil
        }
    }

    private func why(_ state: State) -> String {
        switch state {
        case .neverHeld: "it was never acquired by then"
        case .disposed(let trade): "it was sold at \(trade.tradedAt)"
        case .lost(let loan, let event): "it was lost to the \(event.detail.kind) of \(Self.describe(loan)) at \(event.occurredAt)"
        case .held: "it is held, not pledged"
        case .pledged: "it is held"
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
                ? .init(at: trade.tradedAt, phase: 3, id: trade.id.rawValue, step: .acquire(trade))
                : .init(at: trade.tradedAt, phase: 2, id: trade.id.rawValue, step: .dispose(trade)))
        }
        for loan in try loans(collateral: nft) {
            var ownSteps: Set<Instant> = []
            if loan.collateral.contains(nft) {
                steps.append(.init(at: loan.inBookFrom, phase: 4, id: loan.id.rawValue, step: .pledge(loan)))
                ownSteps.insert(loan.inBookFrom)
            }
            let events = try loanEvents(of: loan.id)
            for event in events where event.detail.collateralNFT == nft {
                if case .collateralAdded = event.detail {
                    steps.append(.init(at: event.occurredAt, phase: 5, id: event.id.rawValue, step: .add(loan, event)))
                    ownSteps.insert(event.occurredAt)
                } else {
                    steps.append(.init(at: event.occurredAt, phase: 1, id: event.id.rawValue, step: .release(loan, event)))
                    ownSteps.insert(event.occurredAt)
                }
            }
            // A loan ends at its first terminal event (events after it cannot be booked); where the
            // NFT was pledged to or released from it at that very instant, the end comes after
            // (a loan's events are booked while it is open, so they precede its end).
            if let end = events.first(where: { $0.detail.isTerminal }) {
                steps.append(.init(at: end.occurredAt, phase: ownSteps.contains(end.occurredAt) ? 6 : 0, id: end.id.rawValue,
                                   step: .end(loan, end)))
            }
        }
        steps.sort { ($0.at, $0.phase, $0.id) < ($1.at, $1.phase, $1.id) }
        let timeline = HoldingTimeline(nft: nft, name: try describe(nft), steps: steps)
        memo?.holdingTimelines[nft] = timeline
        return timeline
    }
}
