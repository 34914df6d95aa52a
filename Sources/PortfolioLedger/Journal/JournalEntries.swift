import Foundation

// The JSON Lines journal, defined once (docs/import.md; docs/decisions.md, JOURNAL-1): each
// entry type is one `Codable` struct whose coding keys are the line's keys, declared in the order
// the export writes them. The importer decodes a line into it (after ``JournalSchema``'s strict
// check of the same line); the exporter fills it from the tables and encodes it with
// `ReportJSONEncoder(style: .compact)` inside a ``JournalLineEnvelope``.

/// The keys of a journal line between its `type`/`ref` and its `recorded_at`.
protocol JournalEntryBody: Codable, Sendable {
    /// The keys the body reads and writes, in the order it writes them (a flattened option
    /// contract's keys included).
    static var keys: [String] { get }
}

/// One line: `type`, the `ref` label later lines name it by, the body's keys, then `recorded_at`.
struct JournalLineEnvelope<Body: JournalEntryBody>: Codable, Sendable {
    var type: String
    var ref: String?
    var body: Body
    var recordedAt: String?

    enum CodingKeys: String, CodingKey, CaseIterable { case type, ref, recordedAt = "recorded_at" }

    init(type: String, ref: String? = nil, body: Body, recordedAt: String? = nil) {
        self.type = type
        self.ref = ref
        self.body = body
        self.recordedAt = recordedAt
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decode(String.self, forKey: .type)
        ref = try c.decodeIfPresent(String.self, forKey: .ref)
        body = try Body(from: decoder)
        recordedAt = try c.decodeIfPresent(String.self, forKey: .recordedAt)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(type, forKey: .type)
        try c.encodeIfPresent(ref, forKey: .ref)
        try body.encode(to: encoder)
        try c.encodeIfPresent(recordedAt, forKey: .recordedAt)
    }
}

/// Every entry type's body, by its `type`: the list the importer, the exporter and the strict
/// schema (``JournalSchema/entries``) share.
enum JournalEntries {
    static func all() -> [(type: String, body: any JournalEntryBody.Type)] {
        [("collection", JournalCollection.self), ("nft", JournalNFT.self), ("nft_trade", JournalNFTTrade.self),
         ("opening_position", JournalOpeningPosition.self), ("nft_transfer", JournalNFTTransfer.self), ("loan", JournalLoan.self),
         ("opening_loan", JournalOpeningLoan.self), ("loan_event", JournalLoanEvent.self), ("hedge", JournalHedge.self),
         ("option_contract", JournalContract.self), ("option_trade", JournalOptionTrade.self), ("settlement", JournalSettlement.self),
         ("price_series", JournalSeries.self), ("price", JournalPrice.self), ("quote", JournalQuote.self),
         ("external_flow", JournalExternalFlow.self), ("opening_cash_balance", JournalOpeningCashBalance.self),
         ("balance_assertion", JournalBalanceAssertion.self), ("yield_position", JournalYieldPosition.self), ("yield_flow", JournalYieldFlow.self),
         ("correction", JournalCorrection.self), ("buffer_policy", JournalBufferPolicy.self), ("risk_parameter", JournalRiskParameter.self),
         ("reserve_index", JournalReservePoint.self), ("collection_daily_sales", JournalDailySales.self)]
    }

    /// The body of entry type `type`.
    static func body(of type: String) -> (any JournalEntryBody.Type)? { all().first { $0.type == type }?.body }
}

/// An observation value: a JSON number or a decimal string (observations are REAL, so a number
/// loses nothing that the column keeps); written as a number in Swift's shortest round-trip form.
struct JournalNumber: Codable, Sendable {
    let value: Double

    init(_ value: Double) { self.value = value }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            value = number
        } else {
            let text = try container.decode(String.self)
            guard let number = ByteParsing.double(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text.prefix(40))' is not a finite decimal number")
            }
            value = number
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

/// Loan terms: `model` and the model's keys, every value a string; written with the keys sorted,
/// as `LoanTermsCoding` stores them.
struct JournalTerms: Codable, Sendable {
    var values: [String: String]

    init(values: [String: String]) { self.values = values }

    /// The terms of a stored `loan.terms` / `loan_event.new_terms` object.
    init(stored text: String) throws {
        values = try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
    }

    subscript(key: String) -> String? { values[key] }

    init(from decoder: any Decoder) throws {
        values = try decoder.singleValueContainer().decode([String: String].self)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: JSONKey.self)
        for (key, value) in values.sorted(by: { $0.key < $1.key }) { try c.encode(value, forKey: JSONKey(stringValue: key)) }
    }
}

// MARK: - References inside lines

struct JournalNFTRef: Codable, Sendable {
    var chain: String, contractAddress: String, tokenId: String
    enum CodingKeys: String, CodingKey, CaseIterable { case chain, contractAddress = "contract_address", tokenId = "token_id" }
}

struct JournalCollectionRef: Codable, Sendable {
    var chain: String, contractAddress: String
    enum CodingKeys: String, CodingKey, CaseIterable { case chain, contractAddress = "contract_address" }
}

/// A loan by the `ref` label of its line, by protocol and external ref, or by row id.
struct JournalLoanRef: Codable, Sendable {
    var ref: String?, `protocol`: String?, externalRef: String?, loanId: Int64?
    enum CodingKeys: String, CodingKey, CaseIterable { case ref, `protocol`, externalRef = "external_ref", loanId = "loan_id" }
}

/// A correctable entry by the `ref` label of its line, or by table and row id.
struct JournalEntryRef: Codable, Sendable {
    var ref: String?, table: String?, id: Int64?
    enum CodingKeys: String, CodingKey, CaseIterable { case ref, table, id }
}

// MARK: - Reference data

struct JournalCollection: JournalEntryBody {
    var chain: String, contractAddress: String, name: String
    enum CodingKeys: String, CodingKey, CaseIterable { case chain, contractAddress = "contract_address", name }
    static let keys = CodingKeys.allCases.map(\.rawValue)
}

struct JournalNFT: JournalEntryBody {
    var chain: String, contractAddress: String, tokenId: String, collectionName: String?
    enum CodingKeys: String, CodingKey, CaseIterable {
        case chain, contractAddress = "contract_address", tokenId = "token_id", collectionName = "collection_name"
    }
    static let keys = CodingKeys.allCases.map(\.rawValue)
}

struct JournalSeries: JournalEntryBody {
    var name: String, kind: String, base: String?, quote: String?, collection: JournalCollectionRef?, nft: JournalNFTRef?, `protocol`: String?
    enum CodingKeys: String, CodingKey, CaseIterable { case name, kind, base, quote, collection, nft, `protocol` }
    static let keys = CodingKeys.allCases.map(\.rawValue)
}

/// An option contract; option trades, settlements and quotes carry its keys at their top level.
struct JournalContract: JournalEntryBody {
    var root: String, optionType: String, strike: String, expiresAt: String, multiplier: Int?
    enum CodingKeys: String, CodingKey, CaseIterable { case root, optionType = "option_type", strike, expiresAt = "expires_at", multiplier }
    static let keys = CodingKeys.allCases.map(\.rawValue)
}

// MARK: - Booked entries

struct JournalNFTTrade: JournalEntryBody {
    var chain: String, contractAddress: String, tokenId: String, side: String, tradedAt: String, currency: String, price: String
    var fees: String?, note: String?, wallet: String?
    enum CodingKeys: String, CodingKey, CaseIterable {
        case chain, contractAddress = "contract_address", tokenId = "token_id", side, tradedAt = "traded_at", currency, price, fees, note, wallet
    }
    static let keys = CodingKeys.allCases.map(\.rawValue)
}

/// An NFT held when the book starts; no `cost` means the cost is unknown (never zero).
struct JournalOpeningPosition: JournalEntryBody {
    var chain: String, contractAddress: String, tokenId: String, openedAt: String, currency: String
    var cost: String?, fees: String?, note: String?, wallet: String?
    enum CodingKeys: String, CodingKey, CaseIterable {
        case chain, contractAddress = "contract_address", tokenId = "token_id", openedAt = "opened_at", currency, cost, fees, note, wallet
    }
    static let keys = CodingKeys.allCases.map(\.rawValue)
}

struct JournalNFTTransfer: JournalEntryBody {
    var chain: String, contractAddress: String, tokenId: String, fromWallet: String, toWallet: String, transferredAt: String
    enum CodingKeys: String, CodingKey, CaseIterable {
        case chain, contractAddress = "contract_address", tokenId = "token_id", fromWallet = "from_wallet", toWallet = "to_wallet"
        case transferredAt = "transferred_at"
    }
    static let keys = CodingKeys.allCases.map(\.rawValue)
}

struct JournalLoan: JournalEntryBody {
    var `protocol`: String, externalRef: String?, currency: String, principal: String, amountReceived: String?
    var startedAt: String, maturityAt: String?, terms: JournalTerms, maxLtv: Double?, liquidationThreshold: Double?
    var collateral: [JournalNFTRef], refinances: JournalLoanRef?, wallet: String?
    enum CodingKeys: String, CodingKey, CaseIterable {
        case `protocol`, externalRef = "external_ref", currency, principal, amountReceived = "amount_received", startedAt = "started_at"
        case maturityAt = "maturity_at", terms, maxLtv = "max_ltv", liquidationThreshold = "liquidation_threshold", collateral, refinances, wallet
    }
    static let keys = CodingKeys.allCases.map(\.rawValue)
}

/// A loan already running when the book starts: the loan's keys, then its opening.
struct JournalOpeningLoan: JournalEntryBody {
    var loan: JournalLoan
    var openedAt: String, principalRepaid: String?, interestPaid: String?
    enum CodingKeys: String, CodingKey, CaseIterable { case openedAt = "opened_at", principalRepaid = "principal_repaid", interestPaid = "interest_paid" }
    static let keys = JournalLoan.keys + CodingKeys.allCases.map(\.rawValue)
}

/// The coders that flatten the nested keys into the line (in an extension, so the memberwise initializer stays synthesized).
extension JournalOpeningLoan {
    init(from decoder: any Decoder) throws {
        loan = try JournalLoan(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        openedAt = try c.decode(String.self, forKey: .openedAt)
        principalRepaid = try c.decodeIfPresent(String.self, forKey: .principalRepaid)
        interestPaid = try c.decodeIfPresent(String.self, forKey: .interestPaid)
    }

    func encode(to encoder: any Encoder) throws {
        try loan.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(openedAt, forKey: .openedAt)
        try c.encodeIfPresent(principalRepaid, forKey: .principalRepaid)
        try c.encodeIfPresent(interestPaid, forKey: .interestPaid)
    }
}

struct JournalLoanEvent: JournalEntryBody {
    var loan: JournalLoanRef, eventKind: String, occurredAt: String
    var amount: String?, interestPart: String?, principalPart: String?, fee: String?, newRateBps: Int?, indexRay: String?
    var newMaturityAt: String?, newTerms: JournalTerms?, note: String?, nft: JournalNFTRef?
    enum CodingKeys: String, CodingKey, CaseIterable {
        case loan, eventKind = "event_kind", occurredAt = "occurred_at", amount, interestPart = "interest_part", principalPart = "principal_part"
        case fee, newRateBps = "new_rate_bps", indexRay = "index_ray", newMaturityAt = "new_maturity_at", newTerms = "new_terms", note, nft
    }
    static let keys = CodingKeys.allCases.map(\.rawValue)
}

struct JournalHedge: JournalEntryBody {
    var name: String, strategy: String?, openedAt: String, protects: [JournalLoanRef]?
    enum CodingKeys: String, CodingKey, CaseIterable { case name, strategy, openedAt = "opened_at", protects }
    static let keys = CodingKeys.allCases.map(\.rawValue)
}

/// An option trade: its hedge, the contract's keys, then the trade.
struct JournalOptionTrade: JournalEntryBody {
    var hedge: String, strategy: String?
    var contract: JournalContract
    var tradedAt: String, quantity: Int, price: String, fees: String?
    enum CodingKeys: String, CodingKey, CaseIterable { case hedge, strategy, tradedAt = "traded_at", quantity, price, fees }
    static let keys = ["hedge", "strategy"] + JournalContract.keys + ["traded_at", "quantity", "price", "fees"]
}

/// The coders that flatten the nested keys into the line (in an extension, so the memberwise initializer stays synthesized).
extension JournalOptionTrade {
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        hedge = try c.decode(String.self, forKey: .hedge)
        strategy = try c.decodeIfPresent(String.self, forKey: .strategy)
        tradedAt = try c.decode(String.self, forKey: .tradedAt)
        quantity = try c.decode(Int.self, forKey: .quantity)
        price = try c.decode(String.self, forKey: .price)
        fees = try c.decodeIfPresent(String.self, forKey: .fees)
        contract = try JournalContract(from: decoder)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(hedge, forKey: .hedge)
        try c.encodeIfPresent(strategy, forKey: .strategy)
        try contract.encode(to: encoder)
        try c.encode(tradedAt, forKey: .tradedAt)
        try c.encode(quantity, forKey: .quantity)
        try c.encode(price, forKey: .price)
        try c.encodeIfPresent(fees, forKey: .fees)
    }
}

/// A settlement: the contract's keys, then the value and instant.
struct JournalSettlement: JournalEntryBody {
    var contract: JournalContract
    var settlementValue: String, settledAt: String?
    enum CodingKeys: String, CodingKey, CaseIterable { case settlementValue = "settlement_value", settledAt = "settled_at" }
    static let keys = JournalContract.keys + CodingKeys.allCases.map(\.rawValue)
}

/// The coders that flatten the nested keys into the line (in an extension, so the memberwise initializer stays synthesized).
extension JournalSettlement {
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        settlementValue = try c.decode(String.self, forKey: .settlementValue)
        settledAt = try c.decodeIfPresent(String.self, forKey: .settledAt)
        contract = try JournalContract(from: decoder)
    }

    func encode(to encoder: any Encoder) throws {
        try contract.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(settlementValue, forKey: .settlementValue)
        try c.encodeIfPresent(settledAt, forKey: .settledAt)
    }
}

struct JournalExternalFlow: JournalEntryBody {
    var kind: String, flowedAt: String, currency: String, amount: String, note: String?, wallet: String?
    enum CodingKeys: String, CodingKey, CaseIterable { case kind, flowedAt = "flowed_at", currency, amount, note, wallet }
    static let keys = CodingKeys.allCases.map(\.rawValue)
}

/// Cash a wallet held when the book starts, brought in as equity.
struct JournalOpeningCashBalance: JournalEntryBody {
    var openedAt: String, currency: String, amount: String, note: String?, wallet: String?
    enum CodingKeys: String, CodingKey, CaseIterable { case openedAt = "opened_at", currency, amount, note, wallet }
    static let keys = CodingKeys.allCases.map(\.rawValue)
}

struct JournalBalanceAssertion: JournalEntryBody {
    var assertedAt: String, currency: String, amount: String
    enum CodingKeys: String, CodingKey, CaseIterable { case assertedAt = "asserted_at", currency, amount }
    static let keys = CodingKeys.allCases.map(\.rawValue)
}

struct JournalBufferPolicy: JournalEntryBody {
    var loan: JournalLoanRef?
    var effectiveAt: String, minHealthFactor: Double?, maxLtv: Double?, note: String?
    enum CodingKeys: String, CodingKey, CaseIterable {
        case loan, effectiveAt = "effective_at", minHealthFactor = "min_health_factor", maxLtv = "max_ltv", note
    }
    static let keys = CodingKeys.allCases.map(\.rawValue)
}

struct JournalRiskParameter: JournalEntryBody {
    var `protocol`: String?, collection: JournalCollectionRef?, loan: JournalLoanRef?
    var effectiveAt: String, maxLtv: Double?, liquidationThreshold: Double, note: String?
    enum CodingKeys: String, CodingKey, CaseIterable {
        case `protocol`, collection, loan, effectiveAt = "effective_at", maxLtv = "max_ltv", liquidationThreshold = "liquidation_threshold", note
    }
    static let keys = CodingKeys.allCases.map(\.rawValue)
}

struct JournalYieldPosition: JournalEntryBody {
    var name: String, kind: String, currency: String, valuation: String, sharePriceSeries: String?, accrualApr: Double?, accrualRule: String?
    var loan: JournalLoanRef?, note: String?
    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, kind, currency, valuation, sharePriceSeries = "share_price_series", accrualApr = "accrual_apr", accrualRule = "accrual_rule"
        case loan, note
    }
    static let keys = CodingKeys.allCases.map(\.rawValue)
}

struct JournalYieldFlow: JournalEntryBody {
    var position: String, kind: String, flowedAt: String, amount: String, shares: String?, note: String?
    enum CodingKeys: String, CodingKey, CaseIterable { case position, kind, flowedAt = "flowed_at", amount, shares, note }
    static let keys = CodingKeys.allCases.map(\.rawValue)
}

/// A void or supersession of an earlier entry.
struct JournalCorrection: JournalEntryBody {
    var action: String, entry: JournalEntryRef, replacement: JournalEntryRef?, reason: String
    enum CodingKeys: String, CodingKey, CaseIterable { case action, entry, replacement, reason }
    static let keys = CodingKeys.allCases.map(\.rawValue)
}

// MARK: - Market data

struct JournalPrice: JournalEntryBody {
    var series: String, observedAt: String, price: JournalNumber
    enum CodingKeys: String, CodingKey, CaseIterable { case series, observedAt = "observed_at", price }
    static let keys = CodingKeys.allCases.map(\.rawValue)
}

/// An option quote: the contract's keys, then the quote.
struct JournalQuote: JournalEntryBody {
    var contract: JournalContract
    var quotedAt: String, bid: JournalNumber?, ask: JournalNumber?, mark: JournalNumber?, impliedVol: JournalNumber?, underlying: JournalNumber?
    enum CodingKeys: String, CodingKey, CaseIterable { case quotedAt = "quoted_at", bid, ask, mark, impliedVol = "implied_vol", underlying }
    static let keys = JournalContract.keys + CodingKeys.allCases.map(\.rawValue)
}

/// The coders that flatten the nested keys into the line (in an extension, so the memberwise initializer stays synthesized).
extension JournalQuote {
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        quotedAt = try c.decode(String.self, forKey: .quotedAt)
        bid = try c.decodeIfPresent(JournalNumber.self, forKey: .bid)
        ask = try c.decodeIfPresent(JournalNumber.self, forKey: .ask)
        mark = try c.decodeIfPresent(JournalNumber.self, forKey: .mark)
        impliedVol = try c.decodeIfPresent(JournalNumber.self, forKey: .impliedVol)
        underlying = try c.decodeIfPresent(JournalNumber.self, forKey: .underlying)
        contract = try JournalContract(from: decoder)
    }

    func encode(to encoder: any Encoder) throws {
        try contract.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(quotedAt, forKey: .quotedAt)
        try c.encodeIfPresent(bid, forKey: .bid)
        try c.encodeIfPresent(ask, forKey: .ask)
        try c.encodeIfPresent(mark, forKey: .mark)
        try c.encodeIfPresent(impliedVol, forKey: .impliedVol)
        try c.encodeIfPresent(underlying, forKey: .underlying)
    }
}

struct JournalReservePoint: JournalEntryBody {
    var `protocol`: String, asset: String, updatedAt: String, variableBorrowIndex: String, variableBorrowRate: String
    var liquidityIndex: String?, liquidityRate: String?
    enum CodingKeys: String, CodingKey, CaseIterable {
        case `protocol`, asset, updatedAt = "updated_at", variableBorrowIndex = "variable_borrow_index", variableBorrowRate = "variable_borrow_rate"
        case liquidityIndex = "liquidity_index", liquidityRate = "liquidity_rate"
    }
    static let keys = CodingKeys.allCases.map(\.rawValue)
}

struct JournalDailySales: JournalEntryBody {
    var chain: String, contractAddress: String, day: String, quote: String, salesCount: Int, volume: JournalNumber
    var minPrice: JournalNumber?, medianPrice: JournalNumber?, maxPrice: JournalNumber?, advancing: Int?, declining: Int?
    enum CodingKeys: String, CodingKey, CaseIterable {
        case chain, contractAddress = "contract_address", day, quote, salesCount = "sales_count", volume, minPrice = "min_price"
        case medianPrice = "median_price", maxPrice = "max_price", advancing, declining
    }
    static let keys = CodingKeys.allCases.map(\.rawValue)
}
