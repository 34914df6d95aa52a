import Foundation
import LedgerMath

/// JSON form of ``LoanTerms`` in the `loan.terms` and `loan_event.new_terms` columns: an object
/// with a `model` key and the model's fields, amounts as decimal strings — readable by any tool.
enum LoanTermsCoding {
    static func encode(_ terms: LoanTerms) throws -> String {
        var object: [String: String] = [:]
        switch terms {
        case .fixedRepayment(let repayment):
            object = ["model": "fixed_repayment", "repayment": repayment.description]
        case .simpleProRata(let bps, let roundsUp, let cap):
            object = ["model": "simple_pro_rata", "rate_bps": String(bps), "rounding": roundsUp ? "up" : "down",
                      "cap_at_maturity": cap ? "true" : "false"]
        case .nftfiProRata(let maximum):
            object = ["model": "nftfi_pro_rata", "maximum_repayment": maximum.description]
        case .continuous(let bps):
            object = ["model": "continuous", "rate_bps": String(bps)]
        case .aaveIndex(let rate, let index):
            object = ["model": "aave_index", "rate_ray": rate, "index_ray_at_start": index]
        case .vaultAccrual(let numerator, let denominator):
            object = ["model": "vault_accrual", "apr_numerator": String(numerator), "apr_denominator": String(denominator)]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(object), as: UTF8.self)
    }

    static func decode(_ json: String) throws(LedgerError) -> LoanTerms {
        guard let object = try? JSONDecoder().decode([String: String].self, from: Data(json.utf8)) else {
            throw .invalidValue(field: "terms", reason: "not a JSON object of strings: \(json.prefix(200))")
        }
        func field(_ key: String) throws(LedgerError) -> String {
            guard let value = object[key] else { throw .invalidValue(field: "terms.\(key)", reason: "missing") }
            return value
        }
        func decimal(_ key: String) throws(LedgerError) -> ExactDecimal {
            let text = try field(key)
            do { return try ExactDecimal(parsing: text) } catch { throw .invalidValue(field: "terms.\(key)", reason: error.description) }
        }
        func integer(_ key: String) throws(LedgerError) -> Int {
            let text = try field(key)
            guard let value = Int(text) else { throw .invalidValue(field: "terms.\(key)", reason: "'\(text)' is not an integer") }
            return value
        }
        switch try field("model") {
        case "fixed_repayment": return .fixedRepayment(repayment: try decimal("repayment"))
        case "simple_pro_rata":
            return .simpleProRata(rateBps: try integer("rate_bps"), roundsUp: try field("rounding") == "up",
                                  capAtMaturity: try field("cap_at_maturity") == "true")
        case "nftfi_pro_rata": return .nftfiProRata(maximumRepayment: try decimal("maximum_repayment"))
        case "continuous": return .continuous(rateBps: try integer("rate_bps"))
        case "aave_index": return .aaveIndex(rateRay: try field("rate_ray"), indexRayAtStart: try field("index_ray_at_start"))
        case "vault_accrual": return .vaultAccrual(aprNumerator: try integer("apr_numerator"), aprDenominator: try integer("apr_denominator"))
        case let other: throw .invalidValue(field: "terms.model", reason: "unknown model '\(other)'")
        }
    }
}
