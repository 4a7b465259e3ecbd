-- Statements page in posting order (ORDER BY id, paged by id): an index in that order spares a sort of the
-- whole date range in a temporary B-tree on every page.
DROP INDEX postings_account;
CREATE INDEX postings_account_order ON postings(account_id, id);
