import ArgumentParser
import LedgerMath
import PortfolioLedger

/// `calc loan`: debt, interest and effective APR of a loan at an instant, under one interest model.
struct CalcLoanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loan",
        abstract: "Debt, interest and effective APR of an NFT-backed loan at an instant.",
        discussion: """
        Amounts are in the loan token (e.g. WETH), exact to its smallest unit (--decimals, default \
        18); rates are annual. Every model takes --principal, --start and --at; the term is \
        --maturity DATE or --duration-days N (one of them). Per model:

          fixed           NFTfi fixed, Arcade V3: the repayment is owed
                          whenever repaid. --repayment M (≥ principal),
                          and a term.
          simple          Simple interest B·bps·Δt / (1e4·31,536,000).
                          --rate-bps, --variant plain (truncated, never
                          capped, term optional), arcade-v4 (truncated,
                          capped at maturity) or gondi (rounded up,
                          uncapped); both of these need a term.
          nftfi-pro-rata  NFTfi pro-rata: --repayment M (the maximum
                          repayment) and a term; the rate is truncated
                          to whole bps and accrues linearly to maturity.
          continuous      Blend, continuous compounding: --rate-bps
                          (≤ 100000). No term.
          index           BendDAO, ParaSpace (Aave index): --rate-ray or
                          --rate-bps, and --index-ray, the reserve index
                          at the start (default 1e27 = 1.0). No term.
          vault           JPEG'd vault: --rate-bps; simple interest on
                          the vault debt, no accrual in between.

        Output: model, at, principal, debt (principal + interest owed at --at), interest (debt − \
        principal), effective_apr (interest / principal × 31,536,000 / seconds since start, a \
        fraction; null at the start). Money is printed as exact decimal strings.
        """
    )

    enum Model: String, ExpressibleByArgument, CaseIterable {
        case fixed, simple, nftfiProRata = "nftfi-pro-rata", continuous, index, vault
    }

    enum Variant: String, ExpressibleByArgument, CaseIterable {
        case plain, arcadeV4 = "arcade-v4", gondi
    }

    @Option(help: "Interest model (see above).")
    var model: Model
    @Option(help: "Amount borrowed (the lien amount for continuous), loan token.")
    var principal: String
    @Option(help: "Start of the loan (date or UTC instant).")
    var start: String
    @Option(help: "Instant to report the debt at (not before --start).")
    var at: String
    @Option(help: "Due date (fixed, nftfi-pro-rata, simple).")
    var maturity: String?
    @Option(help: "Term in whole days, instead of --maturity.")
    var durationDays: String?
    @Option(help: "Repayment at maturity (fixed) or maximum repayment (nftfi-pro-rata), loan token.")
    var repayment: String?
    @Option(help: "Annual rate in basis points: 2000 = 20 % (simple, continuous, index, vault).")
    var rateBps: String?
    @Option(help: "Annual variable borrow rate in ray: 2e26 = 20 %, written as digits (index).")
    var rateRay: String?
    @Option(help: "Reserve borrow index at the start, ray (index; default 1e27).")
    var indexRay: String?
    @Option(help: "Simple-interest variant (simple; default plain).")
    var variant: Variant?
    @Option(help: "Decimals of the loan token (18 for ETH/WETH, 6 for USDC).")
    var decimals: Int = 18
    @OptionGroup var output: CalcOutputOptions

    /// Flags that only some models take, and the models that take them.
    private var modelFlags: [(flag: String, given: Bool, models: [Model])] {
        [("--maturity", maturity != nil, [.fixed, .simple, .nftfiProRata]),
         ("--duration-days", durationDays != nil, [.fixed, .simple, .nftfiProRata]),
         ("--repayment", repayment != nil, [.fixed, .nftfiProRata]),
         ("--rate-bps", rateBps != nil, [.simple, .continuous, .index, .vault]),
         ("--rate-ray", rateRay != nil, [.index]),
         ("--index-ray", indexRay != nil, [.index]),
         ("--variant", variant != nil, [.simple])]
    }

    func validate() throws {
        for flag in modelFlags where flag.given && !flag.models.contains(model) {
            throw ValidationError("\(flag.flag) does not apply to --model \(model.rawValue)")
        }
        if maturity != nil && durationDays != nil { throw ValidationError("give --maturity or --duration-days, not both") }
        let needsTerm = model == .fixed || model == .nftfiProRata || (model == .simple && (variant ?? .plain) != .plain)
        if needsTerm && maturity == nil && durationDays == nil {
            throw ValidationError("--model \(model.rawValue)\(model == .simple ? " --variant \(variant?.rawValue ?? "")" : "") needs --maturity or --duration-days")
        }
        if (model == .fixed || model == .nftfiProRata) && repayment == nil {
            throw ValidationError("--model \(model.rawValue) needs --repayment")
        }
        if [.simple, .continuous, .vault].contains(model) && rateBps == nil {
            throw ValidationError("--model \(model.rawValue) needs --rate-bps")
        }
        if model == .index && (rateBps == nil) == (rateRay == nil) {
            throw ValidationError("--model index needs one of --rate-ray and --rate-bps")
        }
    }

    func run() throws {
        let flags = InputLocation.flags
        let principal = try flags.decimal(principal, "principal")
        let start = try flags.instant(start, "start")
        let at = try flags.instant(at, "at")
        guard at >= start else { throw flags.failure("at", "\(at) is before the start \(start)") }
        let loan = try makeModel(principal: principal, start: start)
        let debt: ExactDecimal
        do { debt = try loan.debt(at: at) } catch { throw failure(error) }
        let document = LoanCalcDocument(model: model.rawValue, start: start, at: at, principal: principal, debt: debt)
        try output.format.emit(document: document) { PlainTable.keyValue($0.members) }
    }

    private func makeModel(principal: ExactDecimal, start: Instant) throws(CLIFailure) -> InterestModel {
        let flags = InputLocation.flags
        let bps = try rateBps.map { text throws(CLIFailure) in try flags.wholeNumber(text, "rate_bps") }
        let term = try termSeconds(start: start)
        let m = try repayment.map { text throws(CLIFailure) in try flags.decimal(text, "repayment") } ?? .zero
        let reserve = model == .index ? try reserve(bps: bps, start: start) : nil
        do {
            switch model {
            case .fixed:
                return .fixedRepayment(try FixedRepaymentLoan(principal: principal, repayment: m, start: start,
                                                              durationSeconds: term ?? 0, decimals: decimals))
            case .simple:
                return .simple(try simpleLoan(principal: principal, bps: bps ?? .zero, start: start, term: term))
            case .nftfiProRata:
                return .nftfiProRata(try NFTfiProRataLoan(principal: principal, maximumRepayment: m, start: start,
                                                          durationSeconds: term ?? 0, decimals: decimals))
            case .continuous:
                return .continuous(try ContinuousCompoundingLoan(amount: principal, rateBps: (bps ?? .zero).significand,
                                                                 start: start, decimals: decimals))
            case .index:
                return .indexed(try IndexedDebtLoan(borrowing: principal, at: start, reserve: reserve ?? .initial(rateRay: 0, at: start),
                                                    decimals: decimals))
            case .vault:
                let vault = try VaultAccrualLoan(aprNumerator: (bps ?? .zero).significand,
                                                 aprDenominator: ExactDecimal(10_000).significand, at: start, decimals: decimals)
                return .vault(try vault.borrowing(principal, at: start).after)
            }
        } catch {
            throw failure(error)
        }
    }

    private func simpleLoan(principal: ExactDecimal, bps: ExactDecimal, start: Instant,
                            term: Int64?) throws(InterestModelError) -> SimpleInterestLoan {
        switch variant ?? .plain {
        case .plain:
            try SimpleInterestLoan(principal: principal, rateBps: bps.significand, start: start,
                                   maturity: term.map { start.adding(seconds: $0) }, capsAtMaturity: false,
                                   rounding: .down, decimals: decimals)
        case .arcadeV4:
            try SimpleInterestLoan.arcadeV4(principal: principal, rateBps: bps.significand, start: start,
                                            durationSeconds: term ?? 0, decimals: decimals)
        case .gondi:
            try SimpleInterestLoan.gondi(principal: principal, aprBps: bps.significand, start: start,
                                         durationSeconds: term ?? 0, decimals: decimals)
        }
    }

    /// The reserve as observed at the start: index `--index-ray` (default 1.0), the given rate.
    private func reserve(bps: ExactDecimal?, start: Instant) throws(CLIFailure) -> ReserveBorrowIndex {
        let flags = InputLocation.flags
        let ray = if let bps { RateUnits.ray(fromBps: bps.significand) } else {
            try flags.wholeNumber(rateRay ?? "", "rate_ray").significand
        }
        guard let indexRay else { return .initial(rateRay: ray, at: start) }
        let index = try flags.wholeNumber(indexRay, "index_ray").significand
        do {
            return try ReserveBorrowIndex(indexRay: index, rateRay: ray, updatedAt: start)
        } catch {
            throw failure(error)
        }
    }

    /// The term in seconds from `--maturity` or `--duration-days`; nil when neither is given.
    private func termSeconds(start: Instant) throws(CLIFailure) -> Int64? {
        let flags = InputLocation.flags
        if let maturity {
            let end = try flags.instant(maturity, "maturity")
            guard end > start else { throw flags.failure("maturity", "\(end) is not after the start \(start)") }
            return start.seconds(to: end)
        }
        guard let durationDays else { return nil }
        let days = try flags.integer(durationDays, "duration_days")
        guard days > 0, days <= 36_500 else { throw flags.failure("duration_days", "\(days) is not in 1...36500") }
        return Int64(days) * Instant.secondsPerDay
    }

    /// Names the flag behind an interest-model error.
    private func failure(_ error: InterestModelError) -> CLIFailure {
        let flag: String
        switch error {
        case let .invalidTerm(field, _):
            flag = switch field {
            case "repayment", "maximumRepayment": "repayment"
            case "rateBps", "apr": rateRay != nil ? "rate_ray" : "rate_bps"
            case "rateRay": "rate_ray"
            case "indexRay": "index_ray"
            case "durationSeconds", "maturity": maturity != nil ? "maturity" : "duration_days"
            case "decimals": "decimals"
            default: "principal"
            }
        case .beforeStart: flag = "at"
        case .protocolOverflow: flag = "rate_bps"
        case .paymentExceedsDebt, .fullRepaymentRequired: flag = "principal"
        }
        return InputLocation.flags.failure(flag, error.description)
    }
}
