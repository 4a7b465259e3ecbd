-- Core domain: contracts (tenants) with their clock, users, ledger accounts, journals, postings, events.
-- Times are fixed-width JST ISO strings (see sandbox/clock.py); money is integer yen.

CREATE TABLE contracts (
    id TEXT PRIMARY KEY,                 -- e.g. C0001
    name TEXT NOT NULL,                  -- company name
    name_kana TEXT NOT NULL,             -- half-width kana, as the bank holds it
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'terminated')),
    services TEXT NOT NULL,              -- JSON list of applied services (§2(2), §3)
    linkage TEXT NOT NULL,               -- JSON list: the bank's current API linkage scope (§7(4)①)
    parent_id TEXT REFERENCES contracts(id),
    fee_account_id TEXT,                 -- EB手数料決済口座 (§2(5))
    settings TEXT NOT NULL DEFAULT '{}', -- JSON overrides of config.CONTRACT_SETTINGS
    control_key_hash TEXT,               -- sha256 of the contract's own X-Sandbox-Key
    clock_mode TEXT NOT NULL DEFAULT 'running' CHECK (clock_mode IN ('running', 'frozen')),
    clock_offset_us INTEGER NOT NULL DEFAULT 0,
    clock_frozen_at TEXT,
    world TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX contracts_parent ON contracts(parent_id);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    contract_id TEXT NOT NULL REFERENCES contracts(id),
    login_id TEXT NOT NULL,              -- 利用者ID
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('master', 'security_admin', 'user')),  -- 管理専用ID / セキュリティ管理 / 一般
    privileges TEXT NOT NULL DEFAULT '[]', -- JSON list: server-connection privileges (§5(1))
    password_hash TEXT NOT NULL,
    totp_secret TEXT NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked INTEGER NOT NULL DEFAULT 0,
    credentials_version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    UNIQUE (contract_id, login_id)
);

-- Ledger accounts. kind 'deposit' rows are customer accounts (口座) exposed by the API; the others are
-- the bank's internal accounts (clearing with other banks, fee income, opening balances).
CREATE TABLE accounts (
    id TEXT PRIMARY KEY,                 -- accountId: branch(3) + type(2) + number(7) for deposits
    contract_id TEXT REFERENCES contracts(id),
    kind TEXT NOT NULL CHECK (kind IN ('deposit', 'clearing', 'fee_income', 'equity')),
    bank_code TEXT,
    branch_code TEXT,
    branch_name TEXT,
    account_type TEXT,                   -- 1 普通, 2 当座
    account_number TEXT,
    holder_kana TEXT,
    nickname TEXT,
    balance INTEGER NOT NULL DEFAULT 0,  -- always equals the sum of the account's postings
    opened_on TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX accounts_contract ON accounts(contract_id, kind);
CREATE UNIQUE INDEX accounts_number ON accounts(bank_code, branch_code, account_type, account_number)
    WHERE kind = 'deposit';

CREATE TABLE journals (
    id INTEGER PRIMARY KEY,
    contract_id TEXT REFERENCES contracts(id),
    kind TEXT NOT NULL,                  -- opening, deposit, transfer, fee, ...
    occurred_at TEXT NOT NULL,           -- contract time
    ref TEXT,                            -- e.g. a transfer's applyNo
    created_at TEXT NOT NULL
);

-- One row per leg. amount > 0 credits (money in), amount < 0 debits; a journal's legs sum to zero.
CREATE TABLE postings (
    id INTEGER PRIMARY KEY,
    journal_id INTEGER NOT NULL REFERENCES journals(id),
    account_id TEXT NOT NULL REFERENCES accounts(id),
    amount INTEGER NOT NULL,
    balance_after INTEGER NOT NULL,
    value_date TEXT NOT NULL,            -- YYYY-MM-DD, contract calendar
    posted_at TEXT NOT NULL,             -- contract time
    description TEXT NOT NULL DEFAULT '',-- 摘要 in half-width kana
    counterparty_kana TEXT,              -- remitter / beneficiary name
    edi TEXT                             -- EDI information (≤ 20)
);
CREATE INDEX postings_account ON postings(account_id, value_date, id);
CREATE INDEX postings_journal ON postings(journal_id);

-- The clock's event queue: run in (due_at, id) order when a clock moves or a contract is touched.
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    contract_id TEXT NOT NULL REFERENCES contracts(id),
    due_at TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed', 'cancelled')),
    result TEXT,
    ran_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX events_due ON events(contract_id, status, due_at, id);

-- A plain record of things that happened to a contract (clock moves, deposits, resets...), for the timeline.
CREATE TABLE activity (
    id INTEGER PRIMARY KEY,
    contract_id TEXT,
    at TEXT NOT NULL,                    -- contract time
    kind TEXT NOT NULL,
    summary TEXT NOT NULL,
    data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX activity_contract ON activity(contract_id, at, id);

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
