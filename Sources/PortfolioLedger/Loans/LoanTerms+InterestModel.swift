import BigInt
import LedgerMath

/// Maps a booked loan's stored terms onto LedgerMath's ``InterestModel``.
///
/// | stored terms | model | notes |
/// |---|---|---|
/// | `fixedRepayment(M)` | ``FixedRepaymentLoan`` | duration = maturity − start |
/// | `fullTermRate(bps)` | ``FixedRepaymentLoan`` (Arcade v3) | interest `⌊P · bps·1e18 / (1e18 · 1e4)⌋` in smallest units |
/// | `simpleProRata(bps, roundsUp, cap)` | ``SimpleInterestLoan`` | rounding up (Gondi) or down (Arcade); Arcade: full repayment after maturity |
/// | `nftfiProRata(M)` | ``NFTfiProRataLoan`` | rate truncated to whole bps of `P` |
/// | `continuous(bps)` | ``ContinuousCompoundingLoan`` | lien amount = principal |
/// | `aaveIndex(rate, I₀)` | ``IndexedDebtLoan`` | reserve index `I₀` and rate observed at the start |
/// | `vaultAccrual(n/d)` | ``VaultAccrualLoan`` | a vault holding only this position, no vault accruals known: simple interest (the lower bound of fact sheet F5) |
///
/// Amounts are in the loan currency with ``TokenDecimals`` decimals (18 for ETH/WETH, 6 for USDC).
extension LoanRecord {
    /// The interest model at the loan's start, before any event.
    public func interestModel() throws(AnalyticsError) -> InterestModel {
        let decimals = try TokenDecimals.decimals(of: currency)
        do {
            return try Self.model(terms, principal: principal, start: startedAt, maturity: maturityAt, protocol: lendingProtocol, decimals: decimals)
        } catch let error as InterestModelError {
            throw .interestModel(loan: id, event: nil, reason: error.description)
        } catch let error as AnalyticsError {
            throw error
        } catch {
            throw .interestModel(loan: id, event: nil, reason: "\(error)")
        }
    }

    static func model(_ terms: LoanTerms, principal: ExactDecimal, start: Instant, maturity: Instant?,
                      protocol lendingProtocol: LendingProtocol, decimals: Int) throws -> InterestModel {
        func duration() throws -> Int64 {
            guard let maturity else { throw AnalyticsError.invalidArgument(name: "maturity", reason: "these terms need a maturity") }
            return start.seconds(to: maturity)
        }
        switch terms {
        case .fixedRepayment(let repayment):
            return .fixedRepayment(try FixedRepaymentLoan(principal: principal, repayment: repayment, start: start,
                                                          durationSeconds: try duration(), decimals: decimals))
        case .fullTermRate(let bps):
            // The contract's rate is bps scaled by 1e18; validation keeps `bps` to 18 decimals, so it is exact.
            return .fixedRepayment(try FixedRepaymentLoan.arcadeV3(principal: principal, proratedInterestRate: try bps.units(decimals: 18),
                                                                   start: start, durationSeconds: try duration(), decimals: decimals))
        case let .simpleProRata(bps, roundsUp, cap):
            return .simple(try SimpleInterestLoan(principal: principal, rateBps: BigInt(bps), start: start, maturity: maturity,
                                                  capsAtMaturity: cap, rounding: roundsUp ? .up : .down,
                                                  requiresFullRepaymentAfterMaturity: lendingProtocol == .arcade && cap,
                                                  decimals: decimals))
        case .nftfiProRata(let maximum):
            return .nftfiProRata(try NFTfiProRataLoan(principal: principal, maximumRepayment: maximum, start: start,
                                                      durationSeconds: try duration(), decimals: decimals))
        case .continuous(let bps):
            return .continuous(try ContinuousCompoundingLoan(amount: principal, rateBps: BigInt(bps), start: start, decimals: decimals))
        case let .aaveIndex(rateRay, indexRay):
            guard let rate = BigInt(rateRay), let index = BigInt(indexRay) else {
                throw AnalyticsError.invalidArgument(name: "terms", reason: "ray values are not integers")
            }
            let reserve = try ReserveBorrowIndex(indexRay: index, rateRay: rate, updatedAt: start)
            return .indexed(try IndexedDebtLoan(borrowing: principal, at: start, reserve: reserve, decimals: decimals))
        case let .vaultAccrual(numerator, denominator):
            let vault = try VaultAccrualLoan(aprNumerator: BigInt(numerator), aprDenominator: BigInt(denominator), at: start, decimals: decimals)
            return .vault(try vault.borrowing(principal, at: start).after)
        }
    }
}
