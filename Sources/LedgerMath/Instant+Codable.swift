extension Instant: Codable {
    /// Decodes from an ISO-8601 UTC string in the grammar of `ISO8601.parse(_:)`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try ISO8601.parse(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    /// Encodes the ISO-8601 UTC text (`description`), e.g. `"2024-03-01T16:00:00Z"`, as a string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
