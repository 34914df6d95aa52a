import BigInt
import Foundation
import Testing
@testable import LedgerMath

/// The reserve/loan replay of `Fixtures/aave_index_reference.py` (Python integers, a port of
/// BendDAO v1 / Aave v2 `ReserveLogic`, `MathUtils`, `WadRayMath`): two loans on one reserve,
/// borrow, borrow more, partial repays, repaying exactly the reported interest, rate changes from
/// the reserve's `ReserveDataUpdated` stream and a 200-day gap. Tolerance: none — every debt is
/// compared to the wei, as the contracts compute it.
struct AaveIndexReference: Decodable {
    struct Operation: Decodable {
        var at: String, loan: String, action: String
        var amount: String?, interest_part: String?, principal_part: String?
        var index_ray: String?, rate_ray_after: String
        var debt_before: String?, debt_after: String?, scaled_after: String?, interest_after: String?
    }
    struct Check: Decodable { var at: String; var debts: [String: String] }
    struct Scenario: Decodable {
        var operations: [Operation]
        var checks: [Check]
    }
    var operations: [Operation]
    var checks: [Check]
    /// A second reserve at a constant rate where only the borrower acts: no reserve points at all.
    var own_events_only: Scenario

    static func load() throws -> AaveIndexReference {
        try JSONDecoder().decode(AaveIndexReference.self, from: referenceFixture("aave_index_reference.json"))
    }

    /// The reserve's stored points, oldest first.
    static func reservePoints() throws -> [ReserveBorrowIndex] {
        let text = try #require(String(data: try referenceFixture("aave_index_reserve.csv"), encoding: .utf8))
        return try text.split(separator: "\n").dropFirst().map { line in
            let cells = line.split(separator: ",").map(String.init)
            try #require(cells.count == 3, "reserve row '\(line)'")
            return try ReserveBorrowIndex(indexRay: try #require(BigInt(cells[1])), rateRay: try #require(BigInt(cells[2])),
                                          updatedAt: try ISO8601.parse(cells[0]))
        }
    }
}

@Suite("Aave index loans: independent contract replay")
struct IndexedDebtReplayTests {
    @Test("debt to the wei at every instant; splits, scaled amounts and re-anchoring as the contracts do")
    func replay() throws {
        let reference = try AaveIndexReference.load()
        let points = try AaveIndexReference.reservePoints()
        try #require(points.count >= 10 && !reference.operations.isEmpty && !reference.checks.isEmpty)
        #expect(try replay(reference.operations, reference.checks, points: points) >= 40)
    }

    @Test("without any reserve point, the borrower's own borrows and repays (on either of two loans) re-anchor the index as updateState() does")
    func ownEventsOnly() throws {
        let scenario = try AaveIndexReference.load().own_events_only
        let start = try #require(scenario.operations.first)
        let indexText = try #require(start.index_ray)
        let index = try #require(BigInt(indexText)), rate = try #require(BigInt(start.rate_ray_after))
        let reserve = try ReserveBorrowIndex(indexRay: index, rateRay: rate, updatedAt: try ISO8601.parse(start.at))
        #expect(try replay(scenario.operations, scenario.checks, points: [reserve]) >= 20)
    }

    /// Replays the loans' operations between the reserve's points; returns the number of debts compared.
    private func replay(_ operations: [AaveIndexReference.Operation], _ checks: [AaveIndexReference.Check],
                        points: [ReserveBorrowIndex]) throws -> Int {
        // Timeline: reserve points first at an instant, then the loans' own operations, then checks.
        enum Item { case point(ReserveBorrowIndex), operation(AaveIndexReference.Operation), check(AaveIndexReference.Check) }
        var items: [(Instant, Int, Item)] = points.map { ($0.updatedAt, 0, .point($0)) }
        items += try operations.filter { $0.loan != "other" }.map { (try ISO8601.parse($0.at), 1, .operation($0)) }
        items += try checks.map { (try ISO8601.parse($0.at), 2, .check($0)) }
        items.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        var latest: ReserveBorrowIndex?
        var loans: [String: IndexedDebtLoan] = [:]
        var checked = 0
        for (t, _, item) in items {
            switch item {
            case .point(let p):
                latest = p
                for (name, loan) in loans { loans[name] = try loan.observing(p) }
            case .operation(let op):
                // Every borrow and repay runs updateState() for the whole reserve: all its loans re-anchor.
                let current = try #require(latest).anchored(at: t)
                latest = current
                for (name, loan) in loans { loans[name] = try loan.observing(current) }
                let amount = try exact(try #require(op.amount))
                switch op.action {
                case "borrow":
                    loans[op.loan] = try IndexedDebtLoan(borrowing: amount, at: t, reserve: try #require(latest))
                case "borrow-more":
                    let loan = try #require(loans[op.loan])
                    #expect(try loan.debt(at: t) == exact(try #require(op.debt_before)), "\(op.at) \(op.loan) debt before")
                    loans[op.loan] = try loan.borrowingMore(amount, at: t)
                default:
                    let loan = try #require(loans[op.loan])
                    #expect(try loan.debt(at: t) == exact(try #require(op.debt_before)), "\(op.at) \(op.loan) debt before")
                    let (split, after) = try loan.applyingPayment(amount, at: t)
                    #expect(split.interest == (try exact(try #require(op.interest_part))), "\(op.at) \(op.loan) interest part")
                    #expect(split.principal == (try exact(try #require(op.principal_part))), "\(op.at) \(op.loan) principal part")
                    loans[op.loan] = after
                }
                let after = try #require(loans[op.loan])
                #expect(after.scaledUnits == BigInt(try #require(op.scaled_after)), "\(op.at) \(op.loan) scaled")
                #expect(try after.debt(at: t) == exact(try #require(op.debt_after)), "\(op.at) \(op.loan) debt after")
            case .check(let c):
                for (name, expected) in c.debts {
                    let debt = try loans[name]?.debt(at: t) ?? .zero
                    #expect(debt == (try exact(expected)), "\(c.at) loan \(name)")
                    checked += 1
                }
            }
        }
        return checked
    }

    @Test("repaying exactly the reported interest leaves debt = principal within 1 wei (−1 wei shown, not clamped)")
    func repayExactInterest() throws {
        let repaid = try AaveIndexReference.load().operations.filter { $0.action == "repay-interest" }
        try #require(repaid.count >= 3)
        let oneWei = try exact("0.000000000000000001")
        var residuals: Set<ExactDecimal> = []
        for op in repaid {
            let residual = try exact(try #require(op.interest_after))
            #expect(residual.magnitude <= oneWei, "\(op.at) \(op.loan)")
            residuals.insert(residual)
        }
        // The fixture includes a case where the contract's own rounding leaves −1 wei.
        #expect(residuals.contains(-oneWei))
    }

    @Test("the committed fixtures are what the generator writes (python3 aave_index_reference.py OUT)")
    func fixturesAreReproducible() throws {
        let script = try #require(Bundle.module.url(forResource: "aave_index_reference", withExtension: "py", subdirectory: "Fixtures"))
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("aave-index-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: out) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, out.path]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "python3 is required to check the fixture generator")
        for name in ["aave_index_reference.json", "aave_index_reserve.csv"] {
            #expect(try Data(contentsOf: out.appendingPathComponent(name)) == referenceFixture(name), "\(name)")
        }
    }

    @Test("re-anchoring at an interaction changes the index to the wei (compound is not multiplicative)")
    func reanchoringMatters() throws {
        let start = Instant(unixSeconds: 1_672_531_200)
        let reserve = try ReserveBorrowIndex(indexRay: SolidityFixedPoint.ray, rateRay: SolidityFixedPoint.ray / 5, updatedAt: start)
        let loan = try IndexedDebtLoan(borrowing: 13, at: start, reserve: reserve)
        let later = start.adding(seconds: 90 * 86_400)
        let anchored = try loan.reanchored(at: start.adding(seconds: 30 * 86_400))
        #expect(try anchored.debt(at: later) != loan.debt(at: later))
        #expect(try anchored.debt(at: start.adding(seconds: 30 * 86_400)) == loan.debt(at: start.adding(seconds: 30 * 86_400)))
    }
}
