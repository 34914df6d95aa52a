import Foundation
import LedgerMath
import LedgerTestSupport
import Testing
import PortfolioLedger

/// The `calc` documents round-trip; the option's `implied_vol` key only when solved for.
@Suite struct CalcDocumentTests {
    @Test func calcDocumentsRoundTrip() throws {
        let d0 = try instant("2024-01-01"), d1 = try instant("2025-01-01")
        let xirr = XIRRCalcDocument(XIRR.solve(dates: [d0, d1], amounts: [-100, 110], basis: .days), flows: 2)
        try expectRoundTrip(xirr)
        #expect(xirr.status == "ok")
        try expectRoundTrip(XIRRCalcDocument(XIRR.solve(dates: [d0], amounts: [-100], basis: .days), flows: 1))

        let loan = LoanCalcDocument(model: "fixed", start: d0, at: d0, principal: try dec("20"), debt: try dec("20"))
        let loanText = try expectRoundTrip(loan)
        #expect(loanText.contains("\"effective_apr\": null") && loan.interest == .zero)

        let greeks = OptionGreeks(price: 1.5, delta: 0.5, gamma: 0.01, vega: 10, thetaPerYear: -36.5, rho: 2)
        let given = try expectRoundTrip(OptionCalcDocument(greeks: greeks, intrinsic: 0, extrinsic: 1.5, timeToExpiry: 0.1, impliedVol: nil))
        #expect(!given.contains("implied_vol"))
        let solved = try expectRoundTrip(OptionCalcDocument(greeks: greeks, intrinsic: 0, extrinsic: 1.5, timeToExpiry: 0.1, impliedVol: 0.2))
        #expect(solved.contains("\"implied_vol\": 0.2"))

        let condor = try IronCondor(legs: try condorLegs(["4700", "4750", "5050", "5100"], premiums: ["1.2", "3.2", "2.8", "0.9"],
                                                         expiry: d1), multiplier: 100)
        let condorDocument = CondorCalcDocument(condor, settlements: [try dec("4900")])
        try expectRoundTrip(condorDocument)
        #expect(condorDocument.pnlAtExpiry.count == 1)
    }
}
