-- 0002 ledger core: the book of NFTs, loans, hedges and market history.
--
-- Conventions (docs/schema.md):
--   * instants: INTEGER Unix seconds UTC, names ending in _at, 0 .. 253402300799 (9999-12-31);
--   * booked money: canonical decimal TEXT (no exponent, no leading zeros, no trailing fractional
--     zeros, no "-0"), never REAL; the GLOB checks below mirror LedgerMath.ExactDecimal;
--   * observations (prices, vols): REAL, finite (NaN binds as NULL and is refused by NOT NULL);
--   * booked rows are append-only (triggers at the end); a correction is a row of entry_correction;
--   * every booked row has recorded_at (when the ledger learned it) beside its effective time.

-- Where imported rows came from: one row per imported file (or API pull, or manual session).
CREATE TABLE import_source (
    source_id    INTEGER PRIMARY KEY,
    source_kind  TEXT    NOT NULL CHECK (source_kind IN ('csv', 'jsonl', 'api', 'manual', 'demo')),
    source_name  TEXT    NOT NULL CHECK (length(source_name) BETWEEN 1 AND 4096),
    content_hash TEXT    CHECK (content_hash IS NULL OR length(content_hash) BETWEEN 8 AND 128),
    imported_at  INTEGER NOT NULL CHECK (imported_at BETWEEN 0 AND 253402300799)
) STRICT;
CREATE UNIQUE INDEX import_source_by_hash ON import_source (source_kind, content_hash) WHERE content_hash IS NOT NULL;

CREATE TABLE collection (
    collection_id    INTEGER PRIMARY KEY,
    chain            TEXT    NOT NULL CHECK (length(chain) BETWEEN 1 AND 32 AND NOT chain GLOB '*[^a-z0-9-]*'),
    contract_address TEXT    NOT NULL CHECK (length(contract_address) BETWEEN 1 AND 128),
    collection_name  TEXT    NOT NULL CHECK (length(collection_name) BETWEEN 1 AND 200),
    recorded_at      INTEGER NOT NULL CHECK (recorded_at BETWEEN 0 AND 253402300799),
    source_id        INTEGER REFERENCES import_source (source_id),
    UNIQUE (chain, contract_address)
) STRICT;
CREATE INDEX collection_source ON collection (source_id);

-- Token ids are uint256: canonical decimal text of at most 78 digits.
CREATE TABLE nft (
    nft_id        INTEGER PRIMARY KEY,
    collection_id INTEGER NOT NULL REFERENCES collection (collection_id),
    token_id      TEXT    NOT NULL CHECK (length(token_id) BETWEEN 1 AND 78 AND NOT token_id GLOB '*[^0-9]*'
                                          AND (token_id = '0' OR NOT token_id GLOB '0*')),
    recorded_at   INTEGER NOT NULL CHECK (recorded_at BETWEEN 0 AND 253402300799),
    source_id     INTEGER REFERENCES import_source (source_id),
    UNIQUE (collection_id, token_id)
) STRICT;
CREATE INDEX nft_source ON nft (source_id);

-- Acquisitions and disposals of NFTs, with exact price and fees in the trade's currency.
CREATE TABLE nft_trade (
    nft_trade_id INTEGER PRIMARY KEY,
    nft_id       INTEGER NOT NULL REFERENCES nft (nft_id),
    side         TEXT    NOT NULL CHECK (side IN ('acquire', 'dispose')),
    traded_at    INTEGER NOT NULL CHECK (traded_at BETWEEN 0 AND 253402300799),
    currency     TEXT    NOT NULL CHECK (length(currency) BETWEEN 2 AND 10 AND NOT currency GLOB '*[^A-Z0-9]*' AND currency GLOB '*[A-Z]*'),
    price        TEXT    NOT NULL CHECK (length(price) <= 116 AND price GLOB '[0-9]*' AND NOT price GLOB '*[^0-9.]*' AND NOT price GLOB '*.*.*'
                                         AND NOT price GLOB '*.' AND NOT price GLOB '0[0-9]*' AND NOT price GLOB '*.*0'),
    fees         TEXT    NOT NULL CHECK (length(fees) <= 116 AND fees GLOB '[0-9]*' AND NOT fees GLOB '*[^0-9.]*' AND NOT fees GLOB '*.*.*'
                                         AND NOT fees GLOB '*.' AND NOT fees GLOB '0[0-9]*' AND NOT fees GLOB '*.*0'),
    note         TEXT    CHECK (note IS NULL OR length(note) <= 1000),
    recorded_at  INTEGER NOT NULL CHECK (recorded_at BETWEEN 0 AND 253402300799),
    source_id    INTEGER REFERENCES import_source (source_id)
) STRICT;
CREATE INDEX nft_trade_by_nft ON nft_trade (nft_id, traded_at);
CREATE INDEX nft_trade_source ON nft_trade (source_id);

-- A loan: terms under one interest model (JSON whose keys the library validates per model),
-- risk parameters as fractions (0.7 = 70 %), and an optional link to the loan it refinanced.
CREATE TABLE loan (
    loan_id               INTEGER PRIMARY KEY,
    protocol              TEXT    NOT NULL CHECK (protocol IN ('nftfi', 'benddao', 'jpegd', 'blend', 'arcade', 'paraspace', 'gondi', 'other')),
    external_ref          TEXT    CHECK (external_ref IS NULL OR length(external_ref) BETWEEN 1 AND 200),
    currency              TEXT    NOT NULL CHECK (length(currency) BETWEEN 2 AND 10 AND NOT currency GLOB '*[^A-Z0-9]*' AND currency GLOB '*[A-Z]*'),
    principal             TEXT    NOT NULL CHECK (length(principal) <= 116 AND principal GLOB '[0-9]*' AND NOT principal GLOB '*[^0-9.]*'
                                                  AND NOT principal GLOB '*.*.*' AND NOT principal GLOB '*.' AND NOT principal GLOB '0[0-9]*'
                                                  AND NOT principal GLOB '*.*0' AND principal <> '0'),
    amount_received       TEXT    NOT NULL CHECK (length(amount_received) <= 116 AND amount_received GLOB '[0-9]*'
                                                  AND NOT amount_received GLOB '*[^0-9.]*' AND NOT amount_received GLOB '*.*.*'
                                                  AND NOT amount_received GLOB '*.' AND NOT amount_received GLOB '0[0-9]*'
                                                  AND NOT amount_received GLOB '*.*0'),
    started_at            INTEGER NOT NULL CHECK (started_at BETWEEN 0 AND 253402300799),
    maturity_at           INTEGER CHECK (maturity_at IS NULL OR maturity_at > started_at),
    interest_model        TEXT    NOT NULL CHECK (interest_model IN ('fixed_repayment', 'simple_pro_rata', 'continuous', 'aave_index', 'vault_accrual')),
    terms                 TEXT    NOT NULL CHECK (json_valid(terms) AND json_type(terms) = 'object'),
    max_ltv               REAL    CHECK (max_ltv IS NULL OR (max_ltv > 0 AND max_ltv <= 1)),
    liquidation_threshold REAL    CHECK (liquidation_threshold IS NULL OR (liquidation_threshold > 0 AND liquidation_threshold <= 1)),
    refinances_loan_id    INTEGER REFERENCES loan (loan_id),
    recorded_at           INTEGER NOT NULL CHECK (recorded_at BETWEEN 0 AND 253402300799),
    source_id             INTEGER REFERENCES import_source (source_id),
    CHECK (max_ltv IS NULL OR liquidation_threshold IS NULL OR max_ltv <= liquidation_threshold),
    CHECK (interest_model <> 'fixed_repayment' OR maturity_at IS NOT NULL)
) STRICT;
CREATE INDEX loan_refinances ON loan (refinances_loan_id);
CREATE INDEX loan_source ON loan (source_id);
CREATE INDEX loan_by_protocol ON loan (protocol, started_at);

-- The NFTs pledged for a loan. While a loan is open its NFTs cannot back another loan (trigger).
CREATE TABLE loan_collateral (
    loan_id     INTEGER NOT NULL REFERENCES loan (loan_id),
    nft_id      INTEGER NOT NULL REFERENCES nft (nft_id),
    recorded_at INTEGER NOT NULL CHECK (recorded_at BETWEEN 0 AND 253402300799),
    PRIMARY KEY (loan_id, nft_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX loan_collateral_by_nft ON loan_collateral (nft_id);

-- Lifecycle of a loan. Money columns are in the loan's currency; which are required depends on
-- the kind (table CHECKs). `index_ray` is an Aave-style index in ray (1e27) as decimal text.
CREATE TABLE loan_event (
    loan_event_id   INTEGER PRIMARY KEY,
    loan_id         INTEGER NOT NULL REFERENCES loan (loan_id),
    event_kind      TEXT    NOT NULL CHECK (event_kind IN ('borrow_more', 'repay', 'fee', 'rate_change', 'index_observation',
                                                           'renegotiate', 'auction_start', 'redeem', 'liquidation', 'foreclosure', 'close')),
    occurred_at     INTEGER NOT NULL CHECK (occurred_at BETWEEN 0 AND 253402300799),
    amount          TEXT    CHECK (amount IS NULL OR (length(amount) <= 116 AND amount GLOB '[0-9]*' AND NOT amount GLOB '*[^0-9.]*'
                                   AND NOT amount GLOB '*.*.*' AND NOT amount GLOB '*.' AND NOT amount GLOB '0[0-9]*' AND NOT amount GLOB '*.*0')),
    interest_part   TEXT    CHECK (interest_part IS NULL OR (length(interest_part) <= 116 AND interest_part GLOB '[0-9]*'
                                   AND NOT interest_part GLOB '*[^0-9.]*' AND NOT interest_part GLOB '*.*.*' AND NOT interest_part GLOB '*.'
                                   AND NOT interest_part GLOB '0[0-9]*' AND NOT interest_part GLOB '*.*0')),
    principal_part  TEXT    CHECK (principal_part IS NULL OR (length(principal_part) <= 116 AND principal_part GLOB '[0-9]*'
                                   AND NOT principal_part GLOB '*[^0-9.]*' AND NOT principal_part GLOB '*.*.*' AND NOT principal_part GLOB '*.'
                                   AND NOT principal_part GLOB '0[0-9]*' AND NOT principal_part GLOB '*.*0')),
    fee             TEXT    CHECK (fee IS NULL OR (length(fee) <= 116 AND fee GLOB '[0-9]*' AND NOT fee GLOB '*[^0-9.]*'
                                   AND NOT fee GLOB '*.*.*' AND NOT fee GLOB '*.' AND NOT fee GLOB '0[0-9]*' AND NOT fee GLOB '*.*0')),
    new_rate_bps    INTEGER CHECK (new_rate_bps IS NULL OR new_rate_bps BETWEEN 0 AND 10000000),
    index_ray       TEXT    CHECK (index_ray IS NULL OR (length(index_ray) BETWEEN 1 AND 78 AND NOT index_ray GLOB '*[^0-9]*')),
    new_maturity_at INTEGER CHECK (new_maturity_at IS NULL OR new_maturity_at BETWEEN 0 AND 253402300799),
    new_terms       TEXT    CHECK (new_terms IS NULL OR (json_valid(new_terms) AND json_type(new_terms) = 'object')),
    note            TEXT    CHECK (note IS NULL OR length(note) <= 1000),
    recorded_at     INTEGER NOT NULL CHECK (recorded_at BETWEEN 0 AND 253402300799),
    source_id       INTEGER REFERENCES import_source (source_id),
    CHECK (event_kind <> 'repay' OR (interest_part IS NOT NULL AND principal_part IS NOT NULL)),
    CHECK (event_kind NOT IN ('borrow_more', 'redeem') OR amount IS NOT NULL),
    CHECK (event_kind <> 'fee' OR fee IS NOT NULL),
    CHECK (event_kind <> 'rate_change' OR new_rate_bps IS NOT NULL),
    CHECK (event_kind <> 'index_observation' OR index_ray IS NOT NULL),
    CHECK (event_kind <> 'renegotiate' OR new_maturity_at IS NOT NULL OR new_rate_bps IS NOT NULL OR new_terms IS NOT NULL)
) STRICT;
CREATE INDEX loan_event_by_loan ON loan_event (loan_id, occurred_at);
CREATE INDEX loan_event_source ON loan_event (source_id);

-- Hedges (a strategy of option legs), optionally protecting loans.
CREATE TABLE hedge (
    hedge_id    INTEGER PRIMARY KEY,
    hedge_name  TEXT    NOT NULL CHECK (length(hedge_name) BETWEEN 1 AND 200),
    strategy    TEXT    NOT NULL CHECK (strategy IN ('iron_condor', 'custom')),
    opened_at   INTEGER NOT NULL CHECK (opened_at BETWEEN 0 AND 253402300799),
    recorded_at INTEGER NOT NULL CHECK (recorded_at BETWEEN 0 AND 253402300799),
    source_id   INTEGER REFERENCES import_source (source_id)
) STRICT;
CREATE INDEX hedge_source ON hedge (source_id);

CREATE TABLE hedge_loan (
    hedge_id    INTEGER NOT NULL REFERENCES hedge (hedge_id),
    loan_id     INTEGER NOT NULL REFERENCES loan (loan_id),
    recorded_at INTEGER NOT NULL CHECK (recorded_at BETWEEN 0 AND 253402300799),
    PRIMARY KEY (hedge_id, loan_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX hedge_loan_by_loan ON hedge_loan (loan_id);

-- Listed index options. SPX is AM-settled (special opening quotation), SPXW PM-settled (close).
CREATE TABLE option_contract (
    contract_id      INTEGER PRIMARY KEY,
    root             TEXT    NOT NULL CHECK (root IN ('SPX', 'SPXW')),
    option_type      TEXT    NOT NULL CHECK (option_type IN ('call', 'put')),
    strike           TEXT    NOT NULL CHECK (length(strike) <= 40 AND strike GLOB '[0-9]*' AND NOT strike GLOB '*[^0-9.]*'
                                             AND NOT strike GLOB '*.*.*' AND NOT strike GLOB '*.' AND NOT strike GLOB '0[0-9]*'
                                             AND NOT strike GLOB '*.*0' AND strike <> '0'),
    expires_at       INTEGER NOT NULL CHECK (expires_at BETWEEN 0 AND 253402300799),
    settlement_style TEXT    NOT NULL CHECK (settlement_style IN ('am', 'pm')),
    multiplier       INTEGER NOT NULL DEFAULT 100 CHECK (multiplier > 0),
    recorded_at      INTEGER NOT NULL CHECK (recorded_at BETWEEN 0 AND 253402300799),
    CHECK ((root = 'SPX' AND settlement_style = 'am') OR (root = 'SPXW' AND settlement_style = 'pm')),
    UNIQUE (root, option_type, strike, expires_at)
) STRICT;

-- Trades of option contracts within a hedge: signed quantity in contracts (+ buy, − sell), price
-- per unit in index points, premium = |quantity| × price × multiplier in USD, fees in USD.
CREATE TABLE option_trade (
    option_trade_id INTEGER PRIMARY KEY,
    hedge_id        INTEGER NOT NULL REFERENCES hedge (hedge_id),
    contract_id     INTEGER NOT NULL REFERENCES option_contract (contract_id),
    traded_at       INTEGER NOT NULL CHECK (traded_at BETWEEN 0 AND 253402300799),
    quantity        INTEGER NOT NULL CHECK (quantity <> 0 AND quantity BETWEEN -1000000 AND 1000000),
    price           TEXT    NOT NULL CHECK (length(price) <= 116 AND price GLOB '[0-9]*' AND NOT price GLOB '*[^0-9.]*' AND NOT price GLOB '*.*.*'
                                            AND NOT price GLOB '*.' AND NOT price GLOB '0[0-9]*' AND NOT price GLOB '*.*0'),
    premium         TEXT    NOT NULL CHECK (length(premium) <= 116 AND premium GLOB '[0-9]*' AND NOT premium GLOB '*[^0-9.]*'
                                            AND NOT premium GLOB '*.*.*' AND NOT premium GLOB '*.' AND NOT premium GLOB '0[0-9]*'
                                            AND NOT premium GLOB '*.*0'),
    fees            TEXT    NOT NULL CHECK (length(fees) <= 116 AND fees GLOB '[0-9]*' AND NOT fees GLOB '*[^0-9.]*' AND NOT fees GLOB '*.*.*'
                                            AND NOT fees GLOB '*.' AND NOT fees GLOB '0[0-9]*' AND NOT fees GLOB '*.*0'),
    recorded_at     INTEGER NOT NULL CHECK (recorded_at BETWEEN 0 AND 253402300799),
    source_id       INTEGER REFERENCES import_source (source_id)
) STRICT;
CREATE INDEX option_trade_by_hedge ON option_trade (hedge_id, traded_at);
CREATE INDEX option_trade_by_contract ON option_trade (contract_id);
CREATE INDEX option_trade_source ON option_trade (source_id);

-- Cash settlement of a hedge's open position in a contract at expiry: the settlement value in
-- index points and the resulting signed cash in USD (+ received, − paid).
CREATE TABLE option_settlement (
    option_settlement_id INTEGER PRIMARY KEY,
    hedge_id             INTEGER NOT NULL REFERENCES hedge (hedge_id),
    contract_id          INTEGER NOT NULL REFERENCES option_contract (contract_id),
    settled_at           INTEGER NOT NULL CHECK (settled_at BETWEEN 0 AND 253402300799),
    settlement_value     TEXT    NOT NULL CHECK (length(settlement_value) <= 40 AND settlement_value GLOB '[0-9]*'
                                                 AND NOT settlement_value GLOB '*[^0-9.]*' AND NOT settlement_value GLOB '*.*.*'
                                                 AND NOT settlement_value GLOB '*.' AND NOT settlement_value GLOB '0[0-9]*'
                                                 AND NOT settlement_value GLOB '*.*0'),
    quantity             INTEGER NOT NULL CHECK (quantity BETWEEN -1000000 AND 1000000),
    cash_amount          TEXT    NOT NULL CHECK (length(cash_amount) <= 117 AND substr(cash_amount, 1 + (cash_amount GLOB '-*')) GLOB '[0-9]*'
                                                 AND NOT substr(cash_amount, 1 + (cash_amount GLOB '-*')) GLOB '*[^0-9.]*'
                                                 AND NOT cash_amount GLOB '*.*.*' AND NOT cash_amount GLOB '*.' AND NOT cash_amount GLOB '*.*0'
                                                 AND NOT substr(cash_amount, 1 + (cash_amount GLOB '-*')) GLOB '0[0-9]*' AND cash_amount <> '-0'),
    recorded_at          INTEGER NOT NULL CHECK (recorded_at BETWEEN 0 AND 253402300799),
    source_id            INTEGER REFERENCES import_source (source_id)
) STRICT;
CREATE INDEX option_settlement_by_hedge ON option_settlement (hedge_id, contract_id);
CREATE INDEX option_settlement_by_contract ON option_settlement (contract_id);
CREATE INDEX option_settlement_source ON option_settlement (source_id);

-- Price series: what a value means (kind), its unit (quote currency) and what it prices.
--   floor: a collection's floor in `quote` (the user's valuation); oracle: the protocol's own price;
--   appraisal: one token's value; fx: 1 `base` in `quote` (ETH/USD); index: index points (SPX, VIX);
--   rate: an annual rate as a fraction (0.05 = 5 %).
CREATE TABLE price_series (
    series_id     INTEGER PRIMARY KEY,
    series_name   TEXT    NOT NULL UNIQUE CHECK (length(series_name) BETWEEN 1 AND 200),
    series_kind   TEXT    NOT NULL CHECK (series_kind IN ('floor', 'oracle', 'appraisal', 'fx', 'index', 'rate')),
    base          TEXT    CHECK (base IS NULL OR length(base) BETWEEN 1 AND 64),
    quote         TEXT    CHECK (quote IS NULL OR (length(quote) BETWEEN 2 AND 10 AND NOT quote GLOB '*[^A-Z0-9]*' AND quote GLOB '*[A-Z]*')),
    collection_id INTEGER REFERENCES collection (collection_id),
    nft_id        INTEGER REFERENCES nft (nft_id),
    protocol      TEXT    CHECK (protocol IS NULL OR protocol IN ('nftfi', 'benddao', 'jpegd', 'blend', 'arcade', 'paraspace', 'gondi', 'other')),
    recorded_at   INTEGER NOT NULL CHECK (recorded_at BETWEEN 0 AND 253402300799),
    CHECK (series_kind NOT IN ('floor', 'oracle') OR (collection_id IS NOT NULL AND quote IS NOT NULL)),
    CHECK (series_kind <> 'oracle' OR protocol IS NOT NULL),
    CHECK (series_kind <> 'appraisal' OR (nft_id IS NOT NULL AND quote IS NOT NULL)),
    CHECK (series_kind <> 'fx' OR (base IS NOT NULL AND quote IS NOT NULL))
) STRICT;
CREATE INDEX price_series_collection ON price_series (collection_id);
CREATE INDEX price_series_nft ON price_series (nft_id);

-- Observations: the primary key is the as-of index ("latest at or before T" is one seek).
CREATE TABLE price_observation (
    series_id   INTEGER NOT NULL REFERENCES price_series (series_id),
    observed_at INTEGER NOT NULL CHECK (observed_at BETWEEN 0 AND 253402300799),
    price       REAL    NOT NULL CHECK (price BETWEEN -1.7976931348623157e308 AND 1.7976931348623157e308),
    recorded_at INTEGER NOT NULL CHECK (recorded_at BETWEEN 0 AND 253402300799),
    source_id   INTEGER REFERENCES import_source (source_id),
    PRIMARY KEY (series_id, observed_at)
) STRICT, WITHOUT ROWID;
CREATE INDEX price_observation_source ON price_observation (source_id) WHERE source_id IS NOT NULL;

-- Option quotes per contract and time (index points; implied vol as a fraction, 0.2 = 20 %).
CREATE TABLE option_quote (
    contract_id INTEGER NOT NULL REFERENCES option_contract (contract_id),
    quoted_at   INTEGER NOT NULL CHECK (quoted_at BETWEEN 0 AND 253402300799),
    bid         REAL    CHECK (bid IS NULL OR bid BETWEEN 0 AND 1e12),
    ask         REAL    CHECK (ask IS NULL OR ask BETWEEN 0 AND 1e12),
    mark        REAL    CHECK (mark IS NULL OR mark BETWEEN 0 AND 1e12),
    implied_vol REAL    CHECK (implied_vol IS NULL OR implied_vol BETWEEN 0 AND 100),
    underlying  REAL    CHECK (underlying IS NULL OR underlying BETWEEN 0 AND 1e12),
    recorded_at INTEGER NOT NULL CHECK (recorded_at BETWEEN 0 AND 253402300799),
    source_id   INTEGER REFERENCES import_source (source_id),
    CHECK (bid IS NULL OR ask IS NULL OR bid <= ask),
    CHECK (bid IS NOT NULL OR ask IS NOT NULL OR mark IS NOT NULL OR implied_vol IS NOT NULL),
    PRIMARY KEY (contract_id, quoted_at)
) STRICT, WITHOUT ROWID;
CREATE INDEX option_quote_source ON option_quote (source_id) WHERE source_id IS NOT NULL;

-- Money moved into (deposit) or out of (withdrawal) the book.
CREATE TABLE external_flow (
    external_flow_id INTEGER PRIMARY KEY,
    flow_kind        TEXT    NOT NULL CHECK (flow_kind IN ('deposit', 'withdrawal')),
    flowed_at        INTEGER NOT NULL CHECK (flowed_at BETWEEN 0 AND 253402300799),
    currency         TEXT    NOT NULL CHECK (length(currency) BETWEEN 2 AND 10 AND NOT currency GLOB '*[^A-Z0-9]*' AND currency GLOB '*[A-Z]*'),
    amount           TEXT    NOT NULL CHECK (length(amount) <= 116 AND amount GLOB '[0-9]*' AND NOT amount GLOB '*[^0-9.]*' AND NOT amount GLOB '*.*.*'
                                             AND NOT amount GLOB '*.' AND NOT amount GLOB '0[0-9]*' AND NOT amount GLOB '*.*0' AND amount <> '0'),
    note             TEXT    CHECK (note IS NULL OR length(note) <= 1000),
    recorded_at      INTEGER NOT NULL CHECK (recorded_at BETWEEN 0 AND 253402300799),
    source_id        INTEGER REFERENCES import_source (source_id)
) STRICT;
CREATE INDEX external_flow_by_time ON external_flow (flowed_at);
CREATE INDEX external_flow_source ON external_flow (source_id);

-- Balance assertions (as in Beancount/hledger): the book's cash in `currency` at `asserted_at`
-- should equal `amount` (signed). `check` reports every assertion the journal contradicts.
CREATE TABLE balance_assertion (
    balance_assertion_id INTEGER PRIMARY KEY,
    asserted_at          INTEGER NOT NULL CHECK (asserted_at BETWEEN 0 AND 253402300799),
    currency             TEXT    NOT NULL CHECK (length(currency) BETWEEN 2 AND 10 AND NOT currency GLOB '*[^A-Z0-9]*' AND currency GLOB '*[A-Z]*'),
    amount               TEXT    NOT NULL CHECK (length(amount) <= 117 AND substr(amount, 1 + (amount GLOB '-*')) GLOB '[0-9]*'
                                                 AND NOT substr(amount, 1 + (amount GLOB '-*')) GLOB '*[^0-9.]*'
                                                 AND NOT amount GLOB '*.*.*' AND NOT amount GLOB '*.' AND NOT amount GLOB '*.*0'
                                                 AND NOT substr(amount, 1 + (amount GLOB '-*')) GLOB '0[0-9]*' AND amount <> '-0'),
    recorded_at          INTEGER NOT NULL CHECK (recorded_at BETWEEN 0 AND 253402300799),
    source_id            INTEGER REFERENCES import_source (source_id)
) STRICT;
CREATE INDEX balance_assertion_source ON balance_assertion (source_id);

-- Corrections: an entry is voided, or replaced by a newer row of the same table, from
-- `recorded_at` on. As-known-at queries before that instant still see the original.
CREATE TABLE entry_correction (
    entry_correction_id INTEGER PRIMARY KEY,
    entry_table         TEXT    NOT NULL CHECK (entry_table IN ('nft_trade', 'loan', 'loan_event', 'option_trade', 'option_settlement',
                                                                'external_flow', 'balance_assertion')),
    entry_id            INTEGER NOT NULL,
    replacement_id      INTEGER,
    reason              TEXT    NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
    recorded_at         INTEGER NOT NULL CHECK (recorded_at BETWEEN 0 AND 253402300799),
    CHECK (replacement_id IS NULL OR replacement_id <> entry_id),
    UNIQUE (entry_table, entry_id)
) STRICT;
CREATE INDEX entry_correction_replacement ON entry_correction (entry_table, replacement_id);

-- Append-only: booked rows can be neither updated nor deleted, from any client. INSERT OR REPLACE
-- would delete the conflicting row without firing DELETE triggers (recursive_triggers is off by
-- default), so a BEFORE INSERT trigger refuses an insert that collides with an existing key.
CREATE TRIGGER import_source_no_update BEFORE UPDATE ON import_source BEGIN SELECT RAISE(ABORT, 'append-only: import_source rows cannot be updated; record a correction instead'); END;
CREATE TRIGGER import_source_no_delete BEFORE DELETE ON import_source BEGIN SELECT RAISE(ABORT, 'append-only: import_source rows cannot be deleted; record a correction instead'); END;
CREATE TRIGGER import_source_no_replace BEFORE INSERT ON import_source WHEN EXISTS (SELECT 1 FROM import_source WHERE source_id = NEW.source_id) OR EXISTS (SELECT 1 FROM import_source WHERE source_kind = NEW.source_kind AND content_hash = NEW.content_hash)
BEGIN SELECT RAISE(ABORT, 'append-only: import_source already has a row with this key'); END;
CREATE TRIGGER collection_no_update BEFORE UPDATE ON collection BEGIN SELECT RAISE(ABORT, 'append-only: collection rows cannot be updated; record a correction instead'); END;
CREATE TRIGGER collection_no_delete BEFORE DELETE ON collection BEGIN SELECT RAISE(ABORT, 'append-only: collection rows cannot be deleted; record a correction instead'); END;
CREATE TRIGGER collection_no_replace BEFORE INSERT ON collection WHEN EXISTS (SELECT 1 FROM collection WHERE collection_id = NEW.collection_id) OR EXISTS (SELECT 1 FROM collection WHERE chain = NEW.chain AND contract_address = NEW.contract_address)
BEGIN SELECT RAISE(ABORT, 'append-only: collection already has a row with this key'); END;
CREATE TRIGGER nft_no_update BEFORE UPDATE ON nft BEGIN SELECT RAISE(ABORT, 'append-only: nft rows cannot be updated; record a correction instead'); END;
CREATE TRIGGER nft_no_delete BEFORE DELETE ON nft BEGIN SELECT RAISE(ABORT, 'append-only: nft rows cannot be deleted; record a correction instead'); END;
CREATE TRIGGER nft_no_replace BEFORE INSERT ON nft WHEN EXISTS (SELECT 1 FROM nft WHERE nft_id = NEW.nft_id) OR EXISTS (SELECT 1 FROM nft WHERE collection_id = NEW.collection_id AND token_id = NEW.token_id)
BEGIN SELECT RAISE(ABORT, 'append-only: nft already has a row with this key'); END;
CREATE TRIGGER nft_trade_no_update BEFORE UPDATE ON nft_trade BEGIN SELECT RAISE(ABORT, 'append-only: nft_trade rows cannot be updated; record a correction instead'); END;
CREATE TRIGGER nft_trade_no_delete BEFORE DELETE ON nft_trade BEGIN SELECT RAISE(ABORT, 'append-only: nft_trade rows cannot be deleted; record a correction instead'); END;
CREATE TRIGGER nft_trade_no_replace BEFORE INSERT ON nft_trade WHEN EXISTS (SELECT 1 FROM nft_trade WHERE nft_trade_id = NEW.nft_trade_id)
BEGIN SELECT RAISE(ABORT, 'append-only: nft_trade already has a row with this key'); END;
CREATE TRIGGER loan_no_update BEFORE UPDATE ON loan BEGIN SELECT RAISE(ABORT, 'append-only: loan rows cannot be updated; record a correction instead'); END;
CREATE TRIGGER loan_no_delete BEFORE DELETE ON loan BEGIN SELECT RAISE(ABORT, 'append-only: loan rows cannot be deleted; record a correction instead'); END;
CREATE TRIGGER loan_no_replace BEFORE INSERT ON loan WHEN EXISTS (SELECT 1 FROM loan WHERE loan_id = NEW.loan_id)
BEGIN SELECT RAISE(ABORT, 'append-only: loan already has a row with this key'); END;
CREATE TRIGGER loan_collateral_no_update BEFORE UPDATE ON loan_collateral BEGIN SELECT RAISE(ABORT, 'append-only: loan_collateral rows cannot be updated; record a correction instead'); END;
CREATE TRIGGER loan_collateral_no_delete BEFORE DELETE ON loan_collateral BEGIN SELECT RAISE(ABORT, 'append-only: loan_collateral rows cannot be deleted; record a correction instead'); END;
CREATE TRIGGER loan_collateral_no_replace BEFORE INSERT ON loan_collateral WHEN EXISTS (SELECT 1 FROM loan_collateral WHERE loan_id = NEW.loan_id AND nft_id = NEW.nft_id)
BEGIN SELECT RAISE(ABORT, 'append-only: loan_collateral already has a row with this key'); END;
CREATE TRIGGER loan_event_no_update BEFORE UPDATE ON loan_event BEGIN SELECT RAISE(ABORT, 'append-only: loan_event rows cannot be updated; record a correction instead'); END;
CREATE TRIGGER loan_event_no_delete BEFORE DELETE ON loan_event BEGIN SELECT RAISE(ABORT, 'append-only: loan_event rows cannot be deleted; record a correction instead'); END;
CREATE TRIGGER loan_event_no_replace BEFORE INSERT ON loan_event WHEN EXISTS (SELECT 1 FROM loan_event WHERE loan_event_id = NEW.loan_event_id)
BEGIN SELECT RAISE(ABORT, 'append-only: loan_event already has a row with this key'); END;
CREATE TRIGGER hedge_no_update BEFORE UPDATE ON hedge BEGIN SELECT RAISE(ABORT, 'append-only: hedge rows cannot be updated; record a correction instead'); END;
CREATE TRIGGER hedge_no_delete BEFORE DELETE ON hedge BEGIN SELECT RAISE(ABORT, 'append-only: hedge rows cannot be deleted; record a correction instead'); END;
CREATE TRIGGER hedge_no_replace BEFORE INSERT ON hedge WHEN EXISTS (SELECT 1 FROM hedge WHERE hedge_id = NEW.hedge_id)
BEGIN SELECT RAISE(ABORT, 'append-only: hedge already has a row with this key'); END;
CREATE TRIGGER hedge_loan_no_update BEFORE UPDATE ON hedge_loan BEGIN SELECT RAISE(ABORT, 'append-only: hedge_loan rows cannot be updated; record a correction instead'); END;
CREATE TRIGGER hedge_loan_no_delete BEFORE DELETE ON hedge_loan BEGIN SELECT RAISE(ABORT, 'append-only: hedge_loan rows cannot be deleted; record a correction instead'); END;
CREATE TRIGGER hedge_loan_no_replace BEFORE INSERT ON hedge_loan WHEN EXISTS (SELECT 1 FROM hedge_loan WHERE hedge_id = NEW.hedge_id AND loan_id = NEW.loan_id)
BEGIN SELECT RAISE(ABORT, 'append-only: hedge_loan already has a row with this key'); END;
CREATE TRIGGER option_contract_no_update BEFORE UPDATE ON option_contract BEGIN SELECT RAISE(ABORT, 'append-only: option_contract rows cannot be updated; record a correction instead'); END;
CREATE TRIGGER option_contract_no_delete BEFORE DELETE ON option_contract BEGIN SELECT RAISE(ABORT, 'append-only: option_contract rows cannot be deleted; record a correction instead'); END;
CREATE TRIGGER option_contract_no_replace BEFORE INSERT ON option_contract WHEN EXISTS (SELECT 1 FROM option_contract WHERE contract_id = NEW.contract_id) OR EXISTS (SELECT 1 FROM option_contract WHERE root = NEW.root AND option_type = NEW.option_type AND strike = NEW.strike AND expires_at = NEW.expires_at)
BEGIN SELECT RAISE(ABORT, 'append-only: option_contract already has a row with this key'); END;
CREATE TRIGGER option_trade_no_update BEFORE UPDATE ON option_trade BEGIN SELECT RAISE(ABORT, 'append-only: option_trade rows cannot be updated; record a correction instead'); END;
CREATE TRIGGER option_trade_no_delete BEFORE DELETE ON option_trade BEGIN SELECT RAISE(ABORT, 'append-only: option_trade rows cannot be deleted; record a correction instead'); END;
CREATE TRIGGER option_trade_no_replace BEFORE INSERT ON option_trade WHEN EXISTS (SELECT 1 FROM option_trade WHERE option_trade_id = NEW.option_trade_id)
BEGIN SELECT RAISE(ABORT, 'append-only: option_trade already has a row with this key'); END;
CREATE TRIGGER option_settlement_no_update BEFORE UPDATE ON option_settlement BEGIN SELECT RAISE(ABORT, 'append-only: option_settlement rows cannot be updated; record a correction instead'); END;
CREATE TRIGGER option_settlement_no_delete BEFORE DELETE ON option_settlement BEGIN SELECT RAISE(ABORT, 'append-only: option_settlement rows cannot be deleted; record a correction instead'); END;
CREATE TRIGGER option_settlement_no_replace BEFORE INSERT ON option_settlement WHEN EXISTS (SELECT 1 FROM option_settlement WHERE option_settlement_id = NEW.option_settlement_id)
BEGIN SELECT RAISE(ABORT, 'append-only: option_settlement already has a row with this key'); END;
CREATE TRIGGER price_series_no_update BEFORE UPDATE ON price_series BEGIN SELECT RAISE(ABORT, 'append-only: price_series rows cannot be updated; record a correction instead'); END;
CREATE TRIGGER price_series_no_delete BEFORE DELETE ON price_series BEGIN SELECT RAISE(ABORT, 'append-only: price_series rows cannot be deleted; record a correction instead'); END;
CREATE TRIGGER price_series_no_replace BEFORE INSERT ON price_series WHEN EXISTS (SELECT 1 FROM price_series WHERE series_id = NEW.series_id) OR EXISTS (SELECT 1 FROM price_series WHERE series_name = NEW.series_name)
BEGIN SELECT RAISE(ABORT, 'append-only: price_series already has a row with this key'); END;
CREATE TRIGGER price_observation_no_update BEFORE UPDATE ON price_observation BEGIN SELECT RAISE(ABORT, 'append-only: price_observation rows cannot be updated; record a correction instead'); END;
CREATE TRIGGER price_observation_no_delete BEFORE DELETE ON price_observation BEGIN SELECT RAISE(ABORT, 'append-only: price_observation rows cannot be deleted; record a correction instead'); END;
-- Re-importing an identical observation is skipped (RAISE(IGNORE)); a different value is refused.
CREATE TRIGGER price_observation_no_replace BEFORE INSERT ON price_observation
WHEN EXISTS (SELECT 1 FROM price_observation WHERE series_id = NEW.series_id AND observed_at = NEW.observed_at)
BEGIN
    SELECT RAISE(IGNORE) FROM price_observation
     WHERE series_id = NEW.series_id AND observed_at = NEW.observed_at AND price = NEW.price;
    SELECT RAISE(ABORT, 'append-only: price_observation already has a different price for this series and instant');
END;
CREATE TRIGGER option_quote_no_update BEFORE UPDATE ON option_quote BEGIN SELECT RAISE(ABORT, 'append-only: option_quote rows cannot be updated; record a correction instead'); END;
CREATE TRIGGER option_quote_no_delete BEFORE DELETE ON option_quote BEGIN SELECT RAISE(ABORT, 'append-only: option_quote rows cannot be deleted; record a correction instead'); END;
CREATE TRIGGER option_quote_no_replace BEFORE INSERT ON option_quote
WHEN EXISTS (SELECT 1 FROM option_quote WHERE contract_id = NEW.contract_id AND quoted_at = NEW.quoted_at)
BEGIN
    SELECT RAISE(IGNORE) FROM option_quote
     WHERE contract_id = NEW.contract_id AND quoted_at = NEW.quoted_at AND bid IS NEW.bid AND ask IS NEW.ask
       AND mark IS NEW.mark AND implied_vol IS NEW.implied_vol AND underlying IS NEW.underlying;
    SELECT RAISE(ABORT, 'append-only: option_quote already has a different quote for this contract and instant');
END;
CREATE TRIGGER external_flow_no_update BEFORE UPDATE ON external_flow BEGIN SELECT RAISE(ABORT, 'append-only: external_flow rows cannot be updated; record a correction instead'); END;
CREATE TRIGGER external_flow_no_delete BEFORE DELETE ON external_flow BEGIN SELECT RAISE(ABORT, 'append-only: external_flow rows cannot be deleted; record a correction instead'); END;
CREATE TRIGGER external_flow_no_replace BEFORE INSERT ON external_flow WHEN EXISTS (SELECT 1 FROM external_flow WHERE external_flow_id = NEW.external_flow_id)
BEGIN SELECT RAISE(ABORT, 'append-only: external_flow already has a row with this key'); END;
CREATE TRIGGER balance_assertion_no_update BEFORE UPDATE ON balance_assertion BEGIN SELECT RAISE(ABORT, 'append-only: balance_assertion rows cannot be updated; record a correction instead'); END;
CREATE TRIGGER balance_assertion_no_delete BEFORE DELETE ON balance_assertion BEGIN SELECT RAISE(ABORT, 'append-only: balance_assertion rows cannot be deleted; record a correction instead'); END;
CREATE TRIGGER balance_assertion_no_replace BEFORE INSERT ON balance_assertion WHEN EXISTS (SELECT 1 FROM balance_assertion WHERE balance_assertion_id = NEW.balance_assertion_id)
BEGIN SELECT RAISE(ABORT, 'append-only: balance_assertion already has a row with this key'); END;
CREATE TRIGGER entry_correction_no_update BEFORE UPDATE ON entry_correction BEGIN SELECT RAISE(ABORT, 'append-only: entry_correction rows cannot be updated; record a correction instead'); END;
CREATE TRIGGER entry_correction_no_delete BEFORE DELETE ON entry_correction BEGIN SELECT RAISE(ABORT, 'append-only: entry_correction rows cannot be deleted; record a correction instead'); END;
CREATE TRIGGER entry_correction_no_replace BEFORE INSERT ON entry_correction WHEN EXISTS (SELECT 1 FROM entry_correction WHERE entry_correction_id = NEW.entry_correction_id) OR EXISTS (SELECT 1 FROM entry_correction WHERE entry_table = NEW.entry_table AND entry_id = NEW.entry_id)
BEGIN SELECT RAISE(ABORT, 'append-only: entry_correction already has a row with this key'); END;

-- Cross-table rules that CHECK cannot express.
CREATE TRIGGER option_trade_before_expiry BEFORE INSERT ON option_trade
WHEN NEW.traded_at >= (SELECT expires_at FROM option_contract WHERE contract_id = NEW.contract_id)
BEGIN SELECT RAISE(ABORT, 'option_trade: traded_at must be before the contract expires'); END;

CREATE TRIGGER loan_event_after_start BEFORE INSERT ON loan_event
WHEN NEW.occurred_at < (SELECT started_at FROM loan WHERE loan_id = NEW.loan_id)
BEGIN SELECT RAISE(ABORT, 'loan_event: occurred_at is before the loan started'); END;

-- A loan is open until a close, liquidation or foreclosure event that is not corrected away.
CREATE TRIGGER loan_collateral_one_open_loan BEFORE INSERT ON loan_collateral
WHEN EXISTS (
    SELECT 1 FROM loan_collateral c
    WHERE c.nft_id = NEW.nft_id AND c.loan_id <> NEW.loan_id
      AND NOT EXISTS (SELECT 1 FROM entry_correction x WHERE x.entry_table = 'loan' AND x.entry_id = c.loan_id)
      AND NOT EXISTS (SELECT 1 FROM loan_event e
                      WHERE e.loan_id = c.loan_id AND e.event_kind IN ('close', 'liquidation', 'foreclosure')
                        AND NOT EXISTS (SELECT 1 FROM entry_correction x WHERE x.entry_table = 'loan_event' AND x.entry_id = e.loan_event_id)))
BEGIN SELECT RAISE(ABORT, 'loan_collateral: this NFT already backs an open loan'); END;

-- A corrected entry must exist; a replacement must exist in the same table; loans are only voided
-- (their events and collateral refer to the loan id, so a corrected loan is voided and re-booked).
CREATE TRIGGER entry_correction_targets_exist BEFORE INSERT ON entry_correction
WHEN NOT (CASE NEW.entry_table
    WHEN 'nft_trade' THEN EXISTS (SELECT 1 FROM nft_trade WHERE nft_trade_id = NEW.entry_id)
                     AND (NEW.replacement_id IS NULL OR EXISTS (SELECT 1 FROM nft_trade WHERE nft_trade_id = NEW.replacement_id))
    WHEN 'loan' THEN EXISTS (SELECT 1 FROM loan WHERE loan_id = NEW.entry_id) AND NEW.replacement_id IS NULL
    WHEN 'loan_event' THEN EXISTS (SELECT 1 FROM loan_event WHERE loan_event_id = NEW.entry_id)
                     AND (NEW.replacement_id IS NULL OR EXISTS (SELECT 1 FROM loan_event WHERE loan_event_id = NEW.replacement_id))
    WHEN 'option_trade' THEN EXISTS (SELECT 1 FROM option_trade WHERE option_trade_id = NEW.entry_id)
                     AND (NEW.replacement_id IS NULL OR EXISTS (SELECT 1 FROM option_trade WHERE option_trade_id = NEW.replacement_id))
    WHEN 'option_settlement' THEN EXISTS (SELECT 1 FROM option_settlement WHERE option_settlement_id = NEW.entry_id)
                     AND (NEW.replacement_id IS NULL OR EXISTS (SELECT 1 FROM option_settlement WHERE option_settlement_id = NEW.replacement_id))
    WHEN 'external_flow' THEN EXISTS (SELECT 1 FROM external_flow WHERE external_flow_id = NEW.entry_id)
                     AND (NEW.replacement_id IS NULL OR EXISTS (SELECT 1 FROM external_flow WHERE external_flow_id = NEW.replacement_id))
    WHEN 'balance_assertion' THEN EXISTS (SELECT 1 FROM balance_assertion WHERE balance_assertion_id = NEW.entry_id)
                     AND (NEW.replacement_id IS NULL OR EXISTS (SELECT 1 FROM balance_assertion WHERE balance_assertion_id = NEW.replacement_id))
    ELSE 0 END)
BEGIN SELECT RAISE(ABORT, 'entry_correction: the corrected entry or its replacement does not exist (loans can only be voided)'); END;

-- Views for other tools: a documented contract (docs/schema.md); changing one is a migration.
-- They show the book as currently known: corrected entries are left out, replacements shown.
-- Instants appear twice: ISO-8601 UTC text (*_at) and Unix seconds (*_at_unix). Exact amounts are
-- TEXT; *_approx columns are REAL for approximate aggregation only.

CREATE VIEW v_current_nft_trade AS
SELECT t.* FROM nft_trade t
WHERE NOT EXISTS (SELECT 1 FROM entry_correction x WHERE x.entry_table = 'nft_trade' AND x.entry_id = t.nft_trade_id);

CREATE VIEW v_current_loan AS
SELECT l.* FROM loan l
WHERE NOT EXISTS (SELECT 1 FROM entry_correction x WHERE x.entry_table = 'loan' AND x.entry_id = l.loan_id);

CREATE VIEW v_current_loan_event AS
SELECT e.* FROM loan_event e
WHERE NOT EXISTS (SELECT 1 FROM entry_correction x WHERE x.entry_table = 'loan_event' AND x.entry_id = e.loan_event_id);

CREATE VIEW v_current_option_trade AS
SELECT t.* FROM option_trade t
WHERE NOT EXISTS (SELECT 1 FROM entry_correction x WHERE x.entry_table = 'option_trade' AND x.entry_id = t.option_trade_id);

CREATE VIEW v_current_option_settlement AS
SELECT s.* FROM option_settlement s
WHERE NOT EXISTS (SELECT 1 FROM entry_correction x WHERE x.entry_table = 'option_settlement' AND x.entry_id = s.option_settlement_id);

CREATE VIEW v_current_external_flow AS
SELECT f.* FROM external_flow f
WHERE NOT EXISTS (SELECT 1 FROM entry_correction x WHERE x.entry_table = 'external_flow' AND x.entry_id = f.external_flow_id);

-- Loan status from its latest terminal event.
CREATE VIEW v_loan AS
SELECT l.loan_id, l.protocol, l.external_ref, l.currency,
       l.principal, CAST(l.principal AS REAL) AS principal_approx,
       l.amount_received, CAST(l.amount_received AS REAL) AS amount_received_approx,
       strftime('%Y-%m-%dT%H:%M:%SZ', l.started_at, 'unixepoch') AS started_at, l.started_at AS started_at_unix,
       strftime('%Y-%m-%dT%H:%M:%SZ', l.maturity_at, 'unixepoch') AS maturity_at, l.maturity_at AS maturity_at_unix,
       l.interest_model, l.terms, l.max_ltv, l.liquidation_threshold, l.refinances_loan_id,
       COALESCE((SELECT CASE e.event_kind WHEN 'close' THEN 'closed' WHEN 'liquidation' THEN 'liquidated' ELSE 'foreclosed' END
                 FROM v_current_loan_event e
                 WHERE e.loan_id = l.loan_id AND e.event_kind IN ('close', 'liquidation', 'foreclosure')
                 ORDER BY e.occurred_at DESC LIMIT 1), 'open') AS status,
       CAST(l.principal AS REAL)
         + COALESCE((SELECT sum(CAST(e.amount AS REAL)) FROM v_current_loan_event e WHERE e.loan_id = l.loan_id AND e.event_kind = 'borrow_more'), 0)
         - COALESCE((SELECT sum(CAST(e.principal_part AS REAL)) FROM v_current_loan_event e WHERE e.loan_id = l.loan_id AND e.event_kind = 'repay'), 0)
         AS outstanding_principal_approx,
       (SELECT count(*) FROM loan_collateral c WHERE c.loan_id = l.loan_id) AS collateral_count,
       (SELECT o.price FROM loan_collateral c JOIN nft n ON n.nft_id = c.nft_id
               JOIN price_series s ON s.collection_id = n.collection_id AND s.series_kind = 'floor'
               JOIN price_observation o ON o.series_id = s.series_id
         WHERE c.loan_id = l.loan_id ORDER BY o.observed_at DESC LIMIT 1) AS collateral_floor_latest,
       (SELECT s.quote FROM loan_collateral c JOIN nft n ON n.nft_id = c.nft_id
               JOIN price_series s ON s.collection_id = n.collection_id AND s.series_kind = 'floor'
         WHERE c.loan_id = l.loan_id LIMIT 1) AS collateral_floor_quote,
       l.recorded_at AS recorded_at_unix
FROM v_current_loan l;

-- NFTs held now (acquired, not disposed), with pledge status.
CREATE VIEW v_holding AS
SELECT n.nft_id, c.collection_name, c.chain, c.contract_address, n.token_id,
       strftime('%Y-%m-%dT%H:%M:%SZ', a.traded_at, 'unixepoch') AS acquired_at, a.traded_at AS acquired_at_unix,
       a.price AS cost, a.fees AS cost_fees, a.currency AS cost_currency,
       (SELECT l.loan_id FROM loan_collateral lc JOIN v_loan l ON l.loan_id = lc.loan_id
         WHERE lc.nft_id = n.nft_id AND l.status = 'open' LIMIT 1) AS pledged_loan_id,
       EXISTS (SELECT 1 FROM loan_collateral lc JOIN v_loan l ON l.loan_id = lc.loan_id
         WHERE lc.nft_id = n.nft_id AND l.status = 'open') AS pledged
FROM nft n
JOIN collection c ON c.collection_id = n.collection_id
JOIN v_current_nft_trade a ON a.nft_id = n.nft_id AND a.side = 'acquire'
     AND a.traded_at = (SELECT max(t.traded_at) FROM v_current_nft_trade t WHERE t.nft_id = n.nft_id AND t.side = 'acquire')
WHERE NOT EXISTS (SELECT 1 FROM v_current_nft_trade d WHERE d.nft_id = n.nft_id AND d.side = 'dispose' AND d.traded_at >= a.traded_at);

-- The latest observation of every series: one index seek per series. CROSS JOIN pins the join
-- order (series outer), so the planner never scans all observations.
CREATE VIEW v_latest_price AS
SELECT s.series_id, s.series_name, s.series_kind, s.base, s.quote,
       strftime('%Y-%m-%dT%H:%M:%SZ', o.observed_at, 'unixepoch') AS observed_at, o.observed_at AS observed_at_unix, o.price
FROM price_series s
CROSS JOIN price_observation o
WHERE o.series_id = s.series_id
  AND o.observed_at = (SELECT max(m.observed_at) FROM price_observation m WHERE m.series_id = s.series_id);

-- Every booked cash movement, one stored amount per row (so `amount` stays exact): direction +1
-- is cash into the book, −1 out of it; amount_approx is the signed REAL approximation.
CREATE VIEW v_cash_flow AS
SELECT 'nft_trade' AS entry_table, t.nft_trade_id AS entry_id, t.traded_at AS flow_at_unix,
       strftime('%Y-%m-%dT%H:%M:%SZ', t.traded_at, 'unixepoch') AS flow_at, t.currency,
       CASE t.side WHEN 'acquire' THEN -1 ELSE 1 END AS direction, t.price AS amount,
       CASE t.side WHEN 'acquire' THEN -1 ELSE 1 END * CAST(t.price AS REAL) AS amount_approx,
       CASE t.side WHEN 'acquire' THEN 'nft purchase' ELSE 'nft sale' END AS description,
       t.nft_id, NULL AS loan_id, NULL AS hedge_id
FROM v_current_nft_trade t
UNION ALL
SELECT 'nft_trade', t.nft_trade_id, t.traded_at, strftime('%Y-%m-%dT%H:%M:%SZ', t.traded_at, 'unixepoch'), t.currency,
       -1, t.fees, -CAST(t.fees AS REAL), 'nft trade fees', t.nft_id, NULL, NULL
FROM v_current_nft_trade t WHERE t.fees <> '0'
UNION ALL
SELECT 'loan', l.loan_id, l.started_at, strftime('%Y-%m-%dT%H:%M:%SZ', l.started_at, 'unixepoch'), l.currency,
       1, l.amount_received, CAST(l.amount_received AS REAL), 'loan proceeds received', NULL, l.loan_id, NULL
FROM v_current_loan l
UNION ALL
SELECT 'loan_event', e.loan_event_id, e.occurred_at, strftime('%Y-%m-%dT%H:%M:%SZ', e.occurred_at, 'unixepoch'), l.currency,
       x.direction, x.amount, x.direction * CAST(x.amount AS REAL), x.description, NULL, e.loan_id, NULL
FROM v_current_loan_event e
JOIN v_current_loan l ON l.loan_id = e.loan_id
JOIN (SELECT loan_event_id AS id, 1 AS direction, amount, 'loan borrowed more' AS description FROM loan_event WHERE event_kind = 'borrow_more'
      UNION ALL SELECT loan_event_id, -1, interest_part, 'loan interest paid' FROM loan_event WHERE event_kind = 'repay' AND interest_part <> '0'
      UNION ALL SELECT loan_event_id, -1, principal_part, 'loan principal repaid' FROM loan_event WHERE event_kind = 'repay' AND principal_part <> '0'
      UNION ALL SELECT loan_event_id, -1, fee, 'loan fee paid' FROM loan_event WHERE fee IS NOT NULL AND fee <> '0'
      UNION ALL SELECT loan_event_id, -1, amount, 'loan redeemed' FROM loan_event WHERE event_kind = 'redeem'
      UNION ALL SELECT loan_event_id, 1, amount, 'liquidation surplus returned' FROM loan_event
                WHERE event_kind IN ('liquidation', 'foreclosure') AND amount IS NOT NULL AND amount <> '0') x ON x.id = e.loan_event_id
UNION ALL
SELECT 'option_trade', t.option_trade_id, t.traded_at, strftime('%Y-%m-%dT%H:%M:%SZ', t.traded_at, 'unixepoch'), 'USD',
       CASE WHEN t.quantity < 0 THEN 1 ELSE -1 END, t.premium,
       CASE WHEN t.quantity < 0 THEN 1 ELSE -1 END * CAST(t.premium AS REAL),
       CASE WHEN t.quantity < 0 THEN 'option premium received' ELSE 'option premium paid' END, NULL, NULL, t.hedge_id
FROM v_current_option_trade t WHERE t.premium <> '0'
UNION ALL
SELECT 'option_trade', t.option_trade_id, t.traded_at, strftime('%Y-%m-%dT%H:%M:%SZ', t.traded_at, 'unixepoch'), 'USD',
       -1, t.fees, -CAST(t.fees AS REAL), 'option fees', NULL, NULL, t.hedge_id
FROM v_current_option_trade t WHERE t.fees <> '0'
UNION ALL
SELECT 'option_settlement', s.option_settlement_id, s.settled_at, strftime('%Y-%m-%dT%H:%M:%SZ', s.settled_at, 'unixepoch'), 'USD',
       CASE WHEN s.cash_amount GLOB '-*' THEN -1 ELSE 1 END, ltrim(s.cash_amount, '-'), CAST(s.cash_amount AS REAL),
       'option cash settlement', NULL, NULL, s.hedge_id
FROM v_current_option_settlement s WHERE s.cash_amount <> '0'
UNION ALL
SELECT 'external_flow', f.external_flow_id, f.flowed_at, strftime('%Y-%m-%dT%H:%M:%SZ', f.flowed_at, 'unixepoch'), f.currency,
       CASE f.flow_kind WHEN 'deposit' THEN 1 ELSE -1 END, f.amount,
       CASE f.flow_kind WHEN 'deposit' THEN 1 ELSE -1 END * CAST(f.amount AS REAL), f.flow_kind, NULL, NULL, NULL
FROM v_current_external_flow f;

-- Net option position per hedge and contract, with the latest quote.
CREATE VIEW v_option_position AS
SELECT p.hedge_id, h.hedge_name, c.contract_id, c.root, c.option_type, c.strike, CAST(c.strike AS REAL) AS strike_approx,
       strftime('%Y-%m-%dT%H:%M:%SZ', c.expires_at, 'unixepoch') AS expires_at, c.expires_at AS expires_at_unix,
       c.settlement_style, c.multiplier, p.net_quantity,
       EXISTS (SELECT 1 FROM v_current_option_settlement s WHERE s.hedge_id = p.hedge_id AND s.contract_id = c.contract_id) AS settled,
       q.mark AS latest_mark, q.bid AS latest_bid, q.ask AS latest_ask, q.implied_vol AS latest_implied_vol,
       strftime('%Y-%m-%dT%H:%M:%SZ', q.quoted_at, 'unixepoch') AS latest_quote_at
FROM (SELECT hedge_id, contract_id, sum(quantity) AS net_quantity FROM v_current_option_trade GROUP BY hedge_id, contract_id) p
JOIN hedge h ON h.hedge_id = p.hedge_id
JOIN option_contract c ON c.contract_id = p.contract_id
LEFT JOIN option_quote q ON q.contract_id = c.contract_id
     AND q.quoted_at = (SELECT max(m.quoted_at) FROM option_quote m WHERE m.contract_id = c.contract_id);
