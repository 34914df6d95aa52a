import BigInt
import Foundation
import Testing
@testable import LedgerMath

/// The output of `Fixtures/interest_contract_port.py`: the lending contracts' integer arithmetic
/// ported to Python (standard library only) and run on the fact-sheet examples and on a grid of
/// principals, rates and elapsed times. Amounts are decimal strings in token units (18 decimals).
struct InterestReference: Decodable, Sendable {
    struct Case: Decodable, Sendable, CustomStringConvertible {
        let model: String
        let principal: String
        let rate_bps: Int
        let term_seconds: Int64
        let elapsed_seconds: Int64
        let value: String
        let maximum_repayment: String?
        let apr_numerator: Int?
        let apr_denominator: Int?
        var description: String { "\(model) principal \(principal) rate \(rate_bps) bps elapsed \(elapsed_seconds) s" }
    }
    struct WadExpPoint: Decodable, Sendable {
        let x: String
        let result: String?
    }
    struct CompoundedPoint: Decodable, Sendable {
        let rate_ray: String
        let seconds: Int64
        let factor_ray: String
    }
    struct MissingValue: Error, CustomStringConvertible {
        let key: String
        var description: String { "interest_contract_reference.json has no '\(key)': rerun Fixtures/interest_contract_port.py" }
    }

    let sheet_amounts: [String: String]
    let sheet_integers: [String: String]
    let cases: [Case]
    let wad_exp: [WadExpPoint]
    let compounded_interest: [CompoundedPoint]

    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/interest_contract_reference.json")
    /// Loaded once; a missing or unreadable file fails every test that needs it, naming the file.
    static let shared: Result<InterestReference, any Error> = Result {
        try JSONDecoder().decode(InterestReference.self, from: Data(contentsOf: file))
    }

    func amount(_ key: String) throws -> ExactDecimal {
        guard let text = sheet_amounts[key] else { throw MissingValue(key: key) }
        return try ExactDecimal(parsing: text)
    }

    func integer(_ key: String) throws -> BigInt {
        guard let text = sheet_integers[key], let value = BigInt(text, radix: 10) else { throw MissingValue(key: key) }
        return value
    }

    /// An amount in the token's smallest unit (wei).
    func units(_ key: String) throws -> BigInt { Self.wei(try amount(key)) }

    static func wei(_ value: ExactDecimal) -> BigInt {
        let scaled = value.rounded(scale: 18, mode: .down)
        return BigInt(scaled.significand) * BigInt(10).power(18 - scaled.scale)
    }
}

/// Every model against the contract port, to the wei, on the generated grid (1,300 cases: five
/// principals from 1e-12 to 250,000.5, rates 1–100,000 bps, 1 s to two years) and the port's
/// wadExp and 3-term compounding points. Exact equality: both sides are integer arithmetic.
@Suite struct InterestContractReferenceTests {
    let ref: InterestReference
    init() throws { ref = try InterestReference.shared.get() }
    let t0 = Instant(unixSeconds: 1_700_000_000)
    static let day: Int64 = 86_400

    func value(of c: InterestReference.Case) throws -> ExactDecimal {
        let principal = try ExactDecimal(parsing: c.principal), rate = BigInt(c.rate_bps)
        let at = t0.adding(seconds: c.elapsed_seconds)
        switch c.model {
        case "arcade_v4":
            return try SimpleInterestLoan.arcadeV4(principal: principal, rateBps: rate, start: t0, durationSeconds: c.term_seconds).interestDue(at: at)
        case "gondi":
            return try SimpleInterestLoan.gondi(principal: principal, aprBps: rate, start: t0, durationSeconds: c.term_seconds).interestDue(at: at)
        case "nftfi_pro_rata":
            // Repayment reverts after maturity, so the port stops the clock there.
            let maximum = try ExactDecimal(parsing: c.maximum_repayment ?? "")
            let loan = try NFTfiProRataLoan(principal: principal, maximumRepayment: maximum, start: t0, durationSeconds: c.term_seconds)
            return try loan.interestDue(at: t0.adding(seconds: min(c.elapsed_seconds, c.term_seconds)))
        case "blend":
            return try ContinuousCompoundingLoan(amount: principal, rateBps: rate, start: t0).debt(at: at)
        case "aave_index":
            let reserve = ReserveBorrowIndex.initial(rateRay: RateUnits.ray(fromBps: rate), at: t0)
            return try IndexedDebtLoan(borrowing: principal, at: t0, reserve: reserve).debt(at: at)
        case "jpegd_daily_accrual":
            let vault = try VaultAccrualLoan(aprNumerator: BigInt(c.apr_numerator ?? 0), aprDenominator: BigInt(c.apr_denominator ?? 1), at: t0)
            var position = try vault.borrowing(principal, at: t0).after
            var accrued: Int64 = Self.day
            while accrued <= c.elapsed_seconds {
                position = try position.accrued(at: t0.adding(seconds: accrued))
                accrued += Self.day
            }
            return try position.debt(at: at)
        default:
            throw InterestReference.MissingValue(key: "model \(c.model)")
        }
    }

    @Test func everyModelMatchesTheContractPortToTheWei() throws {
        #expect(ref.cases.count >= 1_000, "the grid is smaller than generated; was the fixture truncated?")
        var mismatches = 0
        for c in ref.cases {
            let expected = try ExactDecimal(parsing: c.value)
            let actual = try value(of: c)
            if actual != expected {
                mismatches += 1
                if mismatches <= 20 { Issue.record("\(c): Swift \(actual), contract port \(expected)") }
            }
        }
        #expect(mismatches == 0, "\(mismatches) of \(ref.cases.count) cases differ from the contract port")
        #expect(Set(ref.cases.map(\.model)) == ["arcade_v4", "gondi", "nftfi_pro_rata", "blend", "aave_index", "jpegd_daily_accrual"])
    }

    @Test func wadExpMatchesThePort() throws {
        for point in ref.wad_exp {
            let x = try #require(BigInt(point.x, radix: 10))
            #expect(SolidityFixedPoint.wadExp(x) == point.result.flatMap { BigInt($0, radix: 10) }, "wadExp(\(point.x))")
        }
    }

    @Test func threeTermCompoundingMatchesThePort() throws {
        for point in ref.compounded_interest {
            let rate = try #require(BigInt(point.rate_ray, radix: 10))
            #expect(SolidityFixedPoint.compoundedInterest(rateRay: rate, seconds: point.seconds) == BigInt(point.factor_ray, radix: 10),
                    "rate \(point.rate_ray) over \(point.seconds) s")
        }
    }
}
