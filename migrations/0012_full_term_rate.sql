-- 0012 full-term rate: Arcade v3's interest model, `full_term_rate` (docs/architecture.md, recipe
-- "add an interest model"). The interest of a whole term is `principal · rate_bps / 1e4`, truncated
-- to the token's smallest unit, fixed whenever the loan is repaid (ARC3 InterestCalculator.sol;
-- nft-lending.md §6). Until now such a loan had to be booked as `fixed_repayment` with the
-- repayment worked out by hand; with its own model the stored terms say the rate the contract holds.
-- One reference row: loan.interest_model references interest_model since schema 9, so nothing is
-- rebuilt and no booked row changes.
INSERT INTO interest_model (interest_model, description) VALUES
    ('full_term_rate', 'Arcade v3: interest = principal x the whole term''s rate in bps / 1e4, truncated to the token unit, fixed whenever repaid');
