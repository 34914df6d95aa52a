/// A document member whose key is left out of the JSON when the value is absent.
///
/// A report's key set is stable (``ReportJSONEncoder`` writes `null` for an absent optional),
/// except for members that exist only for some books: the yield rows of a period that touches no
/// yield position, `wallet_scope` without `--wallet`, … Marking such a member
/// `@OmittedWhenAbsent` keeps the synthesized `Codable` (declaration order, the `CodingKeys`
/// names) and drops a hand-written `encode(to:)` per document. A `Value` that is itself optional
/// (`Double??`) distinguishes the key absent (`nil`) from `null` (`.some(nil)`).
@propertyWrapper
public struct OmittedWhenAbsent<Value: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    /// The value, or `nil` for the key absent.
    public var wrappedValue: Value?

    /// A member holding `wrappedValue`.
    public init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }

    /// A member with the key absent (the default of a member an initializer does not set).
    public init() { wrappedValue = nil }

    /// Reads the value where the wrapper is decoded on its own (not as a keyed member).
    public init(from decoder: any Decoder) throws {
        wrappedValue = try Value(from: decoder)
    }

    /// Writes the value where the wrapper is encoded on its own (not as a keyed member).
    public func encode(to encoder: any Encoder) throws {
        try wrappedValue.encode(to: encoder)
    }
}

extension KeyedEncodingContainer {
    /// Writes the member only when present (the synthesized `encode(to:)` calls this overload).
    public mutating func encode<Value>(_ member: OmittedWhenAbsent<Value>, forKey key: Key) throws {
        guard let value = member.wrappedValue else { return }
        try encode(value, forKey: key)
    }
}

extension KeyedDecodingContainer {
    /// Reads the member when its key is there (`null` included, for an optional `Value`); its
    /// absence is `nil` (the synthesized `init(from:)` calls this overload).
    public func decode<Value>(_ type: OmittedWhenAbsent<Value>.Type, forKey key: Key) throws -> OmittedWhenAbsent<Value> {
        OmittedWhenAbsent(wrappedValue: contains(key) ? try decode(Value.self, forKey: key) : nil)
    }
}
