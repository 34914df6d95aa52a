-- 0004 reserve index: the history of an Aave-style lending reserve (BendDAO, ParaSpace), stored
-- once per reserve and read by every loan on it (docs/analytics.md "Index loans").
--
-- Same conventions as 0002 (docs/schema.md): STRICT, instants as INTEGER Unix seconds UTC, every
-- row with recorded_at, append-only (triggers at the end). Ray values (1e27 = 1.0) are decimal
-- integer text: they exceed 64 bits and must stay exact.

-- One row per `ReserveDataUpdated` event of the reserve (protocol, asset): the indexes and rates
-- the contract stored at `updated_at`. On chain several events can share a block timestamp; the
-- last one of the second is the state that later compounding starts from, so it is the one kept.
-- The variable-borrow rate is the rate in force from `updated_at` until the next row.
CREATE TABLE reserve_index (
    protocol              TEXT    NOT NULL CHECK (protocol IN ('nftfi', 'benddao', 'jpegd', 'blend', 'arcade', 'paraspace', 'gondi', 'other')),
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
CREATE INDEX reserve_index_source ON reserve_index (source_id) WHERE source_id IS NOT NULL;

CREATE TRIGGER reserve_index_no_update BEFORE UPDATE ON reserve_index BEGIN SELECT RAISE(ABORT, 'append-only: reserve_index rows cannot be updated'); END;
CREATE TRIGGER reserve_index_no_delete BEFORE DELETE ON reserve_index BEGIN SELECT RAISE(ABORT, 'append-only: reserve_index rows cannot be deleted'); END;
-- Re-importing an identical event is skipped (RAISE(IGNORE)); different figures for the same instant are refused.
CREATE TRIGGER reserve_index_no_replace BEFORE INSERT ON reserve_index
WHEN EXISTS (SELECT 1 FROM reserve_index WHERE protocol = NEW.protocol AND asset = NEW.asset AND updated_at = NEW.updated_at)
BEGIN
    SELECT RAISE(IGNORE) FROM reserve_index
     WHERE protocol = NEW.protocol AND asset = NEW.asset AND updated_at = NEW.updated_at
       AND variable_borrow_index = NEW.variable_borrow_index AND variable_borrow_rate = NEW.variable_borrow_rate
       AND liquidity_index IS NEW.liquidity_index AND liquidity_rate IS NEW.liquidity_rate;
    SELECT RAISE(ABORT, 'append-only: reserve_index already has different figures for this reserve and instant');
END;

-- The reserve history with ISO-8601 instants, for other tools.
CREATE VIEW v_reserve_index AS
SELECT protocol, asset, strftime('%Y-%m-%dT%H:%M:%SZ', updated_at, 'unixepoch') AS updated_at, updated_at AS updated_at_unix,
       variable_borrow_index, variable_borrow_rate, liquidity_index, liquidity_rate, recorded_at AS recorded_at_unix, source_id
FROM reserve_index;

-- Every write path now stores the mid of a two-sided quote without a mark as its mark (docs/import.md).
-- A re-import of a file booked before that, whose stored quote has no mark, must still be skipped
-- as identical rather than refused: the stored NULL mark matches the mid the new row carries.
DROP TRIGGER option_quote_no_replace;
CREATE TRIGGER option_quote_no_replace BEFORE INSERT ON option_quote
WHEN EXISTS (SELECT 1 FROM option_quote WHERE contract_id = NEW.contract_id AND quoted_at = NEW.quoted_at)
BEGIN
    SELECT RAISE(IGNORE) FROM option_quote
     WHERE contract_id = NEW.contract_id AND quoted_at = NEW.quoted_at AND bid IS NEW.bid AND ask IS NEW.ask
       AND (mark IS NEW.mark OR (mark IS NULL AND NEW.mark = (NEW.bid + NEW.ask) / 2))
       AND implied_vol IS NEW.implied_vol AND underlying IS NEW.underlying;
    SELECT RAISE(ABORT, 'append-only: option_quote already has a different quote for this contract and instant');
END;
