-- Bulk transfers (総合振込/給与振込): one request of up to 20,000 items, approved once, executed at the
-- opening of its designated date as one journal. Times are contract-clock JST strings; money is integer yen.

CREATE TABLE bulk_requests (
    id INTEGER PRIMARY KEY,
    apply_no TEXT NOT NULL UNIQUE,           -- 受付番号: applied date (8) + '9' + sequence (7)
    contract_id TEXT NOT NULL REFERENCES contracts(id),
    account_id TEXT NOT NULL REFERENCES accounts(id),
    status TEXT NOT NULL CHECK (status IN ('2', '3', '4', '5', '8', '11', '12', '20', '40')),
    type_code TEXT NOT NULL CHECK (type_code IN ('21', '11', '12')),  -- 種別: 総合, 給与, 賞与
    data_name TEXT,                          -- transferDataName
    remitter_code TEXT,                      -- 振込依頼人コード
    identification INTEGER NOT NULL DEFAULT 0,  -- 1: the items' EDI goes to the payee
    designated_date TEXT NOT NULL,           -- a business day; executes at its opening
    total_count INTEGER NOT NULL,
    total_amount INTEGER NOT NULL,
    total_fee INTEGER NOT NULL,
    fee_account_id TEXT NOT NULL REFERENCES accounts(id),  -- EB手数料決済口座, the parent's for a child
    remitter_name TEXT NOT NULL,
    applicant_user_id INTEGER REFERENCES users(id),
    applicant_login_id TEXT,
    client_id TEXT,
    encrypted INTEGER NOT NULL DEFAULT 0,
    applied_at TEXT NOT NULL,
    approver_user_id INTEGER REFERENCES users(id),
    approver_login_id TEXT,
    approval_comment TEXT,
    decided_at TEXT,
    cancelled_at TEXT,
    executed_at TEXT,
    journal_id INTEGER REFERENCES journals(id),
    failure_reason TEXT,
    event_id INTEGER REFERENCES events(id),  -- the opening of the designated date: execute or expire
    updated_at TEXT NOT NULL
);
CREATE INDEX bulk_requests_account ON bulk_requests(account_id, applied_at, id);

CREATE TABLE bulk_items (
    request_id INTEGER NOT NULL REFERENCES bulk_requests(id),
    item_id INTEGER NOT NULL,
    amount INTEGER NOT NULL,
    fee INTEGER NOT NULL,
    fee_tier TEXT NOT NULL CHECK (fee_tier IN ('sameBranch', 'sameBank', 'otherBank')),
    edi TEXT,
    bank_code TEXT NOT NULL,
    bank_name TEXT NOT NULL,
    branch_code TEXT NOT NULL,
    branch_name TEXT NOT NULL,
    account_type TEXT NOT NULL,
    account_number TEXT NOT NULL,
    beneficiary_name TEXT NOT NULL,
    beneficiary_account_id TEXT REFERENCES accounts(id),  -- a sandbox account to credit; NULL: via clearing
    PRIMARY KEY (request_id, item_id)
) WITHOUT ROWID;
