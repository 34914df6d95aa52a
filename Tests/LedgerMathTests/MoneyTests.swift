import Foundation
import Testing
@testable import LedgerMath

@Suite("Currency and Money")
struct MoneyTests {
    @Test("valid codes", arguments: ["ETH", "WETH", "USDC", "USD", "DAI", "PETH", "USDT", "1INCH", "ABCDEFGHIJ"])
    func validCodes(code: String) throws {
        #expect(try Currency(code).code == code)
    }

    @Test("invalid codes", arguments: ["", "E", "eth", "Usd", "US D", "ETH!", "ABCDEFGHIJK", "ÉTH", "12", "US-D"])
    func invalidCodes(code: String) {
        #expect(throws: Currency.InvalidCode.self) { try Currency(code) }
    }

    @Test("arithmetic refuses mixed currencies")
    func mixing() throws {
        let eth = try Currency("ETH")
        let usd = try Currency("USD")
        let a = Money(try exact("20"), eth)
        let b = Money(try exact("0.328767123287671232"), eth)
        #expect(try (a + b).description == "20.328767123287671232 ETH")
        #expect(try (a - b).amount == exact("19.671232876712328768"))
        #expect(throws: Money.CurrencyMismatch(lhs: eth, rhs: usd, operation: "add")) { try a + Money(1, usd) }
        #expect(throws: Money.CurrencyMismatch.self) { try a - Money(1, usd) }
        #expect(throws: Money.CurrencyMismatch.self) { try Money.sum([a, Money(1, usd)], in: eth) }
        #expect(try a.isLess(than: Money(21, eth)))
        #expect(a.converted(to: usd, rate: try exact("3012.345"), scale: 2, mode: .halfEven).description == "60246.9 USD")
    }

    @Test("Codable keeps amounts as strings")
    func codable() throws {
        let m = Money(try exact("1.50"), try Currency("USDC"))
        let data = try JSONEncoder().encode(m)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""amount":"1.5""#))
        #expect(try JSONDecoder().decode(Money.self, from: data) == m)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Money.self, from: Data(#"{"amount":"1","currency":"usd"}"#.utf8))
        }
    }
}
