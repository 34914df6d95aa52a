/// The keys and value types of every JSON Lines entry, at every depth (docs/import.md), read
/// from the entry types (Journal/JournalEntries.swift) by ``JournalSchemaProbe``.
///
/// A line is checked against it before it is decoded: an unknown key anywhere, a value of the
/// wrong type (`1.5` or a 30-digit number where an integer goes, a number where money goes) or a
/// missing key is refused naming the key path as written in the file and the expected type.
enum JournalSchema {
    indirect enum Shape: Sendable {
        /// Text (money, decimals and instants are strings: a JSON number is lossy).
        case string
        /// A JSON integer that fits 64 bits.
        case integer
        /// A finite JSON number (a ratio such as `max_ltv`).
        case number
        /// An observation: a JSON number or a decimal string.
        case observation
        case object([String: Field])
        case array(Shape)
        /// Loan terms: `model` and the model's own keys, every value a string.
        case terms

        var expected: String {
            switch self {
            case .string: "a JSON string (money, decimals and instants are strings: a JSON number is lossy)"
            case .integer: "a JSON integer"
            case .number: "a JSON number"
            case .observation: "a JSON number or a decimal string"
            case .object: "a JSON object"
            case .array: "a JSON array"
            case .terms: "a JSON object of strings with a \"model\""
            }
        }
    }

    struct Field: Sendable {
        var shape: Shape
        var required: Bool
    }

    private static func req(_ shape: Shape) -> Field { Field(shape: shape, required: true) }
    private static func opt(_ shape: Shape) -> Field { Field(shape: shape, required: false) }

    /// The keys of each model's terms (besides `model`), from the one terms codec.
    static let termKeys: [String: Set<String>] = Dictionary(
        uniqueKeysWithValues: InterestModelKind.allCases.map { ($0.rawValue, Set(LoanTermsCoding.keys(of: $0))) })

    /// Every entry type's keys besides `type`, `ref` and `recorded_at` (which every line may have):
    /// read from the entry types themselves (``JournalSchemaProbe``), so a key is named once.
    static let entries: [String: [String: Field]] = Dictionary(
        uniqueKeysWithValues: JournalEntries.all().map { ($0.type, $0.body.schemaFields) })

    /// Keys every line may carry.
    static let common: [String: Field] = ["type": req(.string), "ref": opt(.string), "recorded_at": opt(.string)]

    /// Checks a line's members against its entry type's keys. `what` names the entry in errors.
    static func check(_ members: [(key: String, value: StrictJSON)], type: String) throws(StrictJSONError) {
        guard let fields = entries[type] else { return }
        try check(members, fields.merging(common) { a, _ in a }, path: [], what: "a \(type) entry")
    }

    private static func check(_ members: [(key: String, value: StrictJSON)], _ fields: [String: Field], path: [String],
                              what: String) throws(StrictJSONError) {
        for (key, value) in members {
            let here = path + [key]
            guard let field = fields[key] else {
                throw StrictJSONError(path: StrictJSONParser.join(here),
                                      reason: "not a key of \(what) (known: \(fields.keys.filter { $0 != "type" }.sorted().joined(separator: ", ")))")
            }
            if case .null = value {
                if field.required { throw StrictJSONError(path: StrictJSONParser.join(here), reason: "null; a value is required") }
                continue
            }
            try check(value, field.shape, path: here)
        }
        for (key, field) in fields.sorted(by: { $0.key < $1.key }) where field.required && !members.contains(where: { $0.key == key }) {
            throw StrictJSONError(path: StrictJSONParser.join(path + [key]), reason: "missing; this entry requires it")
        }
    }

    private static func check(_ value: StrictJSON, _ shape: Shape, path: [String]) throws(StrictJSONError) {
        func wrong() -> StrictJSONError {
            StrictJSONError(path: StrictJSONParser.join(path), reason: "expected \(shape.expected), found \(value.typeName)")
        }
        switch (shape, value) {
        case (.string, .string), (.observation, .string), (.observation, .number):
            return
        case (.integer, .number(let text)):
            guard !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) else {
                throw StrictJSONError(path: StrictJSONParser.join(path), reason: "expected a JSON integer, found \(text.prefix(40))")
            }
            guard Int64(text) != nil else {
                throw StrictJSONError(path: StrictJSONParser.join(path), reason: "expected a JSON integer; \(text.prefix(40)) is too large")
            }
        case (.number, .number(let text)):
            guard let number = Double(text), number.isFinite else {
                throw StrictJSONError(path: StrictJSONParser.join(path), reason: "expected a finite JSON number; \(text.prefix(40)) is out of range")
            }
        case (.object(let fields), .object(let members)):
            try check(members, fields, path: path, what: "\(StrictJSONParser.join(path))")
        case (.array(let element), .array(let elements)):
            for (index, item) in elements.enumerated() { try check(item, element, path: path + ["[\(index)]"]) }
        case (.terms, .object(let members)):
            try checkTerms(members, path: path)
        default:
            throw wrong()
        }
    }

    private static func checkTerms(_ members: [(key: String, value: StrictJSON)], path: [String]) throws(StrictJSONError) {
        guard let model = members.first(where: { $0.key == "model" }) else {
            throw StrictJSONError(path: StrictJSONParser.join(path + ["model"]), reason: "missing; terms need a model (\(termKeys.keys.sorted().joined(separator: ", ")))")
        }
        guard case .string(let name) = model.value else {
            throw StrictJSONError(path: StrictJSONParser.join(path + ["model"]), reason: "expected a JSON string, found \(model.value.typeName)")
        }
        guard let keys = termKeys[name] else {
            throw StrictJSONError(path: StrictJSONParser.join(path + ["model"]),
                                  reason: "'\(name.prefix(40))' is not one of \(termKeys.keys.sorted().joined(separator: ", "))")
        }
        for (key, value) in members where key != "model" {
            guard keys.contains(key) else {
                throw StrictJSONError(path: StrictJSONParser.join(path + [key]),
                                      reason: "not a key of \(name) terms (known: \(keys.sorted().joined(separator: ", ")))")
            }
            guard case .string = value else {
                throw StrictJSONError(path: StrictJSONParser.join(path + [key]),
                                      reason: "expected a JSON string (terms values are strings, e.g. \"1200\"), found \(value.typeName)")
            }
        }
    }
}
