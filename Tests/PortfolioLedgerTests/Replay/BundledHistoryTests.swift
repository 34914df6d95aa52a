import DemoData
import Foundation
import Testing

/// The history `replay` ships with is the shared folder's real data, not a copy that drifted:
/// the CryptoPunks summary byte for byte, the market files as the documented date slices.
@Suite struct BundledHistoryTests {
    static let real = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data/real")

    static func slice(_ path: String) throws -> String {
        let lines = try String(contentsOf: real.appendingPathComponent(path), encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let kept = lines.dropFirst().filter { $0.prefix(10) >= "2017-06-01" && $0.prefix(10) <= "2021-04-10" && !$0.isEmpty }
        return ([lines[0]] + kept).joined(separator: "\n") + "\n"
    }

    @Test func theBundledHistoryIsTheSharedData() throws {
        #expect(BundledHistory.punksDaily == (try String(contentsOf: Self.real.appendingPathComponent("nft/cryptopunks_daily_punksmarket.csv"), encoding: .utf8)))
        #expect(BundledHistory.ethUSD == (try Self.slice("market/eth_usd_daily_coingecko.csv")))
        #expect(BundledHistory.spx == (try Self.slice("market/spx_daily_close_fred.csv")))
        #expect(BundledHistory.vix == (try Self.slice("market/vix_daily_cboe.csv")))
    }
}
