/// Call or put. Raw values are the spellings used in SQL, CSV and JSON.
public enum OptionType: String, Sendable, Hashable, CaseIterable, Codable {
    case call
    case put
}
