/// Reads an entry type's keys, value shapes and which keys are required from the type's own
/// `init(from:)` (Journal/JournalEntries.swift), so ``JournalSchema`` names no key a second time.
///
/// The probe is a decoder that answers every request with a placeholder value and records it: a
/// key read with `decode` is required, one read with `decodeIfPresent` optional; `String` is
/// text, `Int`/`Int64` an integer, `Double` a number, ``JournalNumber`` an observation,
/// ``JournalTerms`` loan terms, an array its element's shape, any other type a nested object
/// probed the same way.
enum JournalSchemaProbe {
    /// The keys `T.init(from:)` reads, with their shapes.
    static func fields<T: Decodable>(of type: T.Type) -> [String: JournalSchema.Field] {
        let recorder = Recorder()
        do {
            _ = try T(from: ProbeDecoder(recorder: recorder))
        } catch {
            preconditionFailure("the journal schema cannot be read from \(T.self): \(error)")
        }
        return recorder.fields
    }

    /// The shape of a value of type `T`, and a placeholder value.
    static func probe<T: Decodable>(_ type: T.Type) throws -> (JournalSchema.Shape, T) {
        func placeholder(_ value: Any) throws -> T {
            guard let value = value as? T else { throw ProbeError(type: "\(T.self)") }
            return value
        }
        if T.self == String.self { return (.string, try placeholder("")) }
        if T.self == Int.self { return (.integer, try placeholder(0)) }
        if T.self == Int64.self { return (.integer, try placeholder(Int64(0))) }
        if T.self == Double.self { return (.number, try placeholder(0.0)) }
        if T.self == JournalNumber.self { return (.observation, try placeholder(JournalNumber(0))) }
        if T.self == JournalTerms.self { return (.terms, try placeholder(JournalTerms(values: [:]))) }
        if let array = T.self as? any ProbedArray.Type { return (.array(try array.elementShape()), try placeholder(array.empty)) }
        let recorder = Recorder()
        let value = try T(from: ProbeDecoder(recorder: recorder))
        return (.object(recorder.fields), value)
    }

    struct ProbeError: Error { var type: String }

    final class Recorder {
        var fields: [String: JournalSchema.Field] = [:]
        /// Keys asked about with `contains` (what `decodeIfPresent` does before decoding).
        var optional: Set<String> = []
    }

    struct ProbeDecoder: Decoder {
        let recorder: Recorder
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            KeyedDecodingContainer(Keyed<Key>(recorder: recorder))
        }

        func unkeyedContainer() throws -> any UnkeyedDecodingContainer { throw ProbeError(type: "an unkeyed container") }
        func singleValueContainer() throws -> any SingleValueDecodingContainer { throw ProbeError(type: "a single value") }
    }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let recorder: Recorder
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { [] }

        func contains(_ key: Key) -> Bool {
            recorder.optional.insert(key.stringValue)
            return true
        }

        func decodeNil(forKey key: Key) throws -> Bool { false }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            let (shape, value) = try JournalSchemaProbe.probe(T.self)
            recorder.fields[key.stringValue] = JournalSchema.Field(shape: shape, required: !recorder.optional.contains(key.stringValue))
            return value
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            throw ProbeError(type: "a nested container")
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { throw ProbeError(type: "a nested container") }
        func superDecoder() throws -> any Decoder { throw ProbeError(type: "a super decoder") }
        func superDecoder(forKey key: Key) throws -> any Decoder { throw ProbeError(type: "a super decoder") }
    }
}

extension JournalEntryBody {
    /// The entry type's keys with their shapes, as ``JournalSchema`` checks them.
    static var schemaFields: [String: JournalSchema.Field] { JournalSchemaProbe.fields(of: Self.self) }
}

/// An array type, for the probe to read its element's shape.
protocol ProbedArray {
    static func elementShape() throws -> JournalSchema.Shape
    static var empty: Self { get }
}

extension Array: ProbedArray where Element: Decodable {
    static func elementShape() throws -> JournalSchema.Shape { try JournalSchemaProbe.probe(Element.self).0 }
    static var empty: Self { [] }
}
