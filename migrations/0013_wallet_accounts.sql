-- 0013 wallets on cash flows and loans, and an opening cash balance (issue 19; docs/schema.md,
-- decisions WALLETS-1..3). Nothing but the file name carries the migration's number.
--
-- A deposit, withdrawal or loan may name the wallet (the user's own account) it moved through, as
-- an NFT trade may since 0008: same rule (1 to 128 characters; EVM addresses stored in lower case
-- by the library). The columns are added with ALTER TABLE ADD COLUMN (nullable, or NOT NULL with a
-- constant default), which SQLite applies without rewriting the tables: every existing row reads
-- NULL / 0, and no view or trigger names a column that changes (WALLETS-1).
ALTER TABLE external_flow ADD COLUMN wallet TEXT CHECK (wallet IS NULL OR length(wallet) BETWEEN 1 AND 128);
ALTER TABLE loan ADD COLUMN wallet TEXT CHECK (wallet IS NULL OR length(wallet) BETWEEN 1 AND 128);

-- An opening cash balance: the cash a wallet already held when the book starts, brought in as
-- equity (a deposit flagged is_opening = 1; only deposits can be). It moves the cash balance and
-- the equity like a deposit and is never income (WALLETS-2).
ALTER TABLE external_flow ADD COLUMN is_opening INTEGER NOT NULL DEFAULT 0 CHECK (is_opening IN (0, 1) AND (is_opening = 0 OR flow_kind = 'deposit'));

-- A loan already running when the book starts (WALLETS-4): booked with its real terms and start,
-- plus the instant it enters the book (`opened_at`, after the start), the principal still
-- outstanding then (`opening_principal`, > 0: principal − what was repaid before; the library
-- computes it exactly) and the interest paid before it (`opening_interest_paid`, ≥ 0). All three or
-- none. The pre-opening proceeds and repayments were not this book's cash: v_cash_flow shows the
-- loan entering at `opened_at` ('running loan opened', + outstanding principal) paired with the
-- owner assuming it ('running loan assumed', −, no loan_id), so no cash balance changes.
ALTER TABLE loan ADD COLUMN opened_at INTEGER CHECK (opened_at IS NULL OR (opened_at > started_at AND opened_at <= 253402300799));
ALTER TABLE loan ADD COLUMN opening_principal TEXT
    CHECK ((opening_principal IS NULL) = (opened_at IS NULL) AND (opening_principal IS NULL OR ((length(opening_principal) <= 116 AND opening_principal GLOB '[0-9]*' AND NOT opening_principal GLOB '*[^0-9.]*' AND NOT opening_principal GLOB '*.*.*'
                                  AND NOT opening_principal GLOB '*.' AND NOT opening_principal GLOB '0[0-9]*' AND NOT opening_principal GLOB '*.*0') AND opening_principal <> '0')));
ALTER TABLE loan ADD COLUMN opening_interest_paid TEXT
    CHECK ((opening_interest_paid IS NULL) = (opened_at IS NULL) AND (opening_interest_paid IS NULL OR (length(opening_interest_paid) <= 116 AND opening_interest_paid GLOB '[0-9]*' AND NOT opening_interest_paid GLOB '*[^0-9.]*' AND NOT opening_interest_paid GLOB '*.*.*'
                                  AND NOT opening_interest_paid GLOB '*.' AND NOT opening_interest_paid GLOB '0[0-9]*' AND NOT opening_interest_paid GLOB '*.*0')));

-- v_loan: a running loan's outstanding principal starts from its opening principal (the same
-- columns; the rest is 0002's definition unchanged).
DROP VIEW v_loan;

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
       COALESCE(CAST(l.opening_principal AS REAL), CAST(l.principal AS REAL))
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

-- v_holding: a running loan pledges its collateral from its opening (the instant it and the NFTs
-- it holds enter the book), so a later liquidation or foreclosure takes the NFT out as for any
-- loan; the same columns, otherwise 0008's definition unchanged.
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
                    AND max(COALESCE(l.opened_at, l.started_at), COALESCE((SELECT max(x.occurred_at) FROM v_current_loan_event x
                                                    WHERE x.loan_id = l.loan_id AND x.nft_id = n.nft_id), COALESCE(l.opened_at, l.started_at))) >= a.traded_at);

-- v_cash_flow: an opening cash balance reads 'opening cash balance', a running loan enters at its
-- opening (above) (the same columns; the rest is 0010's definition unchanged).
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
FROM v_current_loan l WHERE l.opened_at IS NULL
UNION ALL
SELECT 'loan', l.loan_id, l.opened_at, strftime('%Y-%m-%dT%H:%M:%SZ', l.opened_at, 'unixepoch'), l.currency,
       1, l.opening_principal, CAST(l.opening_principal AS REAL), 'running loan opened', NULL, l.loan_id, NULL
FROM v_current_loan l WHERE l.opened_at IS NOT NULL
UNION ALL
SELECT 'loan', l.loan_id, l.opened_at, strftime('%Y-%m-%dT%H:%M:%SZ', l.opened_at, 'unixepoch'), l.currency,
       -1, l.opening_principal, -CAST(l.opening_principal AS REAL), 'running loan assumed', NULL, NULL, NULL
FROM v_current_loan l WHERE l.opened_at IS NOT NULL
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
       CASE f.flow_kind WHEN 'deposit' THEN 1 ELSE -1 END * CAST(f.amount AS REAL), CASE WHEN f.is_opening = 1 THEN 'opening cash balance' ELSE f.flow_kind END, NULL, NULL, NULL
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
