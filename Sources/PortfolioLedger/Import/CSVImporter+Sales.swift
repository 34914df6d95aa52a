import LedgerMath

/// `sales` imports: a marketplace's public sales history, of which only the rows of the user's
/// own wallets (``CSVImportOptions/wallets``) are booked — a sale by one of them as a disposal, a
/// buy by one of them as an acquisition (docs/import.md, "Sales histories and wallets").
extension CSVImporter {
    func importSales() throws -> ImportCounts {
        let wallets = Set(wallets.map { ContractAddress.canonical($0.trimmingCharacters(in: .whitespaces)) })
        guard !wallets.isEmpty else {
            throw ImportError(file: reader.path, line: 1, column: nil,
                              reason: "a sales history needs the user's wallets: give --wallet ADDRESS (repeatable)")
        }
        var counts = ImportCounts()
        while try reader.next() {
            reportProgress()
            book.line = reader.line
            do { try salesRow(wallets: wallets, counts: &counts) } catch { throw annotate(error) }
        }
        return counts
    }

    /// The zero address: what the CryptoPunks contract's bid-accepted event carries as buyer.
    private static let zeroAddress = "0x" + String(repeating: "0", count: 40)

    private func salesRow(wallets: Set<String>, counts: inout ImportCounts) throws {
        let seller = ContractAddress.canonical(try row.requiredText("seller"))
        let buyerText = row.text("buyer").map(ContractAddress.canonical)
        let buyer = buyerText == Self.zeroAddress ? nil : buyerText
        if buyer == nil { counts.withoutBuyer += 1 }
        let sells = wallets.contains(seller), buys = buyer.map(wallets.contains) ?? false
        // Neither side is the user's, or both are (a transfer between own wallets is not a trade).
        guard sells != buys else {
            counts.notOwn += 1
            return
        }
        let collection: CollectionID
        do {
            collection = try book.collection(chain: try row.requiredText("chain"), contract: try row.requiredText("contract_address"),
                                             name: try row.requiredText("collection_name"))
        } catch let error as ImportError { throw error } catch { throw annotate(error, column: "contract_address") }
        let nft = try book.nft(collection: collection, token: try row.tokenID("token_id")).id
        let at = try row.requiredInstant("traded_at")
        let price = Money(try salePrice(), try row.text("currency").map { _ in try row.currency("currency") } ?? .eth)
        var isNew = false
        if sells {
            // A sale of a token with no known acquisition: it was held, at an unknown cost, since
            // before the sale (one second before, the latest instant the file allows).
            switch try tx.current.holdingTimeline(of: nft).state(at: at).state {
            case .neverHeld, .disposed, .lost:
                isNew = try book.openingPosition(nft: nft, at: at.adding(seconds: -1), cost: nil, fees: .zero, currency: price.currency,
                                                 note: "opened for a sale with no known acquisition; cost unknown", wallet: seller).isNew
            case .held, .pledged:
                break
            }
        }
        let trade = try book.nftTrade(nft: nft, side: sells ? .dispose : .acquire, at: at, price: price, fees: .zero, note: nil,
                                      wallet: sells ? seller : buyer)
        counts.count(trade.isNew || isNew)
    }

    /// `price_wei` (exact, 18 decimals) when present, else `price`.
    private func salePrice() throws -> ExactDecimal {
        if let wei = row.text("price_wei") {
            guard !wei.isEmpty, wei.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                throw row.fail("price_wei", "'\(wei.prefix(40))' is not a whole number of wei")
            }
            let padded = String(repeating: "0", count: max(0, 19 - wei.count)) + wei
            let text = padded.dropLast(18) + "." + padded.suffix(18)
            do { return try ExactDecimal(parsing: String(text)) } catch { throw row.fail("price_wei", "\(error)") }
        }
        guard row.text("price") != nil else { throw row.fail(row.has("price_wei") ? "price_wei" : "price", "empty; a sale of the user's wallet needs its price") }
        return try row.requiredDecimal("price")
    }
}
