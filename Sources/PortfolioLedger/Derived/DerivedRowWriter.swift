import LedgerMath
internal import SQLiteDB

/// Writes derived rows inside the refresh's one transaction: one constant prepared INSERT per
/// table, checked out once and rebound for every row.
struct DerivedRowWriter {
    let db: Connection

    /// Removes every derived row (a full refresh) or only the return layers, which always cover
    /// the whole period (an incremental one). The journal is never touched.
    func clear(everything: Bool) throws {
        if everything {
            _ = try db.execute("DELETE FROM derived_loan_day")
            _ = try db.execute("DELETE FROM derived_hedge_leg_day")
            _ = try db.execute("DELETE FROM derived_portfolio_day")
            _ = try db.execute("DELETE FROM derived_wallet_day")
        }
        _ = try db.execute("DELETE FROM derived_return_layer")
    }

    func write(_ rows: DerivedRows) throws {
        try db.withStatement("""
            INSERT INTO derived_loan_day (loan_id, day_at, outstanding_principal, debt, accrued_interest, collateral_value,
                collateral_count, loan_to_value, liquidation_threshold, health_factor, no_debt, liquidation_floor_price,
                liquidatable, price, price_series, price_observed_at, price_age_seconds, price_problem)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """) { insert in
            for r in rows.loanDays {
                try insert.bind(r.loan.rawValue, r.dayAt, r.outstandingPrincipal.description, r.debt.description, r.accruedInterest.description,
                    r.collateralValue?.description, r.collateralCount, r.loanToValue.finite, r.liquidationThreshold, r.healthFactor.finite,
                    r.noDebt, r.liquidationFloorPrice?.description, r.isLiquidatable, r.price?.price, r.price?.series,
                    r.price?.observedAt.unixSeconds, r.price?.ageSeconds, r.priceProblem)
                try run(insert)
            }
        }
        try db.withStatement("""
            INSERT INTO derived_hedge_leg_day (hedge_id, contract_id, day_at, quantity, mark, mark_source, quote_age_seconds,
                underlying, implied_vol, intrinsic, extrinsic, delta, gamma, vega, theta_per_year, rho, value_usd, extrinsic_usd,
                theta_per_day_usd, problem)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """) { insert in
            for r in rows.hedgeLegDays {
                let v = r.valuation, g = v?.greeks
                try insert.bind(r.hedge.rawValue, r.contract.rawValue, r.dayAt, r.quantity, v?.mark, v?.markSource.rawValue, v?.quoteAgeSeconds,
                    v?.underlying, v?.impliedVol, v?.intrinsic, v?.extrinsic, g?.delta, g?.gamma, g?.vega, g?.thetaPerYear, g?.rho,
                    v?.valueUSD, v?.extrinsicUSD, v?.thetaPerDayUSD, r.problem)
                try run(insert)
            }
        }
        try db.withStatement("""
            INSERT INTO derived_portfolio_day (day_at, nft_usd, debt_usd, hedge_usd, yield_usd, cash_usd, net_equity_usd, external_flow_usd,
                invested_capital_usd, complete, problems)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """) { insert in
            for r in rows.portfolioDays {
                try insert.bind(r.dayAt, r.nftUSD, r.debtUSD, r.hedgeUSD, r.yieldUSD, r.cashUSD, r.netEquityUSD, r.externalFlowUSD, r.investedCapitalUSD,
                    r.problems.isEmpty, r.problems.isEmpty ? nil : r.problems.joined(separator: "; "))
                try run(insert)
            }
        }
        try db.withStatement("""
            INSERT INTO derived_wallet_day (day_at, wallet, nft_count, nft_usd) VALUES (?, ?, ?, ?)
            """) { insert in
            for r in rows.portfolioDays {
                for (wallet, count) in r.nftCountByWallet.sorted(by: { $0.key < $1.key }) {
                    try insert.bind(r.dayAt, wallet, count, r.nftUSDByWallet[wallet] ?? 0)
                    try run(insert)
                }
            }
        }
        try db.withStatement("""
            INSERT INTO derived_return_layer (layer, loan_id, from_at, to_at, start_value, terminal_value, gain, xirr,
                time_weighted, money_multiple, holding_period_return)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """) { insert in
            for r in rows.returnLayers {
                let x = r.result
                try insert.bind(r.layer, r.loan?.rawValue, r.from.unixSeconds, r.to.unixSeconds, x.startValue, x.terminalValue, x.gain,
                    x.xirr.rate.finite, (x.timeWeighted.value?.cumulative).finite, x.moneyMultiple.finite, x.holdingPeriodReturn.finite)
                try run(insert)
            }
        }
    }

    /// Steps an INSERT whose every parameter was just bound, and readies it for the next row
    /// (`bind` checks the count, so the clearing pass is skipped).
    private func run(_ insert: Statement) throws {
        try insert.step()
        insert.reset(clearingBindings: false)
    }
}

extension Optional<Double> {
    /// The value when finite: SQLite stores NaN as NULL anyway, and ±∞ is no figure a reader can chart.
    var finite: Double? { flatMap { $0.isFinite ? $0 : nil } }
}
