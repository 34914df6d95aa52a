import Foundation
import Testing
@testable import LedgerMath

/// One case of `Fixtures/xirr_reference.json` (pyxirr, polished with mpmath; see Fixtures/README.md).
struct XIRRCase: Sendable, Decodable, CustomTestStringConvertible {
    var id: String
    var description: String
    var dates: [String]
    var amounts: [Double]
    var sign_changes: Int
    var expected: String
    var rate: Double?
    var roots: [Double]
    var spreadsheet_rate: Double?
    var numpy_financial: Double?

    var testDescription: String { "\(id) (\(amounts.count) flows)" }

    var instants: [Instant] { dates.map { (try? ISO8601.parse($0)) ?? Instant(unixSeconds: 0) } }

    static let all: [XIRRCase] = {
        struct File: Decodable { var cases: [XIRRCase] }
        guard let dir = Bundle.module.url(forResource: "Fixtures", withExtension: nil),
              let data = try? Data(contentsOf: dir.appendingPathComponent("xirr_reference.json")),
              let file = try? JSONDecoder().decode(File.self, from: data)
        else { return [] }
        return file.cases
    }()
}

@Suite("XIRR and XNPV")
struct XIRRTests {
    /// Rates compared absolutely near zero and relatively when large (a +4.7e20 rate is a 4.7e20
    /// number): |a − b| ≤ 1e-9·max(1, |b|).
    static func sameRate(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(1, abs(b)) }

    @Test func fixtureIsPresent() {
        #expect(XIRRCase.all.count >= 50)
        #expect(XIRRCase.all.contains { $0.amounts.count >= 1000 })
    }

    @Test("matches the reference root", arguments: XIRRCase.all)
    func fixture(_ c: XIRRCase) throws {
        let result = XIRR.solve(dates: c.instants, amounts: c.amounts)
        switch result {
        case .ok(let s):
            #expect(c.expected == "ok", "found \(s.rate) where the reference has none")
            #expect(s.rate.isFinite && s.rate > -1 || s.rate == -1)
            #expect(s.signChanges == c.sign_changes)
            if c.roots.count > 1 {
                // Several roots: ours must be one of them, flagged, and the spreadsheet's when it has one.
                #expect(s.multipleRootsPossible)
                #expect(c.roots.contains { Self.sameRate(s.rate, $0) }, "\(s.rate) not in \(c.roots)")
                if let sheet = c.spreadsheet_rate { #expect(Self.sameRate(s.rate, sheet), "\(s.rate) vs spreadsheet \(sheet)") }
            } else if let expected = c.rate {
                #expect(Self.sameRate(s.rate, expected), "\(s.rate) vs \(expected)")
            }
            if let sheet = c.spreadsheet_rate { #expect(Self.sameRate(s.rate, sheet)) }
            if let np = c.numpy_financial, c.sign_changes == 1 { #expect(Self.sameRate(s.rate, np)) }
            if c.sign_changes == 1 { #expect(!s.multipleRootsPossible) }
        case .noSolution:
            #expect(c.expected == "noSolution", "no solution where the reference has \(c.rate ?? .nan)")
        case .invalid(let why):
            Issue.record("invalid: \(why)")
        }
    }

    @Test("Flow API, unsorted order and seconds basis agree", arguments: XIRRCase.all.filter { $0.expected == "ok" }.prefix(20))
    func flowsAndOrder(_ c: XIRRCase) {
        let flows = zip(c.instants, c.amounts).map { XIRR.Flow($0, $1) }
        let forward = XIRR.solve(flows)
        let reversed = XIRR.solve(flows.reversed())
        #expect(forward.rate != nil)
        if let a = forward.rate, let b = reversed.rate { #expect(Self.sameRate(a, b)) }
        // All instants are at midnight UTC, so seconds and days give the same exponents.
        if let a = forward.rate, let b = XIRR.solve(flows, basis: .seconds).rate { #expect(Self.sameRate(a, b)) }
    }

    @Test func xnpvIsZeroAtTheRoot() throws {
        for c in XIRRCase.all where c.expected == "ok" && c.amounts.count > 2 {
            guard let r = XIRR.solve(dates: c.instants, amounts: c.amounts).rate, r > -0.9 else { continue }
            let npv = try XNPV.value(rate: r, dates: c.instants, amounts: c.amounts)
            let gross = c.amounts.reduce(0) { $0 + abs($1) }
            #expect(abs(npv) <= 1e-9 * gross, "\(c.id): \(npv)")
        }
    }

    @Test func excelExample() throws {
        let dates = try ["2008-01-01", "2008-03-01", "2008-10-30", "2009-02-15", "2009-04-01"].map(ISO8601.parse)
        let amounts = [-10000.0, 2750, 4250, 3250, 2750]
        guard case .ok(let s) = XIRR.solve(dates: dates, amounts: amounts) else { Issue.record("no root"); return }
        #expect(abs(s.rate - 0.373_362_535) < 5e-9)   // Excel shows 9 digits
        #expect(abs(s.rate - 0.373_362_533_518_831_5) < 1e-15)   // the 40-digit root
        #expect(s.method == .newton && !s.multipleRootsPossible)
        // Excel's XNPV example at 9 %: 2086.647602.
        #expect(abs(try XNPV.value(rate: 0.09, dates: dates, amounts: amounts) - 2086.647_602) < 1e-6)
    }

    @Test func dayBasisIgnoresTimeOfDay() throws {
        let d0 = try ISO8601.parse("2024-01-01T23:59:59Z"), d1 = try ISO8601.parse("2025-01-01T00:00:01Z")
        // 366 calendar days (2024 is a leap year): Act/365F exponent 366/365.
        let days = XIRR.solve(dates: [d0, d1], amounts: [-100, 110]).rate
        #expect(days.map { abs($0 - (pow(1.1, 365.0 / 366) - 1)) < 1e-15 } == true)
        let seconds = XIRR.solve(dates: [d0, d1], amounts: [-100, 110], basis: .seconds).rate
        let exponent = Double(d1.unixSeconds - d0.unixSeconds) / 31_536_000
        #expect(seconds.map { abs($0 - (pow(1.1, 1 / exponent) - 1)) < 1e-15 } == true)
    }

    @Test func scaleFree() throws {
        let dates = try ["2020-01-01", "2020-06-30", "2021-03-15", "2022-01-01"].map(ISO8601.parse)
        let base = [-1000.0, 120, -50, 1100]
        let reference = try #require(XIRR.solve(dates: dates, amounts: base).rate)
        for scale in [1e-300, 1e-12, 1e-3, 1e9, 1e18, 1e300] {
            let r = XIRR.solve(dates: dates, amounts: base.map { $0 * scale }).rate
            #expect(r.map { Self.sameRate($0, reference) } == true, "scale \(scale)")
        }
    }

    @Test func extremeRates() throws {
        let d0 = Instant(unixSeconds: 1_600_000_000)
        func at(_ days: Int64) -> Instant { d0.adding(seconds: days * 86_400) }
        // 100 → 1e-10 in a year: r = 1e-12 − 1 (Newton from 0.1 cannot get there).
        let nearMinusOne = XIRR.solve(dates: [at(0), at(100), at(365)], amounts: [-100, 0, 1e-10])
        #expect(nearMinusOne.rate.map { abs($0 - (-1 + 1e-12)) < 1e-18 } == true)
        let deep = XIRR.solve(dates: [at(0), at(200), at(365)], amounts: [-100, -1, 1e-3])
        if case .ok(let s) = deep { #expect(s.rate > -1 && s.rate < -0.999999) } else { Issue.record("\(deep)") }
        // −100, −1, +1e-10: the root is −1 + 7e-23, which rounds to −1 in a Double.
        #expect(XIRR.solve(dates: [at(0), at(200), at(365)], amounts: [-100, -1, 1e-10]).rate == -1)
        // ×1000 in 10 days.
        let rocket = XIRR.solve(dates: [at(0), at(5), at(10)], amounts: [-1, 0.5, 1000])
        if case .ok(let s) = rocket {
            let npv = try XNPV.value(rate: s.rate, dates: [at(0), at(5), at(10)], amounts: [-1, 0.5, 1000])
            #expect(s.rate > 1e100 && abs(npv) < 1e-9)
        } else { Issue.record("\(rocket)") }
        // A rate beyond e^700 is reported as no root, not ∞.
        #expect(XIRR.solve(dates: [at(0), at(1), at(2)], amounts: [-1e-300, 0, 1e300]) == .noSolution(.noRootFound))
    }

    @Test func noSolutionAndInvalid() {
        let d = (0..<3).map { Instant(unixSeconds: Int64($0) * 86_400 * 100) }
        #expect(XIRR.solve(dates: d, amounts: [1, 2, 3]) == .noSolution(.noSignChange))
        #expect(XIRR.solve(dates: d, amounts: [0, 0, 0]) == .noSolution(.noSignChange))
        #expect(XIRR.solve(dates: [d[0], d[0]], amounts: [-100, 110]) == .noSolution(.noSignChange))
        #expect(XIRR.solve(dates: [d[0], d[0]], amounts: [-100, 100]) == .noSolution(.noSignChange))
        #expect(XIRR.solve(dates: [d[0]], amounts: [-100]) == .invalid(.tooFewFlows(count: 1)))
        #expect(XIRR.solve(dates: [], amounts: []) == .invalid(.tooFewFlows(count: 0)))
        #expect(XIRR.solve(dates: d, amounts: [1, 2]) == .invalid(.countMismatch(dates: 3, amounts: 2)))
        #expect(XIRR.solve(dates: d, amounts: [-1, .nan, 3]) == .invalid(.nonFiniteAmount(index: 1)))
        #expect(XIRR.solve(dates: d, amounts: [-1, 2, .infinity]) == .invalid(.nonFiniteAmount(index: 2)))
        #expect(XIRR.solve(dates: d, amounts: [-1, 0, 3], guess: -1) == .invalid(.invalidGuess(-1)))
        #expect(XIRR.solve(dates: d, amounts: [-1, 0, 3], guess: .nan).rate == nil)
    }

    @Test func largeInputsAndGuess() {
        // 100,000 daily flows (274 years): one payment, then 1 a day.
        let n = 100_000
        let dates = (0..<n).map { Instant(unixSeconds: Int64($0) * 86_400) }
        var amounts = [Double](repeating: 1, count: n)
        amounts[0] = -30_000
        let r = XIRR.solve(dates: dates, amounts: amounts)
        guard case .ok(let s) = r else { Issue.record("\(r)"); return }
        #expect(!s.multipleRootsPossible)
        #expect(abs(s.rate - 0.011_737_380_253_635_86) < 1e-12)
        // Cross-check with the plain-exp evaluation (seconds basis takes no shortcut).
        #expect(XIRR.solve(dates: dates, amounts: amounts, basis: .seconds).rate.map { Self.sameRate($0, s.rate) } == true)
        // A different guess on a single-root schedule finds the same root.
        #expect(XIRR.solve(dates: dates, amounts: amounts, guess: -0.5).rate.map { Self.sameRate($0, s.rate) } == true)
    }

    @Test func xnpvConventionsAndErrors() throws {
        let d = try ["2021-03-01", "2020-01-01", "2022-01-01"].map(ISO8601.parse)
        // Valued at the earliest date even when it is not listed first.
        let v = try XNPV.value(rate: 0.1, dates: d, amounts: [50, -100, 60])
        let t1 = 425.0 / 365, t2 = 731.0 / 365
        #expect(abs(v - (-100 + 50 / pow(1.1, t1) + 60 / pow(1.1, t2))) < 1e-12)
        #expect(try XNPV.value(rate: 0, dates: d, amounts: [50, -100, 60]) == 10)
        #expect(try XNPV.value(rate: 0.1, flows: zip(d, [50.0, -100, 60]).map { XIRR.Flow($0, $1) }) == v)
        #expect(throws: XNPV.InvalidReason.invalidRate(-1)) { try XNPV.value(rate: -1, dates: d, amounts: [1, 2, 3]) }
        #expect(throws: XNPV.InvalidReason.noFlows) { try XNPV.value(rate: 0.1, dates: [], amounts: []) }
        #expect(throws: XNPV.InvalidReason.countMismatch(dates: 3, amounts: 1)) { try XNPV.value(rate: 0.1, dates: d, amounts: [1]) }
        #expect(throws: XNPV.InvalidReason.nonFiniteAmount(index: 0)) { try XNPV.value(rate: 0.1, dates: d, amounts: [.nan, 1, 2]) }
    }
}
