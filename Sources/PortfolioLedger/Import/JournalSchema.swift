/// The keys and value types of every JSON Lines entry, at every depth (docs/import.md).
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

    private static let nftRef: Shape = .object(["chain": req(.string), "contract_address": req(.string), "token_id": req(.string)])
    private static let collectionRef: Shape = .object(["chain": req(.string), "contract_address": req(.string)])
    private static let loanRef: Shape = .object(["ref": opt(.string), "protocol": opt(.string), "external_ref": opt(.string), "loan_id": opt(.integer)])
    private static let entryRef: Shape = .object(["ref": opt(.string), "table": opt(.string), "id": opt(.integer)])
    private static let contract: [String: Field] = ["root": req(.string), "option_type": req(.string), "strike": req(.string),
                                                    "expires_at": req(.string), "multiplier": opt(.integer)]

    /// The keys of each model's terms (besides `model`), from the one terms codec.
    static let termKeys: [String: Set<String>] = Dictionary(
        uniqueKeysWithValues: InterestModelKind.allCases.map { ($0.rawValue, Set(LoanTermsCoding.keys(of: $0))) })

    /// Every entry type's keys besides `type`, `ref` and `recorded_at` (which every line may have).
    static let entries: [String: [String: Field]] = [
        "collection": ["chain": req(.string), "contract_address": req(.string), "name": req(.string)],
        "nft": ["chain": req(.string), "contract_address": req(.string), "token_id": req(.string), "collection_name": opt(.string)],
        "nft_trade": ["chain": req(.string), "contract_address": req(.string), "token_id": req(.string), "side": req(.string),
                      "traded_at": req(.string), "currency": req(.string), "price": req(.string), "fees": opt(.string), "note": opt(.string),
                      "wallet": opt(.string)],
        // An opening position (issue 19): no `cost` means the cost is unknown.
        "opening_position": ["chain": req(.string), "contract_address": req(.string), "token_id": req(.string), "opened_at": req(.string),
                             "currency": req(.string), "cost": opt(.string), "fees": opt(.string), "note": opt(.string),
                             "wallet": opt(.string)],
        "nft_transfer": ["chain": req(.string), "contract_address": req(.string), "token_id": req(.string), "from_wallet": req(.string),
                         "to_wallet": req(.string), "transferred_at": req(.string)],
        "loan": ["protocol": req(.string), "external_ref": opt(.string), "currency": req(.string), "principal": req(.string),
                 "amount_received": opt(.string), "started_at": req(.string), "maturity_at": opt(.string), "terms": req(.terms),
                 "max_ltv": opt(.number), "liquidation_threshold": opt(.number), "collateral": req(.array(nftRef)), "refinances": opt(loanRef),
                 "wallet": opt(.string)],
        // A loan already running when the book starts (issue 19): the loan's keys plus its opening.
        "opening_loan": ["protocol": req(.string), "external_ref": opt(.string), "currency": req(.string), "principal": req(.string),
                 "amount_received": opt(.string), "started_at": req(.string), "maturity_at": opt(.string), "terms": req(.terms),
                 "max_ltv": opt(.number), "liquidation_threshold": opt(.number), "collateral": req(.array(nftRef)), "refinances": opt(loanRef),
                 "wallet": opt(.string), "opened_at": req(.string),
                         "principal_repaid": opt(.string), "interest_paid": opt(.string)],
        "loan_event": ["loan": req(loanRef), "event_kind": req(.string), "occurred_at": req(.string), "amount": opt(.string),
                       "interest_part": opt(.string), "principal_part": opt(.string), "fee": opt(.string), "new_rate_bps": opt(.integer),
                       "index_ray": opt(.string), "new_maturity_at": opt(.string), "new_terms": opt(.terms), "note": opt(.string),
                       "nft": opt(nftRef)],
        "hedge": ["name": req(.string), "strategy": opt(.string), "opened_at": req(.string), "protects": opt(.array(loanRef))],
        "option_contract": contract,
        "option_trade": contract.merging(["hedge": req(.string), "strategy": opt(.string), "traded_at": req(.string), "quantity": req(.integer),
                                          "price": req(.string), "fees": opt(.string)]) { a, _ in a },
        "settlement": contract.merging(["settlement_value": req(.string), "settled_at": opt(.string)]) { a, _ in a },
        "price_series": ["name": req(.string), "kind": req(.string), "base": opt(.string), "quote": opt(.string), "collection": opt(collectionRef),
                         "nft": opt(nftRef), "protocol": opt(.string)],
        "price": ["series": req(.string), "observed_at": req(.string), "price": req(.observation)],
        "quote": contract.merging(["quoted_at": req(.string), "bid": opt(.observation), "ask": opt(.observation), "mark": opt(.observation),
                                   "implied_vol": opt(.observation), "underlying": opt(.observation)]) { a, _ in a },
        "external_flow": ["kind": req(.string), "flowed_at": req(.string), "currency": req(.string), "amount": req(.string), "note": opt(.string),
                          "wallet": opt(.string)],
        // An opening cash balance (issue 19): cash a wallet held when the book starts, brought in as equity.
        "opening_cash_balance": ["opened_at": req(.string), "currency": req(.string), "amount": req(.string), "wallet": opt(.string),
                                 "note": opt(.string)],
        "balance_assertion": ["asserted_at": req(.string), "currency": req(.string), "amount": req(.string)],
        "yield_position": ["name": req(.string), "kind": req(.string), "currency": req(.string), "valuation": req(.string),
                           "share_price_series": opt(.string), "accrual_apr": opt(.number), "accrual_rule": opt(.string), "loan": opt(loanRef),
                           "note": opt(.string)],
        "yield_flow": ["position": req(.string), "kind": req(.string), "flowed_at": req(.string), "amount": req(.string), "shares": opt(.string),
                       "note": opt(.string)],
        "correction": ["action": req(.string), "entry": req(entryRef), "replacement": opt(entryRef), "reason": req(.string)],
        "buffer_policy": ["loan": opt(loanRef), "effective_at": req(.string), "min_health_factor": opt(.number), "max_ltv": opt(.number),
                          "note": opt(.string)],
        "risk_parameter": ["protocol": opt(.string), "collection": opt(collectionRef), "loan": opt(loanRef), "effective_at": req(.string),
                           "max_ltv": opt(.number), "liquidation_threshold": req(.number), "note": opt(.string)],
        "reserve_index": ["protocol": req(.string), "asset": req(.string), "updated_at": req(.string), "variable_borrow_index": req(.string),
                          "variable_borrow_rate": req(.string), "liquidity_index": opt(.string), "liquidity_rate": opt(.string)],
        "collection_daily_sales": ["chain": req(.string), "contract_address": req(.string), "day": req(.string), "quote": req(.string),
                                   "sales_count": req(.integer), "volume": req(.observation), "min_price": opt(.observation),
                                   "median_price": opt(.observation), "max_price": opt(.observation), "advancing": opt(.integer),
                                   "declining": opt(.integer)],
    ]

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
