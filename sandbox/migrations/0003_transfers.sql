-- Transfers (振込依頼) and their approval (§2(2)③④), every status transition, and the stored first
-- answers of idempotent POSTs. Times are contract-clock JST strings; money is integer yen.

CREATE TABLE transfer_requests (
    id INTEGER PRIMARY KEY,
    apply_no TEXT NOT NULL UNIQUE,           -- 受付番号: applied date (8) + sequence (8)
    contract_id TEXT NOT NULL REFERENCES contracts(id),  -- owner of the debited account
    account_id TEXT NOT NULL REFERENCES accounts(id),
    status TEXT NOT NULL CHECK (status IN ('2', '3', '4', '5', '8', '11', '12', '20', '22', '40')),
    designated_date TEXT NOT NULL,           -- transferDesignatedDate as sent
    holiday_code TEXT NOT NULL CHECK (holiday_code IN ('1', '2', '3')),
    execution_date TEXT NOT NULL,            -- the business day it executes (holiday code applied)
    total_count INTEGER NOT NULL,
    total_amount INTEGER NOT NULL,
    total_fee INTEGER NOT NULL,
    fee_account_id TEXT NOT NULL REFERENCES accounts(id),  -- EB手数料決済口座, the parent's for a child (§2(5))
    remitter_name TEXT NOT NULL,             -- 振込依頼人名, the debited account's holder
    apply_comment TEXT,
    applicant_user_id INTEGER REFERENCES users(id),
    applicant_login_id TEXT,
    client_id TEXT,
    encrypted INTEGER NOT NULL DEFAULT 0,    -- beneficiaries arrived as JWE (§5(2)②)
    applied_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,                -- cut-off of the execution date: 期限切れ if still unapproved
    approver_user_id INTEGER REFERENCES users(id),
    approver_login_id TEXT,
    approval_comment TEXT,
    decided_at TEXT,                         -- approved or returned
    executed_at TEXT,
    journal_id INTEGER REFERENCES journals(id),
    failure_reason TEXT,                     -- why 手続不成立
    returned_at TEXT,
    return_journal_id INTEGER REFERENCES journals(id),
    expire_event_id INTEGER REFERENCES events(id),
    execute_event_id INTEGER REFERENCES events(id),
    updated_at TEXT NOT NULL
);
CREATE INDEX transfer_requests_contract ON transfer_requests(contract_id, applied_at, id);
CREATE INDEX transfer_requests_account ON transfer_requests(account_id, applied_at, id);

CREATE TABLE transfer_items (
    request_id INTEGER NOT NULL REFERENCES transfer_requests(id),
    item_id INTEGER NOT NULL,
    amount INTEGER NOT NULL,
    fee INTEGER NOT NULL,
    fee_tier TEXT NOT NULL CHECK (fee_tier IN ('sameBranch', 'sameBank', 'otherBank')),
    edi TEXT,
    bank_code TEXT NOT NULL,
    bank_name TEXT NOT NULL,
    branch_code TEXT NOT NULL,
    branch_name TEXT NOT NULL,
    account_type TEXT NOT NULL,              -- 1 普通, 2 当座, 4 貯蓄, 9 その他
    account_number TEXT NOT NULL,
    beneficiary_name TEXT NOT NULL,
    beneficiary_account_id TEXT REFERENCES accounts(id),  -- a sandbox account to credit; NULL: via clearing
    PRIMARY KEY (request_id, item_id)
);
CREATE INDEX transfer_items_beneficiary ON transfer_items(beneficiary_account_id);

-- Every status change with its time and who made it: a user (with the client), the clock or the bank.
CREATE TABLE transfer_transitions (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES transfer_requests(id),
    from_status TEXT,
    to_status TEXT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL CHECK (actor IN ('user', 'clock', 'bank')),
    user_id INTEGER REFERENCES users(id),
    login_id TEXT,
    client_id TEXT,
    reason TEXT,
    comment TEXT
);
CREATE INDEX transfer_transitions_request ON transfer_transitions(request_id, id);

-- The first answer to a POST sent with an Idempotency-Key, per (contract, client, key).
CREATE TABLE idempotency_keys (
    contract_id TEXT NOT NULL REFERENCES contracts(id),
    client_id TEXT NOT NULL,
    key TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    body_digest TEXT NOT NULL,               -- sha256 of method, path and the canonical JSON body
    status INTEGER NOT NULL,
    headers TEXT NOT NULL,                   -- JSON object of the headers replayed
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,                -- contract time; a key lives IDEMPOTENCY_TTL from here
    PRIMARY KEY (contract_id, client_id, key)
);
