import Foundation
import Testing
@testable import LedgerMath

/// Reference values: `Fixtures/condor_reference.py` → `condor_reference.json` (Python `decimal`,
/// closed forms of the options fact sheet §4), compared exactly (to the cent and beyond).
@Suite("Iron condor")
struct IronCondorTests {
    struct Leg: Decodable { var option_type: String; var strike: String; var quantity: Int; var premium: String }
    struct Point: Decodable { var settlement: String; var pnl: String }
    struct Case: Decodable {
        var name: String; var kind: String; var multiplier: Int; var legs: [Leg]
        var net_credit: String; var max_profit: String; var max_loss: String; var break_evens: [String]; var pnl: [Point]
    }

    func cases() throws -> [Case] { try JSONDecoder().decode([Case].self, from: referenceFixture("condor_reference.json")) }

    func condor(_ c: Case) throws -> IronCondor {
        // Legs go through the CSV-field initialiser and are shuffled: order must not matter.
        let legs = try c.legs.reversed().map {
            try OptionLeg(optionType: $0.option_type, strike: $0.strike, quantity: String($0.quantity), premium: $0.premium)
        }
        return try IronCondor(legs: legs, multiplier: c.multiplier)
    }

    @Test("metrics and P&L at expiry match the Python reference")
    func reference() throws {
        let all = try cases()
        #expect(all.count == 7)
        for c in all {
            let ic = try condor(c)
            #expect(ic.kind.rawValue == c.kind, "\(c.name)")
            #expect(ic.netCredit == (try exact(c.net_credit)), "\(c.name) net credit")
            #expect(ic.maxProfit == (try exact(c.max_profit)), "\(c.name) max profit")
            #expect(ic.maxLoss == (try exact(c.max_loss)), "\(c.name) max loss")
            #expect(ic.breakEvens == (try c.break_evens.map(exact)), "\(c.name) break-evens")
            for p in c.pnl {
                #expect(ic.pnl(at: try exact(p.settlement)) == (try exact(p.pnl)), "\(c.name) at \(p.settlement)")
            }
            for be in ic.breakEvens { #expect(ic.pnl(at: be).isZero, "\(c.name) P&L at break-even \(be)") }
        }
    }

    @Test("unequal wings: one break-even when the credit covers the narrow wing (ic-04 shape)")
    func unequalWings() throws {
        let ic = try IronCondor(strikes: (exact("4700"), exact("4850"), exact("4950"), exact("4955")),
                                premiums: (exact("5.10"), exact("45.30"), exact("4.40"), exact("2.00")), contracts: 1)
        #expect(ic.netCreditPoints == (try exact("42.6")))
        #expect(ic.breakEvens == [try exact("4807.4")])
        #expect(ic.putWingWidth == 150 && ic.callWingWidth == 5)
        #expect(ic.maxLoss == (try exact("-10740")))
    }

    @Test("debit (reverse) condor: max loss = debit, max profit = wider width − debit")
    func debit() throws {
        let ic = try IronCondor(strikes: (5000, 5050, 5150, 5200),
                                premiums: (exact("12.15"), exact("20.40"), exact("18.05"), exact("11.30")), contracts: 1, kind: .debit)
        #expect(ic.kind == .debit)
        #expect(ic.netCreditPoints == -15)
        #expect(ic.maxLoss == -1500)
        #expect(ic.maxProfit == 3500)
        #expect(ic.breakEvens == [5035, 5165])
    }

    @Test("invalid legs name the offending leg and field")
    func invalid() throws {
        func legs(_ q: [Int], strikes: [ExactDecimal] = [4900, 4950, 5050, 5100], types: [OptionType] = [.put, .put, .call, .call],
                  expiries: [Instant?] = [nil, nil, nil, nil], premium: ExactDecimal = 1) -> [OptionLeg] {
            (0..<4).map { OptionLeg(types[$0], strike: strikes[$0], quantity: q[$0], premium: premium, expiry: expiries[$0]) }
        }
        let ok = [1, -1, -1, 1]
        #expect(throws: IronCondorError.wrongLegCount(3)) { try IronCondor(legs: Array(legs(ok).prefix(3))) }
        #expect(throws: IronCondorError.wrongLegTypes(puts: 3, calls: 1)) { try IronCondor(legs: legs(ok, types: [.put, .put, .put, .call])) }
        // A call strike below a put strike breaks K2 < K3.
        #expect(throws: IronCondorError.strikesOutOfOrder(leg: .callBody, previous: .putBody)) {
            try IronCondor(legs: legs(ok, strikes: [4900, 4950, 4940, 5100]))
        }
        #expect(throws: IronCondorError.strikesOutOfOrder(leg: .callBody, previous: .putBody)) {
            try IronCondor(legs: legs(ok, strikes: [4900, 5000, 5000, 5100]))   // iron butterfly is not a condor
        }
        #expect(throws: IronCondorError.signPattern(leg: .putBody, reason: "must be short (−) in a credit condor whose put K1 is long")) {
            try IronCondor(legs: legs([1, 1, -1, 1]))
        }
        #expect(throws: IronCondorError.self) { try IronCondor(legs: legs([1, -2, -1, 1])) }
        #expect(throws: IronCondorError.invalidLeg(leg: .putWing, field: "quantity", reason: "must not be 0")) { try IronCondor(legs: legs([0, -1, -1, 1])) }
        let t = Instant(unixSeconds: 1_700_000_000)
        #expect(throws: IronCondorError.expiryMismatch(leg: .callWing)) {
            try IronCondor(legs: legs(ok, expiries: [t, t, t, t.adding(seconds: 86_400)]))
        }
        #expect(throws: IronCondorError.self) { try IronCondor(legs: legs(ok, premium: -1)) }
        #expect(throws: IronCondorError.self) { try IronCondor(legs: legs(ok, strikes: [0, 4950, 5050, 5100])) }
        #expect(throws: IronCondorError.invalidMultiplier(0)) { try IronCondor(legs: legs(ok), multiplier: 0) }
        #expect(throws: IronCondorError.self) { try OptionLeg(optionType: "straddle", strike: "1", quantity: "1", premium: "1") }
        #expect(throws: IronCondorError.self) { try OptionLeg(optionType: "put", strike: "1e3", quantity: "1", premium: "1") }
        #expect(throws: IronCondorError.self) { try OptionLeg(optionType: "put", strike: "1000", quantity: "1.5", premium: "1") }
        // Same expiry everywhere is accepted.
        #expect(try IronCondor(legs: legs(ok, expiries: [t, t, t, t])).expiry == t)
    }

    @Test("aggregated greeks: signed contracts × multiplier per leg")
    func greeks() throws {
        let ic = try IronCondor(strikes: (4900, 4950, 5050, 5100), premiums: (1, 2, 2, 1), contracts: 2)
        let g = OptionGreeks(price: 1, delta: 0.1, gamma: 0.01, vega: 2, thetaPerYear: -36.5, rho: 0.5)
        let h = OptionGreeks(price: 3, delta: 0.3, gamma: 0.02, vega: 5, thetaPerYear: -73, rho: 1)
        let total = ic.greeks(putWing: g, putBody: h, callBody: h, callWing: g)
        // (+2·g − 2·h − 2·h + 2·g) × 100
        #expect(isClose(total.delta, 400 * 0.1 - 400 * 0.3, relative: 1e-12))
        #expect(isClose(total.thetaPerDay, (400 * -36.5 - 400 * -73) / 365, relative: 1e-12))
        #expect(isClose(total.vega, 400 * 2 - 400 * 5, relative: 1e-12))
        #expect(isClose(total.price, 400 * 1 - 400 * 3, relative: 1e-12))
    }
}
