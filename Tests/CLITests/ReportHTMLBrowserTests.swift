import Foundation
import LedgerTestSupport
import PortfolioLedger
import Testing

/// `report html` opened in a real browser: Debian's headless Chromium, driven over the DevTools
/// protocol by `Browser/page_probe.py` (standard library only; `.ci/run` installs `chromium`).
/// A missing Chromium fails these tests, naming the package — they are never skipped.
@Suite(.serialized) struct ReportHTMLBrowserTests {
    static let at = "2021-04-05T23:59:59Z"
    static let market = ["--rate", "0.001", "--dividend-yield", "0.015"]

    @Test func theDemoPageLoadsOfflineWithoutErrorsAndShowsTheJSONReportsNumbers() throws {
        let scratch = TemporaryDirectory()
        let ledger = SharedDemoLedger.path
        let made = try CLIRunner.run(["report", "html", ledger, "--out", scratch.path("page"), "--at", Self.at] + Self.market)
        try #require(made.exitCode == 0, "\(made.stderr)")
        let page = scratch.path("page/index.html")
        let result = try BrowserProbe.open(page, screenshot: scratch.path("overview.png"))

        #expect(result.console.isEmpty, "console errors: \(result.console)")
        #expect(result.exceptions.isEmpty, "uncaught exceptions: \(result.exceptions)")
        #expect(result.dialogs.isEmpty)
        #expect(result.requests == [result.url], "the page asked for more than itself: \(result.requests)")
        let probe = result.probe
        #expect(probe["sections"] as? [String] == ["overview", "loans", "hedges", "statements", "risk", "prices", "footer"])
        let headings = probe["headings"] as? [String] ?? []
        for expected in ["Loan 1", "Loan 2", "Hedge 1", "Income statement", "Balance sheet", "Break-even", "Collateral buffer"] {
            #expect(headings.contains { $0.hasPrefix(expected) }, "no heading '\(expected)' in \(headings)")
        }
        #expect((probe["problems"] as? [String])?.isEmpty == true, "sections not available: \(probe["problems"] ?? "")")
        #expect(probe["svgs"] as? Int == 6, "equity, 2 × (health, debt) and theta charts")
        #expect(probe["scripts"] as? Int == 1)
        let sort = probe["sort"] as? [String: Any]
        #expect(sort?["ascending"] as? Bool == true && sort?["descending"] as? Bool == true, "sorting: \(sort ?? [:])")
        let footer = probe["footer"] as? [String: String] ?? [:]
        #expect(footer["ledger file"] == ledger)
        #expect(footer["schema version"] == String(LedgerFile.schemaVersion))
        #expect(footer["at"] == Self.at)
        #expect(footer["as known at"]?.hasPrefix("–") == true)

        // Every bound value on the page equals the JSON of the command its section names.
        var compared = 0
        var jsonByCommand: [[String]: Any] = [:]
        for part in probe["parts"] as? [[String: Any]] ?? [] {
            let arguments = try #require(part["report"] as? [String])
            if jsonByCommand[arguments] == nil {
                let run = try CLIRunner.run(["report", arguments[0], ledger] + arguments.dropFirst() + ["--format", "json"])
                try #require(run.exitCode == 0, "\(arguments): \(run.stderr)")
                jsonByCommand[arguments] = try JSONSerialization.jsonObject(with: Data(JSONPath.numbersAsText(run.stdout).utf8))
            }
            let json = jsonByCommand[arguments]!
            for cell in part["values"] as? [[Any]] ?? [] {
                let path = cell[0] as! String, shown = cell[1] as! String, isNull = cell[2] as! Bool, text = cell[3] as! String
                let expected = JSONPath.lookup(json, path)
                #expect(JSONPath.matches(expected, shown: shown, isNull: isNull), "\(arguments[0]) \(path): page \(shown), JSON \(expected ?? "missing")")
                #expect(DisplayedNumber.isRounding(text, of: shown), "\(arguments[0]) \(path): shows \(text) for \(shown)")
                compared += 1
            }
        }
        #expect(compared > 1_000, "only \(compared) values compared")
        let png = try Data(contentsOf: URL(fileURLWithPath: scratch.path("overview.png")))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "the screenshot is not a PNG")
    }

    @Test func aHostileCollectionAndHedgeNameIsShownAsText() throws {
        let scratch = TemporaryDirectory()
        let hostile = "<script>alert(1)</script>"
        let examples = TestRequirement.packageRoot.appendingPathComponent("docs/examples/cli")
        let book = try String(contentsOf: examples.appendingPathComponent("book.jsonl"), encoding: .utf8)
            .replacingOccurrences(of: "\"name\":\"CryptoPunks\"", with: "\"name\":\"\(hostile)\"")
            .replacingOccurrences(of: "SPX Mar-2021 iron condor", with: hostile)
        try #require(book.contains(hostile))
        try book.write(toFile: scratch.path("book.jsonl"), atomically: true, encoding: .utf8)
        let ledger = scratch.path("hostile.ledger")
        for step in [["init", ledger],
                     ["import", ledger, "prices", examples.appendingPathComponent("eth.csv").path, "--preset", "eth-usd-coingecko"],
                     ["import", ledger, "jsonl", scratch.path("book.jsonl")],
                     ["report", "html", ledger, "--out", scratch.path("page"), "--at", "2021-02-01", "--flag-missing-prices"] + Self.market] {
            let run = try CLIRunner.run(step)
            try #require(run.exitCode == 0, "\(step): \(run.stderr)")
        }
        let page = scratch.path("page/index.html")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.components(separatedBy: "<script").count == 2, "only the page's own script may be a script element")
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        let result = try BrowserProbe.open(page, screenshot: scratch.path("hostile.png"))
        #expect(result.dialogs.isEmpty, "a name ran as script: \(result.dialogs)")
        #expect(result.console.isEmpty && result.exceptions.isEmpty, "\(result.console) \(result.exceptions)")
        #expect(result.probe["scripts"] as? Int == 1)
        let text = result.probe["text"] as? String ?? ""
        #expect(text.components(separatedBy: hostile).count > 2, "the hostile names are not shown as text")
        #expect((result.probe["headings"] as? [String] ?? []).contains("Hedge 1 · \(hostile)"))
    }

    @Test func theOutputDirectoryIsCheckedAndAnExistingPageNeedsForce() throws {
        let scratch = TemporaryDirectory()
        let ledger = SharedDemoLedger.path
        #expect(FileManager.default.createFile(atPath: scratch.path("file"), contents: Data()))
        let onFile = try CLIRunner.run(["report", "html", ledger, "--out", scratch.path("file"), "--at", Self.at])
        #expect(onFile.exitCode == 64 && onFile.stderr.contains("is a file, not a directory"), "\(onFile.stderr)")
        let first = try CLIRunner.run(["report", "html", ledger, "--out", scratch.path("page"), "--at", Self.at])
        #expect(first.exitCode == 0, "\(first.stderr)")
        let attributes = try FileManager.default.attributesOfItem(atPath: scratch.path("page/index.html"))
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let again = try CLIRunner.run(["report", "html", ledger, "--out", scratch.path("page"), "--at", Self.at])
        #expect(again.exitCode == 7 && again.stderr.contains("--force"), "\(again.stderr)")
        let forced = try CLIRunner.run(["report", "html", ledger, "--out", scratch.path("page"), "--at", Self.at, "--force"])
        #expect(forced.exitCode == 0, "\(forced.stderr)")
        let badStep = try CLIRunner.run(["report", "html", ledger, "--out", scratch.path("page2"), "--equity-step-days", "0"])
        #expect(badStep.exitCode == 64 && badStep.stderr.contains("--equity-step-days"), "\(badStep.stderr)")
    }
}

/// What `Browser/page_probe.py` reports about one page.
struct BrowserProbe {
    var console: [[String: String]]
    var exceptions: [String]
    var requests: [String]
    var dialogs: [String]
    var url: String
    var probe: [String: Any]

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Browser/page_probe.py").path

    static func open(_ page: String, screenshot: String) throws -> BrowserProbe {
        let chromium = try TestRequirement.program("chromium")
        let python = try TestRequirement.program("python3")
        let run = try CLIRunner.run(program: URL(fileURLWithPath: python), [script, chromium, page, screenshot])
        guard run.exitCode == 0, let result = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any] else {
            throw ProbeFailed(message: run.stderr)
        }
        return BrowserProbe(console: result["console"] as? [[String: String]] ?? [], exceptions: result["exceptions"] as? [String] ?? [],
                            requests: result["requests"] as? [String] ?? [], dialogs: result["dialogs"] as? [String] ?? [],
                            url: result["url"] as? String ?? "", probe: result["probe"] as? [String: Any] ?? [:])
    }

    struct ProbeFailed: Error, CustomStringConvertible {
        var message: String
        var description: String { "page_probe.py failed: \(message)" }
    }
}

/// Paths such as `loans[0].debt` into a parsed JSON document.
enum JSONPath {
    static func lookup(_ json: Any, _ path: String) -> Any? {
        var current: Any? = json
        for segment in path.split(separator: ".") {
            var name = Substring(segment)
            var indexes: [Int] = []
            while name.hasSuffix("]"), let open = name.lastIndex(of: "[") {
                indexes.insert(Int(name[name.index(after: open)..<name.index(before: name.endIndex)]) ?? -1, at: 0)
                name = name[..<open]
            }
            if !name.isEmpty { current = (current as? [String: Any])?[String(name)] }
            for index in indexes {
                guard let array = current as? [Any], array.indices.contains(index) else { return nil }
                current = array[index]
            }
        }
        return current
    }

    /// The page's `data-value` against the JSON value: strings equal, numbers equal as doubles
    /// (both read by Swift's own `Double(_:)`), booleans and null as such.
    static func matches(_ expected: Any?, shown: String, isNull: Bool) -> Bool {
        switch expected {
        case is NSNull: return isNull
        case let string as String where string.hasPrefix(numberMark):
            let literal = String(string.dropFirst(numberMark.count))
            return Double(shown) == Double(literal) && Double(literal) != nil
        case let string as String: return !isNull && string == shown
        case let number as NSNumber: return number.boolValue == (shown == "true") && (shown == "true" || shown == "false")
        default: return false
        }
    }

    static let numberMark = "\u{1}number:"

    /// The JSON text with every number literal turned into a marked string, so a number is compared
    /// as the text the report wrote: Foundation's JSON parser on Linux can be one ulp off the
    /// shortest round-trip text Swift writes (46.872434319295245 read back as a neighbour).
    static func numbersAsText(_ json: String) -> String {
        var out = ""
        var inString = false, escaped = false
        var number = ""
        for character in json {
            if inString {
                out.append(character)
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { inString = false }
                continue
            }
            if character == "-" || character == "+" || character == "." || character.isNumber || (!number.isEmpty && (character == "e" || character == "E")) {
                number.append(character)
                continue
            }
            if !number.isEmpty {
                out += "\"\\u0001number:\(number)\""
                number = ""
            }
            if character == "\"" { inString = true }
            out.append(character)
        }
        return out + (number.isEmpty ? "" : "\"\\u0001number:\(number)\"")
    }
}

/// A displayed number is the exact value rounded to the places it shows (thousands separators allowed).
enum DisplayedNumber {
    static func isRounding(_ text: String, of exact: String) -> Bool {
        guard let value = Double(exact), let shown = Double(text.replacingOccurrences(of: ",", with: "")) else { return true }
        if text.contains("e") || text.contains("E") { return abs(shown - value) <= abs(value) * 5e-3 }
        let places = text.split(separator: ".").dropFirst().first?.count ?? 0
        return abs(shown - value) <= 0.5 * pow(10, -Double(places)) + abs(value) * 1e-12
    }
}
