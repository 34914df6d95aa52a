import Foundation
import LedgerMath

/// The stored form of ``LoanTerms``, in one place for every reader and writer: the `loan.terms`
/// and `loan_event.new_terms` columns, a JSON Lines `terms` object and the term columns of a loans
/// CSV are all a model name plus the model's keys, every value a string (amounts as decimal text,
/// readable by any tool).
enum LoanTermsCoding {
    /// The keys of each model's terms besides `model`; the JSON Lines schema checks a `terms`
    /// object against them.
    static func keys(of model: InterestModelKind) -> [String] {
        switch model {
        case .fixedRepayment: ["repayment"]
        case .fullTermRate: ["rate_bps"]
        case .simpleProRata: ["rate_bps", "rounding", "cap_at_maturity"]
        case .nftfiProRata: ["maximum_repayment"]
        case .continuous: ["rate_bps"]
        case .aaveIndex: ["rate_ray", "index_ray_at_start"]
        case .vaultAccrual: ["apr_numerator", "apr_denominator"]
        }
    }

    /// The terms' keys and values besides `model`.
    static func fields(_ terms: LoanTerms) -> [String: String] {
        switch terms {
        case .fixedRepayment(let repayment): ["repayment": repayment.description]
        case .fullTermRate(let bps): ["rate_bps": bps.description]
        case .simpleProRata(let bps, let roundsUp, let cap):
            ["rate_bps": String(bps), "rounding": roundsUp ? "up" : "down", "cap_at_maturity": cap ? "true" : "false"]
        case .nftfiProRata(let maximum): ["maximum_repayment": maximum.description]
        case .continuous(let bps): ["rate_bps": String(bps)]
        case .aaveIndex(let rate, let index): ["rate_ray": rate, "index_ray_at_start": index]
        case .vaultAccrual(let numerator, let denominator): ["apr_numerator": String(numerator), "apr_denominator": String(denominator)]
        }
    }

    /// The JSON object stored in `loan.terms`, keys sorted so equal terms are equal text.
    static func encode(_ terms: LoanTerms) throws -> String {
        var object = fields(terms)
        object["model"] = terms.model.rawValue
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(object), as: UTF8.self)
    }

    /// Terms of `model` from its keys' text (`nil`: absent or empty). `rounding` defaults to
    /// `down` and `cap_at_maturity` to `true`; every other key is required. Errors name the key
    /// as written (`rate_bps`); callers that read a nested object prefix it.
    static func decode(_ model: InterestModelKind, field: (String) -> String?) throws(LedgerError) -> LoanTerms {
        func required(_ key: String) throws(LedgerError) -> String {
            guard let value = field(key) else { throw .invalidValue(field: key, reason: "required by the \(model) model") }
            return value
        }
        func decimal(_ key: String) throws(LedgerError) -> ExactDecimal {
            let text = try required(key)
            do { return try ExactDecimal(parsing: text) } catch { throw .invalidValue(field: key, reason: error.description) }
        }
        func integer(_ key: String) throws(LedgerError) -> Int {
            let text = try required(key)
            guard let value = Int(text) else { throw .invalidValue(field: key, reason: "'\(text)' is not an integer") }
            return value
        }
        func flag(_ key: String, default value: Bool) throws(LedgerError) -> Bool {
            guard let text = field(key) else { return value }
            guard let flag = ImportValues.bool(text) else { throw .invalidValue(field: key, reason: "'\(text)' is not true or false") }
            return flag
        }
        switch model {
        case .fixedRepayment: return .fixedRepayment(repayment: try decimal("repayment"))
        case .fullTermRate: return .fullTermRate(rateBps: try decimal("rate_bps"))
        case .simpleProRata:
            let rounding = field("rounding") ?? "down"
            guard rounding == "down" || rounding == "up" else {
                throw .invalidValue(field: "rounding", reason: "'\(rounding)' is not up or down")
            }
            return .simpleProRata(rateBps: try integer("rate_bps"), roundsUp: rounding == "up", capAtMaturity: try flag("cap_at_maturity", default: true))
        case .nftfiProRata: return .nftfiProRata(maximumRepayment: try decimal("maximum_repayment"))
        case .continuous: return .continuous(rateBps: try integer("rate_bps"))
        case .aaveIndex: return .aaveIndex(rateRay: try required("rate_ray"), indexRayAtStart: try required("index_ray_at_start"))
        case .vaultAccrual: return .vaultAccrual(aprNumerator: try integer("apr_numerator"), aprDenominator: try integer("apr_denominator"))
        }
    }

    /// Terms from a stored JSON object (`loan.terms`, `loan_event.new_terms`); errors name the key
    /// as `terms.rate_bps`.
    static func decode(_ json: String) throws(LedgerError) -> LoanTerms {
        guard let object = try? JSONDecoder().decode([String: String].self, from: Data(json.utf8)) else {
            throw .invalidValue(field: "terms", reason: "not a JSON object of strings: \(json.prefix(200))")
        }
        guard let name = object["model"] else { throw .invalidValue(field: "terms.model", reason: "missing") }
        do {
            return try decode(try InterestModelKind.decode(name, field: "model")) { key in object[key].flatMap { $0.isEmpty ? nil : $0 } }
        } catch {
            guard case .invalidValue(let field, let reason) = error else { throw error }
            throw .invalidValue(field: "terms.\(field)", reason: reason)
        }
    }
}
