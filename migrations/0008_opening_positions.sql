-- 0006 opening positions (issue 19): an NFT booked as held since an instant, brought into the book
-- rather than bought with its cash. It is an acquisition row of nft_trade (so the holding state
-- machine, corrections, export and import treat it as one) flagged `opening = 1`, with either a
-- declared cost basis (price + fees) or `cost_known = 0` (price and fees '0': the cost is unknown
-- and every report marks it, never treating the NFT as free).
--
-- Cash: an opening position is funded by the owner, not by the book's cash, so v_cash_flow pairs
-- its purchase outflow with an equal contribution inflow ('opening position contributed', no
-- nft_id: a contribution of capital, like a deposit). The cash balance is unchanged.
ALTER TABLE nft_trade ADD COLUMN opening INTEGER NOT NULL DEFAULT 0 CHECK (opening IN (0, 1) AND (opening = 0 OR side = 'acquire'));
ALTER TABLE nft_trade ADD COLUMN cost_known INTEGER NOT NULL DEFAULT 1
    CHECK (cost_known IN (0, 1) AND (cost_known = 1 OR (opening = 1 AND price = '0' AND fees = '0')));

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
FROM v_current_nft_trade t WHERE t.opening = 1 AND t.fees <> '0';

-- v_holding: an opening position of unknown cost has NULL cost and cost_fees (never '0', which
-- would read as a free NFT); the columns are unchanged, and so is the rest of 0006's definition
-- (collateral added to / released from open loans, NFTs lost to a liquidation or foreclosure).
DROP VIEW v_holding;

CREATE VIEW v_holding AS
SELECT n.nft_id, c.collection_name, c.chain, c.contract_address, n.token_id,
       strftime('%Y-%m-%dT%H:%M:%SZ', a.traded_at, 'unixepoch') AS acquired_at, a.traded_at AS acquired_at_unix,
       CASE WHEN a.cost_known = 1 THEN a.price END AS cost, CASE WHEN a.cost_known = 1 THEN a.fees END AS cost_fees, a.currency AS cost_currency,
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

-- Wallets (issue 19): the user's own accounts. An NFT trade (or opening) may name the wallet that
-- made it; a transfer between own wallets moves an NFT without a trade (no cash, no cost change,
-- the holding state unchanged). Which wallet holds an NFT at t: the latest transfer at or before t
-- since its latest acquisition, else that acquisition's wallet.
ALTER TABLE nft_trade ADD COLUMN wallet TEXT CHECK (wallet IS NULL OR length(wallet) BETWEEN 1 AND 128);

CREATE TABLE nft_transfer (
    nft_transfer_id INTEGER PRIMARY KEY,
    nft_id          INTEGER NOT NULL REFERENCES nft (nft_id),
    from_wallet     TEXT    NOT NULL CHECK (length(from_wallet) BETWEEN 1 AND 128),
    to_wallet       TEXT    NOT NULL CHECK (length(to_wallet) BETWEEN 1 AND 128),
    transferred_at  INTEGER NOT NULL CHECK (transferred_at BETWEEN 0 AND 253402300799),
    recorded_at     INTEGER NOT NULL CHECK (recorded_at BETWEEN 0 AND 253402300799),
    source_id       INTEGER REFERENCES import_source (source_id),
    CHECK (from_wallet <> to_wallet)
) STRICT;
CREATE INDEX nft_transfer_by_nft ON nft_transfer (nft_id, transferred_at);
CREATE INDEX nft_transfer_source ON nft_transfer (source_id);
CREATE TRIGGER nft_transfer_no_update BEFORE UPDATE ON nft_transfer BEGIN SELECT RAISE(ABORT, 'append-only: nft_transfer rows cannot be updated; record a correction instead'); END;
CREATE TRIGGER nft_transfer_no_delete BEFORE DELETE ON nft_transfer BEGIN SELECT RAISE(ABORT, 'append-only: nft_transfer rows cannot be deleted; record a correction instead'); END;
CREATE TRIGGER nft_transfer_no_replace BEFORE INSERT ON nft_transfer WHEN EXISTS (SELECT 1 FROM nft_transfer WHERE nft_transfer_id = NEW.nft_transfer_id)
BEGIN SELECT RAISE(ABORT, 'append-only: nft_transfer already has a row with this key'); END;
