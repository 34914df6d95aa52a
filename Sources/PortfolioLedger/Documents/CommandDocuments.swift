import LedgerMath

/// One recorded buffer policy.
public struct BufferPolicyRecordDocument: Codable, Sendable, Equatable {
    /// The policy id.
    public var id: Int64
    /// What it applies to.
    public var scope: String
    /// When it takes effect.
    public var effectiveAt: Instant
    /// Minimum health factor.
    public var minHealthFactor: Double?
    /// Maximum LTV.
    public var maxLTV: Double?
    /// When it was recorded.
    public var recordedAt: Instant
    /// The note, if any.
    public var note: String?

    enum CodingKeys: String, CodingKey {
        case id, scope, effectiveAt = "effective_at", minHealthFactor = "min_health_factor", maxLTV = "max_ltv"
        case recordedAt = "recorded_at", note
    }

    /// The document of `policy`.
    public init(_ p: BufferPolicyRecord) {
        id = p.id.rawValue
        scope = p.scope.description
        effectiveAt = p.effectiveAt
        minHealthFactor = p.target.minHealthFactor.finiteOrNil
        maxLTV = p.target.maxLTV.finiteOrNil
        recordedAt = p.recordedAt
        note = p.note
    }
}

/// `policy list`: every recorded buffer policy.
public struct PolicyListDocument: Codable, Sendable, Equatable {
    /// Always `policies`.
    public var report = "policies"
    /// The policies.
    public var policies: [BufferPolicyRecordDocument]

    /// The document of `policies`.
    public init(_ policies: [BufferPolicyRecord]) {
        self.policies = policies.map(BufferPolicyRecordDocument.init)
    }
}

/// One value of a query result in JSON: integers and reals as numbers, text as strings (booked
/// money is exact decimal TEXT), a blob as its hex string, NULL as `null`.
public enum QueryValueDocument: Codable, Sendable, Equatable {
    /// An integer.
    case integer(Int64)
    /// A real.
    case real(Double)
    /// Text (or a blob's hex).
    case text(String)
    /// NULL.
    case null

    /// The document of `value`.
    public init(_ value: UntrustedQuery.Value) {
        switch value {
        case .integer(let v): self = .integer(v)
        case .real(let v): self = v.isFinite ? .real(v) : .null
        case .text(let v): self = .text(v)
        case .blob(let v): self = .text(v.map { byte in String(byte, radix: 16).count == 1 ? "0" + String(byte, radix: 16) : String(byte, radix: 16) }.joined())
        case .null: self = .null
        }
    }

    /// Reads a number (an integer when it is one), a string or `null`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let text = try? c.decode(String.self) {
            self = .text(text)
        } else if let integer = try? c.decode(Int64.self) {
            self = .integer(integer)
        } else {
            self = .real(try c.decode(Double.self))
        }
    }

    /// Writes the value.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .integer(let v): try c.encode(v)
        case .real(let v): try c.encode(v)
        case .text(let v): try c.encode(v)
        case .null: try c.encodeNil()
        }
    }
}

/// One row of `query --format json`: an object with the result's columns in order.
public struct QueryRowDocument: Codable, Sendable, Equatable {
    /// The column names, in order (a name may repeat, as SQL allows).
    public var columns: [String]
    /// The values, one per column.
    public var values: [QueryValueDocument]

    /// The document of one row of `values` under `columns`.
    public init(columns: [String], values: [UntrustedQuery.Value]) {
        self.columns = columns
        self.values = values.map(QueryValueDocument.init)
    }

    /// Reads the members sorted by column name (JSON objects carry no order a decoder keeps).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: JSONKey.self)
        let keys = c.allKeys.sorted { $0.stringValue < $1.stringValue }
        columns = keys.map(\.stringValue)
        values = try keys.map { try c.decode(QueryValueDocument.self, forKey: $0) }
    }

    /// Writes one member per column, in order.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: JSONKey.self)
        for (column, value) in zip(columns, values) { try c.encode(value, forKey: JSONKey(stringValue: column)) }
    }
}

extension JSONString {
    /// `strings` as one compact JSON array (`["a","b"]`, no spaces), as an HTML attribute value holds it.
    public static func compactArray(_ strings: [String]) -> String {
        "[" + strings.map(quoted).joined(separator: ",") + "]"
    }
}
