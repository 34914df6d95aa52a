import Foundation
import LedgerMath

// How results read in `print`, string interpolation, a debugger or a test failure: one line with
// the figures a user asks for, instead of Swift's default dump of every nested, module-qualified
// field. Exact amounts print exactly; ratios as percentages with two decimals. The full values stay
// in the properties (and `report … --format json` for the CLI).

extension LoanRecord: CustomStringConvertible {
    public var description: String {
        let maturity = maturityAt.map { " to \($0)" } ?? " (open-ended)"
        let nfts = collateral.map { "nft \($0)" }.joined(separator: ", ")
        return "loan \(id) (\(lendingProtocol.rawValue), \(terms.modelName)): \(principal) \(currency) from \(startedAt)\(maturity), collateral [\(nfts)]"
    }
}

extension LoanStateReport: CustomStringConvertible {
    public var description: String {
        var text = "loan \(loan.id) at \(at): \(status.rawValue), debt \(debt) \(loan.currency) (principal \(outstandingPrincipal) + interest \(accruedInterest))"
        if let risk {
            if let ltv = risk.loanToValue { text += ", LTV \(Figure.percent(ltv))" }
            if let hf = risk.healthFactor { text += ", health factor \(hf.doubleValue.map { Figure.fixed($0) } ?? "∞ (no debt)")" }
            if let floor = risk.liquidationFloorPrice { text += ", liquidation floor \(floor) \(risk.collateral.currency)" }
        } else if let priceProblem {
            text += ", no risk figures: \(priceProblem)"
        }
        return text
    }
}

extension LoanHistoryReport: CustomStringConvertible {
    public var description: String {
        var text = "loan \(loan.id) from \(from) to \(to): \(points.count) points"
        if let minimum = minimumHealthFactor { text += ", lowest health factor \(Figure.fixed(minimum.value)) at \(minimum.at)" }
        let liquidatable = points.filter { $0.isLiquidatable == true }.count
        if liquidatable > 0 { text += ", liquidatable at \(liquidatable) of them" }
        return text
    }
}

extension ThetaDecayReport: CustomStringConvertible {
    public var description: String {
        guard let last = points.last else { return "theta decay from \(from) to \(to): no marks" }
        return "theta decay from \(from) to \(to): \(points.count) marks, realized \(Figure.fixed(last.cumulativeRealizedUSD)) USD vs model \(Figure.fixed(last.cumulativeModelUSD)) USD"
    }
}

extension HedgeValuation: CustomStringConvertible {
    public var description: String {
        "hedge \(hedge.id) '\(hedge.name)' at \(at): value \(Figure.fixed(valueUSD)) USD (extrinsic \(Figure.fixed(extrinsicUSD))), theta \(Figure.fixed(thetaPerDayUSD)) USD/day, P&L \(Figure.fixed(pnlUSD)) USD"
    }
}

extension PortfolioValuation: CustomStringConvertible {
    public var description: String {
        var text = "portfolio at \(at): net equity \(Figure.fixed(netEquityUSD)) USD = NFTs \(Figure.fixed(nftUSD)) − debt \(Figure.fixed(debtUSD)) + hedges \(Figure.fixed(hedgeUSD)) + cash \(Figure.fixed(cashUSD))"
        if !isComplete { text += " (incomplete: \(problems.count) problem\(problems.count == 1 ? "" : "s"))" }
        return text
    }
}

extension FullStackReturnReport: CustomStringConvertible {
    public var description: String {
        func irr(_ layer: LayerReturn) -> String { layer.xirr.rate.map { Figure.percent($0) } ?? "n/a" }
        var text = "returns (\(numeraire.rawValue)) from \(from) to \(to): IRR total \(irr(total)), NFT alone \(irr(nftAlone)), NFT with loans \(irr(nftWithLoans)), hedge \(irr(hedgeAlone))"
        if !isComplete { text += " (incomplete: \(problems.count) problem\(problems.count == 1 ? "" : "s"))" }
        return text
    }
}

/// Double figures in descriptions: ratios as percentages, amounts with two decimals.
private enum Figure {
    static func percent(_ ratio: Double) -> String { String(format: "%.2f %%", ratio * 100) }
    static func fixed(_ value: Double) -> String { String(format: "%.2f", value) }
}
