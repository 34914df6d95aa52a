/// A currency or token code: 2–10 characters of uppercase ASCII letters and digits
/// (`ETH`, `WETH`, `USDC`, `USD`, `DAI`, `PETH`, `1INCH`).
///
/// Codes are case-sensitive by design: `usdc` is refused rather than silently upper-cased, so two
/// spellings of one asset cannot both end up in a ledger.
public struct Currency: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let code: String

    /// The reason a text is not a valid currency code.
    public struct InvalidCode: Error, Sendable, Equatable, CustomStringConvertible {
        public var text: String
        public var reason: String
        public var description: String { "'\(text)' is not a currency code: \(reason)" }
    }

    public init(_ code: String) throws(InvalidCode) {
        let bytes = Array(code.utf8)
        guard (2...10).contains(bytes.count) else {
            throw InvalidCode(text: code, reason: "must be 2 to 10 characters, has \(code.count)")
        }
        for b in bytes where !((b >= 65 && b <= 90) || (b >= 48 && b <= 57)) {
            throw InvalidCode(text: code, reason: "only uppercase ASCII letters A-Z and digits 0-9 are accepted")
        }
        guard bytes.contains(where: { $0 >= 65 && $0 <= 90 }) else {
            throw InvalidCode(text: code, reason: "must contain at least one letter")
        }
        self.code = code
    }

    /// A code known to be valid (the constants below), without the throwing validation.
    private init(validated code: String) { self.code = code }
    /// US dollar.
    public static let usd = Currency(validated: "USD")
    /// Ether.
    public static let eth = Currency(validated: "ETH")

    public var description: String { code }
    public static func < (lhs: Currency, rhs: Currency) -> Bool { lhs.code < rhs.code }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do { self = try Currency(text) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(code)
    }
}
