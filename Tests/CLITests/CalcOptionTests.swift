import LedgerTestSupport
import Foundation
import Testing

@Suite struct CalcOptionTests {
    let dir = TemporaryDirectory()
    static let greekKeys = ["price", "delta", "gamma", "vega", "theta_per_year", "theta_per_day", "rho"]
    static let allKeys = greekKeys + ["intrinsic", "extrinsic", "time_to_expiry_years"]

    /// `calc option` flags for a row of `options_reference.csv` (valuation 2024-01-15, expiry + days).
    static func flags(_ row: [String: String]) -> [String] {
        ["--type", row["type"]!, "--spot", row["spot"]!, "--strike", row["strike"]!, "--vol", row["volatility"]!,
         "--rate", row["rate"]!, "--dividend-yield", row["dividend_yield"]!,
         "--valuation", "2024-01-15", "--expiry", fixtureExpiry(days: Int(row["days"]!)!)]
    }

    static func referenceRow(_ id: String) throws -> [String: String] {
        try #require(try Fixtures.csvRows("options_reference.csv").first { $0["id"] == id })
    }

    /// Every greek of `object` within the fixtures' tolerance of the QuantLib row, and the derived keys consistent.
    func expectMatches(_ object: [String: Any], _ row: [String: String]) throws {
        for key in Self.greekKeys {
            let got = try #require(object[key] as? Double, "\(key)")
            let want = try #require(Double(row[key]!))
            #expect(isClose(got, want), "\(row["id"]!) \(key): \(got) vs \(want)")
        }
        let spot = Double(row["spot"]!)!, strike = Double(row["strike"]!)!
        let intrinsic = row["type"] == "call" ? max(spot - strike, 0) : max(strike - spot, 0)
        #expect(object["intrinsic"] as? Double == intrinsic)
        #expect(isClose(try #require(object["extrinsic"] as? Double), Double(row["price"]!)! - intrinsic))
        #expect(isClose(try #require(object["time_to_expiry_years"] as? Double), Double(row["days"]!)! / 365, relative: 1e-15))
    }

    @Test(arguments: ["atm-1y-hull", "atm-1y-put", "spx-1dte-call"])
    func flagsMatchQuantLibFixture(id: String) throws {
        let row = try Self.referenceRow(id)
        let result = try calc(["option"] + Self.flags(row) + ["--format", "json"])
        #expect(result.exitCode == 0)
        #expect(result.stderr.isEmpty)
        #expect(keysInOrder(result.stdout) == Self.allKeys)
        try expectMatches(try #require(try parseJSON(result.stdout) as? [String: Any]), row)
    }

    @Test func batchCSVMatchesQuantLibFixtureRowByRow() throws {
        let ids = ["hull-49-50", "deep-itm-put-2y", "deep-itm-call-q>r", "negative-rate", "low-vol-1d"]
        let rows = try ids.map(Self.referenceRow)
        // Spreadsheet-style file: BOM, CRLF, quoted cells, an extra column, columns in another order.
        var csv = "\u{FEFF}id,expiry,valuation,type,spot,strike,vol,rate,dividend_yield\r\n"
        for row in rows {
            csv += "\"\(row["id"]!)\",\(fixtureExpiry(days: Int(row["days"]!)!)),2024-01-15,\"\(row["type"]!)\","
                + "\(row["spot"]!),\(row["strike"]!),\(row["volatility"]!),\(row["rate"]!),\(row["dividend_yield"]!)\r\n"
        }
        let path = try dir.write("options.csv", csv)
        let result = try calc(["option", "--input", path, "--format", "json"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let array = try #require(try parseJSON(result.stdout) as? [[String: Any]])
        #expect(array.count == rows.count)
        for (object, row) in zip(array, rows) { try expectMatches(object, row) }
    }

    @Test(arguments: ["iv-atm", "iv-deep-otm-call", "iv-deep-itm-call", "iv-grid-38"])
    func priceSolvesForTheFixtureVolatility(id: String) throws {
        let row = try #require(try Fixtures.csvRows("options_implied_vol.csv").first { $0["id"] == id })
        let result = try calc(["option", "--type", row["type"]!, "--spot", row["spot"]!, "--strike", row["strike"]!,
                               "--rate", row["rate"]!, "--dividend-yield", row["dividend_yield"]!, "--valuation", "2024-01-15",
                               "--expiry", fixtureExpiry(days: Int(row["days"]!)!), "--price", row["price"]!, "--format", "json"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(keysInOrder(result.stdout) == Self.allKeys + ["implied_vol"])
        let object = try #require(try parseJSON(result.stdout) as? [String: Any])
        #expect(isClose(try #require(object["implied_vol"] as? Double), Double(row["volatility"]!)!))
        // Greeks are computed at the implied volatility, so the model price reproduces the input price.
        #expect(isClose(try #require(object["price"] as? Double), Double(row["price"]!)!))
    }

    @Test func impliedVolGreeksEqualThoseAtThatVol() throws {
        let row = try Self.referenceRow("atm-1y-hull")
        var args = Self.flags(row)
        args += ["--price", row["price"]!, "--format", "json"]   // --vol is given too, and not used
        let object = try #require(try parseJSON(try calc(["option"] + args).stdout) as? [String: Any])
        try expectMatches(object, row)
        #expect(isClose(try #require(object["implied_vol"] as? Double), 0.2))
    }

    /// At expiry every value is exact, so the whole text can be compared.
    @Test func atExpiryTableAndJSONFullText() throws {
        let args = ["option", "--type", "call", "--spot", "105", "--strike", "100", "--vol", "0.2", "--rate", "0.05",
                    "--valuation", "2024-03-15T20:00:00Z", "--expiry", "2024-03-15T20:00:00Z"]
        let table = try calc(args)
        #expect(table.exitCode == 0)
        #expect(table.stdout == """
            price                 5.0
            delta                 1.0
            gamma                 0.0
            vega                  0.0
            theta_per_year        0.0
            theta_per_day         0.0
            rho                   0.0
            intrinsic             5.0
            extrinsic             0.0
            time_to_expiry_years  0.0

            """)
        let json = try calc(args + ["--format", "json"])
        #expect(json.stdout == """
            {
              "price": 5.0,
              "delta": 1.0,
              "gamma": 0.0,
              "vega": 0.0,
              "theta_per_year": 0.0,
              "theta_per_day": 0.0,
              "rho": 0.0,
              "intrinsic": 5.0,
              "extrinsic": 0.0,
              "time_to_expiry_years": 0.0
            }

            """)
    }

    @Test func batchTableHasALineColumnAndDashForMissingImpliedVol() throws {
        let path = try dir.write("o.csv", """
            type,spot,strike,vol,rate,valuation,expiry,price
            call,105,100,0.2,0.05,2024-03-15,2024-03-15,
            put,95,100,0.2,0.05,2024-03-15,2024-03-15,

            """)
        let result = try calc(["option", "--input", path])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout == """
            line  price  delta  gamma  vega  theta_per_year  theta_per_day  rho  intrinsic  extrinsic  time_to_expiry_years
               2    5.0    1.0    0.0   0.0             0.0            0.0  0.0        5.0        0.0                   0.0
               3    5.0   -1.0    0.0   0.0             0.0            0.0  0.0        5.0        0.0                   0.0

            """)
    }

    static let base = ["--type", "call", "--spot", "100", "--strike", "100", "--vol", "0.2", "--rate", "0.05",
                       "--valuation", "2024-02-01", "--expiry", "2024-03-01"]

    /// `base` with `flag`'s value replaced (or the flag added).
    static func with(_ flag: String, _ value: String) -> [String] {
        var args = base
        if let i = args.firstIndex(of: flag) { args[i + 1] = value } else { args += [flag, value] }
        return args
    }

    @Test(arguments: [
        (with("--vol", "-0.2"), "--vol: -0.2 must be ≥ 0"),
        (with("--spot", "nan"), "--spot: 'nan' is not a finite number"),
        (with("--spot", "0"), "--spot: 0.0 must be > 0"),
        (with("--strike", "1o0"), "--strike: '1o0' is not a number"),
        (with("--rate", "inf"), "--rate: 'inf' is not a finite number"),
        (with("--type", "straddle"), "--type: 'straddle' is not an option type: expected call or put"),
        (with("--expiry", "2024-01-01"), "--expiry: expiry 2024-01-01T00:00:00Z is before the valuation instant 2024-02-01T00:00:00Z"),
        (with("--valuation", "2024-02-30"), "--valuation: '2024-02-30' is not an ISO-8601 UTC date or instant: day 30 out of range"),
        (with("--price", "200").map { $0 == "0.05" ? "0" : $0 }, "--price: no implied volatility: price 200.0 is at or above the no-arbitrage upper bound 100.0"),
        (with("--price", "-1"), "--price: -1.0 must be ≥ 0"),
    ])
    func invalidFlagValueExits65WithOneLineNamingTheFlag(args: [String], message: String) throws {
        let result = try calc(["option"] + args)
        #expect(result.exitCode == 65)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "portfolio-ledger: error: \(message)\n")
    }

    @Test(arguments: [
        ("type,spot,strike,vol,rate,valuation,expiry\ncall,100,100,0.2,0.05,2024-01-15,2025-01-15\ncall,100,38o0,0.2,0.05,2024-01-15,2025-01-15\n",
         "FILE line 3, column strike: '38o0' is not a number"),
        ("type,spot,strike,vol,rate,valuation,expiry\r\ncall,100,100,NaN,0.05,2024-01-15,2025-01-15\r\n",
         "FILE line 2, column vol: 'NaN' is not a finite number"),
        ("type,spot,strike,vol,rate,valuation,expiry\n\ncall,100,100,-0.3,0.05,2024-01-15,2025-01-15\n",
         "FILE line 3, column vol: -0.3 must be ≥ 0"),
        ("type,spot,strike,vol,rate,valuation,expiry\nput,100,100,0.2,0.05,2024-01-15,2023-01-15\n",
         "FILE line 2, column expiry: expiry 2023-01-15T00:00:00Z is before the valuation instant 2024-01-15T00:00:00Z"),
        ("type,spot,strike,vol,rate,valuation,expiry\nbinary,100,100,0.2,0.05,2024-01-15,2025-01-15\n",
         "FILE line 2, column type: 'binary' is not an option type: expected call or put"),
        ("type,spot,strike,vol,rate,valuation,expiry,price\ncall,100,100,,0.05,2024-01-15,2025-01-15,\n",
         "FILE line 2, column vol: no value (give vol, or price to solve for the implied volatility)"),
        ("type,spot,strike,vol,rate,valuation,expiry\ncall,100,100,0.2,,2024-01-15,2025-01-15\n",
         "FILE line 2, column rate: no value"),
        ("type,spot,vol,rate,valuation,expiry\ncall,100,0.2,0.05,2024-01-15,2025-01-15\n",
         "FILE line 1: missing column 'strike' (the header has: type, spot, vol, rate, valuation, expiry)"),
        ("type,spot,strike,rate,valuation,expiry\ncall,100,100,0.05,2024-01-15,2025-01-15\n",
         "FILE: needs a vol column or a price column"),
        ("type,spot,strike,vol,rate,valuation,expiry\ncall,100,100,0.2,0.05,2024-01-15\n",
         "FILE line 2: expected 7 fields as in the header, found 6"),
        ("type,spot,strike,vol,rate,valuation,expiry\n\"call,100,100,0.2,0.05,2024-01-15,2025-01-15\n",
         "FILE line 2: column 'type': unterminated quoted field (its quote opens on this line; the file ends inside it)"),
        ("", "FILE line 1: the file is empty; expected a header row"),
    ])
    func invalidCSVExits65NamingLineAndColumn(csv: String, message: String) throws {
        let path = try dir.write("in.csv", csv)
        let result = try calc(["option", "--input", path, "--format", "json"])
        #expect(result.exitCode == 65)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "portfolio-ledger: error: \(message.replacingOccurrences(of: "FILE", with: path))\n")
    }

    @Test func unreadableInputExits66() throws {
        let missing = dir.path("absent.csv")
        let result = try calc(["option", "--input", missing])
        #expect(result.exitCode == 66)
        #expect(result.stderr == "portfolio-ledger: error: \(missing): cannot open the file (No such file or directory)\n")
        let directory = try calc(["option", "--input", dir.url.path])
        #expect(directory.exitCode == 66)
        #expect(directory.stderr == "portfolio-ledger: error: \(dir.url.path): cannot open the file (it is a directory)\n")
    }

    @Test(arguments: [
        ["--type", "call", "--spot", "100"],
        ["--input", "x.csv", "--spot", "100"],
        base.filter { $0 != "--vol" && $0 != "0.2" },
        base + ["--format", "xml"],
        base + ["--bogus"],
    ])
    func usageErrorsExit64(args: [String]) throws {
        let result = try calc(["option"] + args)
        #expect(result.exitCode == 64)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("Error: "))
    }
}
