import Foundation
import Testing
@testable import LedgerMath

@Suite struct WilderRSITests {
    /// StockCharts ChartSchool's RSI worked example (Fixtures/rsi_stockcharts.csv, see its README).
    @Test func matchesTheStockChartsWorkedExample() throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil)).appendingPathComponent("rsi_stockcharts.csv")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst()
        var closes: [Double] = [], published: [Double?] = []
        for line in lines {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            closes.append(try #require(Double(cells[1])))
            published.append(Double(cells[2]))
        }
        #expect(closes.count == 33 && published.compactMap { $0 }.count == 19)
        let rsi = try WilderRSI.series(closes, period: 14)
        for (i, expected) in published.enumerated() {
            if let expected {
                let got = try #require(rsi[i]?.rsi)
                #expect(abs(got - expected) <= 0.005, "period \(i): \(got) vs \(expected)")
            } else {
                #expect(rsi[i] == nil)
            }
        }
        // First averages: gains and losses of the first 14 changes / 14 (Σ gains 3.3374, Σ losses 1.3943; StockCharts rounds to 0.24 and 0.10).
        let first = try #require(rsi[14])
        #expect(abs(first.averageGain - 3.33740 / 14) < 1e-12 && abs(first.averageLoss - 1.39430 / 14) < 1e-12)
        #expect(abs((first.rsi ?? 0) - 70.5328) < 5e-5) // TA-Lib's value
    }

    @Test func specialCases() throws {
        #expect(try WilderRSI.series((0..<20).map(Double.init), period: 14).last??.rsi == 100) // only gains
        #expect(try WilderRSI.series((0..<20).map { -Double($0) }, period: 14).last??.rsi == 0) // only losses
        #expect(try WilderRSI.series([Double](repeating: 5, count: 20), period: 14).last??.rsi == nil) // flat: undefined
        #expect(try WilderRSI.series([1, 2, 3], period: 14).allSatisfy { $0 == nil })
        #expect(throws: WilderRSI.InputError.notFinite(index: 1)) { try WilderRSI.series([1, .nan, 3]) }
        #expect(throws: WilderRSI.InputError.periodTooShort(0)) { try WilderRSI.series([1, 2, 3], period: 0) }
        // Period 1: RSI is 100 after a rise, 0 after a fall.
        let one = try WilderRSI.series([1, 2, 1], period: 1)
        #expect(one[1]?.rsi == 100)
        #expect(one[2]?.rsi == 0)
    }
}
