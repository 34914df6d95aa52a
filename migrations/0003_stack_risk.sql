-- 0003 stack risk: collateral buffer policies and daily collection sales statistics.
--
-- Same conventions as 0002 (docs/schema.md): STRICT tables, instants as INTEGER Unix seconds UTC,
-- observations as finite REAL, every row with recorded_at, append-only (triggers at the end).

-- A user-set collateral buffer target, for one loan or (loan_id NULL) for every loan without a
-- target of its own. A policy change is a new row effective from its instant: the target in force
-- at T is the row of the scope with the latest effective_at <= T (ties: the latest recorded_at,
-- then the highest id), so a restatement of the same effective instant recorded later supersedes
-- the earlier row from its recorded_at on, and as-known-at reports still see the original.
-- Both targets NULL clears the scope's target from effective_at on (a loan then follows the
-- portfolio's target again).
CREATE TABLE buffer_policy (
    buffer_policy_id  INTEGER PRIMARY KEY,
    loan_id           INTEGER REFERENCES loan (loan_id),
    effective_at      INTEGER NOT NULL CHECK (effective_at BETWEEN 0 AND 253402300799),
    min_health_factor REAL    CHECK (min_health_factor IS NULL OR min_health_factor BETWEEN 1 AND 1000),
    max_ltv           REAL    CHECK (max_ltv IS NULL OR (max_ltv > 0 AND max_ltv <= 1)),
    note              TEXT    CHECK (note IS NULL OR length(note) <= 1000),
    recorded_at       INTEGER NOT NULL CHECK (recorded_at BETWEEN 0 AND 253402300799),
    source_id         INTEGER REFERENCES import_source (source_id)
) STRICT;
CREATE INDEX buffer_policy_by_scope ON buffer_policy (loan_id, effective_at);
CREATE INDEX buffer_policy_source ON buffer_policy (source_id);

-- Daily sales statistics of a collection (market data, like price_observation): one row per
-- collection and UTC day (day_at = midnight UTC). Prices and volume in `quote`. A day without a
-- row is a day without recorded sales. advancing/declining count the day's sales above/below the
-- median of the previous day with sales (NULL when the source had only daily aggregates).
CREATE TABLE collection_daily_sales (
    collection_id INTEGER NOT NULL REFERENCES collection (collection_id),
    day_at        INTEGER NOT NULL CHECK (day_at BETWEEN 0 AND 253402300799 AND day_at % 86400 = 0),
    quote         TEXT    NOT NULL CHECK (length(quote) BETWEEN 2 AND 10 AND NOT quote GLOB '*[^A-Z0-9]*' AND quote GLOB '*[A-Z]*'),
    sales_count   INTEGER NOT NULL CHECK (sales_count BETWEEN 0 AND 100000000),
    volume        REAL    NOT NULL CHECK (volume BETWEEN 0 AND 1.7976931348623157e308),
    min_price     REAL    CHECK (min_price IS NULL OR min_price BETWEEN 0 AND 1.7976931348623157e308),
    median_price  REAL    CHECK (median_price IS NULL OR median_price BETWEEN 0 AND 1.7976931348623157e308),
    max_price     REAL    CHECK (max_price IS NULL OR max_price BETWEEN 0 AND 1.7976931348623157e308),
    advancing     INTEGER CHECK (advancing IS NULL OR advancing BETWEEN 0 AND sales_count),
    declining     INTEGER CHECK (declining IS NULL OR declining BETWEEN 0 AND sales_count),
    recorded_at   INTEGER NOT NULL CHECK (recorded_at BETWEEN 0 AND 253402300799),
    source_id     INTEGER REFERENCES import_source (source_id),
    CHECK (min_price IS NULL OR median_price IS NULL OR max_price IS NULL OR (min_price <= median_price AND median_price <= max_price)),
    CHECK (sales_count > 0 OR (volume = 0 AND median_price IS NULL)),
    CHECK ((advancing IS NULL) = (declining IS NULL) AND (advancing IS NULL OR advancing + declining <= sales_count)),
    PRIMARY KEY (collection_id, day_at)
) STRICT, WITHOUT ROWID;
CREATE INDEX collection_daily_sales_source ON collection_daily_sales (source_id) WHERE source_id IS NOT NULL;

-- Append-only, as in 0002 (decision D10): no update, no delete, no key collision on insert.
CREATE TRIGGER buffer_policy_no_update BEFORE UPDATE ON buffer_policy BEGIN SELECT RAISE(ABORT, 'append-only: buffer_policy rows cannot be updated; record a new policy row instead'); END;
CREATE TRIGGER buffer_policy_no_delete BEFORE DELETE ON buffer_policy BEGIN SELECT RAISE(ABORT, 'append-only: buffer_policy rows cannot be deleted; record a new policy row instead'); END;
CREATE TRIGGER buffer_policy_no_replace BEFORE INSERT ON buffer_policy
WHEN EXISTS (SELECT 1 FROM buffer_policy WHERE buffer_policy_id = NEW.buffer_policy_id)
  OR EXISTS (SELECT 1 FROM buffer_policy WHERE loan_id IS NEW.loan_id AND effective_at = NEW.effective_at AND recorded_at = NEW.recorded_at)
BEGIN SELECT RAISE(ABORT, 'append-only: buffer_policy already has a row with this key'); END;
CREATE TRIGGER collection_daily_sales_no_update BEFORE UPDATE ON collection_daily_sales BEGIN SELECT RAISE(ABORT, 'append-only: collection_daily_sales rows cannot be updated; record a correction instead'); END;
CREATE TRIGGER collection_daily_sales_no_delete BEFORE DELETE ON collection_daily_sales BEGIN SELECT RAISE(ABORT, 'append-only: collection_daily_sales rows cannot be deleted; record a correction instead'); END;
-- Re-importing an identical day is skipped (RAISE(IGNORE)); different figures for the same day are refused.
CREATE TRIGGER collection_daily_sales_no_replace BEFORE INSERT ON collection_daily_sales
WHEN EXISTS (SELECT 1 FROM collection_daily_sales WHERE collection_id = NEW.collection_id AND day_at = NEW.day_at)
BEGIN
    SELECT RAISE(IGNORE) FROM collection_daily_sales
     WHERE collection_id = NEW.collection_id AND day_at = NEW.day_at AND quote = NEW.quote AND sales_count = NEW.sales_count
       AND volume = NEW.volume AND min_price IS NEW.min_price AND median_price IS NEW.median_price AND max_price IS NEW.max_price
       AND advancing IS NEW.advancing AND declining IS NEW.declining;
    SELECT RAISE(ABORT, 'append-only: collection_daily_sales already has different figures for this collection and day');
END;
