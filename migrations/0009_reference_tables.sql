-- 0009 reference tables: the lending protocols and interest models a ledger knows are rows of two
-- reference tables instead of `CHECK (… IN …)` lists (docs/decisions.md, REFDATA-1), and NFTfi
-- pro-rata loans get their own interest model `nftfi_pro_rata` (until schema 8 they were stored as
-- `simple_pro_rata`, so `v_loan` reported the wrong model).
--
-- Adding a protocol or a model is from now on one INSERT in a migration. The tables that named
-- protocols or models in a CHECK (loan, price_series, reserve_index, risk_parameter) reference
-- the new tables by foreign key instead. SQLite cannot change a column constraint in place, so
-- each is rebuilt under its own name as in 0006: its rows are copied aside, the table is dropped
-- and created again with every other constraint unchanged, the rows are copied back with the same
-- ids, and its indexes and triggers are created again. Views and the triggers of other tables
-- name these tables as text and resolve to the new tables; none of them changes.
--
-- loan and price_series are parents of other tables' foreign keys: the implicit DELETE of DROP
-- TABLE would break those references for the moment the table is gone, so they are checked at
-- COMMIT (defer_foreign_keys, reset when the transaction ends), when every parent row is back.
-- A row that no longer had its parent would make the COMMIT fail and leave schema 8 as it was.
-- A reference broken before the upgrade is not counted by that check; the last statements run
-- foreign_key_check over the whole file and refuse the upgrade if it reports anything.
--
-- The only value that changes is loan.interest_model of NFTfi pro-rata loans (terms.model is
-- 'nftfi_pro_rata'): a schema change that corrects how a loan is labelled, not a new booking;
-- recorded_at, ids and every other column keep their values.
PRAGMA defer_foreign_keys = ON;

CREATE TABLE lending_protocol (
    protocol    TEXT NOT NULL PRIMARY KEY CHECK (length(protocol) BETWEEN 1 AND 32 AND NOT protocol GLOB '*[^a-z0-9_]*'),
    description TEXT NOT NULL CHECK (length(description) BETWEEN 1 AND 200)
) STRICT, WITHOUT ROWID;

CREATE TABLE interest_model (
    interest_model TEXT NOT NULL PRIMARY KEY CHECK (length(interest_model) BETWEEN 1 AND 32 AND NOT interest_model GLOB '*[^a-z0-9_]*'),
    description    TEXT NOT NULL CHECK (length(description) BETWEEN 1 AND 200)
) STRICT, WITHOUT ROWID;

INSERT INTO lending_protocol (protocol, description) VALUES
    ('nftfi', 'NFTfi: peer-to-peer loans, fixed repayment or pro-rata interest up to a maximum repayment'),
    ('benddao', 'BendDAO: peer-to-pool loans on an Aave-style reserve borrow index'),
    ('jpegd', 'JPEG''d: vault debt accruing at the vault''s APR'),
    ('blend', 'Blur Blend: perpetual peer-to-peer loans with continuously compounded interest'),
    ('arcade', 'Arcade: peer-to-peer loans, fixed repayment or pro-rata interest'),
    ('paraspace', 'ParaSpace: peer-to-pool loans on an Aave-style reserve borrow index'),
    ('gondi', 'Gondi: peer-to-peer loans with pro-rata interest rounded up'),
    ('other', 'a protocol the ledger does not name');

INSERT INTO interest_model (interest_model, description) VALUES
    ('fixed_repayment', 'a fixed repayment due whenever repaid; interest = repayment - principal'),
    ('simple_pro_rata', 'simple interest pro rata to the second at an APR in bps, rounded down or up, optionally capped at maturity'),
    ('nftfi_pro_rata', 'NFTfi pro-rata: interest pro rata up to the maximum repayment, the rate truncated to whole bps of principal'),
    ('continuous', 'continuous compounding at an APR in bps'),
    ('aave_index', 'Aave-style reserve borrow index: debt = scaled debt x index'),
    ('vault_accrual', 'vault accrual at an APR given as a fraction');

-- Reference rows are part of the schema: only a migration adds one, and none is changed or removed
-- (booked rows name them).
CREATE TRIGGER lending_protocol_no_update BEFORE UPDATE ON lending_protocol BEGIN SELECT RAISE(ABORT, 'reference data: lending_protocol rows cannot be updated; add a protocol by migration'); END;
CREATE TRIGGER lending_protocol_no_delete BEFORE DELETE ON lending_protocol BEGIN SELECT RAISE(ABORT, 'reference data: lending_protocol rows cannot be deleted'); END;
CREATE TRIGGER interest_model_no_update BEFORE UPDATE ON interest_model BEGIN SELECT RAISE(ABORT, 'reference data: interest_model rows cannot be updated; add a model by migration'); END;
CREATE TRIGGER interest_model_no_delete BEFORE DELETE ON interest_model BEGIN SELECT RAISE(ABORT, 'reference data: interest_model rows cannot be deleted'); END;

-- loan
CREATE TABLE loan_before_0009 AS SELECT * FROM loan;
DROP TABLE loan;

CREATE TABLE loan (
    loan_id               INTEGER PRIMARY KEY,
    protocol              TEXT    NOT NULL REFERENCES lending_protocol (protocol),
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
    interest_model        TEXT    NOT NULL REFERENCES interest_model (interest_model),
    terms                 TEXT    NOT NULL CHECK (json_valid(terms) AND json_type(terms) = 'object'),
    max_ltv               REAL    CHECK (max_ltv IS NULL OR (max_ltv > 0 AND max_ltv <= 1)),
    liquidation_threshold REAL    CHECK (liquidation_threshold IS NULL OR (liquidation_threshold > 0 AND liquidation_threshold <= 1)),
    refinances_loan_id    INTEGER REFERENCES loan (loan_id),
    recorded_at           INTEGER NOT NULL CHECK (recorded_at BETWEEN 0 AND 253402300799),
    source_id             INTEGER REFERENCES import_source (source_id),
    CHECK (max_ltv IS NULL OR liquidation_threshold IS NULL OR max_ltv <= liquidation_threshold),
    CHECK (interest_model <> 'fixed_repayment' OR maturity_at IS NOT NULL)
) STRICT;

INSERT INTO loan (loan_id, protocol, external_ref, currency, principal, amount_received, started_at, maturity_at, interest_model, terms, max_ltv, liquidation_threshold, refinances_loan_id, recorded_at, source_id)
SELECT loan_id, protocol, external_ref, currency, principal, amount_received, started_at, maturity_at, CASE WHEN json_extract(terms, '$.model') = 'nftfi_pro_rata' THEN 'nftfi_pro_rata' ELSE interest_model END, terms, max_ltv, liquidation_threshold, refinances_loan_id, recorded_at, source_id
FROM loan_before_0009 ORDER BY loan_id;
DROP TABLE loan_before_0009;

CREATE INDEX loan_refinances ON loan (refinances_loan_id);
CREATE INDEX loan_source ON loan (source_id);
CREATE INDEX loan_by_protocol ON loan (protocol, started_at);
-- New foreign-key child columns get an index, as every other one (docs/schema.md).
CREATE INDEX loan_by_interest_model ON loan (interest_model);
CREATE TRIGGER loan_no_update BEFORE UPDATE ON loan BEGIN SELECT RAISE(ABORT, 'append-only: loan rows cannot be updated; record a correction instead'); END;
CREATE TRIGGER loan_no_delete BEFORE DELETE ON loan BEGIN SELECT RAISE(ABORT, 'append-only: loan rows cannot be deleted; record a correction instead'); END;
CREATE TRIGGER loan_no_replace BEFORE INSERT ON loan WHEN EXISTS (SELECT 1 FROM loan WHERE loan_id = NEW.loan_id)
BEGIN SELECT RAISE(ABORT, 'append-only: loan already has a row with this key'); END;

-- price_series
CREATE TABLE price_series_before_0009 AS SELECT * FROM price_series;
DROP TABLE price_series;

CREATE TABLE price_series (
    series_id     INTEGER PRIMARY KEY,
    series_name   TEXT    NOT NULL UNIQUE CHECK (length(series_name) BETWEEN 1 AND 200),
    series_kind   TEXT    NOT NULL CHECK (series_kind IN ('floor', 'oracle', 'appraisal', 'fx', 'index', 'rate')),
    base          TEXT    CHECK (base IS NULL OR length(base) BETWEEN 1 AND 64),
    quote         TEXT    CHECK (quote IS NULL OR (length(quote) BETWEEN 2 AND 10 AND NOT quote GLOB '*[^A-Z0-9]*' AND quote GLOB '*[A-Z]*')),
    collection_id INTEGER REFERENCES collection (collection_id),
    nft_id        INTEGER REFERENCES nft (nft_id),
    protocol      TEXT    REFERENCES lending_protocol (protocol),
    recorded_at   INTEGER NOT NULL CHECK (recorded_at BETWEEN 0 AND 253402300799),
    CHECK (series_kind NOT IN ('floor', 'oracle') OR (collection_id IS NOT NULL AND quote IS NOT NULL)),
    CHECK (series_kind <> 'oracle' OR protocol IS NOT NULL),
    CHECK (series_kind <> 'appraisal' OR (nft_id IS NOT NULL AND quote IS NOT NULL)),
    CHECK (series_kind <> 'fx' OR (base IS NOT NULL AND quote IS NOT NULL))
) STRICT;

INSERT INTO price_series (series_id, series_name, series_kind, base, quote, collection_id, nft_id, protocol, recorded_at)
SELECT series_id, series_name, series_kind, base, quote, collection_id, nft_id, protocol, recorded_at
FROM price_series_before_0009 ORDER BY series_id;
DROP TABLE price_series_before_0009;

CREATE INDEX price_series_collection ON price_series (collection_id);
CREATE INDEX price_series_nft ON price_series (nft_id);
CREATE INDEX price_series_protocol ON price_series (protocol) WHERE protocol IS NOT NULL;
CREATE TRIGGER price_series_no_update BEFORE UPDATE ON price_series BEGIN SELECT RAISE(ABORT, 'append-only: price_series rows cannot be updated; record a correction instead'); END;
CREATE TRIGGER price_series_no_delete BEFORE DELETE ON price_series BEGIN SELECT RAISE(ABORT, 'append-only: price_series rows cannot be deleted; record a correction instead'); END;
CREATE TRIGGER price_series_no_replace BEFORE INSERT ON price_series WHEN EXISTS (SELECT 1 FROM price_series WHERE series_id = NEW.series_id) OR EXISTS (SELECT 1 FROM price_series WHERE series_name = NEW.series_name)
BEGIN SELECT RAISE(ABORT, 'append-only: price_series already has a row with this key'); END;

-- reserve_index
CREATE TABLE reserve_index_before_0009 AS SELECT * FROM reserve_index;
DROP TABLE reserve_index;

CREATE TABLE reserve_index (
    protocol              TEXT    NOT NULL REFERENCES lending_protocol (protocol),
    asset                 TEXT    NOT NULL CHECK (length(asset) BETWEEN 2 AND 10 AND NOT asset GLOB '*[^A-Z0-9]*' AND asset GLOB '*[A-Z]*'),
    updated_at            INTEGER NOT NULL CHECK (updated_at BETWEEN 0 AND 253402300799),
    variable_borrow_index TEXT    NOT NULL CHECK (length(variable_borrow_index) BETWEEN 28 AND 78 AND NOT variable_borrow_index GLOB '*[^0-9]*'
                                                  AND NOT variable_borrow_index GLOB '0*'),
    variable_borrow_rate  TEXT    NOT NULL CHECK (length(variable_borrow_rate) BETWEEN 1 AND 78 AND NOT variable_borrow_rate GLOB '*[^0-9]*'
                                                  AND (variable_borrow_rate = '0' OR NOT variable_borrow_rate GLOB '0*')),
    liquidity_index       TEXT    CHECK (liquidity_index IS NULL OR (length(liquidity_index) BETWEEN 28 AND 78
                                                  AND NOT liquidity_index GLOB '*[^0-9]*' AND NOT liquidity_index GLOB '0*')),
    liquidity_rate        TEXT    CHECK (liquidity_rate IS NULL OR (length(liquidity_rate) BETWEEN 1 AND 78 AND NOT liquidity_rate GLOB '*[^0-9]*'
                                                  AND (liquidity_rate = '0' OR NOT liquidity_rate GLOB '0*'))),
    recorded_at           INTEGER NOT NULL CHECK (recorded_at BETWEEN 0 AND 253402300799),
    source_id             INTEGER REFERENCES import_source (source_id),
    PRIMARY KEY (protocol, asset, updated_at)
) STRICT, WITHOUT ROWID;

INSERT INTO reserve_index (protocol, asset, updated_at, variable_borrow_index, variable_borrow_rate, liquidity_index, liquidity_rate, recorded_at, source_id)
SELECT protocol, asset, updated_at, variable_borrow_index, variable_borrow_rate, liquidity_index, liquidity_rate, recorded_at, source_id
FROM reserve_index_before_0009 ORDER BY protocol, asset, updated_at;
DROP TABLE reserve_index_before_0009;

CREATE INDEX reserve_index_source ON reserve_index (source_id) WHERE source_id IS NOT NULL;
CREATE TRIGGER reserve_index_no_update BEFORE UPDATE ON reserve_index BEGIN SELECT RAISE(ABORT, 'append-only: reserve_index rows cannot be updated'); END;
CREATE TRIGGER reserve_index_no_delete BEFORE DELETE ON reserve_index BEGIN SELECT RAISE(ABORT, 'append-only: reserve_index rows cannot be deleted'); END;
CREATE TRIGGER reserve_index_no_replace BEFORE INSERT ON reserve_index
WHEN EXISTS (SELECT 1 FROM reserve_index WHERE protocol = NEW.protocol AND asset = NEW.asset AND updated_at = NEW.updated_at)
BEGIN
    SELECT RAISE(IGNORE) FROM reserve_index
     WHERE protocol = NEW.protocol AND asset = NEW.asset AND updated_at = NEW.updated_at
       AND variable_borrow_index = NEW.variable_borrow_index AND variable_borrow_rate = NEW.variable_borrow_rate
       AND liquidity_index IS NEW.liquidity_index AND liquidity_rate IS NEW.liquidity_rate;
    SELECT RAISE(ABORT, 'append-only: reserve_index already has different figures for this reserve and instant');
END;

-- risk_parameter
CREATE TABLE risk_parameter_before_0009 AS SELECT * FROM risk_parameter;
DROP TABLE risk_parameter;

CREATE TABLE risk_parameter (
    risk_parameter_id     INTEGER PRIMARY KEY,
    protocol              TEXT    REFERENCES lending_protocol (protocol),
    collection_id         INTEGER REFERENCES collection (collection_id),
    loan_id               INTEGER REFERENCES loan (loan_id),
    effective_at          INTEGER NOT NULL CHECK (effective_at BETWEEN 0 AND 253402300799),
    max_ltv               REAL    CHECK (max_ltv IS NULL OR (max_ltv > 0 AND max_ltv <= 1)),
    liquidation_threshold REAL    NOT NULL CHECK (liquidation_threshold > 0 AND liquidation_threshold <= 1),
    note                  TEXT    CHECK (note IS NULL OR length(note) <= 1000),
    recorded_at           INTEGER NOT NULL CHECK (recorded_at BETWEEN 0 AND 253402300799),
    source_id             INTEGER REFERENCES import_source (source_id),
    CHECK ((loan_id IS NULL AND protocol IS NOT NULL AND collection_id IS NOT NULL)
        OR (loan_id IS NOT NULL AND protocol IS NULL AND collection_id IS NULL)),
    CHECK (max_ltv IS NULL OR max_ltv <= liquidation_threshold)
) STRICT;

INSERT INTO risk_parameter (risk_parameter_id, protocol, collection_id, loan_id, effective_at, max_ltv, liquidation_threshold, note, recorded_at, source_id)
SELECT risk_parameter_id, protocol, collection_id, loan_id, effective_at, max_ltv, liquidation_threshold, note, recorded_at, source_id
FROM risk_parameter_before_0009 ORDER BY risk_parameter_id;
DROP TABLE risk_parameter_before_0009;

CREATE INDEX risk_parameter_by_collection ON risk_parameter (protocol, collection_id, effective_at);
CREATE INDEX risk_parameter_by_loan ON risk_parameter (loan_id, effective_at);
CREATE INDEX risk_parameter_collection ON risk_parameter (collection_id);
CREATE INDEX risk_parameter_source ON risk_parameter (source_id);
CREATE TRIGGER risk_parameter_no_update BEFORE UPDATE ON risk_parameter BEGIN SELECT RAISE(ABORT, 'append-only: risk_parameter rows cannot be updated; record a new row instead'); END;
CREATE TRIGGER risk_parameter_no_delete BEFORE DELETE ON risk_parameter BEGIN SELECT RAISE(ABORT, 'append-only: risk_parameter rows cannot be deleted; record a new row instead'); END;
CREATE TRIGGER risk_parameter_no_replace BEFORE INSERT ON risk_parameter
WHEN EXISTS (SELECT 1 FROM risk_parameter WHERE risk_parameter_id = NEW.risk_parameter_id)
  OR EXISTS (SELECT 1 FROM risk_parameter WHERE protocol IS NEW.protocol AND collection_id IS NEW.collection_id AND loan_id IS NEW.loan_id
                AND effective_at = NEW.effective_at AND recorded_at = NEW.recorded_at)
BEGIN SELECT RAISE(ABORT, 'append-only: risk_parameter already has a row with this key'); END;

-- The COMMIT checks the references the rebuild broke and restored; a reference that was already
-- broken before (written with foreign keys off by another client) would pass unseen and stay
-- broken under the new tables, so the whole file is checked here and the upgrade refused.
CREATE TEMP TABLE foreign_key_check_0009 (
    violations INTEGER NOT NULL CONSTRAINT every_foreign_key_resolves_run_check_on_schema_8 CHECK (violations = 0)
) STRICT;
INSERT INTO foreign_key_check_0009 (violations) SELECT count(*) FROM pragma_foreign_key_check;
DROP TABLE foreign_key_check_0009;
