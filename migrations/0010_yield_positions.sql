-- 0010 yield positions (issue 21): money put to work in an ERC-4626-style vault, staking or a
-- tokenized real-world asset, optionally funded by a named loan (docs/schema.md, "Yield positions";
-- decisions YIELD-1..5). Nothing but the file name carries the migration's number.
--
-- A position is valued either
--   * by shares × share price: its share price is an ordinary price series (kind 'index', quote =
--     the position's currency), read as of an instant like every other series (missing and stale
--     observations are reported the same way); each deposit and withdrawal books the shares it
--     bought or redeemed beside the cash it moved; or
--   * by an accrual rule: a fixed APR, 'simple' (each flow grows by 1 + APR × t) or 'continuous'
--     (by exp(APR × t)), t in years of 365 days from the flow's instant; deposits and withdrawals
--     book the cash only (shares NULL).
--
-- Same conventions as 0002: STRICT, instants as INTEGER Unix seconds UTC, booked money as canonical
-- decimal TEXT, every row with recorded_at, append-only (triggers below). Positions are entities
-- like hedges (not corrected); their deposits and withdrawals (yield_flow) are journal entries,
-- voided or superseded through entry_correction, which is rebuilt below to accept them.
CREATE TABLE yield_position (
    yield_position_id     INTEGER PRIMARY KEY,
    position_name         TEXT    NOT NULL UNIQUE CHECK (length(position_name) BETWEEN 1 AND 200),
    position_kind         TEXT    NOT NULL CHECK (position_kind IN ('vault', 'staking', 'rwa')),
    currency              TEXT    NOT NULL CHECK (length(currency) BETWEEN 2 AND 10 AND NOT currency GLOB '*[^A-Z0-9]*' AND currency GLOB '*[A-Z]*'),
    valuation             TEXT    NOT NULL CHECK (valuation IN ('share_price', 'accrual')),
    share_price_series_id INTEGER REFERENCES price_series (series_id),
    accrual_apr           REAL    CHECK (accrual_apr IS NULL OR (accrual_apr >= 0 AND accrual_apr <= 10)),
    accrual_rule          TEXT    CHECK (accrual_rule IS NULL OR accrual_rule IN ('simple', 'continuous')),
    loan_id               INTEGER REFERENCES loan (loan_id),
    note                  TEXT    CHECK (note IS NULL OR length(note) <= 1000),
    recorded_at           INTEGER NOT NULL CHECK (recorded_at BETWEEN 0 AND 253402300799),
    source_id             INTEGER REFERENCES import_source (source_id),
    CHECK ((valuation = 'share_price' AND share_price_series_id IS NOT NULL AND accrual_apr IS NULL AND accrual_rule IS NULL)
        OR (valuation = 'accrual' AND share_price_series_id IS NULL AND accrual_apr IS NOT NULL AND accrual_rule IS NOT NULL))
) STRICT;
CREATE INDEX yield_position_loan ON yield_position (loan_id);
CREATE INDEX yield_position_series ON yield_position (share_price_series_id);
CREATE INDEX yield_position_source ON yield_position (source_id);

-- A deposit (cash out of the book into the position) or a withdrawal (cash back). `amount` is the
-- cash moved, in the position's currency; `shares` the shares bought or redeemed (share-price
-- positions only). Redeeming more shares than are held, or withdrawing more than an accrual
-- position holds, is refused by the library: it depends on every earlier row as known at the
-- instant, which a CHECK cannot see.
CREATE TABLE yield_flow (
    yield_flow_id     INTEGER PRIMARY KEY,
    yield_position_id INTEGER NOT NULL REFERENCES yield_position (yield_position_id),
    flow_kind         TEXT    NOT NULL CHECK (flow_kind IN ('deposit', 'withdrawal')),
    flowed_at         INTEGER NOT NULL CHECK (flowed_at BETWEEN 0 AND 253402300799),
    amount            TEXT    NOT NULL CHECK (length(amount) <= 116 AND amount GLOB '[0-9]*' AND NOT amount GLOB '*[^0-9.]*' AND NOT amount GLOB '*.*.*'
                                         AND NOT amount GLOB '*.' AND NOT amount GLOB '0[0-9]*' AND NOT amount GLOB '*.*0' AND amount <> '0'),
    shares            TEXT    CHECK (shares IS NULL OR (length(shares) <= 116 AND shares GLOB '[0-9]*' AND NOT shares GLOB '*[^0-9.]*' AND NOT shares GLOB '*.*.*'
                                         AND NOT shares GLOB '*.' AND NOT shares GLOB '0[0-9]*' AND NOT shares GLOB '*.*0' AND shares <> '0')),
    note              TEXT    CHECK (note IS NULL OR length(note) <= 1000),
    recorded_at       INTEGER NOT NULL CHECK (recorded_at BETWEEN 0 AND 253402300799),
    source_id         INTEGER REFERENCES import_source (source_id)
) STRICT;
CREATE INDEX yield_flow_by_position ON yield_flow (yield_position_id, flowed_at);
CREATE INDEX yield_flow_by_time ON yield_flow (flowed_at);
CREATE INDEX yield_flow_source ON yield_flow (source_id);

CREATE TRIGGER yield_position_no_update BEFORE UPDATE ON yield_position BEGIN SELECT RAISE(ABORT, 'append-only: yield_position rows cannot be updated; record a correction instead'); END;
CREATE TRIGGER yield_position_no_delete BEFORE DELETE ON yield_position BEGIN SELECT RAISE(ABORT, 'append-only: yield_position rows cannot be deleted; record a correction instead'); END;
CREATE TRIGGER yield_position_no_replace BEFORE INSERT ON yield_position
WHEN EXISTS (SELECT 1 FROM yield_position WHERE yield_position_id = NEW.yield_position_id) OR EXISTS (SELECT 1 FROM yield_position WHERE position_name = NEW.position_name)
BEGIN SELECT RAISE(ABORT, 'append-only: yield_position already has a row with this key'); END;
CREATE TRIGGER yield_flow_no_update BEFORE UPDATE ON yield_flow BEGIN SELECT RAISE(ABORT, 'append-only: yield_flow rows cannot be updated; record a correction instead'); END;
CREATE TRIGGER yield_flow_no_delete BEFORE DELETE ON yield_flow BEGIN SELECT RAISE(ABORT, 'append-only: yield_flow rows cannot be deleted; record a correction instead'); END;
CREATE TRIGGER yield_flow_no_replace BEFORE INSERT ON yield_flow WHEN EXISTS (SELECT 1 FROM yield_flow WHERE yield_flow_id = NEW.yield_flow_id)
BEGIN SELECT RAISE(ABORT, 'append-only: yield_flow already has a row with this key'); END;
-- Shares are booked exactly when the position is valued by share price.
CREATE TRIGGER yield_flow_shares_match_valuation BEFORE INSERT ON yield_flow
WHEN (NEW.shares IS NULL) <> (SELECT valuation = 'accrual' FROM yield_position WHERE yield_position_id = NEW.yield_position_id)
BEGIN SELECT RAISE(ABORT, 'yield_flow: shares are required for a share-price position and refused for an accrual position'); END;

-- entry_correction gains 'yield_flow' in its CHECK list: rebuilt as in 0009 (copy aside, drop,
-- create, copy back with the same ids, then its index and triggers exactly as before plus the
-- yield_flow branch). No table references it by foreign key; views name it as text.
CREATE TABLE entry_correction_before_yield AS SELECT * FROM entry_correction;
DROP TABLE entry_correction;
CREATE TABLE entry_correction (
    entry_correction_id INTEGER PRIMARY KEY,
    entry_table         TEXT    NOT NULL CHECK (entry_table IN ('nft_trade', 'loan', 'loan_event', 'option_trade', 'option_settlement',
                                                                'external_flow', 'balance_assertion', 'yield_flow')),
    entry_id            INTEGER NOT NULL,
    replacement_id      INTEGER,
    reason              TEXT    NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
    recorded_at         INTEGER NOT NULL CHECK (recorded_at BETWEEN 0 AND 253402300799),
    CHECK (replacement_id IS NULL OR replacement_id <> entry_id),
    UNIQUE (entry_table, entry_id)
) STRICT;
INSERT INTO entry_correction (entry_correction_id, entry_table, entry_id, replacement_id, reason, recorded_at)
SELECT entry_correction_id, entry_table, entry_id, replacement_id, reason, recorded_at FROM entry_correction_before_yield ORDER BY entry_correction_id;
DROP TABLE entry_correction_before_yield;
CREATE INDEX entry_correction_replacement ON entry_correction (entry_table, replacement_id);
CREATE TRIGGER entry_correction_no_update BEFORE UPDATE ON entry_correction BEGIN SELECT RAISE(ABORT, 'append-only: entry_correction rows cannot be updated; record a correction instead'); END;
CREATE TRIGGER entry_correction_no_delete BEFORE DELETE ON entry_correction BEGIN SELECT RAISE(ABORT, 'append-only: entry_correction rows cannot be deleted; record a correction instead'); END;
CREATE TRIGGER entry_correction_no_replace BEFORE INSERT ON entry_correction WHEN EXISTS (SELECT 1 FROM entry_correction WHERE entry_correction_id = NEW.entry_correction_id) OR EXISTS (SELECT 1 FROM entry_correction WHERE entry_table = NEW.entry_table AND entry_id = NEW.entry_id)
BEGIN SELECT RAISE(ABORT, 'append-only: entry_correction already has a row with this key'); END;
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
    WHEN 'yield_flow' THEN EXISTS (SELECT 1 FROM yield_flow WHERE yield_flow_id = NEW.entry_id)
                     AND (NEW.replacement_id IS NULL OR EXISTS (SELECT 1 FROM yield_flow WHERE yield_flow_id = NEW.replacement_id))
    ELSE 0 END)
BEGIN SELECT RAISE(ABORT, 'entry_correction: the corrected entry or its replacement does not exist (loans can only be voided)'); END;

CREATE VIEW v_current_yield_flow AS
SELECT f.* FROM yield_flow f
WHERE NOT EXISTS (SELECT 1 FROM entry_correction x WHERE x.entry_table = 'yield_flow' AND x.entry_id = f.yield_flow_id);

-- One row per position as currently known: what it is, the loan that funded it, and its booked
-- flows summed approximately (*_approx are REAL; exact sums are the library's).
CREATE VIEW v_yield_position AS
SELECT p.yield_position_id, p.position_name, p.position_kind, p.currency, p.valuation, s.series_name AS share_price_series,
       p.accrual_apr, p.accrual_rule, p.loan_id,
       (SELECT count(*) FROM v_current_yield_flow f WHERE f.yield_position_id = p.yield_position_id) AS flow_count,
       (SELECT total(CAST(f.amount AS REAL)) FROM v_current_yield_flow f
         WHERE f.yield_position_id = p.yield_position_id AND f.flow_kind = 'deposit') AS deposited_approx,
       (SELECT total(CAST(f.amount AS REAL)) FROM v_current_yield_flow f
         WHERE f.yield_position_id = p.yield_position_id AND f.flow_kind = 'withdrawal') AS withdrawn_approx,
       CASE WHEN p.valuation = 'share_price' THEN
           (SELECT total(CASE f.flow_kind WHEN 'deposit' THEN 1 ELSE -1 END * CAST(f.shares AS REAL)) FROM v_current_yield_flow f
             WHERE f.yield_position_id = p.yield_position_id) END AS shares_held_approx
FROM yield_position p
LEFT JOIN price_series s ON s.series_id = p.share_price_series_id;

-- v_cash_flow gains the yield rules: a deposit is cash out of the book ('yield deposit'), a
-- withdrawal cash back in ('yield withdrawal'), neither tagged with an NFT, loan or hedge (the
-- funding loan belongs to the position, not to the flow). The rest is 0008's definition unchanged.
DROP VIEW v_cash_flow;

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
FROM v_current_external_flow f
UNION ALL
SELECT 'nft_trade', t.nft_trade_id, t.traded_at, strftime('%Y-%m-%dT%H:%M:%SZ', t.traded_at, 'unixepoch'), t.currency,
       1, t.price, CAST(t.price AS REAL), 'opening position contributed', NULL, NULL, NULL
FROM v_current_nft_trade t WHERE t.opening = 1 AND t.price <> '0'
UNION ALL
SELECT 'nft_trade', t.nft_trade_id, t.traded_at, strftime('%Y-%m-%dT%H:%M:%SZ', t.traded_at, 'unixepoch'), t.currency,
       1, t.fees, CAST(t.fees AS REAL), 'opening position fees contributed', NULL, NULL, NULL
FROM v_current_nft_trade t WHERE t.opening = 1 AND t.fees <> '0'
UNION ALL
SELECT 'yield_flow', f.yield_flow_id, f.flowed_at, strftime('%Y-%m-%dT%H:%M:%SZ', f.flowed_at, 'unixepoch'), p.currency,
       CASE f.flow_kind WHEN 'deposit' THEN -1 ELSE 1 END, f.amount,
       CASE f.flow_kind WHEN 'deposit' THEN -1 ELSE 1 END * CAST(f.amount AS REAL),
       CASE f.flow_kind WHEN 'deposit' THEN 'yield deposit' ELSE 'yield withdrawal' END, NULL, NULL, NULL
FROM v_current_yield_flow f JOIN yield_position p ON p.yield_position_id = f.yield_position_id;
