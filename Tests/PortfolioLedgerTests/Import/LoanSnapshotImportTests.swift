import LedgerTestSupport
import Foundation
import LedgerMath
import Testing
@testable import PortfolioLedger

/// The `nftfi-api-loans` preset on the 215 real running loans of NFTfi's data API (issue 19).
@Suite struct LoanSnapshotImportTests {
    let dir = TemporaryDirectory()
    static let file = "loans/nft_loans_active_snapshot_nftfi_api.csv"

    /// The file's rows by header (it quotes nothing; checked).
    static func rows() throws -> [[String: String]] {
        let text = try String(contentsOfFile: try RealData.path(file), encoding: .utf8)
        #expect(!text.contains("\""))
        let lines = text.split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return lines.dropFirst().map { line in
            Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
        }
    }

    func imported() throws -> Ledger {
        let ledger = try Ledger.create(at: dir.path("loans.ledger"))
        let summary = try ledger.importCSV(.loanSnapshot, file: try RealData.path(Self.file), options: ImportPreset.nftfiAPILoans.options)
        #expect(summary.rowsRead == 215 && summary.inserted == 215)
        return ledger
    }

    @Test func everyRealLoanIsBookedWithItsCollateralAsAnOpeningPositionOfUnknownCost() throws {
        let ledger = try imported()
        #expect(try count(ledger.path, "loan") == 215)
        #expect(try count(ledger.path, "nft") == 215)
        // Nine spellings of seven contracts (EIP-55 mixed case and lower case) are seven collections.
        #expect(try count(ledger.path, "collection") == 7)
        let db = SQLiteDBConnection(path: ledger.path)
        #expect(try db.strings("SELECT count(*) FROM collection WHERE contract_address <> lower(contract_address)") == ["0"])
        #expect(try db.strings("SELECT count(*) || '/' || sum(opening) || '/' || sum(cost_known) FROM nft_trade") == ["215/215/0"])
        // Held NFTs of unknown cost show no cost in the view (NULL, never a free '0').
        #expect(try db.strings("SELECT count(*) FROM v_holding WHERE cost IS NULL AND cost_fees IS NULL") == ["215"])
        #expect(try db.strings("SELECT protocol || ' ' || currency || ' ' || count(*) FROM loan GROUP BY protocol, currency ORDER BY 1")
                == ["arcade USDC 47", "arcade WETH 53", "gondi USDC 83", "gondi WETH 28", "nftfi WETH 4"])
        // The same file again changes nothing.
        #expect(try ledger.importCSV(.loanSnapshot, file: try RealData.path(Self.file), options: ImportPreset.nftfiAPILoans.options).alreadyImported)
    }

    /// Debt at the due instant against the file's own maximum repayment. Gondi: the pro-rata rule
    /// from principal and APR must land on it within float32 precision (the API's numbers are
    /// float32: 2^-24 ≈ 6e-8 relative each, so 1e-6 relative leaves room for principal, APR and
    /// the result together). NFTfi and Arcade: the fixed repayment is the maximum repayment,
    /// exactly as the float32 rule reads it.
    @Test func debtAtMaturityMatchesTheFilesMaximumRepayment() throws {
        let ledger = try imported()
        let rows = try Self.rows()
        #expect(rows.count == 215)
        try ledger.read { book in
            var checked = 0
            for row in rows {
                let protocolText = try #require(row["protocol"])
                let lendingProtocol = try #require(LendingProtocol(rawValue: protocolText.lowercased()))
                let loan = try #require(try book.loans(lendingProtocol: lendingProtocol).first { $0.externalRef == row["loan_id"] })
                let due = try instant(try #require(row["due_time_utc"]))
                #expect(loan.maturityAt == due)
                let debt = try book.loanState(loan.id, at: due).debt
                let maximumText = try #require(row["maximum_repayment_amount_currency_units"])
                let maximum = try #require(Double(maximumText))
                if lendingProtocol == .gondi {
                    #expect(abs(debt.doubleValue - maximum) / maximum < 1e-6, "gondi \(loan.externalRef ?? ""): \(debt) vs \(maximumText)")
                } else {
                    #expect(debt == (try Float32Amount.decimal(maximumText)), "\(lendingProtocol) \(loan.externalRef ?? "")")
                    #expect(abs(debt.doubleValue - maximum) / maximum < 1e-6)
                }
                checked += 1
            }
            #expect(checked == 215)
        }
    }

    /// Collateral without a floor series (vault and wrapped tokens, and here every collection) is
    /// listed as unvalued — debt and maturity shown, LTV unavailable — even without
    /// `--flag-missing-prices`; no loan is dropped.
    @Test func unvaluedCollateralIsListedNotDropped() throws {
        let ledger = try imported()
        let at = try instant("2025-03-27T07:00:00Z")
        let states = try ledger.read { book in try book.loans().map { try book.loanState($0.id, at: at) } }
        #expect(states.count == 215)
        for state in states {
            #expect(state.risk == nil)
            guard case .noSeries(kind: .floor, _)? = state.priceProblem else {
                Issue.record("loan \(state.loan.id): \(String(describing: state.priceProblem))")
                continue
            }
        }
        #expect(states.filter { $0.status == .open }.count == 215)
    }

    @Test func aBadRowNamesItsLineAndColumnAndBooksNothing() throws {
        let header = "protocol,loan_id,nft_collection_name,nft_contract_address,nft_token_id,currency,principal_amount_currency_units,"
            + "maximum_repayment_amount_currency_units,apr_pct,start_time_utc,due_time_utc\n"
        let good = "Gondi,1,Gondi Vault,0x14a6dcebb2bb73aae1b199ccaada75247b81976d,5,USDC,100,110,10,2024-01-01T00:00:00Z,2025-01-01T00:00:00Z\n"
        let cases: [(String, String)] = [
            ("Blend,2,X,0x14a6dcebb2bb73aae1b199ccaada75247b81976d,6,WETH,1,1.1,10,2024-01-01T00:00:00Z,2025-01-01T00:00:00Z\n", "protocol"),
            ("Gondi,2,X,0x14a6dcebb2bb73aae1b199ccaada75247b81976d,6,USDC,1,1.1,10.123,2024-01-01T00:00:00Z,2025-01-01T00:00:00Z\n", "apr_pct"),
            ("Arcade,2,X,0x14a6dcebb2bb73aae1b199ccaada75247b81976d,6,USDC,1e5x,1.1,10,2024-01-01T00:00:00Z,2025-01-01T00:00:00Z\n",
             "principal_amount_currency_units"),
        ]
        for (bad, column) in cases {
            let ledger = try Ledger.create(at: dir.path("bad-\(column).ledger"))
            let path = dir.path("bad-\(column).csv")
            try Data((header + good + bad).utf8).write(to: URL(fileURLWithPath: path))
            do {
                _ = try ledger.importCSV(.loanSnapshot, file: path, options: ImportPreset.nftfiAPILoans.options)
                Issue.record("\(column): imported")
            } catch let error as ImportError {
                #expect(error.line == 3 && error.column == column, "\(error)")
            }
            #expect(try count(ledger.path, "loan") == 0)
            #expect(try count(ledger.path, "nft_trade") == 0)
        }
    }

    @Test func float32AmountsReadAsTheDecimalMeant() throws {
        #expect(try Float32Amount.decimal("7.400000095367432") == dec("7.4"))
        #expect(try Float32Amount.decimal("9.999999747378752e-05") == dec("0.0001"))
        #expect(try Float32Amount.decimal("69742.6640625") == dec("69742.664"))
        #expect(try Float32Amount.decimal("19.032192") == dec("19.032192"))
        #expect(try Float32Amount.decimal("58000") == dec("58000"))
        #expect(throws: LedgerError.self) { try Float32Amount.decimal("-1") }
        #expect(throws: LedgerError.self) { try Float32Amount.decimal("abc") }
    }
}
