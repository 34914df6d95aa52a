-- 0011 derived analytics (issue 16): daily series computed from the book by
-- `Ledger.refreshAnalytics()` / `portfolio-ledger refresh`, kept in tables of their own so other
-- tools read debt, LTV, health factor, option marks and greeks, the equity curve and the returns
-- with plain SQL (docs/schema.md "Derived analytics"; docs/decisions.md ANALYTICS-1).
--
-- These rows are NOT journal: no append-only triggers (a refresh replaces them in one
-- transaction), no recorded_at, never exported. They are stamped with the book version they were
-- computed from (v_book_version) and the parameters used; v_derived_status says whether the
-- book changed since.

-- The book version: every booked table is append-only (UPDATE/DELETE refused by triggers), so
-- the total number of booked rows grows with every booking, correction and price observation
-- and never comes back. Reference tables (lending_protocol, interest_model) and settings are
-- not bookings.
CREATE VIEW v_book_version AS
SELECT (SELECT count(*) FROM import_source) + (SELECT count(*) FROM collection) + (SELECT count(*) FROM nft)
     + (SELECT count(*) FROM nft_trade) + (SELECT count(*) FROM nft_transfer) + (SELECT count(*) FROM loan)
     + (SELECT count(*) FROM loan_collateral) + (SELECT count(*) FROM loan_event) + (SELECT count(*) FROM hedge)
     + (SELECT count(*) FROM hedge_loan) + (SELECT count(*) FROM option_contract) + (SELECT count(*) FROM option_trade)
     + (SELECT count(*) FROM option_settlement) + (SELECT count(*) FROM price_series) + (SELECT count(*) FROM price_observation)
     + (SELECT count(*) FROM option_quote) + (SELECT count(*) FROM external_flow) + (SELECT count(*) FROM balance_assertion)
     + (SELECT count(*) FROM entry_correction) + (SELECT count(*) FROM buffer_policy) + (SELECT count(*) FROM collection_daily_sales)
     + (SELECT count(*) FROM reserve_index) + (SELECT count(*) FROM risk_parameter)
     + (SELECT count(*) FROM yield_position) + (SELECT count(*) FROM yield_flow) AS book_version;

-- One row: the last refresh. `book_counts` is what the next refresh compares to decide whether
-- the book only grew after `through_day_at` (then only later days are computed).
CREATE TABLE derived_refresh (
    refresh_id            INTEGER NOT NULL PRIMARY KEY CHECK (refresh_id = 1),
    book_version          INTEGER NOT NULL CHECK (book_version >= 0),
    book_counts           TEXT    NOT NULL CHECK (json_valid(book_counts)),
    from_day_at           INTEGER CHECK (from_day_at % 86400 = 0),
    through_day_at        INTEGER CHECK (through_day_at % 86400 = 0 AND through_day_at >= from_day_at),
    rate                  REAL    NOT NULL,
    dividend_yield        REAL    NOT NULL,
    max_price_age_seconds INTEGER CHECK (max_price_age_seconds >= 0),
    max_quote_age_seconds INTEGER CHECK (max_quote_age_seconds >= 0),
    underlying_series     TEXT,
    rate_series           TEXT,
    settlement_series     TEXT,
    mode                  TEXT    NOT NULL CHECK (mode IN ('full', 'incremental', 'unchanged')),
    rows_written          INTEGER NOT NULL CHECK (rows_written >= 0),
    refreshed_at          INTEGER NOT NULL CHECK (refreshed_at BETWEEN 0 AND 253402300799)
) STRICT;

-- Per loan per UTC day while the loan is open, valued at the day's last second (loanState).
-- Exact amounts (loan currency) as decimal text; ratios and prices REAL.
CREATE TABLE derived_loan_day (
    loan_id               INTEGER NOT NULL REFERENCES loan (loan_id),
    day_at                INTEGER NOT NULL CHECK (day_at % 86400 = 0),
    outstanding_principal TEXT    NOT NULL,
    debt                  TEXT    NOT NULL,
    accrued_interest      TEXT    NOT NULL,
    collateral_value      TEXT,
    collateral_count      INTEGER NOT NULL CHECK (collateral_count >= 0),
    loan_to_value         REAL,
    liquidation_threshold REAL,
    health_factor         REAL,
    no_debt               INTEGER NOT NULL CHECK (no_debt IN (0, 1)),
    liquidation_floor_price TEXT,
    liquidatable          INTEGER CHECK (liquidatable IN (0, 1)),
    price                 REAL,
    price_series          TEXT,
    price_observed_at     INTEGER,
    price_age_seconds     INTEGER CHECK (price_age_seconds >= 0),
    price_problem         TEXT,
    PRIMARY KEY (loan_id, day_at)
) STRICT, WITHOUT ROWID;

-- Per hedge, per contract held, per UTC day from the first trade to the expiry day (or
-- settlement), valued at the day's last second (hedgeValuation / optionValuation).
CREATE TABLE derived_hedge_leg_day (
    hedge_id          INTEGER NOT NULL REFERENCES hedge (hedge_id),
    contract_id       INTEGER NOT NULL REFERENCES option_contract (contract_id),
    day_at            INTEGER NOT NULL CHECK (day_at % 86400 = 0),
    quantity          INTEGER NOT NULL,
    mark              REAL,
    mark_source       TEXT,
    quote_age_seconds INTEGER,
    underlying        REAL,
    implied_vol       REAL,
    intrinsic         REAL,
    extrinsic         REAL,
    delta             REAL,
    gamma             REAL,
    vega              REAL,
    theta_per_year    REAL,
    rho               REAL,
    value_usd         REAL,
    extrinsic_usd     REAL,
    theta_per_day_usd REAL,
    problem           TEXT,
    PRIMARY KEY (hedge_id, contract_id, day_at)
) STRICT, WITHOUT ROWID;

-- The book per UTC day (USD): value by layer, external flows, invested capital, equity.
CREATE TABLE derived_portfolio_day (
    day_at              INTEGER NOT NULL PRIMARY KEY CHECK (day_at % 86400 = 0),
    nft_usd             REAL    NOT NULL,
    debt_usd            REAL    NOT NULL,
    hedge_usd           REAL    NOT NULL,
    yield_usd           REAL    NOT NULL,
    cash_usd            REAL    NOT NULL,
    net_equity_usd      REAL    NOT NULL,
    external_flow_usd   REAL    NOT NULL,
    invested_capital_usd REAL   NOT NULL,
    complete            INTEGER NOT NULL CHECK (complete IN (0, 1)),
    problems            TEXT
) STRICT, WITHOUT ROWID;

-- Held NFTs per UTC day by the wallet they are kept in (the acquisition's wallet, moved by
-- transfers between own wallets; '' = no wallet named): their count and value (USD, the NFTs the
-- portfolio day could price). Sums over a day's wallets equal derived_portfolio_day.nft_usd.
CREATE TABLE derived_wallet_day (
    day_at      INTEGER NOT NULL CHECK (day_at % 86400 = 0),
    wallet      TEXT    NOT NULL,
    nft_count   INTEGER NOT NULL CHECK (nft_count > 0),
    nft_usd     REAL    NOT NULL,
    PRIMARY KEY (day_at, wallet)
) STRICT, WITHOUT ROWID;

-- The full-stack return of the portfolio over the refreshed period, per layer and per loan (USD).
CREATE TABLE derived_return_layer (
    layer           TEXT    NOT NULL CHECK (layer IN ('total', 'nft', 'nft_with_loans', 'hedge', 'yield', 'loan')),
    loan_id         INTEGER,
    from_at         INTEGER NOT NULL,
    to_at           INTEGER NOT NULL,
    start_value     REAL    NOT NULL,
    terminal_value  REAL    NOT NULL,
    gain            REAL    NOT NULL,
    xirr            REAL,
    time_weighted   REAL,
    money_multiple  REAL,
    holding_period_return REAL,
    CHECK ((layer = 'loan') = (loan_id IS NOT NULL))
) STRICT;
CREATE UNIQUE INDEX derived_return_layer_key ON derived_return_layer (layer, ifnull(loan_id, 0));

-- Whether the derived rows describe the book as it is now: one row, also before any refresh.
CREATE VIEW v_derived_status AS
SELECT CASE WHEN r.refresh_id IS NULL THEN 'never refreshed'
            WHEN r.book_version = v.book_version THEN 'current' ELSE 'stale' END AS status,
       CASE WHEN r.refresh_id IS NULL OR r.book_version <> v.book_version THEN 1 ELSE 0 END AS stale,
       v.book_version AS current_book_version, r.book_version AS refreshed_book_version,
       strftime('%Y-%m-%d', r.from_day_at, 'unixepoch') AS from_day,
       strftime('%Y-%m-%d', r.through_day_at, 'unixepoch') AS through_day,
       r.rate, r.dividend_yield, r.max_price_age_seconds, r.max_quote_age_seconds, r.underlying_series, r.rate_series,
       r.settlement_series, r.mode, r.rows_written,
       strftime('%Y-%m-%dT%H:%M:%SZ', r.refreshed_at, 'unixepoch') AS refreshed_at
FROM v_book_version v LEFT JOIN derived_refresh r ON r.refresh_id = 1;

CREATE VIEW v_loan_day AS
SELECT d.loan_id, l.protocol, l.external_ref, l.currency, strftime('%Y-%m-%d', d.day_at, 'unixepoch') AS day,
       d.day_at + 86399 AS at_unix, d.outstanding_principal, d.debt, d.accrued_interest, d.collateral_value,
       d.collateral_count, d.loan_to_value, d.liquidation_threshold, d.health_factor, d.no_debt,
       d.liquidation_floor_price, d.liquidatable, d.price, d.price_series, d.price_observed_at, d.price_age_seconds,
       d.price_problem, s.stale
FROM derived_loan_day d JOIN loan l ON l.loan_id = d.loan_id CROSS JOIN v_derived_status s;

CREATE VIEW v_hedge_leg_day AS
SELECT d.hedge_id, h.hedge_name, d.contract_id, c.root, c.option_type, c.strike, c.multiplier,
       strftime('%Y-%m-%dT%H:%M:%SZ', c.expires_at, 'unixepoch') AS expires_at,
       strftime('%Y-%m-%d', d.day_at, 'unixepoch') AS day, d.day_at + 86399 AS at_unix, d.quantity, d.mark, d.mark_source,
       d.quote_age_seconds, d.underlying, d.implied_vol, d.intrinsic, d.extrinsic, d.delta, d.gamma, d.vega, d.theta_per_year,
       d.rho, d.value_usd, d.extrinsic_usd, d.theta_per_day_usd, d.problem, s.stale
FROM derived_hedge_leg_day d JOIN hedge h ON h.hedge_id = d.hedge_id JOIN option_contract c ON c.contract_id = d.contract_id
CROSS JOIN v_derived_status s;

CREATE VIEW v_portfolio_day AS
SELECT strftime('%Y-%m-%d', d.day_at, 'unixepoch') AS day, d.day_at + 86399 AS at_unix, d.nft_usd, d.debt_usd, d.hedge_usd,
       d.yield_usd, d.cash_usd, d.net_equity_usd, d.external_flow_usd, d.invested_capital_usd, d.complete, d.problems, s.stale
FROM derived_portfolio_day d CROSS JOIN v_derived_status s;

CREATE VIEW v_wallet_day AS
SELECT strftime('%Y-%m-%d', d.day_at, 'unixepoch') AS day, d.day_at + 86399 AS at_unix, NULLIF(d.wallet, '') AS wallet,
       d.nft_count, d.nft_usd, s.stale
FROM derived_wallet_day d CROSS JOIN v_derived_status s;

CREATE VIEW v_return_layer AS
SELECT d.layer, d.loan_id, strftime('%Y-%m-%dT%H:%M:%SZ', d.from_at, 'unixepoch') AS from_at,
       strftime('%Y-%m-%dT%H:%M:%SZ', d.to_at, 'unixepoch') AS to_at, d.start_value, d.terminal_value, d.gain, d.xirr,
       d.time_weighted, d.money_multiple, d.holding_period_return, s.stale
FROM derived_return_layer d CROSS JOIN v_derived_status s;
