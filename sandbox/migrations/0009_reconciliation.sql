-- Reconciliation (issue 12).
--
-- 1. Statement item keys: each posting gets a 20-digit key shaped like its contract-clock time to the
--    microsecond (YYYYMMDDhhmmssffffff, JST). Keys are unique per account and strictly increase in the order
--    the account received its lines: a posting whose time ties with (or, across two contracts' clocks, falls
--    before) the account's previous key takes that key plus one microsecond. Statements page in key order,
--    so lines, keys and the running balance (balance_after) always agree.
--    Backfill, the same rule in one pass: with i the posting's rank in the account (by id) and t its time in
--    microseconds, key = i + max over earlier-or-same ranks j of (t_j - j).
ALTER TABLE postings ADD COLUMN item_key TEXT;
CREATE TEMP TABLE item_keys (id INTEGER PRIMARY KEY, item_key TEXT NOT NULL);
INSERT INTO item_keys (id, item_key)
SELECT id, strftime('%Y%m%d%H%M%S', us / 1000000, 'unixepoch', '+9 hours') || printf('%06d', us % 1000000)
FROM (
    SELECT id, rn + MAX(t - rn) OVER (PARTITION BY account_id ORDER BY id ROWS UNBOUNDED PRECEDING) AS us
    FROM (
        SELECT id, account_id, ROW_NUMBER() OVER (PARTITION BY account_id ORDER BY id) AS rn,
               CAST(strftime('%s', substr(posted_at, 1, 19) || substr(posted_at, 27)) AS INTEGER) * 1000000
               + CAST(substr(posted_at, 21, 6) AS INTEGER) AS t
        FROM postings
    )
);
UPDATE postings SET item_key = (SELECT k.item_key FROM item_keys k WHERE k.id = postings.id);
DROP TABLE item_keys;
DROP INDEX IF EXISTS postings_account_order;
CREATE UNIQUE INDEX postings_account_key ON postings(account_id, item_key);

-- 2. The paying bank of an incoming transfer (振込入金), for the deposit statement: written for deposits made
--    through the control API with a paymentBankCode. Transfers between sandbox accounts need no row (their
--    request names the paying account); other deposits are shown from a bank chosen by the remitter's name.
CREATE TABLE remitters (
    journal_id INTEGER PRIMARY KEY REFERENCES journals(id),
    bank_code TEXT NOT NULL,             -- Zengin bank code (4)
    bank_name TEXT NOT NULL,             -- half-width kana, from the zengin data
    branch_code TEXT NOT NULL,           -- (3)
    branch_name TEXT NOT NULL            -- half-width kana
);
