-- Virtual accounts (振込入金口座), payers and invoices (issue 12: reconciliation).
--
-- A virtual account (VA) belongs to a contract and credits its parent account (raId). vaTypeCode 1 期限型
-- (expires_on: the last day it takes money) / 2 継続型; vaStatusCode 1 利用可能, 2 停止中, 3 削除済.
CREATE TABLE virtual_accounts (
    id INTEGER PRIMARY KEY,
    va_id TEXT NOT NULL UNIQUE,          -- vaId, 10 digits
    contract_id TEXT NOT NULL REFERENCES contracts(id),
    ra_id TEXT NOT NULL REFERENCES accounts(id),
    type_code TEXT NOT NULL CHECK (type_code IN ('1', '2')),
    status_code TEXT NOT NULL DEFAULT '1' CHECK (status_code IN ('1', '2', '3')),
    holder_kana TEXT NOT NULL,           -- vaHolderNameKana: the parent account's holder, or as asked
    branch_code TEXT NOT NULL,
    branch_name TEXT NOT NULL,
    account_number TEXT NOT NULL,        -- 7 digits, unique at the VA branch
    expires_on TEXT,                     -- 期限型 only: YYYY-MM-DD, the last day a payment is taken
    issued_at TEXT NOT NULL,
    status_changed_at TEXT,
    closed_at TEXT,                      -- set when a close-request took effect (month end)
    deposit_count INTEGER NOT NULL DEFAULT 0,
    deposit_amount INTEGER NOT NULL DEFAULT 0,
    latest_deposit_at TEXT
);
CREATE INDEX virtual_accounts_contract ON virtual_accounts(contract_id, ra_id, id);
CREATE UNIQUE INDEX virtual_accounts_number ON virtual_accounts(branch_code, account_number);

-- A close-request for a parent account's VAs: they all end (削除済) at the end of the month it was asked in.
CREATE TABLE va_closures (
    contract_id TEXT NOT NULL REFERENCES contracts(id),
    ra_id TEXT NOT NULL REFERENCES accounts(id),
    requested_at TEXT NOT NULL,
    effective_at TEXT NOT NULL,          -- the first instant of the next month (contract clock)
    done INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (contract_id, ra_id)
);

-- Every payment addressed to a VA: credited (journal_id of the credit) or returned to the payer (資金返却).
CREATE TABLE va_payments (
    id INTEGER PRIMARY KEY,
    contract_id TEXT NOT NULL REFERENCES contracts(id),
    va_id TEXT NOT NULL,
    journal_id INTEGER REFERENCES journals(id),
    amount INTEGER NOT NULL,
    remitter_kana TEXT NOT NULL,
    edi TEXT,
    at TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('credited', 'returned')),
    reason TEXT
);
CREATE INDEX va_payments_va ON va_payments(contract_id, va_id, id);
CREATE UNIQUE INDEX va_payments_journal ON va_payments(journal_id) WHERE journal_id IS NOT NULL;

-- The payer simulator: payments other companies make into an account or a VA, on the contract clock.
CREATE TABLE payers (
    id INTEGER PRIMARY KEY,
    contract_id TEXT NOT NULL REFERENCES contracts(id),
    account_id TEXT,                     -- the account paid, or (with va_id) the VA's parent
    va_id TEXT,
    amount INTEGER NOT NULL,             -- what is owed; the pattern decides what is paid
    pattern TEXT NOT NULL,               -- exact, short, over, split, other-name, wrong-edi
    difference INTEGER,                  -- yen short or over (short / over; defaults 660 / 1,000)
    remitter_kana TEXT NOT NULL,
    bank_code TEXT,
    branch_code TEXT,
    edi TEXT,
    invoice_no TEXT,
    every TEXT NOT NULL DEFAULT 'once',  -- once, daily, weekly, monthly
    times INTEGER,                       -- how many payments in all (NULL: until deleted)
    paid INTEGER NOT NULL DEFAULT 0,
    next_at TEXT,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'done', 'deleted')),
    created_at TEXT NOT NULL
);
CREATE INDEX payers_contract ON payers(contract_id, id);

-- Invoices a contract issued (seeded, or made with the payer simulator), and the credits that truly pay
-- them: what a reconciliation is graded against.
CREATE TABLE invoices (
    id INTEGER PRIMARY KEY,
    contract_id TEXT NOT NULL REFERENCES contracts(id),
    invoice_no TEXT NOT NULL,
    customer_name TEXT NOT NULL,
    customer_kana TEXT NOT NULL,
    amount INTEGER NOT NULL,
    issued_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    account_id TEXT,
    va_id TEXT,
    pattern TEXT NOT NULL,               -- how it is (or will be) paid: exact, short, over, split, ...
    UNIQUE (contract_id, invoice_no)
);
CREATE TABLE invoice_payments (
    invoice_id INTEGER NOT NULL REFERENCES invoices(id),
    journal_id INTEGER NOT NULL REFERENCES journals(id),
    PRIMARY KEY (invoice_id, journal_id)
);
