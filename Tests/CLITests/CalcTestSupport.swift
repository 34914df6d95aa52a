import LedgerTestSupport
import Foundation
import Testing

/// Runs `portfolio-ledger calc …` (the built binary, as a user would).
func calc(_ arguments: [String]) throws -> CLIRunner.Result {
    try CLIRunner.run(["calc"] + arguments)
}

extension TemporaryDirectory {
    /// Writes `text` (bytes as given: BOM, CRLF and all) to `name` here and returns the path.
    func write(_ name: String, _ text: String) throws -> String {
        let path = self.path(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}

/// JSON output as Foundation values (`[String: Any]`, `[Any]`, numbers, strings, `NSNull`).
func parseJSON(_ text: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
}

/// The keys of the first JSON object in `text`, in the order they are written (one per line,
/// as the CLI prints them): the order is part of the contract.
func keysInOrder(_ text: String) -> [String] {
    var keys: [String] = []
    for line in text.split(separator: "\n") {
        if line.hasPrefix("  }") { break }
        guard line.hasPrefix("  \"") || line.hasPrefix("    \""), let colon = line.range(of: "\": ") else { continue }
        let key = line[line.startIndex..<colon.lowerBound].drop { $0 == " " || $0 == "\"" }
        keys.append(String(key))
    }
    return keys
}

/// `|a − b| ≤ max(relative·|b|, absolute)`: the fixtures' tolerance (see Fixtures/README.md).
func isClose(_ a: Double, _ b: Double, relative: Double = 1e-9, absolute: Double = 1e-10) -> Bool {
    abs(a - b) <= max(relative * abs(b), absolute)
}

/// A decimal string without trailing fractional zeros (`1550.00` → `1550`), to compare exact
/// decimals written by different tools.
func canonicalDecimal(_ text: String) -> String {
    guard text.contains(".") else { return text }
    var t = Substring(text)
    while t.hasSuffix("0") { t = t.dropLast() }
    if t.hasSuffix(".") { t = t.dropLast() }
    return t == "-0" ? "0" : String(t)
}

/// The reference fixtures committed with LedgerMath's tests.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("LedgerMathTests/Fixtures")

    /// Rows of a fixture CSV (plain: no quoted fields) keyed by column name.
    static func csvRows(_ name: String) throws -> [[String: String]] {
        let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        let lines = text.split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        guard let header = lines.first else { return [] }
        return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    static func json(_ name: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent(name)))
    }
}

/// `YYYY-MM-DD` of 2024-01-15 plus `days` (the options fixtures' evaluation date and expiries).
func fixtureExpiry(days: Int) -> String {
    let start = 19_737   // days from 1970-01-01 to 2024-01-15
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withFullDate]
    return formatter.string(from: Date(timeIntervalSince1970: TimeInterval((start + days) * 86_400)))
}
