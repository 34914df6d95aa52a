-- 0006 collateral changes: NFTs added to, or released from, a running loan (docs/import.md,
-- "Holding states"; docs/decisions.md). They are two new loan event kinds, `collateral_added` and
-- `collateral_released`, that name the NFT in a new `nft_id` column: like every other loan event
-- they are dated, void/supersede through entry_correction, and export in the loan's timeline.
-- `loan_collateral` stays what it was: the NFTs pledged at the loan's start.
--
-- SQLite cannot change a CHECK in place, so loan_event is rebuilt under its own name (views and
-- triggers that name it are stored as text and resolve to the new table; nothing references it by
-- foreign key, and the implicit delete of DROP TABLE fires no trigger). Its rows are copied as
-- they are, with the same ids.
CREATE TABLE loan_event_before_0006 AS SELECT * FROM loan_event;
DROP TABLE loan_event;

CREATE TABLE loan_event (
    loan_event_id   INTEGER PRIMARY KEY,
    loan_id         INTEGER NOT NULL REFERENCES loan (loan_id),
    event_kind      TEXT    NOT NULL CHECK (event_kind IN ('borrow_more', 'repay', 'fee', 'rate_change', 'index_observation',
                                                           'renegotiate', 'auction_start', 'redeem', 'liquidation', 'foreclosure', 'close',
                                                           'collateral_added', 'collateral_released')),
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
    nft_id          INTEGER REFERENCES nft (nft_id),
    CHECK (event_kind <> 'repay' OR (interest_part IS NOT NULL AND principal_part IS NOT NULL)),
    CHECK (event_kind NOT IN ('borrow_more', 'redeem') OR amount IS NOT NULL),
    CHECK (event_kind <> 'fee' OR fee IS NOT NULL),
    CHECK (event_kind <> 'rate_change' OR new_rate_bps IS NOT NULL),
    CHECK (event_kind <> 'index_observation' OR index_ray IS NOT NULL),
    CHECK (event_kind <> 'renegotiate' OR new_maturity_at IS NOT NULL OR new_rate_bps IS NOT NULL OR new_terms IS NOT NULL),
    -- A collateral change names its NFT and moves no money; no other event names an NFT.
    CHECK ((event_kind IN ('collateral_added', 'collateral_released')) = (nft_id IS NOT NULL)),
    CHECK (event_kind NOT IN ('collateral_added', 'collateral_released')
           OR (amount IS NULL AND interest_part IS NULL AND principal_part IS NULL AND fee IS NULL AND new_rate_bps IS NULL
               AND index_ray IS NULL AND new_maturity_at IS NULL AND new_terms IS NULL))
) STRICT;

INSERT INTO loan_event (loan_event_id, loan_id, event_kind, occurred_at, amount, interest_part, principal_part, fee, new_rate_bps,
                        index_ray, new_maturity_at, new_terms, note, recorded_at, source_id)
SELECT loan_event_id, loan_id, event_kind, occurred_at, amount, interest_part, principal_part, fee, new_rate_bps,
       index_ray, new_maturity_at, new_terms, note, recorded_at, source_id
FROM loan_event_before_0006 ORDER BY loan_event_id;
DROP TABLE loan_event_before_0006;

CREATE INDEX loan_event_by_loan ON loan_event (loan_id, occurred_at);
CREATE INDEX loan_event_source ON loan_event (source_id);
CREATE INDEX loan_event_by_nft ON loan_event (nft_id) WHERE nft_id IS NOT NULL;

CREATE TRIGGER loan_event_no_update BEFORE UPDATE ON loan_event BEGIN SELECT RAISE(ABORT, 'append-only: loan_event rows cannot be updated; record a correction instead'); END;
CREATE TRIGGER loan_event_no_delete BEFORE DELETE ON loan_event BEGIN SELECT RAISE(ABORT, 'append-only: loan_event rows cannot be deleted; record a correction instead'); END;
CREATE TRIGGER loan_event_no_replace BEFORE INSERT ON loan_event WHEN EXISTS (SELECT 1 FROM loan_event WHERE loan_event_id = NEW.loan_event_id)
BEGIN SELECT RAISE(ABORT, 'append-only: loan_event already has a row with this key'); END;
CREATE TRIGGER loan_event_after_start BEFORE INSERT ON loan_event
WHEN NEW.occurred_at < (SELECT started_at FROM loan WHERE loan_id = NEW.loan_id)
BEGIN SELECT RAISE(ABORT, 'loan_event: occurred_at is before the loan started'); END;

-- The collateral a loan has at the end of each current collateral change: (loan, NFT) pairs
-- whose latest change is an addition, or that were pledged at the start and never released.
CREATE VIEW v_loan_collateral AS
SELECT l.loan_id, n.nft_id
FROM v_current_loan l
JOIN (SELECT loan_id, nft_id FROM loan_collateral
      UNION SELECT loan_id, nft_id FROM v_current_loan_event WHERE event_kind = 'collateral_added') n ON n.loan_id = l.loan_id
WHERE COALESCE((SELECT e.event_kind FROM v_current_loan_event e
                WHERE e.loan_id = l.loan_id AND e.nft_id = n.nft_id
                ORDER BY e.occurred_at DESC, e.loan_event_id DESC LIMIT 1), 'collateral_added') = 'collateral_added';

-- v_holding: "pledged" follows collateral added to and released from running loans, and an NFT
-- added to a loan that is liquidated or foreclosed is lost with it.
DROP VIEW v_holding;

CREATE VIEW v_holding AS
SELECT n.nft_id, c.collection_name, c.chain, c.contract_address, n.token_id,
       strftime('%Y-%m-%dT%H:%M:%SZ', a.traded_at, 'unixepoch') AS acquired_at, a.traded_at AS acquired_at_unix,
       a.price AS cost, a.fees AS cost_fees, a.currency AS cost_currency,
       (SELECT l.loan_id FROM v_loan_collateral lc JOIN v_loan l ON l.loan_id = lc.loan_id
         WHERE lc.nft_id = n.nft_id AND l.status = 'open' LIMIT 1) AS pledged_loan_id,
       EXISTS (SELECT 1 FROM v_loan_collateral lc JOIN v_loan l ON l.loan_id = lc.loan_id
         WHERE lc.nft_id = n.nft_id AND l.status = 'open') AS pledged
FROM nft n
JOIN collection c ON c.collection_id = n.collection_id
JOIN v_current_nft_trade a ON a.nft_id = n.nft_id AND a.side = 'acquire'
     AND a.traded_at = (SELECT max(t.traded_at) FROM v_current_nft_trade t WHERE t.nft_id = n.nft_id AND t.side = 'acquire')
WHERE NOT EXISTS (SELECT 1 FROM v_current_nft_trade d WHERE d.nft_id = n.nft_id AND d.side = 'dispose' AND d.traded_at >= a.traded_at)
  AND NOT EXISTS (SELECT 1 FROM v_loan_collateral lc
                  JOIN v_current_loan l ON l.loan_id = lc.loan_id
                  JOIN v_current_loan_event e ON e.loan_id = l.loan_id AND e.event_kind IN ('liquidation', 'foreclosure')
                  WHERE lc.nft_id = n.nft_id
                    AND max(l.started_at, COALESCE((SELECT max(x.occurred_at) FROM v_current_loan_event x
                                                    WHERE x.loan_id = l.loan_id AND x.nft_id = n.nft_id), l.started_at)) >= a.traded_at);
