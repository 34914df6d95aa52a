import LedgerMath
internal import SQLiteDB

/// The terms of a loan to book with ``LedgerTransaction/addLoan(_:source:)``.
public struct NewLoan: Sendable, Hashable {
    public var lendingProtocol: LendingProtocol
    public var externalRef: String?
    public var currency: Currency
    public var principal: ExactDecimal
    /// What was actually received after origination/insurance/referral fees (≤ principal).
    public var amountReceived: ExactDecimal
    public var startedAt: Instant
    public var maturityAt: Instant?
    public var terms: LoanTerms
    public var maxLTV: Double?
    public var liquidationThreshold: Double?
    public var collateral: [NFTID]
    public var refinances: LoanID?
    /// The user's wallet that borrowed (receives the proceeds, pays the repayments); optional.
    public var wallet: String? = nil

    public init(lendingProtocol: LendingProtocol, externalRef: String? = nil, currency: Currency, principal: ExactDecimal,
                amountReceived: ExactDecimal? = nil, startedAt: Instant, maturityAt: Instant? = nil, terms: LoanTerms,
                maxLTV: Double? = nil, liquidationThreshold: Double? = nil, collateral: [NFTID], refinances: LoanID? = nil,
                wallet: String? = nil) {
        self.lendingProtocol = lendingProtocol
        self.externalRef = externalRef
        self.currency = currency
        self.principal = principal
        self.amountReceived = amountReceived ?? principal
        self.startedAt = startedAt
        self.maturityAt = maturityAt
        self.terms = terms
        self.maxLTV = maxLTV
        self.liquidationThreshold = liquidationThreshold
        self.collateral = collateral
        self.refinances = refinances
        self.wallet = wallet
    }
}

extension LedgerTransaction {
    /// Books a loan and pledges its collateral.
    ///
    /// - Throws: ``LedgerError/invalidValue(field:reason:)`` for bad terms (non-positive principal,
    ///   received above principal, maturity not after start, thresholds outside (0, 1], …);
    ///   ``LedgerError/conflict(_:)`` when a collateral NFT is not held at the start or already
    ///   backs an open loan; ``LedgerError/unknownEntity(kind:id:)`` for a missing NFT or loan.
    public func addLoan(_ loan: NewLoan, source: ImportSourceID? = nil) throws -> LoanID {
        try insertLoan(loan, opening: nil, source: source)
    }

    /// Books a loan already running when the book starts (decisions WALLETS-4): `loan` gives its
    /// real terms and start; it enters the book at `openedAt` (after the start) with
    /// `principalRepaid` and `interestPaid` already repaid before then.
    ///
    /// The debt and accrued interest after the opening follow the terms from the real start, with
    /// the earlier repayments applied as one repayment at `openedAt`. The proceeds received at the
    /// start and those repayments were not this book's cash: the journal shows the loan entering at
    /// `openedAt` (`running loan opened`, + the outstanding principal) paired with the owner
    /// assuming it (`running loan assumed`, −, an equity flow like a withdrawal), so no cash
    /// balance changes; the origination fee is not this book's cost. The collateral is pledged from
    /// `openedAt` (it must be held then, e.g. as opening positions). Corrected like any loan: voided.
    /// - Throws: ``LedgerError/invalidValue(field:reason:)`` when `openedAt` is not after the start,
    ///   `principalRepaid` is negative or not below the principal, or `interestPaid` is negative;
    ///   the errors of ``addLoan(_:source:)`` otherwise. A running loan cannot refinance another.
    public func openRunningLoan(_ loan: NewLoan, openedAt: Instant, principalRepaid: ExactDecimal = .zero, interestPaid: ExactDecimal = .zero,
                                source: ImportSourceID? = nil) throws -> LoanID {
        try Validate.instant(openedAt, "opened_at")
        guard openedAt > loan.startedAt else {
            throw LedgerError.invalidValue(field: "opened_at", reason: "\(openedAt) is not after the loan's start \(loan.startedAt)")
        }
        try Validate.nonNegative(principalRepaid, "principal_repaid")
        guard principalRepaid < loan.principal else {
            throw LedgerError.invalidValue(field: "principal_repaid", reason: "\(principalRepaid) leaves nothing of the principal \(loan.principal) outstanding")
        }
        try Validate.nonNegative(interestPaid, "interest_paid")
        if loan.refinances != nil {
            throw LedgerError.invalidValue(field: "refinances", reason: "a running loan is booked as it stands at the opening, not as a refinance")
        }
        return try insertLoan(loan, opening: RunningLoanOpening(openedAt: openedAt, principalOutstanding: loan.principal - principalRepaid,
                                                                interestPaid: interestPaid), source: source)
    }

    private func insertLoan(_ loan: NewLoan, opening: RunningLoanOpening?, source: ImportSourceID?) throws -> LoanID {
        try Validate.positive(loan.principal, "principal")
        try Validate.nonNegative(loan.amountReceived, "amount_received")
        guard loan.amountReceived <= loan.principal else {
            throw LedgerError.invalidValue(field: "amount_received", reason: "\(loan.amountReceived) exceeds the principal \(loan.principal)")
        }
        try Validate.instant(loan.startedAt, "started_at")
        if let maturity = loan.maturityAt {
            try Validate.instant(maturity, "maturity_at")
            guard maturity > loan.startedAt else {
                throw LedgerError.invalidValue(field: "maturity_at", reason: "\(maturity) is not after the start \(loan.startedAt)")
            }
        }
        try loan.terms.validate(principal: loan.principal, maturity: loan.maturityAt)
        try Validate.fraction(loan.maxLTV, "max_ltv")
        try Validate.fraction(loan.liquidationThreshold, "liquidation_threshold")
        if let ltv = loan.maxLTV, let threshold = loan.liquidationThreshold, ltv > threshold {
            throw LedgerError.invalidValue(field: "max_ltv", reason: "\(ltv) is above the liquidation threshold \(threshold)")
        }
        if let ref = loan.externalRef { try Validate.text(ref, "external_ref", maxLength: 200) }
        let wallet = loan.wallet.map(ContractAddress.canonical)
        if let wallet { try Validate.text(wallet, "wallet", maxLength: 128) }
        guard !loan.collateral.isEmpty else { throw LedgerError.invalidValue(field: "collateral", reason: "a loan needs at least one NFT") }
        var listed: Set<NFTID> = []
        for nft in loan.collateral where !listed.insert(nft).inserted {
            throw LedgerError.invalidValue(field: "collateral", reason: "\(try current.describe(nft)) is listed twice")
        }
        if let refinanced = loan.refinances, try current.loan(refinanced) == nil {
            throw LedgerError.unknownEntity(kind: "loan", id: refinanced.description)
        }
        for nft in loan.collateral where try current.nft(nft) == nil {
            throw LedgerError.unknownEntity(kind: "nft", id: nft.description)
        }
        let terms = try LoanTermsCoding.encode(loan.terms)
        let id = try insert("""
            INSERT INTO loan (protocol, external_ref, currency, principal, amount_received, started_at, maturity_at,
                              interest_model, terms, max_ltv, liquidation_threshold, refinances_loan_id, recorded_at, source_id, wallet,
                              opened_at, opening_principal, opening_interest_paid)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, loan.lendingProtocol.rawValue, loan.externalRef, loan.currency.code, loan.principal.description,
            loan.amountReceived.description, loan.startedAt.unixSeconds, loan.maturityAt?.unixSeconds, loan.terms.modelName,
            terms, loan.maxLTV, loan.liquidationThreshold, loan.refinances?.rawValue, recordedAt.unixSeconds, source?.rawValue, wallet,
            opening?.openedAt.unixSeconds, opening?.principalOutstanding.description, opening?.interestPaid.description)
        if let refinanced = loan.refinances {
            // Refinancing closes the old loan at the new loan's start, releasing its collateral.
            if try current.loanStatus(refinanced, at: loan.startedAt) == .open {
                _ = try recordLoanEvent(loan: refinanced, at: loan.startedAt, .close, note: "refinanced by loan \(id)", source: source)
            }
        }
        for nft in loan.collateral {
            try db.execute("INSERT INTO loan_collateral (loan_id, nft_id, recorded_at) VALUES (?, ?, ?)",
                           id, nft.rawValue, recordedAt.unixSeconds)
        }
        try checkHoldings(loan.collateral)
        return LoanID(id)
    }

    /// Pledges a held NFT to a running loan (a `collateral_added` event).
    ///
    /// - Throws: ``LedgerError/conflict(_:)`` when the loan is not open at `at`, or the NFT is not
    ///   held then (never acquired, sold, lost, or already backing a loan);
    ///   ``LedgerError/unknownEntity(kind:id:)`` for a missing loan or NFT.
    public func addCollateral(loan: LoanID, nft: NFTID, at: Instant, note: String? = nil,
                              source: ImportSourceID? = nil) throws -> LoanEventID {
        try recordLoanEvent(loan: loan, at: at, .collateralAdded(nft: nft), note: note, source: source)
    }

    /// Gives an NFT back from a running loan (a `collateral_released` event); it is held again.
    ///
    /// - Throws: ``LedgerError/conflict(_:)`` when the loan is not open at `at` or the NFT does
    ///   not back it then; ``LedgerError/unknownEntity(kind:id:)`` for a missing loan or NFT.
    public func releaseCollateral(loan: LoanID, nft: NFTID, at: Instant, note: String? = nil,
                                  source: ImportSourceID? = nil) throws -> LoanEventID {
        try recordLoanEvent(loan: loan, at: at, .collateralReleased(nft: nft), note: note, source: source)
    }

    /// Books an event of a loan's life.
    ///
    /// - Throws: ``LedgerError/conflict(_:)`` when the loan is not open at `at` (e.g. repaying a
    ///   closed loan), a repayment exceeds the outstanding principal, or a collateral change
    ///   breaks the holding rules (``addCollateral(loan:nft:at:note:source:)``); invalid-value errors for
    ///   negative amounts or an event before the loan started.
    public func recordLoanEvent(loan: LoanID, at: Instant, _ detail: LoanEventDetail, note: String? = nil,
                                source: ImportSourceID? = nil) throws -> LoanEventID {
        try Validate.instant(at, "occurred_at")
        try Validate.optionalNote(note)
        guard let record = try current.loan(loan) else { throw LedgerError.unknownEntity(kind: "loan", id: loan.description) }
        guard at >= record.startedAt else {
            throw LedgerError.invalidValue(field: "occurred_at", reason: "\(at) is before \(HoldingTimeline.describe(record)) started (\(record.startedAt))")
        }
        let status = try current.loanStatus(loan, at: at)
        guard status == .open else {
            throw LedgerError.conflict("\(HoldingTimeline.describe(record)) is \(status.rawValue) at \(at); no further \(detail.kind) events can be booked")
        }
        if detail.isTerminal, let later = try current.loanEvents(of: loan).last(where: { $0.occurredAt > at }) {
            throw LedgerError.conflict("\(HoldingTimeline.describe(record)) has a \(later.detail.kind) event at \(later.occurredAt); it cannot end before it at \(at)")
        }
        var amount: ExactDecimal?, interest: ExactDecimal?, principal: ExactDecimal?, fee: ExactDecimal?
        var rateBps: Int?, indexRay: String?, maturity: Instant?, newTerms: String?
        switch detail {
        case .borrowMore(let value):
            try Validate.positive(value, "amount")
            amount = value
        case .repay(let interestPart, let principalPart):
            try Validate.nonNegative(interestPart, "interest_part")
            try Validate.nonNegative(principalPart, "principal_part")
            guard (interestPart + principalPart).signum > 0 else {
                throw LedgerError.invalidValue(field: "repay", reason: "a repayment must move some interest or principal")
            }
            let outstanding = try current.outstandingPrincipal(of: loan, at: at)
            guard principalPart <= outstanding else {
                throw LedgerError.conflict("repaying \(principalPart) of principal on \(HoldingTimeline.describe(record)), but only \(outstanding) is outstanding at \(at)")
            }
            interest = interestPart
            principal = principalPart
        case .fee(let value):
            try Validate.positive(value, "fee")
            fee = value
        case .rateChange(let bps):
            guard (0...10_000_000).contains(bps) else { throw LedgerError.invalidValue(field: "new_rate_bps", reason: "\(bps) is out of range") }
            rateBps = bps
        case .indexObservation(let ray):
            guard !ray.isEmpty, ray.count <= 78, ray.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                throw LedgerError.invalidValue(field: "index_ray", reason: "'\(ray)' is not an integer in ray")
            }
            indexRay = ray
        case .renegotiate(let newMaturity, let bps, let terms):
            guard newMaturity != nil || bps != nil || terms != nil else {
                throw LedgerError.invalidValue(field: "renegotiate", reason: "give a new maturity, rate or terms")
            }
            if let newMaturity {
                try Validate.instant(newMaturity, "new_maturity_at")
                guard newMaturity > at else { throw LedgerError.invalidValue(field: "new_maturity_at", reason: "\(newMaturity) is not after \(at)") }
            }
            if let bps, !(0...10_000_000).contains(bps) { throw LedgerError.invalidValue(field: "new_rate_bps", reason: "\(bps) is out of range") }
            if let terms { try terms.validate(principal: record.principal, maturity: newMaturity ?? record.maturityAt, key: "new_terms") }
            maturity = newMaturity
            rateBps = bps
            newTerms = try terms.map(LoanTermsCoding.encode)
        case .redeem(let value):
            try Validate.positive(value, "amount")
            amount = value
        case .liquidation(let surplus):
            if let surplus { try Validate.nonNegative(surplus, "amount") }
            amount = surplus
        case .auctionStart, .foreclosure, .close:
            break
        case .collateralAdded(let nft), .collateralReleased(let nft):
            guard try current.nft(nft) != nil else { throw LedgerError.unknownEntity(kind: "nft", id: nft.description) }
        }
        let id = LoanEventID(try insert("""
            INSERT INTO loan_event (loan_id, event_kind, occurred_at, amount, interest_part, principal_part, fee, new_rate_bps,
                                    index_ray, new_maturity_at, new_terms, note, recorded_at, source_id, nft_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, loan.rawValue, detail.kind.rawValue, at.unixSeconds, amount?.description, interest?.description, principal?.description,
            fee?.description, rateBps, indexRay, maturity?.unixSeconds, newTerms, note, recordedAt.unixSeconds, source?.rawValue,
            detail.collateralNFT?.rawValue))
        if let nft = detail.collateralNFT { try checkHoldings([nft]) }
        if detail.isTerminal { try checkHoldings(try current.nftsEverPledged(to: loan)) }
        return id
    }
}
