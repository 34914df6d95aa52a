import BigInt

/// An ERC-721 token id: a uint256, kept as canonical decimal text (no leading zeros) so ids of
/// up to 78 digits survive SQLite, JSON and CSV unchanged.
public struct TokenID: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    /// The canonical decimal text.
    public let text: String

    private static let maxValue = (BigUInt(1) << 256) - 1

    /// Accepts decimal digits only, at most 2^256 − 1; leading zeros are removed.
    public init(_ text: String) throws(LedgerError) {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw .invalidValue(field: "token_id", reason: "'\(text.prefix(100))' is not a decimal token id (digits 0-9 only)")
        }
        guard text.count <= 100, let value = BigUInt(text, radix: 10), value <= TokenID.maxValue else {
            throw .invalidValue(field: "token_id", reason: "'\(text.prefix(100))' exceeds uint256")
        }
        self.text = value.description
    }

    public var description: String { text }

    public static func < (lhs: TokenID, rhs: TokenID) -> Bool {
        lhs.text.count != rhs.text.count ? lhs.text.count < rhs.text.count : lhs.text < rhs.text
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do { self = try TokenID(text) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
