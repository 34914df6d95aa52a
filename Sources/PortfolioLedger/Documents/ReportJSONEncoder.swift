/// The one JSON encoder configuration the CLI uses: any `Encodable` to ordered, pretty-printed
/// JSON text in one pass over the value.
///
/// - Object members appear in the order `encode(to:)` writes them (synthesized `Codable` writes
///   stored properties in declaration order), so key order is deterministic without sorting.
/// - `encodeIfPresent` writes `null` for an absent optional, so a document's key set is stable.
/// - `Double` is written in Swift's shortest round-trip form; NaN and ±∞ become `null`.
/// - Integers are integers, strings are escaped like `JSONString.quoted(_:)`.
/// - Two-space indentation, `"key": value`, arrays of scalars on one line.
///
/// Exact decimals (`ExactDecimal`) and instants (`Instant`) encode as strings, as they do with
/// Foundation's `JSONEncoder`, so `JSONDecoder` reads a document back.
///
/// The ``Style/compact`` style is the JSON Lines journal's (docs/decisions.md, JOURNAL-1): one
/// line, no spaces (`{"type":"nft","chain":"ethereum"}`), and an absent optional is omitted
/// (`encodeIfPresent` writes nothing) instead of `null`; everything else is as above.
public struct ReportJSONEncoder: Sendable {
    /// How the text is laid out and what an absent optional writes.
    public enum Style: Sendable {
        /// Reports: two-space indentation, `"key": value`, `null` for an absent optional.
        case pretty
        /// The journal: one line without spaces, an absent optional omitted.
        case compact
    }

    /// The output style.
    public let style: Style

    /// An encoder of `style` (reports use the default, ``Style/pretty``).
    public init(style: Style = .pretty) { self.style = style }

    /// `value` as JSON text in the encoder's style.
    public func encode<T: Encodable>(_ value: T) throws -> String {
        let tree = try tree(value)
        return style == .compact ? tree.compact : tree.rendered
    }

    /// `value` as an ordered JSON tree, for views that walk a document (tables, HTML).
    public func tree<T: Encodable>(_ value: T) throws -> ReportJSONValue {
        let node = JSONNode()
        try JSONTreeEncoder.encode(value, into: node, codingPath: [], omitsAbsent: style == .compact)
        return node.value
    }
}

/// A mutable node of the tree being built; containers share it by reference.
final class JSONNode {
    enum Content {
        case unset
        case scalar(ReportJSONValue)
        case object([(String, JSONNode)])
        case array([JSONNode])
    }

    var content: Content = .unset

    var value: ReportJSONValue {
        switch content {
        case .unset: .object([])
        case .scalar(let v): v
        case .object(let members): .object(members.map { (key: $0.0, value: $0.1.value) })
        case .array(let items): .array(items.map(\.value))
        }
    }

    func makeObject() {
        if case .object = content { return }
        content = .object([])
    }

    func makeArray() {
        if case .array = content { return }
        content = .array([])
    }

    /// A new member `key` at the end (a key written twice appears twice, as a query's repeated column does).
    func child(for key: String) -> JSONNode {
        makeObject()
        guard case .object(var members) = content else { preconditionFailure("not an object") }
        let node = JSONNode()
        members.append((key, node))
        content = .object(members)
        return node
    }

    func appendChild() -> JSONNode {
        makeArray()
        guard case .array(var items) = content else { preconditionFailure("not an array") }
        let node = JSONNode()
        items.append(node)
        content = .array(items)
        return node
    }

    var count: Int {
        if case .array(let items) = content { return items.count }
        return 0
    }
}

struct JSONKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
}

struct JSONTreeEncoder: Encoder {
    let node: JSONNode
    let codingPath: [any CodingKey]
    /// Whether `encodeIfPresent` of an absent value writes nothing (the compact style) or `null`.
    let omitsAbsent: Bool
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// Writes `value` into `node`: scalars directly, anything else through its `encode(to:)`.
    static func encode<T: Encodable>(_ value: T, into node: JSONNode, codingPath: [any CodingKey], omitsAbsent: Bool) throws {
        if let scalar = scalar(value) {
            node.content = .scalar(scalar)
            return
        }
        try value.encode(to: JSONTreeEncoder(node: node, codingPath: codingPath, omitsAbsent: omitsAbsent))
    }

    static func scalar(_ value: Any) -> ReportJSONValue? {
        switch value {
        case let v as Bool: .bool(v)
        case let v as String: .string(v)
        case let v as Int: .integer(v)
        case let v as Int64: .integer(Int(v))
        case let v as Int32: .integer(Int(v))
        case let v as Int16: .integer(Int(v))
        case let v as Int8: .integer(Int(v))
        case let v as UInt: .integer(Int(clamping: v))
        case let v as UInt64: .integer(Int(clamping: v))
        case let v as UInt32: .integer(Int(v))
        case let v as UInt16: .integer(Int(v))
        case let v as UInt8: .integer(Int(v))
        case let v as Double: .number(v)
        case let v as Float: .number(Double(v))
        default: nil
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.makeObject()
        return KeyedEncodingContainer(KeyedContainer<Key>(node: node, codingPath: codingPath, omitsAbsent: omitsAbsent))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.makeArray()
        return UnkeyedContainer(node: node, codingPath: codingPath, omitsAbsent: omitsAbsent)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueContainer(node: node, codingPath: codingPath, omitsAbsent: omitsAbsent)
    }
}

struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: JSONNode
    let codingPath: [any CodingKey]
    let omitsAbsent: Bool

    mutating func encodeNil(forKey key: Key) throws { node.child(for: key.stringValue).content = .scalar(.null) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try JSONTreeEncoder.encode(value, into: node.child(for: key.stringValue), codingPath: codingPath + [key], omitsAbsent: omitsAbsent)
    }

    /// Writes `null` for an absent value, so the key is always present; in the compact style
    /// writes nothing (the journal omits an absent key).
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws { try optional(value, key) }
    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try optional(value, key) }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try optional(value, key) }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try optional(value, key) }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try optional(value, key) }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try optional(value, key) }
    mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try optional(value, key) }
    mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try optional(value, key) }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try optional(value, key) }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try optional(value, key) }
    mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { try optional(value, key) }
    mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try optional(value, key) }
    mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try optional(value, key) }
    mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try optional(value, key) }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try optional(value, key) }

    private mutating func optional<T: Encodable>(_ value: T?, _ key: Key) throws {
        guard let value else { return omitsAbsent ? () : try encodeNil(forKey: key) }
        try encode(value, forKey: key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type,
                                                        forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let child = node.child(for: key.stringValue)
        child.makeObject()
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(node: child, codingPath: codingPath + [key], omitsAbsent: omitsAbsent))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = node.child(for: key.stringValue)
        child.makeArray()
        return UnkeyedContainer(node: child, codingPath: codingPath + [key], omitsAbsent: omitsAbsent)
    }

    mutating func superEncoder() -> any Encoder {
        JSONTreeEncoder(node: node.child(for: "super"), codingPath: codingPath + [JSONKey(stringValue: "super")], omitsAbsent: omitsAbsent)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        JSONTreeEncoder(node: node.child(for: key.stringValue), codingPath: codingPath + [key], omitsAbsent: omitsAbsent)
    }
}

struct UnkeyedContainer: UnkeyedEncodingContainer {
    let node: JSONNode
    let codingPath: [any CodingKey]
    let omitsAbsent: Bool
    var count: Int { node.count }

    mutating func encodeNil() throws { node.appendChild().content = .scalar(.null) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let key = JSONKey(intValue: count)
        try JSONTreeEncoder.encode(value, into: node.appendChild(), codingPath: codingPath + [key], omitsAbsent: omitsAbsent)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let key = JSONKey(intValue: count)
        let child = node.appendChild()
        child.makeObject()
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(node: child, codingPath: codingPath + [key], omitsAbsent: omitsAbsent))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let key = JSONKey(intValue: count)
        let child = node.appendChild()
        child.makeArray()
        return UnkeyedContainer(node: child, codingPath: codingPath + [key], omitsAbsent: omitsAbsent)
    }

    mutating func superEncoder() -> any Encoder {
        let key = JSONKey(intValue: count)
        return JSONTreeEncoder(node: node.appendChild(), codingPath: codingPath + [key], omitsAbsent: omitsAbsent)
    }
}

struct SingleValueContainer: SingleValueEncodingContainer {
    let node: JSONNode
    let codingPath: [any CodingKey]
    let omitsAbsent: Bool

    mutating func encodeNil() throws { node.content = .scalar(.null) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try JSONTreeEncoder.encode(value, into: node, codingPath: codingPath, omitsAbsent: omitsAbsent)
    }
}
