-- A contract can be archived (issue 14: runs clean up after themselves): kept with its ledger, which shares
-- the clearing and fee-income accounts with every other contract and so cannot lose its journals, but
-- hidden from the contract lists and the dashboard, its control key retired, its fault rules and incidents gone.
ALTER TABLE contracts ADD COLUMN archived_at TEXT;
