import LedgerMath
internal import SQLiteDB

/// Counts of one import.
struct ImportCounts {
    var inserted = 0
    var skipped = 0
    var notOwn = 0
    var withoutBuyer = 0
    mutating func count(_ isNew: Bool) { if isNew { inserted += 1 } else { skipped += 1 } }
}

/// A `Sequence` pulled by the bulk write methods (`addObservations`, `addOptionQuotes`), fed one
/// parsed CSV record at a time so the file is never held in memory. `produce` cannot throw
/// through `IteratorProtocol`, so its first error is kept and rethrown by the importer.
struct RowStream<Element>: Sequence, IteratorProtocol {
    final class State {
        var error: (any Error)?
    }
    let state = State()
    let produce: () throws -> Element?

    mutating func next() -> Element? {
        guard state.error == nil else { return nil }
        do { return try produce() } catch {
            state.error = error
            return nil
        }
    }
}

/// Imports one CSV file of one kind inside a write transaction.
struct CSVImporter {
    let reader: CSVReader
    let row: CSVRowAccess
    let book: ImportBook
    let progress: ((ImportProgress) -> Void)?
    /// `sales`: the user's wallets.
    let wallets: [String]

    init(reader: CSVReader, kind: CSVImportKind, options: CSVImportOptions, book: ImportBook, progress: ((ImportProgress) -> Void)?) throws(ImportError) {
        wallets = options.wallets
        self.reader = reader
        row = try CSVRowAccess(reader: reader, kind: kind, options: options)
        self.book = book
        self.progress = progress
    }

    var source: ImportSourceID { book.source }
    var tx: LedgerTransaction { book.tx }

    func run() throws -> ImportCounts {
        switch row.kind {
        case .prices: try importPrices()
        case .quotes: try importQuotes()
        case .nfts: try eachRow(importNFT)
        case .loans: try eachRow(importLoan)
        case .loanEvents: try eachRow(importLoanEvent)
        case .optionTrades: try eachRow(importOptionTrade)
        case .reserveIndex: try eachRow(importReservePoint)
        case .loanSnapshot: try eachRow(importLoanSnapshotRow)
        case .sales: try importSales()
        }
    }

    // MARK: - Errors and progress

    /// Adds the file, line and column to an error raised while booking the current record.
    func annotate(_ error: any Error, column: String? = nil, line: Int? = nil) -> any Error {
        switch error {
        case let error as ImportError: return error
        case let error as LedgerError: return annotate(ledgerError: error, column: column, line: line)
        case let error as SQLiteError: return annotate(ledgerError: LedgerError(sqlite: error), column: column, line: line)
        default: return ImportError(file: reader.path, line: line ?? reader.line, column: column, reason: "\(error)")
        }
    }

    private func annotate(ledgerError error: LedgerError, column: String?, line: Int?) -> ImportError {
        var name = column
        if case .invalidValue(let field, _) = error {
            // Terms are columns of their own in a CSV file (`rate_bps`), keys of `terms` in the journal.
            let logical = field.hasPrefix("terms.") ? String(field.dropFirst("terms.".count)) : field
            if row.has(logical) { name = logical }
        }
        return ImportError(file: reader.path, line: line ?? reader.line, column: name.map(row.header), reason: error.description, underlying: error)
    }

    @inline(__always) func reportProgress() {
        guard let progress, reader.recordsRead & 0x3FFF == 0 else { return }
        progress(ImportProgress(rowsRead: reader.recordsRead, bytesRead: reader.bytesRead, totalBytes: reader.fileSize))
    }

    /// Runs `body` on every record; `body` returns whether it booked something new.
    func eachRow(_ body: () throws -> Bool) throws -> ImportCounts {
        var counts = ImportCounts()
        while try reader.next() {
            reportProgress()
            book.line = reader.line
            do { counts.count(try body()) } catch { throw annotate(error) }
        }
        return counts
    }

    // MARK: - prices

    /// Prices: one series (a constant) or a series per row (a column). Every record is parsed
    /// straight from the bytes and inserted in batches by ``ObservationBatchInserter``; a series
    /// column's name is turned into a `String` and looked up only when it differs from the
    /// previous row's.
    private func importPrices() throws -> ImportCounts {
        let seriesColumn: Int?
        var current: PriceSeries?
        switch row.source("series") {
        case .constant(let name):
            do { current = try resolveSeries(name) } catch { throw annotate(error, column: "series") }
            seriesColumn = nil
        case .column(let index):
            seriesColumn = index
        case .absent:
            throw ImportError(file: reader.path, line: 1, column: "series",
                              reason: "no series: give one with --series NAME (or --set series=NAME), or a 'series' column")
        }
        var batch = try ObservationBatchInserter(tx: tx, source: source)
        var known: [String: PriceSeries] = [:]
        var currentName: [UInt8] = []
        let timeHeader = row.header("observed_at")
        let fast: (time: Int, price: Int)?
        if case .column(let t) = row.source("observed_at"), case .column(let p) = row.source("price") { fast = (t, p) } else { fast = nil }
        while try reader.next() {
            reportProgress()
            if let seriesColumn {
                let same = try reader.withField(seriesColumn) { (bytes) throws(ImportError) -> Bool in bytes.elementsEqual(currentName) }
                if current == nil || !same {
                    let name = try row.requiredText("series")
                    do {
                        if let hit = known[name] { current = hit } else { current = try resolveSeries(name); known[name] = current }
                    } catch { throw annotate(error) }
                    currentName = Array(name.utf8)
                }
            }
            guard let series = current else { continue }   // unreachable: set above or thrown
            let observation: PriceObservation
            if let (t, p) = fast {
                let parsed = try reader.withField(t) { (bytes) throws(ImportError) -> ByteParsing.ParsedTime? in row.times.parse(bytes) }
                guard let parsed else {
                    throw ImportError(file: reader.path, line: reader.line, column: timeHeader,
                                      reason: reader.isEmpty(t) ? "empty; a date or instant is required"
                                          : "'\(reader.string(t).prefix(40))' is not \(row.times.expected)")
                }
                let at: Instant
                do { at = try row.times.resolve(parsed) } catch { throw ImportError(file: reader.path, line: reader.line, column: timeHeader, reason: error.description) }
                observation = PriceObservation(observedAt: at, price: try reader.double(p))
            } else {
                observation = PriceObservation(observedAt: try row.requiredInstant("observed_at"), price: try row.requiredDouble("price"))
            }
            do { try batch.add(observation, to: series, line: reader.line) } catch let failure as BatchRowError {
                throw annotate(failure.error, line: failure.line)
            } catch { throw annotate(error) }
        }
        do { try batch.flush() } catch let failure as BatchRowError {
            throw annotate(failure.error, line: failure.line)
        } catch { throw annotate(error) }
        return ImportCounts(inserted: batch.inserted, skipped: reader.recordsRead - batch.inserted)
    }

    private func resolveSeries(_ name: String) throws -> PriceSeries {
        let kind = try row.enumeration("kind", PriceSeriesKind.self)
        return try book.series(name: name, kind: kind) {
            var collection: CollectionID?
            var nft: NFTID?
            if let chain = row.text("chain"), let contract = row.text("contract_address") {
                collection = try book.collection(chain: chain, contract: contract, name: row.text("collection_name"))
                if let collection, row.text("token_id") != nil {
                    let token = try row.tokenID("token_id")
                    guard let found = try book.existingNFT(collection: collection, token: token) else {
                        throw LedgerError.unknownEntity(kind: "nft", id: "\(chain):\(contract)#\(token)")
                    }
                    nft = found
                }
            }
            let quote: Currency? = try row.text("quote").map { text in
                do { return try Currency(text) } catch { throw LedgerError.invalidValue(field: "quote", reason: "\(error)") }
            }
            return (row.text("base"), quote, collection, nft, try row.enumeration("protocol", LendingProtocol.self))
        }
    }

    // MARK: - quotes

    private func importQuotes() throws -> ImportCounts {
        let reader = self.reader
        let row = self.row
        let book = self.book
        let hasMark = row.has("mark")
        let stream = RowStream<OptionQuote> {
            guard try reader.next() else { return nil }
            self.reportProgress()
            let root = try row.root("root")
            let key = ImportBook.ContractKey(root: root, type: try row.optionType("option_type"), strike: try row.requiredDecimal("strike"),
                                             expiresAt: try row.expiry("expires_at", root: root), multiplier: try row.integer("multiplier") ?? 100)
            let contract: OptionContractID
            do { contract = try book.contract(key) } catch { throw self.annotate(error) }
            let bid = try row.double("bid"), ask = try row.double("ask")
            // Without a mark the write API stores the mid (OptionQuote.storedMark), as for every import kind.
            let mark = hasMark ? try row.double("mark") : nil
            // A zero implied volatility is how quote screens say "none".
            let vol = try row.double("implied_vol").flatMap { $0 == 0 ? nil : $0 }
            return OptionQuote(contractID: contract, quotedAt: try row.requiredInstant("quoted_at"), bid: bid, ask: ask, mark: mark,
                               impliedVol: vol, underlying: try row.double("underlying"))
        }
        let inserted: Int
        do { inserted = try tx.addOptionQuotes(stream, source: source) } catch { throw annotate(error) }
        if let error = stream.state.error { throw error }
        return ImportCounts(inserted: inserted, skipped: reader.recordsRead - inserted)
    }

    // MARK: - nfts

    private func importNFT() throws -> Bool {
        let chain = try row.requiredText("chain"), contract = try row.requiredText("contract_address")
        let collection = try book.collection(chain: chain, contract: contract, name: try row.requiredText("collection_name"))
        let (nft, isNew) = try book.nft(collection: collection, token: try row.tokenID("token_id"))
        guard row.text("price") != nil || row.text("traded_at") != nil || row.text("side") != nil else { return isNew }
        let side = try row.enumeration("side", TradeSide.self) ?? .acquire
        let price = Money(try row.requiredDecimal("price"), try row.currency("currency"))
        let trade = try book.nftTrade(nft: nft, side: side, at: try row.requiredInstant("traded_at"), price: price,
                                      fees: try row.decimal("fees") ?? .zero, note: row.text("note"))
        return isNew || trade.isNew
    }

    // MARK: - loans

    func lendingProtocol(_ name: String) throws(ImportError) -> LendingProtocol {
        let text = try row.requiredText(name)
        return try row.decoded(name) { () throws(LedgerError) in try LendingProtocol.decode(text.lowercased(), field: name) }
    }

    private func importLoan() throws -> Bool {
        let lendingProtocol = try lendingProtocol("protocol")
        let model = try row.requiredText("interest_model")
        let terms: LoanTerms
        do { terms = try ImportValues.loanTerms(model: model) { row.text($0) } } catch { throw annotate(error, column: "interest_model") }
        let chain = try row.requiredText("collateral_chain"), contract = try row.requiredText("collateral_contract")
        let tokenText = try row.requiredText("collateral_token_ids")
        var collateral: [NFTID] = []
        for part in tokenText.split(whereSeparator: { $0 == ";" || $0 == " " }) {
            let token: TokenID
            do { token = try TokenID(String(part)) } catch { throw row.fail("collateral_token_ids", error.description, underlying: error) }
            do { collateral.append(try book.nft(chain: chain, contract: contract, token: token)) } catch {
                throw annotate(error, column: "collateral_token_ids")
            }
        }
        var refinanced: LoanID?
        if let ref = row.text("refinances_external_ref") {
            do { refinanced = try book.requiredLoan(lendingProtocol: lendingProtocol, externalRef: ref) } catch {
                throw annotate(error, column: "refinances_external_ref")
            }
        }
        let loan = NewLoan(lendingProtocol: lendingProtocol, externalRef: row.text("external_ref"), currency: try row.currency("currency"),
                           principal: try row.requiredDecimal("principal"), amountReceived: try row.decimal("amount_received"),
                           startedAt: try row.requiredInstant("started_at"), maturityAt: try row.instant("maturity_at"), terms: terms,
                           maxLTV: try row.double("max_ltv"), liquidationThreshold: try row.double("liquidation_threshold"),
                           collateral: collateral, refinances: refinanced)
        do {
            return try book.loan(loan).isNew
        } catch LedgerError.invalidValue(let field, let reason) where field == "collateral" {
            throw annotate(LedgerError.invalidValue(field: "collateral", reason: reason), column: "collateral_token_ids")
        }
    }

    // MARK: - loan-events

    private func importLoanEvent() throws -> Bool {
        let loan: LoanID
        if let idText = row.text("loan_id") {
            guard let raw = Int64(idText), try tx.current.loan(LoanID(raw)) != nil else {
                throw row.fail("loan_id", "no loan with id '\(idText.prefix(40))'", underlying: .unknownEntity(kind: "loan", id: idText))
            }
            loan = LoanID(raw)
        } else {
            let lendingProtocol = try lendingProtocol("protocol")
            let ref = try row.requiredText("external_ref")
            do { loan = try book.requiredLoan(lendingProtocol: lendingProtocol, externalRef: ref) } catch { throw annotate(error, column: "external_ref") }
        }
        let kindText = try row.requiredText("event_kind")
        let kind = try row.decoded("event_kind") { () throws(LedgerError) in try LoanEventKind.decode(kindText, field: "event_kind") }
        // The CSV names the NFT of a collateral change in three columns; terms are not renegotiated here.
        let nftColumns = ["collateral_chain", "collateral_contract", "collateral_token_id"]
        let detail = try LoanEventDetail(kind: kind, fields: LoanEventFields(
            amount: { try row.decimal("amount") },
            interestPart: { try row.decimal("interest_part") },
            principalPart: { try row.decimal("principal_part") },
            fee: { try row.decimal("fee") },
            newRateBps: { try row.integer("new_rate_bps") },
            indexRay: { row.text("index_ray") },
            newMaturity: { try row.instant("new_maturity_at") },
            newTerms: { nil },
            nft: {
                guard nftColumns.contains(where: { row.text($0) != nil }) else { return nil }
                let chain = try row.requiredText("collateral_chain"), contract = try row.requiredText("collateral_contract")
                let token = try row.tokenID("collateral_token_id")
                do { return try book.nft(chain: chain, contract: contract, token: token) } catch { throw annotate(error, column: "collateral_token_id") }
            },
            missing: { field, kind in row.fail(field == "nft" ? "collateral_chain" : field, "empty; required for \(kind)") }))
        if detail.collateralNFT == nil, let column = nftColumns.first(where: { row.text($0) != nil }) {
            throw row.fail(column, "only collateral_added and collateral_released name an NFT, not \(kind)")
        }
        return try book.loanEvent(loan: loan, at: try row.requiredInstant("occurred_at"), detail, note: row.text("note")).isNew
    }

    // MARK: - option-trades

    private func importOptionTrade() throws -> Bool {
        let root = try row.root("root")
        let tradedAt = try row.requiredInstant("traded_at")
        let strategy = try row.enumeration("strategy", HedgeRecord.Strategy.self) ?? .custom
        let hedge: HedgeID
        do { hedge = try book.hedge(named: try row.requiredText("hedge"), strategy: strategy, openedAt: tradedAt, create: true) } catch {
            throw annotate(error, column: "hedge")
        }
        let contract = try book.contract(ImportBook.ContractKey(
            root: root, type: try row.optionType("option_type"), strike: try row.requiredDecimal("strike"),
            expiresAt: try row.expiry("expires_at", root: root), multiplier: try row.integer("multiplier") ?? 100))
        guard let quantity = try row.integer("quantity") else { throw row.fail("quantity", "empty; a signed number of contracts is required") }
        return try book.optionTrade(hedge: hedge, contract: contract, at: tradedAt, quantity: quantity, price: try row.requiredDecimal("price"),
                                    fees: try row.decimal("fees") ?? .zero).isNew
    }

    // MARK: - reserve-index

    private func importReservePoint() throws -> Bool {
        guard let lendingProtocol = try row.enumeration("protocol", LendingProtocol.self) else { throw row.fail("protocol", "empty; a value is required") }
        let point = ReservePoint(lendingProtocol: lendingProtocol, asset: try row.currency("asset"), updatedAt: try row.requiredInstant("updated_at"),
                                 variableBorrowIndexRay: try row.requiredRay("variable_borrow_index"),
                                 variableBorrowRateRay: try row.requiredRay("variable_borrow_rate"),
                                 liquidityIndexRay: try row.ray("liquidity_index"), liquidityRateRay: try row.ray("liquidity_rate"))
        return try tx.addReservePoints(CollectionOfOne(point), source: source) == 1
    }
}
