import LedgerMath

/// `loan-snapshot` imports: one row per running loan with its single collateral NFT, as loan
/// aggregators list them (the NFTfi data API: Gondi, Arcade and NFTfi loans). Each row creates
/// the collection and the NFT when missing, books the NFT as an opening position of unknown cost
/// at the loan's start when it is not already held then, and books the loan with the interest
/// model of its protocol (docs/import.md, "Loan snapshots").
extension CSVImporter {
    func importLoanSnapshotRow() throws -> Bool {
        let lendingProtocol = try lendingProtocol("protocol")
        let chain = row.text("chain") ?? "ethereum"
        let collection: CollectionID
        do {
            collection = try book.collection(chain: chain, contract: try row.requiredText("contract_address"),
                                             name: try row.requiredText("collection_name"))
        } catch let error as ImportError { throw error } catch { throw annotate(error, column: "contract_address") }
        var (nft, isNew) = try book.nft(collection: collection, token: try row.tokenID("token_id"))
        // Aggregators write wrapped ether `wETH`; currency codes are upper case.
        let currencyText = try row.requiredText("currency")
        let currency: Currency
        do { currency = try Currency(currencyText.uppercased()) } catch { throw row.fail("currency", "'\(currencyText.prefix(40))': \(error)") }
        let principal = try amount("principal"), maximum = try amount("maximum_repayment")
        let startedAt = try row.requiredInstant("started_at"), maturityAt = try row.requiredInstant("maturity_at")
        let terms = try terms(of: lendingProtocol, maximumRepayment: maximum)
        // The borrower's wallet (the aggregator's list does not say; `--set wallet=0x…` names yours).
        let wallet = row.text("wallet")
        let state = try tx.current.holdingTimeline(of: nft).state(at: startedAt).state
        switch state {
        case .neverHeld, .disposed, .lost:
            // Held since at least the loan's start (it was pledged then); what it cost is not in a loan list.
            isNew = try book.openingPosition(nft: nft, at: startedAt, cost: nil, fees: .zero, currency: .eth,
                                             note: "opened for a running loan; cost unknown", wallet: wallet).isNew || isNew
        case .held, .pledged:
            break
        }
        let loan = NewLoan(lendingProtocol: lendingProtocol, externalRef: try row.requiredText("external_ref"), currency: currency,
                           principal: principal, startedAt: startedAt, maturityAt: maturityAt, terms: terms, collateral: [nft], wallet: wallet)
        return try book.loan(loan).isNew || isNew
    }

    private func amount(_ name: String) throws -> ExactDecimal {
        let text = try row.requiredText(name)
        do { return try Float32Amount.decimal(text) } catch { throw row.fail(name, error.description, underlying: error) }
    }

    /// Gondi: simple pro-rata from the principal and the APR (bps, rounded up, capped at the
    /// due instant). NFTfi and Arcade: a fixed repayment of the stated maximum repayment, unless
    /// `loan_version` names a pro-rata version (`nftfi-pro-rata`, `arcade-v4`).
    private func terms(of lendingProtocol: LendingProtocol, maximumRepayment: ExactDecimal) throws -> LoanTerms {
        let version = row.text("loan_version")?.lowercased()
        switch (lendingProtocol, version) {
        case (.gondi, nil), (.gondi, "gondi"), (.arcade, "arcade-v4"):
            return .simpleProRata(rateBps: try rateBps(), roundsUp: lendingProtocol == .gondi, capAtMaturity: true)
        case (.nftfi, "nftfi-pro-rata"):
            return .nftfiProRata(maximumRepayment: maximumRepayment)
        case (.nftfi, nil), (.arcade, nil), (_, "fixed"):
            return .fixedRepayment(repayment: maximumRepayment)
        default:
            throw row.fail(version == nil ? "protocol" : "loan_version",
                           "no interest model for \(lendingProtocol.rawValue)" + (version.map { " version '\($0.prefix(40))'" } ?? "")
                               + " (known: gondi, nftfi, arcade; versions fixed, nftfi-pro-rata, arcade-v4)")
        }
    }

    /// The APR in percent as whole basis points (the contracts store bps); a float32 APR is within
    /// a millionth of a bp of a whole one, anything else is refused rather than rounded silently.
    private func rateBps() throws -> Int {
        let apr = try row.requiredDouble("apr_pct")
        let bps = (apr * 100).rounded()
        guard apr >= 0, abs(apr * 100 - bps) < 0.01, bps <= 10_000_000 else {
            throw row.fail("apr_pct", "\(apr) % is not a whole number of basis points")
        }
        return Int(bps)
    }
}
