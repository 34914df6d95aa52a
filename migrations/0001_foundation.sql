-- 0001 foundation: the ledger's identity and a minimal, real table for settings.
-- The financial schema arrives in later migrations (ledger core).

-- Key/value settings of this ledger file (e.g. the default numeraire). Not booked data.
CREATE TABLE ledger_setting (
    setting_key   TEXT    NOT NULL PRIMARY KEY CHECK (length(setting_key) BETWEEN 1 AND 64),
    setting_value TEXT    NOT NULL,
    updated_at    INTEGER NOT NULL CHECK (updated_at >= 0)
) STRICT, WITHOUT ROWID;

INSERT INTO ledger_setting (setting_key, setting_value, updated_at)
VALUES ('created_by', 'PortfolioLedger', CAST(strftime('%s', 'now') AS INTEGER));
