import BigInt
import Foundation
import LedgerMath
internal import SQLiteDB

extension Ledger {
    /// Imports a JSON Lines journal (one JSON object per line, `"type"` naming the entry; the
    /// format is in `docs/import.md`) in one transaction, with the same guarantees as
    /// ``importCSV(_:file:options:progress:)``: all or nothing, the first bad line named, the file
    /// recorded as an `import_source` of kind `jsonl`, identical entries skipped, and the same
    /// file imported twice changing nothing.
    public func importJournal(file: String, progress: ((ImportProgress) -> Void)? = nil) throws -> ImportSummary {
        let hash = try ContentHash.of(file: file, settings: "jsonl 1")
        let reader = try LineReader(path: file)
        return try importing(kind: "jsonl", sourceKind: .jsonl, file: file, hash: hash) { book in
            let importer = JournalImporter(reader: reader, book: book)
            var rows = 0
            var counts = ImportCounts()
            while try reader.next({ bytes in
                guard bytes.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return }
                rows += 1
                counts.count(try importer.importLine(bytes))
                if let progress, rows & 0x3FFF == 0 {
                    progress(ImportProgress(rowsRead: rows, bytesRead: reader.bytesRead, totalBytes: reader.fileSize))
                }
            }) {}
            try importer.finish()
            try ContentHash.check(reader.contentHash, against: hash, file: file)
            return (rows, counts)
        }
    }
}

/// Books the entries of a JSON Lines journal, resolving natural keys through ``ImportBook``.
final class JournalImporter {
    let reader: LineReader
    let book: ImportBook
    /// `"ref"` labels of earlier lines → the entry they booked (for corrections).
    private var refs: [String: CorrectableEntry] = [:]
    private let decoder: JSONDecoder
    private let times = TimeResolver(.midnightUTC)
    /// Hedge links to loans labelled on later lines: hedge, label, the hedge's line and transaction.
    private var laterProtections: [(HedgeID, String, Int, LedgerTransaction)] = []
    /// The import's own transaction; a line with `recorded_at` books through a copy stamping it.
    private let importTransaction: LedgerTransaction

    init(reader: LineReader, book: ImportBook) {
        self.reader = reader
        self.book = book
        importTransaction = book.tx
        // The entry types' coding keys are the file's snake_case keys (Journal/JournalEntries.swift).
        decoder = JSONDecoder()
    }

    private var tx: LedgerTransaction { book.tx }

    // MARK: - Errors

    func fail(_ column: String?, _ reason: String, underlying: LedgerError? = nil) -> ImportError {
        ImportError(file: reader.path, line: reader.line, column: column, reason: reason, underlying: underlying)
    }

    private func annotate(_ error: any Error) -> any Error {
        switch error {
        case let error as ImportError: return error
        case let error as LedgerError:
            var column: String?
            if case .invalidValue(let field, _) = error, !field.contains(" ") { column = field }
            return fail(column, error.description, underlying: error)
        case let error as SQLiteError:
            let ledgerError = LedgerError(sqlite: error)
            return fail(nil, ledgerError.description, underlying: ledgerError)
        case let error as DecodingError: return fail(Self.path(of: error), Self.reason(of: error))
        default: return fail(nil, "\(error)")
        }
    }

    private static func snakeCase(_ key: String) -> String {
        var result = ""
        for character in key {
            if character.isUppercase { result += "_" + character.lowercased() } else { result.append(character) }
        }
        return result
    }

    private static func path(of error: DecodingError) -> String? {
        let (context, extra): (DecodingError.Context?, String?) = switch error {
        case .keyNotFound(let key, let context): (context, key.stringValue)
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context): (context, nil)
        @unknown default: (nil, nil)
        }
        let keys = (context?.codingPath ?? []).map { $0.intValue.map(String.init) ?? snakeCase($0.stringValue) } + (extra.map { [snakeCase($0)] } ?? [])
        return keys.isEmpty ? nil : keys.joined(separator: ".")
    }

    private static func reason(of error: DecodingError) -> String {
        switch error {
        case .keyNotFound: return "missing; this entry requires it"
        case .valueNotFound: return "null; a value is required"
        case .typeMismatch(let type, _):
            if type == String.self { return "expected a JSON string (money, decimals and instants are strings: a JSON number is lossy)" }
            return "expected a JSON \(type == Int.self || type == Double.self ? "number" : "\(type)")"
        case .dataCorrupted(let context): return context.debugDescription
        @unknown default: return "\(error)"
        }
    }

    // MARK: - Lines

    /// Books one line; returns whether it booked something new.
    func importLine(_ bytes: UnsafeBufferPointer<UInt8>) throws -> Bool {
        book.line = reader.line
        guard String(validating: bytes, as: UTF8.self) != nil else { throw fail(nil, "the line is not UTF-8") }
        let members: [(key: String, value: StrictJSON)]
        do {
            guard case .object(let parsed) = try StrictJSONParser.parse(bytes) else { throw fail(nil, "not valid JSON Lines: the line is not a JSON object (each line is one entry)") }
            members = parsed
        } catch let error as StrictJSONError {
            throw fail(error.path, error.reason)
        }
        func member(_ key: String) -> StrictJSON? { members.first { $0.key == key }?.value }
        guard case .string(let type)? = member("type") else { throw fail("type", "missing or not a string; every line needs a \"type\"") }
        guard JournalSchema.entries[type] != nil else {
            throw fail("type", "'\(type.prefix(40))' is not an entry type (\(JournalSchema.entries.keys.sorted().joined(separator: ", ")))")
        }
        do { try JournalSchema.check(members, type: type) } catch { throw fail(error.path, error.reason) }
        let data = Data(buffer: bytes)
        var ref: String?
        if case .string(let text)? = member("ref") {
            guard !text.isEmpty else { throw fail("ref", "must be a non-empty string") }
            guard refs[text] == nil else { throw fail("ref", "'\(text)' labels an earlier line already") }
            ref = text
        }
        book.tx = importTransaction
        if case .string(let text)? = member("recorded_at") {
            do { book.tx = importTransaction.recording(at: try instant(text, "recorded_at")) } catch { throw annotate(error) }
        }
        do {
            let (isNew, entry) = try book(type: type, data: data)
            if let ref {
                guard let entry else { throw fail("ref", "a \(type) entry cannot be referred to (only correctable entries can)") }
                refs[ref] = entry
            }
            return isNew
        } catch {
            throw annotate(error)
        }
    }

    /// Links the hedges to the loans their lines named before the loans' own lines.
    func finish() throws {
        for (hedge, label, line, tx) in laterProtections {
            guard case .loan(let loan)? = refs[label] else {
                throw ImportError(file: reader.path, line: line, column: "protects",
                                  reason: "no loan line of this file has the ref '\(label)'")
            }
            try tx.addProtection(hedge: hedge, loan: loan)
        }
    }

    private func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T {
        try decoder.decode(T.self, from: data)
    }

    private func book(type: String, data: Data) throws -> (Bool, CorrectableEntry?) {
        switch type {
        case "collection":
            let entry = try decode(JournalCollection.self, data)
            let existing = try tx.current.collection(chain: entry.chain, contractAddress: entry.contractAddress)
            _ = try tx.addCollection(chain: entry.chain, contractAddress: entry.contractAddress, name: entry.name, source: book.source)
            return (existing == nil, nil)
        case "nft":
            let entry = try decode(JournalNFT.self, data)
            let collection = try book.collection(chain: entry.chain, contract: entry.contractAddress, name: entry.collectionName)
            let token = try TokenID(entry.tokenId)
            if try book.existingNFT(collection: collection, token: token) != nil { return (false, nil) }
            _ = try tx.addNFT(collection: collection, tokenID: token, source: book.source)
            return (true, nil)
        case "nft_trade":
            let entry = try decode(JournalNFTTrade.self, data)
            let nft = try book.nft(chain: entry.chain, contract: entry.contractAddress, token: try TokenID(entry.tokenId))
            let side = try enumeration(entry.side, TradeSide.self, "side")
            let trade = try book.nftTrade(nft: nft, side: side, at: try instant(entry.tradedAt, "traded_at"),
                                          price: Money(try decimal(entry.price, "price"), try currency(entry.currency, "currency")),
                                          fees: try decimal(entry.fees ?? "0", "fees"), note: entry.note, wallet: entry.wallet)
            return (trade.isNew, .nftTrade(trade.id))
        case "nft_transfer":
            let entry = try decode(JournalNFTTransfer.self, data)
            let nft = try book.nft(chain: entry.chain, contract: entry.contractAddress, token: try TokenID(entry.tokenId))
            return (try book.transfer(nft: nft, from: entry.fromWallet, to: entry.toWallet, at: try instant(entry.transferredAt, "transferred_at")), nil)
        case "opening_position":
            let entry = try decode(JournalOpeningPosition.self, data)
            let nft = try book.nft(chain: entry.chain, contract: entry.contractAddress, token: try TokenID(entry.tokenId))
            let opening = try book.openingPosition(nft: nft, at: try instant(entry.openedAt, "opened_at"),
                                                   cost: try entry.cost.map { try decimal($0, "cost") }, fees: try decimal(entry.fees ?? "0", "fees"),
                                                   currency: try currency(entry.currency, "currency"), note: entry.note, wallet: entry.wallet)
            return (opening.isNew, .nftTrade(opening.id))
        case "loan":
            return try bookLoan(try decode(JournalLoan.self, data))
        case "opening_loan":
            let entry = try decode(JournalOpeningLoan.self, data)
            return try bookLoan(entry.loan, opening: entry)
        case "loan_event":
            return try bookLoanEvent(try decode(JournalLoanEvent.self, data))
        case "hedge":
            let entry = try decode(JournalHedge.self, data)
            if try tx.db.scalarIfAny("SELECT hedge_id FROM hedge WHERE hedge_name = ? LIMIT 1", entry.name, as: Int64.self) != nil { return (false, nil) }
            let strategy = try enumeration(entry.strategy ?? "custom", HedgeRecord.Strategy.self, "strategy")
            // A loan label of a later line (a hedge opened before the loan it protects) is linked at the end of the file.
            let (later, now) = (entry.protects ?? []).reduce(into: ([String](), [JournalLoanRef]())) { split, ref in
                if let label = ref.ref, refs[label] == nil { split.0.append(label) } else { split.1.append(ref) }
            }
            let loans = try now.map { try loan($0, "protects") }
            let hedge = try tx.addHedge(name: entry.name, strategy: strategy, openedAt: try instant(entry.openedAt, "opened_at"), protecting: loans,
                                        source: book.source)
            for label in later { laterProtections.append((hedge, label, reader.line, tx)) }
            return (true, nil)
        case "option_contract":
            let key = try contractKey(try decode(JournalContract.self, data))
            let existed = (try? book.existingContract(key)) != nil
            _ = try book.contract(key)
            return (!existed, nil)
        case "option_trade":
            let entry = try decode(JournalOptionTrade.self, data)
            let tradedAt = try instant(entry.tradedAt, "traded_at")
            let hedge = try book.hedge(named: entry.hedge, strategy: try enumeration(entry.strategy ?? "custom", HedgeRecord.Strategy.self, "strategy"),
                                       openedAt: tradedAt, create: true)
            let contract = try book.contract(try contractKey(entry.contract))
            let trade = try book.optionTrade(hedge: hedge, contract: contract, at: tradedAt, quantity: entry.quantity,
                                             price: try decimal(entry.price, "price"), fees: try decimal(entry.fees ?? "0", "fees"))
            return (trade.isNew, .optionTrade(trade.id))
        case "settlement":
            let entry = try decode(JournalSettlement.self, data)
            let contract = try book.existingContract(try contractKey(entry.contract))
            let value = try decimal(entry.settlementValue, "settlement_value")
            if try tx.db.scalar("""
                SELECT count(*) FROM option_settlement s WHERE s.contract_id = ?2 AND s.settlement_value = ?3
                  AND s.recorded_at <= ?1
                """, Int64.max, contract.rawValue, value.description, as: Int.self) > 0 {
                return (false, nil)
            }
            let settled = try tx.settleContract(contract, settlementValue: value, settledAt: try entry.settledAt.map { try instant($0, "settled_at") },
                                                source: book.source)
            return (!settled.isEmpty, settled.count == 1 ? .optionSettlement(settled[0]) : nil)
        case "price_series":
            return (try bookSeries(try decode(JournalSeries.self, data)), nil)
        case "price":
            let entry = try decode(JournalPrice.self, data)
            guard let series = try tx.current.series(named: entry.series) else { throw LedgerError.unknownEntity(kind: "price series", id: entry.series) }
            let observation = PriceObservation(observedAt: try instant(entry.observedAt, "observed_at"), price: entry.price.value)
            return (try tx.addObservations(CollectionOfOne(observation), to: series.id, source: book.source) == 1, nil)
        case "reserve_index":
            let entry = try decode(JournalReservePoint.self, data)
            func ray(_ text: String?, _ field: String) throws -> BigInt? {
                guard let text else { return nil }
                guard let value = RayText.parse(text) else {
                    throw LedgerError.invalidValue(field: field, reason: "'\(text)' is not a non-negative integer in ray (1e27 = 1.0), written as a JSON string")
                }
                return value
            }
            let point = ReservePoint(lendingProtocol: try enumeration(entry.protocol, LendingProtocol.self, "protocol"),
                                     asset: try currency(entry.asset, "asset"), updatedAt: try instant(entry.updatedAt, "updated_at"),
                                     variableBorrowIndexRay: try ray(entry.variableBorrowIndex, "variable_borrow_index") ?? 0,
                                     variableBorrowRateRay: try ray(entry.variableBorrowRate, "variable_borrow_rate") ?? 0,
                                     liquidityIndexRay: try ray(entry.liquidityIndex, "liquidity_index"),
                                     liquidityRateRay: try ray(entry.liquidityRate, "liquidity_rate"))
            return (try tx.addReservePoints(CollectionOfOne(point), source: book.source) == 1, nil)
        case "quote":
            let entry = try decode(JournalQuote.self, data)
            let contract = try book.contract(try contractKey(entry.contract))
            let quote = OptionQuote(contractID: contract, quotedAt: try instant(entry.quotedAt, "quoted_at"), bid: entry.bid?.value,
                                    ask: entry.ask?.value, mark: entry.mark?.value, impliedVol: entry.impliedVol?.value,
                                    underlying: entry.underlying?.value)
            return (try tx.addOptionQuotes(CollectionOfOne(quote), source: book.source) == 1, nil)
        case "external_flow":
            let entry = try decode(JournalExternalFlow.self, data)
            let kind = try enumeration(entry.kind, ExternalFlow.Kind.self, "kind")
            let at = try instant(entry.flowedAt, "flowed_at")
            let amount = Money(try decimal(entry.amount, "amount"), try currency(entry.currency, "currency"))
            if let existing = try existingExternalFlow(kind, at: at, amount: amount, note: entry.note, wallet: entry.wallet, opening: false) {
                return (false, .externalFlow(existing))
            }
            return (true, .externalFlow(try tx.recordExternalFlow(kind, at: at, amount: amount, note: entry.note, wallet: entry.wallet,
                                                                  source: book.source)))
        case "opening_cash_balance":
            let entry = try decode(JournalOpeningCashBalance.self, data)
            let at = try instant(entry.openedAt, "opened_at")
            let amount = Money(try decimal(entry.amount, "amount"), try currency(entry.currency, "currency"))
            if let existing = try existingExternalFlow(.deposit, at: at, amount: amount, note: entry.note, wallet: entry.wallet, opening: true) {
                return (false, .externalFlow(existing))
            }
            return (true, .externalFlow(try tx.openCashBalance(amount.amount, currency: amount.currency, at: at, wallet: entry.wallet,
                                                               note: entry.note, source: book.source)))
        case "balance_assertion":
            let entry = try decode(JournalBalanceAssertion.self, data)
            let at = try instant(entry.assertedAt, "asserted_at")
            let amount = Money(try decimal(entry.amount, "amount"), try currency(entry.currency, "currency"))
            if let existing = try tx.db.scalarIfAny("""
                SELECT b.balance_assertion_id FROM balance_assertion b WHERE b.asserted_at = ?2 AND b.currency = ?3 AND b.amount = ?4
                  AND b.recorded_at <= ?1
                """, Int64.max, at.unixSeconds, amount.currency.code, amount.amount.description, as: Int64.self) {
                return (false, .balanceAssertion(BalanceAssertionID(existing)))
            }
            return (true, .balanceAssertion(try tx.assertBalance(at: at, amount: amount, source: book.source)))
        case "correction":
            return (try bookCorrection(try decode(JournalCorrection.self, data)), nil)
        case "buffer_policy":
            let entry = try decode(JournalBufferPolicy.self, data)
            let scope: BufferPolicyScope = try entry.loan.map { .loan(try loan($0, "loan")) } ?? .portfolio
            let at = try instant(entry.effectiveAt, "effective_at")
            if try tx.db.scalarIfAny("""
                SELECT buffer_policy_id FROM buffer_policy WHERE loan_id IS ? AND effective_at = ? AND min_health_factor IS ? AND max_ltv IS ?
                  AND note IS ?
                """, scope.loanID?.rawValue, at.unixSeconds, entry.minHealthFactor, entry.maxLtv, entry.note, as: Int64.self) != nil {
                return (false, nil)
            }
            _ = try tx.setBufferPolicy(scope, effectiveAt: at, target: BufferTarget(minHealthFactor: entry.minHealthFactor, maxLTV: entry.maxLtv),
                                       note: entry.note, source: book.source)
            return (true, nil)
        case "risk_parameter":
            return (try bookRiskParameter(try decode(JournalRiskParameter.self, data)), nil)
        case "yield_position":
            return (try bookYieldPosition(try decode(JournalYieldPosition.self, data)), nil)
        case "yield_flow":
            return try bookYieldFlow(try decode(JournalYieldFlow.self, data))
        case "collection_daily_sales":
            let entry = try decode(JournalDailySales.self, data)
            guard let collection = try tx.current.collection(chain: entry.chain, contractAddress: entry.contractAddress) else {
                throw LedgerError.unknownEntity(kind: "collection", id: "\(entry.chain):\(entry.contractAddress)")
            }
            let day = CollectionDailySales(day: try instant(entry.day, "day"), quote: try currency(entry.quote, "quote"), salesCount: entry.salesCount,
                                           volume: entry.volume.value, minPrice: entry.minPrice?.value, medianPrice: entry.medianPrice?.value,
                                           maxPrice: entry.maxPrice?.value, advancing: entry.advancing, declining: entry.declining)
            return (try tx.addCollectionDailySales(CollectionOfOne(day), collection: collection.id, source: book.source) == 1, nil)
        default:
            throw fail("type", "'\(type)' is not an entry type")
        }
    }

    // MARK: - Entry kinds with more to resolve

    /// A yield position, found by name: one of that name already booked is the same position
    /// (skipped) when it says the same, and a conflict otherwise.
    private func bookYieldPosition(_ entry: JournalYieldPosition) throws -> Bool {
        let kind = try enumeration(entry.kind, YieldPositionKind.self, "kind")
        let currency = try currency(entry.currency, "currency")
        let valuation: YieldValuation
        switch entry.valuation {
        case "share_price":
            guard let name = entry.sharePriceSeries else { throw LedgerError.invalidValue(field: "share_price_series", reason: "missing for a share_price position") }
            guard entry.accrualApr == nil, entry.accrualRule == nil else {
                throw LedgerError.invalidValue(field: "accrual_apr", reason: "a share_price position has no accrual rule")
            }
            guard let series = try tx.current.series(named: name) else { throw LedgerError.invalidValue(field: "share_price_series", reason: "no price series '\(name)'") }
            valuation = .sharePrice(series.id)
        case "accrual":
            guard entry.sharePriceSeries == nil else { throw LedgerError.invalidValue(field: "share_price_series", reason: "an accrual position has no share price") }
            guard let apr = entry.accrualApr else { throw LedgerError.invalidValue(field: "accrual_apr", reason: "missing for an accrual position") }
            valuation = .accrual(apr: apr, rule: try enumeration(entry.accrualRule ?? "", YieldAccrualRule.self, "accrual_rule"))
        default:
            throw LedgerError.invalidValue(field: "valuation", reason: "'\(entry.valuation.prefix(40))' is not share_price or accrual")
        }
        let funding = try entry.loan.map { try loan($0, "loan") }
        if let existing = try tx.current.yieldPosition(named: entry.name) {
            guard existing.kind == kind, existing.currency == currency, existing.valuation == valuation, existing.fundingLoan == funding else {
                throw LedgerError.conflict("a yield position named '\(entry.name)' is already booked with other terms")
            }
            return false
        }
        _ = try tx.openYieldPosition(named: entry.name, kind: kind, currency: currency, valuation: valuation, fundedBy: funding,
                                     note: entry.note, source: book.source)
        return true
    }

    /// A deposit or withdrawal; one identical in every booked field (even a voided one) is the same entry.
    private func bookYieldFlow(_ entry: JournalYieldFlow) throws -> (Bool, CorrectableEntry?) {
        guard let position = try tx.current.yieldPosition(named: entry.position) else {
            throw LedgerError.unknownEntity(kind: "yield position", id: entry.position)
        }
        let kind = try enumeration(entry.kind, YieldFlow.Kind.self, "kind")
        let at = try instant(entry.flowedAt, "flowed_at")
        let amount = try decimal(entry.amount, "amount")
        let shares = try entry.shares.map { try decimal($0, "shares") }
        if let existing = try tx.db.scalarIfAny("""
            SELECT f.yield_flow_id FROM yield_flow f WHERE f.yield_position_id = ?1 AND f.flow_kind = ?2 AND f.flowed_at = ?3 AND f.amount = ?4
              AND f.shares IS ?5 AND f.note IS ?6
            """, position.id.rawValue, kind.rawValue, at.unixSeconds, amount.description, shares?.description, entry.note, as: Int64.self) {
            return (false, .yieldFlow(YieldFlowID(existing)))
        }
        return (true, .yieldFlow(try tx.recordYieldFlow(kind, position: position.id, at: at, amount: amount, shares: shares, note: entry.note,
                                                        source: book.source)))
    }

    /// A booked deposit or withdrawal identical to the line's (re-importing a file books nothing twice).
    private func existingExternalFlow(_ kind: ExternalFlow.Kind, at: Instant, amount: Money, note: String?, wallet: String?,
                                      opening: Bool) throws -> ExternalFlowID? {
        try tx.db.scalarIfAny("""
            SELECT f.external_flow_id FROM external_flow f WHERE f.flow_kind = ?2 AND f.flowed_at = ?3 AND f.currency = ?4 AND f.amount = ?5
              AND f.note IS ?6 AND f.wallet IS ?7 AND f.is_opening = ?8 AND f.recorded_at <= ?1
            """, Int64.max, kind.rawValue, at.unixSeconds, amount.currency.code, amount.amount.description, note,
            wallet.map(ContractAddress.canonical), opening ? 1 : 0, as: Int64.self).map(ExternalFlowID.init)
    }

    private func bookLoan(_ entry: JournalLoan, opening running: JournalOpeningLoan? = nil) throws -> (Bool, CorrectableEntry?) {
        let lendingProtocol = try enumeration(entry.protocol.lowercased(), LendingProtocol.self, "protocol")
        guard let model = entry.terms["model"] else { throw LedgerError.invalidValue(field: "terms.model", reason: "missing") }
        let terms = try Self.terms(model: model, entry.terms.values, key: "terms")
        let collateral = try entry.collateral.map { nft in
            try book.nft(chain: nft.chain, contract: nft.contractAddress, token: try TokenID(nft.tokenId))
        }
        let wanted = NewLoan(lendingProtocol: lendingProtocol, externalRef: entry.externalRef, currency: try currency(entry.currency, "currency"),
                             principal: try decimal(entry.principal, "principal"),
                             amountReceived: try entry.amountReceived.map { try decimal($0, "amount_received") },
                             startedAt: try instant(entry.startedAt, "started_at"),
                             maturityAt: try entry.maturityAt.map { try instant($0, "maturity_at") }, terms: terms,
                             maxLTV: entry.maxLtv, liquidationThreshold: entry.liquidationThreshold, collateral: collateral,
                             refinances: try entry.refinances.map { try loan($0, "refinances") }, wallet: entry.wallet)
        var opening: (at: Instant, principalRepaid: ExactDecimal, interestPaid: ExactDecimal)?
        if let running {
            opening = (try instant(running.openedAt, "opened_at"), try decimal(running.principalRepaid ?? "0", "principal_repaid"),
                       try decimal(running.interestPaid ?? "0", "interest_paid"))
        }
        let (id, isNew) = try book.loan(wanted, opening: opening)
        return (isNew, .loan(id))
    }

    /// A governance setting names `protocol` and `collection`; an override names `loan` alone.
    /// An identical row already booked is skipped (re-importing an export is a no-op).
    private func bookRiskParameter(_ entry: JournalRiskParameter) throws -> Bool {
        let scope: RiskParameterScope
        switch (entry.loan, entry.protocol, entry.collection) {
        case (let ref?, nil, nil):
            scope = .loan(try loan(ref, "loan"))
        case (nil, let name?, let ref?):
            guard let collection = try tx.current.collection(chain: ref.chain, contractAddress: ref.contractAddress) else {
                throw LedgerError.unknownEntity(kind: "collection", id: "\(ref.chain):\(ref.contractAddress)")
            }
            scope = .collection(try enumeration(name.lowercased(), LendingProtocol.self, "protocol"), collection.id)
        default:
            throw LedgerError.invalidValue(field: "loan", reason: "a risk_parameter entry names either a loan, or a protocol and a collection")
        }
        let at = try instant(entry.effectiveAt, "effective_at")
        let (protocolName, collection, loanID): (String?, Int64?, Int64?) = switch scope {
        case .collection(let p, let c): (p.rawValue, c.rawValue, nil)
        case .loan(let l): (nil, nil, l.rawValue)
        }
        if try tx.db.scalarIfAny("""
            SELECT risk_parameter_id FROM risk_parameter WHERE protocol IS ? AND collection_id IS ? AND loan_id IS ? AND effective_at = ?
              AND max_ltv IS ? AND liquidation_threshold = ? AND note IS ?
            """, protocolName, collection, loanID, at.unixSeconds, entry.maxLtv, entry.liquidationThreshold, entry.note, as: Int64.self) != nil {
            return false
        }
        _ = try tx.setRiskParameters(scope, effectiveAt: at, maxLTV: entry.maxLtv, liquidationThreshold: entry.liquidationThreshold,
                                     note: entry.note, source: book.source)
        return true
    }

    private func bookLoanEvent(_ entry: JournalLoanEvent) throws -> (Bool, CorrectableEntry?) {
        let loan = try loan(entry.loan, "loan")
        let kind = try LoanEventKind.decode(entry.eventKind, field: "event_kind")
        let detail = try LoanEventDetail(kind: kind, fields: eventFields(entry))
        if entry.nft != nil, detail.collateralNFT == nil {
            throw LedgerError.invalidValue(field: "nft", reason: "only collateral_added and collateral_released name an NFT, not \(entry.eventKind)")
        }
        let (id, isNew) = try book.loanEvent(loan: loan, at: try instant(entry.occurredAt, "occurred_at"), detail, note: entry.note)
        return (isNew, .loanEvent(id))
    }

    /// The event's optional fields as the journal spells them, parsed only when its kind reads them.
    private func eventFields(_ entry: JournalLoanEvent) -> LoanEventFields {
        LoanEventFields(
            amount: { try self.optionalDecimal(entry.amount, "amount") },
            interestPart: { try self.optionalDecimal(entry.interestPart, "interest_part") },
            principalPart: { try self.optionalDecimal(entry.principalPart, "principal_part") },
            fee: { try self.optionalDecimal(entry.fee, "fee") },
            newRateBps: { entry.newRateBps },
            indexRay: { entry.indexRay },
            newMaturity: { try self.optionalInstant(entry.newMaturityAt, "new_maturity_at") },
            newTerms: { try Self.newTerms(entry.newTerms?.values) },
            nft: { try self.eventNFT(entry.nft) },
            missing: { field, kind in LedgerError.invalidValue(field: field, reason: "required for \(kind)") })
    }

    private func optionalDecimal(_ text: String?, _ field: String) throws -> ExactDecimal? {
        guard let text else { return nil }
        return try decimal(text, field)
    }

    private func optionalInstant(_ text: String?, _ field: String) throws -> Instant? {
        guard let text else { return nil }
        return try instant(text, field)
    }

    private func eventNFT(_ ref: JournalNFTRef?) throws -> NFTID? {
        guard let ref else { return nil }
        return try book.nft(chain: ref.chain, contract: ref.contractAddress, token: try TokenID(ref.tokenId))
    }

    private static func newTerms(_ values: [String: String]?) throws -> LoanTerms? {
        guard let values else { return nil }
        guard let model = values["model"] else { throw LedgerError.invalidValue(field: "new_terms.model", reason: "missing") }
        return try terms(model: model, values, key: "new_terms")
    }

    private func bookSeries(_ entry: JournalSeries) throws -> Bool {
        let kind = try enumeration(entry.kind, PriceSeriesKind.self, "kind")
        let existed = try tx.current.series(named: entry.name) != nil
        let collection = try entry.collection.map { try book.collection(chain: $0.chain, contract: $0.contractAddress, name: nil) }
        let nft = try entry.nft.map { try book.nft(chain: $0.chain, contract: $0.contractAddress, token: try TokenID($0.tokenId)) }
        _ = try tx.addPriceSeries(name: entry.name, kind: kind, base: entry.base, quote: try entry.quote.map { try currency($0, "quote") },
                                  collection: collection, nft: nft,
                                  lendingProtocol: try entry.protocol.map { try enumeration($0, LendingProtocol.self, "protocol") })
        return !existed
    }

    private func bookCorrection(_ entry: JournalCorrection) throws -> Bool {
        let target = try correctable(entry.entry, "entry")
        let replacement = try entry.replacement.map { try correctable($0, "replacement") }
        if let existing = try tx.db.scalarIfAny("""
            SELECT replacement_id FROM entry_correction WHERE entry_table = ? AND entry_id = ? AND reason = ?
            """, target.table, target.rowID, entry.reason, as: Int64?.self) {
            if existing == replacement?.rowID { return false }
        }
        book.booked(nil, touching: try tx.nftsAffected(by: target) + (try replacement.map { try tx.nftsAffected(by: $0) } ?? []))
        switch entry.action {
        case "void":
            guard replacement == nil else { throw LedgerError.invalidValue(field: "replacement", reason: "a void has no replacement") }
            try tx.void(target, reason: entry.reason)
        case "supersede":
            guard let replacement else { throw LedgerError.invalidValue(field: "replacement", reason: "required to supersede") }
            try tx.supersede(target, by: replacement, reason: entry.reason)
        default:
            throw LedgerError.invalidValue(field: "action", reason: "'\(entry.action)' is not void or supersede")
        }
        return true
    }

    // MARK: - Values

    /// Loan terms from a `terms` object; errors name the key as `terms.rate_bps`.
    private static func terms(model: String, _ values: [String: String], key: String) throws -> LoanTerms {
        do {
            return try ImportValues.loanTerms(model: model) { values[$0] }
        } catch {
            guard case .invalidValue(let field, let reason) = error, !field.hasPrefix(key + ".") else { throw error }
            throw LedgerError.invalidValue(field: field == "interest_model" ? "\(key).model" : "\(key).\(field)", reason: reason)
        }
    }

    private func instant(_ text: String, _ field: String) throws -> Instant {
        guard let parsed = ByteParsing.time(text) else {
            throw LedgerError.invalidValue(field: field, reason: "'\(text.prefix(40))' is not an ISO-8601 UTC instant (YYYY-MM-DDTHH:MM:SSZ) or date")
        }
        return try times.resolve(parsed)
    }

    private func decimal(_ text: String, _ field: String) throws -> ExactDecimal {
        do { return try ExactDecimal(parsing: text) } catch { throw LedgerError.invalidValue(field: field, reason: error.description) }
    }

    private func currency(_ text: String, _ field: String) throws -> Currency {
        do { return try Currency(text) } catch { throw LedgerError.invalidValue(field: field, reason: error.description) }
    }

    private func enumeration<E: StoredEnum>(_ text: String, _ type: E.Type, _ field: String) throws -> E {
        try E.decode(text, field: field)
    }

    private func loan(_ ref: JournalLoanRef, _ field: String) throws -> LoanID {
        if let label = ref.ref {
            guard case .loan(let id)? = refs[label] else {
                throw LedgerError.unknownEntity(kind: "loan ref (a label of an earlier loan line of this file)", id: label)
            }
            return id
        }
        if let id = ref.loanId {
            guard try tx.current.loan(LoanID(id)) != nil else { throw LedgerError.unknownEntity(kind: "loan", id: String(id)) }
            return LoanID(id)
        }
        guard let name = ref.protocol, let externalRef = ref.externalRef else {
            throw LedgerError.invalidValue(field: field, reason: "refer to a loan by {\"ref\"}, {\"protocol\", \"external_ref\"} or {\"loan_id\"}")
        }
        return try book.requiredLoan(lendingProtocol: try enumeration(name.lowercased(), LendingProtocol.self, "\(field).protocol"), externalRef: externalRef)
    }

    private func contractKey(_ entry: JournalContract) throws -> ImportBook.ContractKey {
        let root = try enumeration(entry.root, OptionRoot.self, "root")
        guard let type = ImportValues.optionType(entry.optionType) else {
            throw LedgerError.invalidValue(field: "option_type", reason: "'\(entry.optionType)' is not call or put")
        }
        guard let parsed = ByteParsing.time(entry.expiresAt) else {
            throw LedgerError.invalidValue(field: "expires_at", reason: "'\(entry.expiresAt.prefix(40))' is not a date or a UTC instant")
        }
        return ImportBook.ContractKey(root: root, type: type, strike: try decimal(entry.strike, "strike"),
                                      expiresAt: try times.expiry(parsed, root: root), multiplier: entry.multiplier ?? 100)
    }

    private func correctable(_ ref: JournalEntryRef, _ field: String) throws -> CorrectableEntry {
        if let label = ref.ref {
            guard let entry = refs[label] else { throw LedgerError.unknownEntity(kind: "ref (a label of an earlier line of this file)", id: label) }
            return entry
        }
        guard let table = ref.table, let id = ref.id else {
            throw LedgerError.invalidValue(field: field, reason: "refer to an entry by {\"ref\": label} or {\"table\", \"id\"}")
        }
        guard let entry = CorrectableEntry(table: table, rowID: id) else {
            throw LedgerError.invalidValue(field: "\(field).table", reason: "'\(table)' entries cannot be corrected")
        }
        return entry
    }
}
