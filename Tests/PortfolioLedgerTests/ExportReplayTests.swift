import LedgerTestSupport
import Foundation
import LedgerMath
import SQLiteDB
import Testing
@testable import PortfolioLedger

/// Export → import → export is byte-identical, and the rebuilt book answers as-known-at questions
/// as the original does, for a book that exercises every entry kind and correction kind, booked
/// out of chronological order over several transactions (issue 12 item 2).
@Suite struct ExportReplayTests {
    let dir = TemporaryDirectory()

    /// A book booked in five transactions, most of them back-dated: a punk pledged, released and
    /// pledged again; a refinance chain; a purchase, a loan, a loan event, an option trade, an
    /// external flow and a balance assertion superseded or voided and booked again; a settled and
    /// an unsettled condor; an NFT lost to a liquidation; a second punk added to a running loan
    /// (the addition superseded by a later one) and released from it.
    static func busyBook(_ dir: TemporaryDirectory) throws -> (Ledger, [Instant]) {
        let clock = try TestClock("2021-06-01T00:00:00Z")
        let ledger = try Ledger.create(at: dir.path("busy.ledger"), clock: clock.read)
        let usd = try Currency("USD"), ethc = try Currency("ETH")
        var knowledge: [Instant] = []
        // 1: the NFTs, a purchase booked with a wrong price, a loan on the wrong terms.
        let (punk, ape, wrongBuy, wrongLoan) = try ledger.write { tx in
            let punks = try tx.addCollection(chain: "ethereum", contractAddress: "0xb47e3cd837ddf8e4c57f05d70ab865de6e193bbb", name: "CryptoPunks")
            let apes = try tx.addCollection(chain: "ethereum", contractAddress: "0xbc4ca0eda7647a8ab7c2061c2e118a18a936f13d", name: "BAYC")
            let punk = try tx.addNFT(collection: punks, tokenID: TokenID("7804"))
            let ape = try tx.addNFT(collection: apes, tokenID: TokenID("8585"))
            let wrongBuy = try tx.recordNFTTrade(nft: punk, side: .acquire, tradedAt: instant("2021-03-11T00:48:39Z"), price: eth("4300"))
            _ = try tx.recordNFTTrade(nft: ape, side: .acquire, tradedAt: instant("2021-03-01"), price: eth("60"), fees: dec("1.5"))
            let wrongLoan = try tx.addLoan(NewLoan(lendingProtocol: .nftfi, externalRef: "N-1", currency: ethc, principal: dec("900"),
                                                   startedAt: instant("2021-03-12"), maturityAt: instant("2021-04-11"),
                                                   terms: .fixedRepayment(repayment: dec("920")), collateral: [punk]))
            let floor = try tx.addPriceSeries(name: "punk floor", kind: .floor, quote: ethc, collection: punks)
            try tx.addObservations([PriceObservation(observedAt: instant("2021-03-12"), price: 30.5)], to: floor)
            return (punk, ape, wrongBuy, wrongLoan)
        }
        knowledge.append(clock.read())
        try clock.set("2021-06-02T00:00:00Z")
        // 2: corrections of purchase and loan, the right loan, its close, the punk pledged again, a refinance chain.
        let (loanB, loanC) = try ledger.write { tx in
            try tx.supersede(.nftTrade(wrongBuy), reason: "price was 4200") {
                .nftTrade(try tx.recordNFTTrade(nft: punk, side: .acquire, tradedAt: instant("2021-03-11T00:48:39Z"), price: eth("4200")))
            }
            try tx.void(.loan(wrongLoan), reason: "booked with the wrong terms")
            let right = try tx.addLoan(NewLoan(lendingProtocol: .nftfi, externalRef: "N-1", currency: ethc, principal: dec("1000"),
                                               amountReceived: dec("995"), startedAt: instant("2021-03-12"), maturityAt: instant("2021-04-11"),
                                               terms: .fixedRepayment(repayment: dec("1016.438356164383561643")), collateral: [punk]))
            _ = try tx.recordLoanEvent(loan: right, at: instant("2021-03-20"), .repay(interest: dec("16.438356164383561643"), principal: dec("1000")))
            _ = try tx.recordLoanEvent(loan: right, at: instant("2021-03-20"), .close)
            // Pledged again, then refinanced twice (blend → blend → benddao) at the instants the old loans close.
            let a = try tx.addLoan(NewLoan(lendingProtocol: .blend, currency: ethc, principal: dec("500"), startedAt: instant("2021-03-25"),
                                           terms: .continuous(rateBps: 1200), collateral: [punk]))
            let b = try tx.addLoan(NewLoan(lendingProtocol: .blend, currency: ethc, principal: dec("505"), startedAt: instant("2021-04-05"),
                                           terms: .continuous(rateBps: 1000), collateral: [punk], refinances: a))
            let c = try tx.addLoan(NewLoan(lendingProtocol: .benddao, externalRef: "B-7", currency: ethc, principal: dec("510"),
                                           startedAt: instant("2021-04-20"), terms: .continuous(rateBps: 900), liquidationThreshold: 0.9,
                                           collateral: [punk], refinances: b))
            return (b, c)
        }
        _ = loanB
        knowledge.append(clock.read())
        try clock.set("2021-06-03T00:00:00Z")
        // 3: hedges (one settled, one open), flows, an assertion, a loan on the ape that is liquidated.
        let (wrongFee, wrongTrade, wrongFlow, wrongAssertion, wrongAdd) = try ledger.write { tx in
            let expiry = try instant("2021-04-16T20:00:00Z")
            let settled = try tx.openIronCondor(name: "april condor", root: .spxw,
                                                legs: condorLegs(["3700", "3800", "4100", "4250"], premiums: ["5.2", "9.1", "8.4", "2.05"], expiry: expiry),
                                                tradedAt: instant("2021-03-15T15:00:00Z"), feesPerLeg: dec("0.65"), protecting: [loanC])
            for position in try tx.current.positions(of: settled, at: expiry) {
                _ = try tx.settleContract(position.contract.id, settlementValue: dec("4120.5"))
            }
            let later = try instant("2021-07-16T20:00:00Z")
            let open = try tx.openIronCondor(name: "july condor", root: .spxw,
                                             legs: condorLegs(["3900", "4000", "4400", "4500"], premiums: ["20", "30", "25", "15"], expiry: later),
                                             tradedAt: instant("2021-04-20T15:00:00Z"))
            let contract = try tx.current.positions(of: open, at: later)[0].contract.id
            let wrongTrade = try tx.recordOptionTrade(hedge: open, contract: contract, tradedAt: instant("2021-04-21T15:00:00Z"), quantity: 1,
                                                      price: dec("19"))
            let wrongFlow = try tx.recordExternalFlow(.deposit, at: instant("2021-03-01"), amount: Money(dec("5000"), ethc))
            let wrongAssertion = try tx.assertBalance(at: instant("2021-03-02"), amount: Money(dec("1"), usd))
            let apeLoan = try tx.addLoan(NewLoan(lendingProtocol: .benddao, externalRef: "B-8", currency: ethc, principal: dec("30"),
                                                 startedAt: instant("2021-03-05"), terms: .continuous(rateBps: 800), liquidationThreshold: 0.9,
                                                 collateral: [ape]))
            let wrongFee = try tx.recordLoanEvent(loan: apeLoan, at: instant("2021-03-06"), .fee(amount: dec("3")))
            _ = try tx.recordLoanEvent(loan: apeLoan, at: instant("2021-05-01"), .liquidation(surplus: dec("2")))
            _ = try tx.setBufferPolicy(.loan(loanC), effectiveAt: instant("2021-04-20"), target: BufferTarget(minHealthFactor: 1.5))
            let second = try tx.addNFT(collection: try #require(try tx.current.nft(punk)).collectionID, tokenID: TokenID("3100"))
            _ = try tx.recordNFTTrade(nft: second, side: .acquire, tradedAt: instant("2021-04-01"), price: eth("35"))
            let wrongAdd = try tx.addCollateral(loan: loanC, nft: second, at: instant("2021-04-22"))
            let apes = try #require(try tx.current.collection(chain: "ethereum", contractAddress: "0xbc4ca0eda7647a8ab7c2061c2e118a18a936f13d")).id
            _ = try tx.setRiskParameters(.collection(.benddao, apes), effectiveAt: instant("2021-03-01"), maxLTV: 0.4, liquidationThreshold: 0.9,
                                         note: "BendDAO BAYC at listing")
            _ = try tx.setRiskParameters(.collection(.benddao, apes), effectiveAt: instant("2021-04-01"), maxLTV: 0.3, liquidationThreshold: 0.85,
                                         note: "governance vote: threshold cut")
            _ = try tx.setRiskParameters(.loan(apeLoan), effectiveAt: instant("2021-03-20"), liquidationThreshold: 0.88)
            return (wrongFee, (wrongTrade, open, contract), wrongFlow, wrongAssertion, (wrongAdd, second))
        }
        knowledge.append(clock.read())
        try clock.set("2021-06-04T00:00:00Z")
        // 4: every other kind of correction.
        try ledger.write { tx in
            try tx.supersede(.loanEvent(wrongFee), reason: "fee was 0.3") {
                .loanEvent(try tx.recordLoanEvent(loan: tx.current.loans(lendingProtocol: .benddao).first { $0.externalRef == "B-8" }!.id,
                                                  at: instant("2021-03-06"), .fee(amount: dec("0.3"))))
            }
            try tx.supersede(.optionTrade(wrongTrade.0), reason: "price was 19.5") {
                .optionTrade(try tx.recordOptionTrade(hedge: wrongTrade.1, contract: wrongTrade.2, tradedAt: instant("2021-04-21T15:00:00Z"),
                                                      quantity: 1, price: dec("19.5")))
            }
            try tx.supersede(.externalFlow(wrongFlow), reason: "it was 4500") {
                .externalFlow(try tx.recordExternalFlow(.deposit, at: instant("2021-03-01"), amount: Money(dec("4500"), ethc)))
            }
            try tx.supersede(.balanceAssertion(wrongAssertion), reason: "asserted in ETH") {
                .balanceAssertion(try tx.assertBalance(at: instant("2021-03-02"), amount: Money(dec("4440"), ethc)))
            }
            let april = try #require(try tx.current.hedges().first { $0.name == "april condor" })
            let settlement = try #require(try tx.current.optionSettlements(of: april.id).first).id
            try tx.void(.optionSettlement(settlement), reason: "settled twice by mistake")
            _ = try tx.supersede(.loanEvent(wrongAdd.0), reason: "added on the 25th") {
                .loanEvent(try tx.addCollateral(loan: loanC, nft: wrongAdd.1, at: instant("2021-04-25"), note: "top-up"))
            }
            _ = try tx.releaseCollateral(loan: loanC, nft: wrongAdd.1, at: instant("2021-05-10"))
            let apes = try #require(try tx.current.collection(chain: "ethereum", contractAddress: "0xbc4ca0eda7647a8ab7c2061c2e118a18a936f13d")).id
            _ = try tx.setRiskParameters(.collection(.benddao, apes), effectiveAt: instant("2021-04-01"), maxLTV: 0.3, liquidationThreshold: 0.8,
                                         note: "restated: the vote cut the threshold to 80 %")
        }
        knowledge.append(clock.read())
        try clock.set("2021-06-05T00:00:00Z")
        // 5: opening positions (issue 19), one of unknown cost later given its cost, one declared and transferred between wallets,
        // one that stays unknown and backs a running loan; the collection written in mixed case.
        try ledger.write { tx in
            let meebits = try tx.addCollection(chain: "ethereum", contractAddress: "0x7Bd29408f11D2bFC23c34f18275bBf23bB716Bc7", name: "Meebits")
            let (m1, m2, m3) = (try tx.addNFT(collection: meebits, tokenID: TokenID("1")), try tx.addNFT(collection: meebits, tokenID: TokenID("2")),
                                try tx.addNFT(collection: meebits, tokenID: TokenID("3")))
            let unknown = try tx.openNFTPosition(nft: m1, openedAt: instant("2021-01-01"), cost: nil, currency: ethc)
            try tx.supersede(.nftTrade(unknown), reason: "found the receipt") {
                .nftTrade(try tx.openNFTPosition(nft: m1, openedAt: instant("2021-01-01"), cost: dec("2.5"), fees: dec("0.05"), currency: ethc,
                                                 note: "bought on another wallet"))
            }
            // Kept in one wallet, then moved to another (a transfer, not a trade).
            let (cold, hot) = ("0x1111111111111111111111111111111111111111", "0x2222222222222222222222222222222222222222")
            _ = try tx.openNFTPosition(nft: m2, openedAt: instant("2021-02-01"), cost: dec("3"), currency: ethc, wallet: cold)
            _ = try tx.transferNFT(m2, from: cold, to: hot, at: instant("2021-03-01"))
            _ = try tx.openNFTPosition(nft: m3, openedAt: instant("2021-03-01"), cost: nil, currency: ethc)
            _ = try tx.addLoan(NewLoan(lendingProtocol: .gondi, externalRef: "G-1", currency: ethc, principal: dec("1"), startedAt: instant("2021-03-01"),
                                       maturityAt: instant("2021-06-01"), terms: .simpleProRata(rateBps: 1500, roundsUp: true, capAtMaturity: true),
                                       collateral: [m3]))
        }
        knowledge.append(clock.read())
        try clock.set("2021-06-06T00:00:00Z")
        // 6: yield positions (issue 21): a vault funded by the BendDAO loan, valued by share price, with a
        // withdrawal booked wrong; a tokenized-bill position at a fixed APR with a deposit that never happened.
        let (wrongRedeem, twice, vault) = try ledger.write { tx in
            let pps = try tx.addPriceSeries(name: "vault-pps", kind: .index, quote: ethc)
            _ = try tx.addObservations([PriceObservation(observedAt: instant("2021-03-01"), price: 1.0),
                                        PriceObservation(observedAt: instant("2021-05-01"), price: 1.02)], to: pps)
            let apeLoan = try #require(try tx.current.loans(lendingProtocol: .benddao).first { $0.externalRef == "B-8" }).id
            let vault = try tx.openYieldPosition(named: "ETH vault", kind: .vault, currency: ethc, valuation: .sharePrice(pps), fundedBy: apeLoan,
                                                 note: "half the BendDAO loan")
            _ = try tx.recordYieldFlow(.deposit, position: vault, at: instant("2021-03-06"), amount: dec("15"), shares: dec("15"))
            let wrong = try tx.recordYieldFlow(.withdrawal, position: vault, at: instant("2021-04-15"), amount: dec("10.1"), shares: dec("10"))
            let bill = try tx.openYieldPosition(named: "T-bill token", kind: .rwa, currency: usd, valuation: .accrual(apr: 0.05, rule: .continuous))
            _ = try tx.recordYieldFlow(.deposit, position: bill, at: instant("2021-03-02"), amount: dec("1000"), note: "from cash")
            let twice = try tx.recordYieldFlow(.deposit, position: bill, at: instant("2021-03-03"), amount: dec("100"))
            return (wrong, twice, vault)
        }
        knowledge.append(clock.read())
        try clock.set("2021-06-07T00:00:00Z")
        // 7: the yield corrections.
        try ledger.write { tx in
            try tx.void(.yieldFlow(twice), reason: "no such deposit")
            try tx.supersede(.yieldFlow(wrongRedeem), reason: "redeemed 12 shares") {
                .yieldFlow(try tx.recordYieldFlow(.withdrawal, position: vault, at: instant("2021-04-15"), amount: dec("12.12"), shares: dec("12")))
            }
        }
        knowledge.append(clock.read())
        return (ledger, knowledge)
    }

    private static func exported(_ ledger: Ledger) throws -> String {
        var text = ""
        try ledger.exportJournal { text += $0 + "\n" }
        return text
    }

    /// What as-known-at reports read: holdings, loans with status, the cash journal.
    private static func knownAt(_ ledger: Ledger, _ k: Instant?) throws -> [String] {
        try ledger.read(asKnownAt: k) { book in
            let at = try instant("2021-05-15")
            var lines = try book.nfts(at: at).map { "\($0.collectionName) \($0.nft.tokenID) \($0.status) \($0.acquisition.price)" }
            lines += try book.nfts(at: try instant("2021-04-30")).map { holding in
                "\(holding.nft.tokenID) \(holding.status) " + (try holding.pledgedTo.flatMap { try book.loan($0) }.map { "\($0.lendingProtocol) \($0.principal)" } ?? "-")
            }
            lines += try book.loans().map { "\($0.lendingProtocol) \($0.principal) \(try book.loanStatus($0.id, at: at))" }
            lines += try book.journal(from: Instant(unixSeconds: 0), to: at).map { "\($0.at) \($0.amount) \($0.description)" }
            // By name: the rebuilt book numbers the positions in the file's order.
            lines += try book.yieldPositions().sorted { $0.name < $1.name }.map { p in
                let h = try book.yieldHolding(p.id, at: at)
                return "\(p.name) \(p.kind) \(try p.fundingLoan.flatMap { try book.loan($0) }.map { "\($0.lendingProtocol) \($0.externalRef ?? "")" } ?? "-") \(h.shares ?? .zero) \(h.costBasis) \(h.realized) \(h.flows.count)"
            }
            lines += try book.riskParameterRecords().map { "\($0.effectiveAt) \($0.maxLTV ?? 0) \($0.liquidationThreshold) \($0.note ?? "")" }
            for loan in try book.loans() {
                for day in ["2021-03-10", "2021-03-25", "2021-04-02"] {
                    lines.append("\(loan.principal) \(day) \(try book.riskParameters(governing: loan.id, at: instant(day))?.parameters.liquidationThreshold ?? 0)")
                }
            }
            return lines
        }
    }

    @Test func exportImportExportIsByteIdenticalAndAsKnownAtReportsAgree() throws {
        let (original, knowledge) = try Self.busyBook(dir)
        let first = try Self.exported(original)
        let file = dir.path("busy.jsonl")
        try Data(first.utf8).write(to: URL(fileURLWithPath: file))
        let copy = try Ledger.create(at: dir.path("copy.ledger"))
        _ = try copy.importJournal(file: file)
        let second = try Self.exported(copy)
        #expect(second == first, "the round trip changed the export")
        if second != first {
            let a = first.split(separator: "\n"), b = second.split(separator: "\n")
            for (x, y) in zip(a, b) where x != y { Issue.record("first differing line:\n\(x)\n\(y)"); break }
            if a.count != b.count { Issue.record("\(a.count) lines, then \(b.count)") }
        }
        for k in [try instant("2021-05-31")] + knowledge + [nil] {
            #expect(try Self.knownAt(copy, k) == Self.knownAt(original, k), "as known at \(k?.description ?? "now")")
        }
        #expect(try Self.knownAt(original, knowledge[0]) != Self.knownAt(original, nil), "the corrections change what is known")
        // And once more: the rebuilt book's export rebuilds it again.
        try Data(second.utf8).write(to: URL(fileURLWithPath: dir.path("again.jsonl")))
        let third = try Ledger.create(at: dir.path("third.ledger"))
        _ = try third.importJournal(file: dir.path("again.jsonl"))
        #expect(try Self.exported(third) == first)
        #expect(try logicalDumpWithoutSources(third.path) == logicalDumpWithoutSources(copy.path))
    }

    @Test func theExportIsChronologicalWithCorrectionsAfterWhatTheyCorrect() throws {
        let (original, _) = try Self.busyBook(dir)
        let lines = try Self.exported(original).split(separator: "\n").map(String.init)
        func index(_ fragment: String) -> Int { lines.firstIndex { $0.contains(fragment) } ?? -1 }
        // The punk's second pledge comes after the first loan's close, the voided loan's void before the loan booked again.
        #expect(index("\"event_kind\":\"close\"") < index("\"principal\":\"500\""))
        #expect(index("\"reason\":\"booked with the wrong terms\"") < index("\"principal\":\"1000\""))
        #expect(index("\"reason\":\"price was 4200\"") == index("\"price\":\"4200\"") + 1)
        // Two exports of the same book are the same bytes.
        #expect(try Self.exported(original) == lines.joined(separator: "\n") + "\n")
    }

    private func logicalDumpWithoutSources(_ path: String) throws -> [String] {
        try ExportRoundTripTests.bookContent(path)
    }
}
