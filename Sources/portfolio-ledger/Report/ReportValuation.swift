import ArgumentParser
import LedgerMath
import PortfolioLedger

/// `report valuation`: what the book is worth at an instant.
struct ReportValuation: ReportView {
    static let configuration = CommandConfiguration(
        commandName: "valuation",
        abstract: "NFTs (floor or appraisal × FX), debts, hedges at mark, cash and net equity, in USD and ETH."
    )

    @OptionGroup var options: ReportOptions
    @OptionGroup var marketOptions: OptionMarketOptions
    @Flag(name: .customLong("by-wallet"), help: "Also split the value by wallet: NFTs kept in each, and its cash and loan debt when entries name wallets.")
    var byWallet = false

    func output() throws -> ReportOutput {
        let at = try options.atInstant
        let (valuation, wallets, parts) = try options.read { book in
            var v = try book.portfolioValuation(at: at, policy: options.policy, market: marketOptions.market)
            if let wallet = options.wallet { v = try book.valuation(v, inWallet: wallet, policy: options.policy) }
            return (v, byWallet ? try book.nftValueByWallet(v) : nil, byWallet ? try book.walletValuations(v, policy: options.policy) : nil)
        }
        return try Self.render(valuation, byWallet: wallets, walletParts: parts).stamped(options, at: at)
    }

    /// `walletParts` adds the full per-wallet table when some cash or loan names a wallet (books
    /// whose wallets hold only NFTs print the NFT split alone, as before).
    static func render(_ v: PortfolioValuation, byWallet: [String?: Double]? = nil, walletParts: [WalletValuation]? = nil) throws -> ReportOutput {
        let nftRows = v.nfts.map { n in
            ["nft \(n.holding.nft.id)", "\(n.holding.collectionName) #\(n.holding.nft.tokenID)", n.holding.status.rawValue,
             n.price.map { Fmt.num($0.price, 4) + " " + (n.priceCurrency?.code ?? "") } ?? (n.problem?.description ?? "-"),
             n.valueUSD.map(Fmt.usd) ?? "-", Fmt.num(n.valueETH, 4)]
        }
        let debtRows = v.debts.map { d in ["loan \(d.loan)", "debt", "", Fmt.money(d.debt), Fmt.usd(-d.debtUSD), Fmt.num(-d.debtETH, 4)] }
        let hedgeRows = v.hedges.map { h in ["hedge \(h.hedge.id)", h.hedge.name, "mark", "", Fmt.usd(h.valueUSD), Fmt.num(h.valueUSD * v.ethPerUSD, 4)] }
        // Books without yield positions print as before (no yield row, total or key).
        let yieldRows = v.yields.map { y in
            ["yield \(y.position)", y.name, "held", Fmt.num(y.value, 6) + " " + y.currency.code, Fmt.usd(y.valueUSD), Fmt.num(y.valueETH, 4)]
        }
        let cashRows = v.cash.map { c in ["cash", c.currency.code, "", Fmt.money(c), "", ""] }
        var text = "Valuation at \(v.at)\n\n"
        text += PlainTable.grid(header: ["item", "what", "state", "price / amount", "USD", "ETH"],
                                rows: nftRows + debtRows + hedgeRows + yieldRows + cashRows, rightAligned: [4, 5])
        // A partial sum is never printed as if whole: each total says when it leaves items out.
        let partial = v.isComplete ? "" : " (INCOMPLETE)"
        text += "\n\n" + PlainTable.keyValue([
            ("NFTs (USD)", .string(Fmt.usd(v.nftUSD) + partial)), ("debt (USD)", .string(Fmt.usd(v.debtUSD) + partial)),
            ("hedges (USD)", .string(Fmt.usd(v.hedgeUSD) + partial)),
        ] + (v.yields.isEmpty ? [] : [("yield positions (USD)", .string(Fmt.usd(v.yieldUSD) + partial))]) + [
            ("cash (USD)", .string(Fmt.usd(v.cashUSD) + partial)),
            ("net equity (USD)", .string(Fmt.usd(v.netEquityUSD) + partial)), ("net equity (ETH)", .string(Fmt.num(v.netEquityETH, 4) + partial)),
        ])
        let walletRows = (byWallet ?? [:]).sorted { ($0.key ?? "") < ($1.key ?? "") }.map { [$0.key ?? "(no wallet named)", Fmt.usd($0.value)] }
        let fullParts = walletParts.flatMap { parts in
            parts.contains { $0.wallet != nil && ($0.debtUSD != 0 || $0.cash.contains { !$0.amount.isZero }) } ? parts : nil
        }
        if let fullParts {
            let rows = fullParts.map { p in
                [p.wallet ?? "(no wallet named)", Fmt.usd(p.nftUSD), Fmt.usd(p.cashUSD), Fmt.usd(-p.debtUSD), Fmt.usd(p.hedgeUSD + p.yieldUSD),
                 Fmt.usd(p.netEquityUSD)]
            }
            text += "\n\nBy wallet (USD; hedges and yield positions are held in no wallet)\(partial)\n"
                + PlainTable.grid(header: ["wallet", "NFTs", "cash", "debt", "hedges + yield", "net equity"], rows: rows, rightAligned: [1, 2, 3, 4, 5])
        } else if byWallet != nil {
            text += "\n\nNFTs by wallet (USD; cash, debts and hedges are not kept per wallet)\n"
                + PlainTable.grid(header: ["wallet", "NFTs USD"], rows: walletRows, rightAligned: [1])
        }
        text += Fmt.incomplete(v.problems)
        text += "\n" + Fmt.pricesText(v.prices)
        let csvRows = (nftRows + debtRows + hedgeRows + yieldRows + cashRows)
        return try ReportOutput(document: ValuationDocument(v, byWallet: byWallet, walletParts: fullParts), text: text,
                                csvHeader: ["item", "what", "state", "price_or_amount", "usd", "eth"], csvRows: csvRows)
    }
}
