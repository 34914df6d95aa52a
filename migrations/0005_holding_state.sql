-- 0004 holding state (0005 once the reserved 0004 is merged: the Migrator refuses a gap in the numbers): v_holding follows the holding-and-pledge state machine (docs/import.md,
-- "Holding states"): an NFT lost to the liquidation or foreclosure of a loan it backed is no
-- longer held, exactly as a sold one is not, until it is acquired again. The columns are
-- unchanged; only which rows the view lists.
--
-- The rules themselves are checked by the library when entries are booked (a whole import file at
-- a time, so its rows may come in any order); SQL triggers fire per row and cannot wait for the
-- end of a file, so the schema keeps its row-level rules (one open loan per NFT) and this view.
DROP VIEW v_holding;

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
WHERE NOT EXISTS (SELECT 1 FROM v_current_nft_trade d WHERE d.nft_id = n.nft_id AND d.side = 'dispose' AND d.traded_at >= a.traded_at)
  AND NOT EXISTS (SELECT 1 FROM loan_collateral lc
                  JOIN v_current_loan l ON l.loan_id = lc.loan_id AND l.started_at >= a.traded_at
                  JOIN v_current_loan_event e ON e.loan_id = l.loan_id AND e.event_kind IN ('liquidation', 'foreclosure')
                  WHERE lc.nft_id = n.nft_id);
