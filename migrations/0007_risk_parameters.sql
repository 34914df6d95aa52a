-- 0006 risk parameters: the max LTV and liquidation threshold that a lending protocol sets per
-- collection and changes by governance vote, and dated per-loan overrides (docs/schema.md,
-- "Risk parameters").
--
-- Same conventions as 0002/0003: STRICT, instants as INTEGER Unix seconds UTC, ratios as finite
-- REAL fractions, every row with recorded_at, append-only (triggers below).
--
-- A row is either a protocol's setting for one collection (protocol and collection_id set,
-- loan_id NULL) or an override for one loan (loan_id set, the other two NULL). The parameters in
-- force for a scope at T are those of its row with the latest effective_at <= T (ties: the latest
-- recorded_at, then the highest id), so a restatement of the same effective instant recorded later
-- supersedes the earlier row from its recorded_at on and as-known-at reports still see the first.
-- Which scope governs a loan is decided by the library (LedgerSnapshot.riskParameters(governing:at:)):
-- a loan override in force, else the parameters booked on the loan row itself, else the protocol's
-- setting for the loan's collection.
CREATE TABLE risk_parameter (
    risk_parameter_id     INTEGER PRIMARY KEY,
    protocol              TEXT    CHECK (protocol IS NULL OR protocol IN ('nftfi', 'benddao', 'jpegd', 'blend', 'arcade', 'paraspace', 'gondi', 'other')),
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
