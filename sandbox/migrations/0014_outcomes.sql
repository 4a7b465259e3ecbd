-- Per-item outcomes at the receiving bank (issue 11, "transfers that fail like real ones"): refused (不能),
-- retried (13 リトライ中), returned later (資金返却), recalled (組戻 24 → 25 | 26); bulk requests end 30.
--
-- The status columns gain the new codes. SQLite cannot alter a CHECK constraint; loosening one (a wider IN
-- list, nothing stored changes) is the edit SQLite's own documentation gives for it ("Making Other Kinds Of
-- Table Schema Changes", lang_altertable.html §7): rewrite the table's SQL under writable_schema, reset this
-- connection's schema, and let the CREATE TABLE below bump the schema cookie so other connections reload it.
PRAGMA writable_schema = ON;
UPDATE sqlite_master
SET sql = replace(sql, "CHECK (status IN ('2', '3', '4', '5', '8', '11', '12', '20', '22', '40'))",
                  "CHECK (status IN ('2', '3', '4', '5', '8', '11', '12', '13', '20', '22', '24', '25', '26', '40'))")
WHERE type = 'table' AND name = 'transfer_requests';
UPDATE sqlite_master
SET sql = replace(sql, "CHECK (status IN ('2', '3', '4', '5', '8', '11', '12', '20', '40'))",
                  "CHECK (status IN ('2', '3', '4', '5', '8', '11', '12', '13', '20', '24', '30', '40'))")
WHERE type = 'table' AND name = 'bulk_requests';
PRAGMA writable_schema = RESET;

-- One row per item whose fate at the receiving bank is not simply "paid" (a plain paid item has none), or
-- whose fate an incident has decided in advance (state 'planned'). kind: 'transfer' (transfer_items) or
-- 'bulk' (bulk_items).
CREATE TABLE item_outcomes (
    kind TEXT NOT NULL CHECK (kind IN ('transfer', 'bulk')),
    request_id INTEGER NOT NULL,
    item_id INTEGER NOT NULL,
    contract_id TEXT NOT NULL REFERENCES contracts(id),
    state TEXT NOT NULL CHECK (state IN ('planned', 'retrying', 'paid', 'refused', 'returned',
                                         'recalling', 'recalled', 'recall_refused')),
    plan TEXT,                               -- what the receiving bank will do (the magic table's outcome)
    reason TEXT,                             -- why: no_account, closed, name_mismatch, retry_failed...
    detail_status TEXT CHECK (detail_status IN ('1', '2')),  -- transferDetailStatus 1 手続済 / 2 手続不成立
    refund_status TEXT CHECK (refund_status IN ('1', '2', '3')),  -- refundStatus 組戻 1 手続中 / 2 済 / 3 不成立
    repayment_date TEXT,                     -- 資金返却: the day the money came back
    journal_id INTEGER REFERENCES journals(id),  -- the money coming back (不能, 資金返却, 組戻)
    event_id INTEGER REFERENCES events(id),  -- the retry, the return or the recall's answer, when pending
    updated_at TEXT NOT NULL,
    PRIMARY KEY (kind, request_id, item_id)
) WITHOUT ROWID;
