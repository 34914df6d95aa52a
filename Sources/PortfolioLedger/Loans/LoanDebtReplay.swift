import BigInt
import LedgerMath

/// A loan's debt rebuilt from its stored terms and every event at or before an instant.
///
/// Events are applied in time order:
/// - `repay` and `redeem`: LedgerMath's `InterestModel.applyingPayment(_:at:)` with interest + principal booked.
///   When the model only accepts the whole debt (NFTfi, Blend) and the booked amount differs by
///   rounding while it clears the booked principal, the loan is taken as settled and the difference
///   is listed in ``notes``.
/// - `borrow_more`: Aave index `scaled += a ⊘ I(t)`; vault borrow; simple interest re-based with the
///   accrued interest carried.
/// - `rate_change`: simple interest re-based; Blend capitalises (`A ← D(t)`, `t0 ← t`); Aave index
///   advanced with the old rate, then the new rate.
/// - `index_observation`: replaces the reserve index (exact replay, fact sheet F4).
/// - Index loans also read their reserve (`LedgerSnapshot.reserveAnchors(of:)`): every stored
///   `reserve_index` point after the start replaces index and rate; other loans' index observations
///   on the reserve replace the index; other loans' borrows and repays re-anchor it. The loan's own
///   borrow more and repay re-anchor it too (BendDAO runs `updateState()` on each).
/// - `renegotiate`: new fixed/pro-rata terms are rebuilt from the original start on the outstanding
///   principal (NFTfi keeps the start); other new terms start at the event on the debt then; a new
///   maturity or rate alone re-bases the current model.
/// - `close`, `liquidation`, `foreclosure`: the debt is 0 from then on.
public struct LoanDebtReplay: Sendable, Hashable {
    /// The model after the last applied event.
    public var model: InterestModel
    /// The maturity in force (changed by renegotiation).
    public var maturity: Instant?
    /// Set once a terminal event or a full repayment ended the debt.
    public var settledAt: Instant?
    /// Interest paid according to the model's own splits.
    public var modelInterestPaid: ExactDecimal
    /// Discrepancies between booked amounts and the model, for the reader.
    public var notes: [String]

    /// Debt at `at` (0 once settled).
    public func debt(at: Instant, loan: LoanID) throws(AnalyticsError) -> ExactDecimal {
        if let settledAt, settledAt <= at { return .zero }
        do { return try model.debt(at: at) } catch { throw .interestModel(loan: loan, event: nil, reason: error.description) }
    }
}

extension LedgerSnapshot {
    /// Replays `loan`'s events at or before `at` through its interest model.
    public func debtReplay(of loan: LoanRecord, at: Instant) throws -> LoanDebtReplay {
        try debtReplay(of: loan, events: loanEvents(of: loan.id), at: at)
    }

    func debtReplay(of loan: LoanRecord, events: [LoanEvent], at: Instant) throws -> LoanDebtReplay {
        var state = LoanDebtReplay(model: try loan.interestModel(), maturity: loan.maturityAt, settledAt: nil,
                                   modelInterestPaid: .zero, notes: [])
        var bookedPrincipal = loan.principal
        let anchors = try reserveAnchors(of: loan)
        var next = anchors.startIndex
        func applyAnchors(through t: Instant) throws {
            while next < anchors.endIndex, anchors[next].at <= t, state.settledAt == nil {
                do { try anchor(anchors[next], state: &state) } catch let error as InterestModelError {
                    throw AnalyticsError.interestModel(loan: loan.id, event: nil, reason: "reserve update at \(anchors[next].at): \(error.description)")
                }
                next += 1
            }
        }
        for event in events where event.occurredAt <= at && state.settledAt == nil {
            // The reserve's own state at an instant comes first: the loan's event at that instant reads it.
            try applyAnchors(through: event.occurredAt)
            do {
                try apply(event, to: &state, loan: loan, bookedPrincipal: &bookedPrincipal)
            } catch let error as InterestModelError {
                throw AnalyticsError.interestModel(loan: loan.id, event: event.id, reason: error.description)
            }
        }
        try applyAnchors(through: at)
        return state
    }

    /// An index loan reads its reserve's update: a stored state replaces the index (and the rate when
    /// known); another loan's interaction re-anchors the index at the rate in force.
    private func anchor(_ anchor: ReserveAnchor, state: inout LoanDebtReplay) throws {
        guard case .indexed(let m) = state.model else { return }
        switch anchor {
        case let .point(t, index, rate):
            state.model = .indexed(try m.observing(try ReserveBorrowIndex(indexRay: index, rateRay: rate ?? m.reserve.rateRay, updatedAt: t)))
        case .interaction(let t):
            state.model = .indexed(try m.reanchored(at: t))
        }
    }

    private func apply(_ event: LoanEvent, to state: inout LoanDebtReplay, loan: LoanRecord,
                       bookedPrincipal: inout ExactDecimal) throws {
        let t = event.occurredAt
        func unsupported(_ what: String) -> AnalyticsError { .unsupportedEvent(loan: loan.id, event: event.id, reason: what) }
        switch event.detail {
        case .borrowMore(let amount):
            bookedPrincipal += amount
            switch state.model {
            case .indexed(let m): state.model = .indexed(try m.borrowingMore(amount, at: t))
            case .vault(let m): state.model = .vault(try m.borrowing(amount, at: t).after)
            case .simple(let m): state.model = .simple(try rebased(m, at: t, extra: amount, rateBps: m.rateBps, maturity: m.maturity))
            default: throw unsupported("a \(loan.terms.modelName) loan cannot borrow more; book a new loan")
            }
        case let .repay(interest, principal):
            try pay(interest + principal, clearsPrincipal: principal >= bookedPrincipal, at: t, state: &state)
            bookedPrincipal -= principal
        case .redeem(let amount):
            try pay(amount, clearsPrincipal: false, at: t, state: &state)
        case .rateChange(let bps):
            try changeRate(bps, at: t, state: &state, unsupported: unsupported("a \(loan.terms.modelName) loan has no rate to change"))
        case .indexObservation(let ray):
            guard case .indexed(let m) = state.model else { throw unsupported("an index observation needs an Aave-index loan") }
            guard let index = BigInt(ray) else { throw unsupported("index '\(ray)' is not an integer") }
            state.model = .indexed(try m.observing(try ReserveBorrowIndex(indexRay: index, rateRay: m.reserve.rateRay, updatedAt: t)))
        case let .renegotiate(newMaturity, newRateBps, newTerms):
            try renegotiate(loan: loan, maturity: newMaturity, rateBps: newRateBps, terms: newTerms, at: t,
                            bookedPrincipal: bookedPrincipal, state: &state, unsupported: unsupported("renegotiation of these terms"))
        case .close, .liquidation, .foreclosure:
            state.settledAt = t
        case .fee, .auctionStart, .collateralAdded, .collateralReleased:
            break
        }
    }

    private func pay(_ amount: ExactDecimal, clearsPrincipal: Bool, at t: Instant, state: inout LoanDebtReplay) throws {
        let outcome: Result<(split: PaymentSplit, after: InterestModel), InterestModelError>
        do { outcome = .success(try state.model.applyingPayment(amount, at: t)) } catch { outcome = .failure(error) }
        switch outcome {
        case .success(let paid):
            state.model = paid.after
            state.modelInterestPaid += paid.split.interest
            if try paid.after.debt(at: t).isZero { state.settledAt = t }
        case .failure(let error):
            let debt: ExactDecimal
            switch error {
            case .fullRepaymentRequired(_, let d), .paymentExceedsDebt(_, let d): debt = d
            default: throw error
            }
            guard clearsPrincipal else { throw error }
            state.notes.append("\(t): booked repayment \(amount) settles the loan; the model's debt then was \(debt) (difference \(amount - debt))")
            state.modelInterestPaid += amount - principalOf(state.model)
            state.settledAt = t
        }
    }

    /// The model's principal where it has one (for the interest part of a settling payment).
    private func principalOf(_ model: InterestModel) -> ExactDecimal {
        switch model {
        case .nftfiProRata(let m): ExactDecimal(units: m.principalUnits, decimals: m.decimals)
        case .continuous(let m): ExactDecimal(units: m.amountUnits, decimals: m.decimals)
        case .fixedRepayment(let m): ExactDecimal(units: m.principalUnits, decimals: m.decimals)
        case .simple(let m): ExactDecimal(units: m.balanceUnits, decimals: m.decimals)
        case .indexed(let m): ExactDecimal(units: m.principalUnits, decimals: m.decimals)
        case .vault(let m): ExactDecimal(units: m.principalUnits, decimals: m.decimals)
        }
    }

    private func rebased(_ m: SimpleInterestLoan, at t: Instant, extra: ExactDecimal, rateBps: BigInt, maturity: Instant?) throws -> SimpleInterestLoan {
        let interest = try m.interestDue(at: t)
        let balance = ExactDecimal(units: m.balanceUnits, decimals: m.decimals)
        return try SimpleInterestLoan(principal: balance + extra, rateBps: rateBps, start: t, maturity: maturity,
                                      capsAtMaturity: m.capsAtMaturity && maturity != nil, rounding: m.rounding,
                                      carriedInterest: interest, requiresFullRepaymentAfterMaturity: m.requiresFullRepaymentAfterMaturity,
                                      decimals: m.decimals)
    }

    private func changeRate(_ bps: Int, at t: Instant, state: inout LoanDebtReplay, unsupported: AnalyticsError) throws {
        switch state.model {
        case .simple(let m): state.model = .simple(try rebased(m, at: t, extra: .zero, rateBps: BigInt(bps), maturity: m.maturity))
        case .continuous(let m): state.model = .continuous(try m.refinanced(at: t, newRateBps: BigInt(bps)))
        case .indexed(let m): state.model = .indexed(try m.observing(try m.reserve.advanced(to: t, newRateRay: RateUnits.ray(fromBps: BigInt(bps)))))
        default: throw unsupported
        }
    }

    private func renegotiate(loan: LoanRecord, maturity: Instant?, rateBps: Int?, terms: LoanTerms?, at t: Instant,
                             bookedPrincipal: ExactDecimal, state: inout LoanDebtReplay, unsupported: AnalyticsError) throws {
        let newMaturity = maturity ?? state.maturity
        let decimals = state.model.decimals
        if let terms {
            switch terms {
            case .fixedRepayment, .nftfiProRata:
                state.model = try LoanRecord.model(terms, principal: bookedPrincipal, start: loan.startedAt, maturity: newMaturity,
                                                   protocol: loan.lendingProtocol, decimals: decimals)
            default:
                let debt = try state.model.debt(at: t)
                state.model = try LoanRecord.model(terms, principal: debt, start: t, maturity: newMaturity,
                                                   protocol: loan.lendingProtocol, decimals: decimals)
            }
        } else {
            if let rateBps { try changeRate(rateBps, at: t, state: &state, unsupported: unsupported) }
            if maturity != nil {
                switch state.model {
                case .fixedRepayment(let m):
                    let repayment = ExactDecimal(units: m.principalUnits + m.interestUnits, decimals: decimals)
                    state.model = try LoanRecord.model(.fixedRepayment(repayment: repayment), principal: ExactDecimal(units: m.principalUnits, decimals: decimals),
                                                       start: m.start, maturity: newMaturity, protocol: loan.lendingProtocol, decimals: decimals)
                case .nftfiProRata(let m):
                    state.model = try LoanRecord.model(.nftfiProRata(maximumRepayment: ExactDecimal(units: m.maximumRepaymentUnits, decimals: decimals)),
                                                       principal: ExactDecimal(units: m.principalUnits, decimals: decimals),
                                                       start: m.start, maturity: newMaturity, protocol: loan.lendingProtocol, decimals: decimals)
                case .simple(let m):
                    state.model = .simple(try rebased(m, at: t, extra: .zero, rateBps: m.rateBps, maturity: newMaturity))
                default: break
                }
            }
        }
        state.maturity = newMaturity
    }
}
