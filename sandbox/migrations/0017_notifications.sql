-- Payment notifications (webhooks, issue 12): subscriptions, the credentials the bank issued for the
-- contract's notification URL, and the outbox of messages the delivery worker (sandbox/notify/) sends.
-- Times are fixed-width JST ISO strings (sandbox/clock.py): contract time unless the column says wall.

-- POST /webhooks/v1/subscribe: one row per contract and event type, started or stopped.
CREATE TABLE notification_subscriptions (
    contract_id TEXT NOT NULL REFERENCES contracts(id),
    event_type TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    changed_at TEXT NOT NULL,
    PRIMARY KEY (contract_id, event_type)
);

-- What the bank issued for the contract's notification URL: HTTP Basic credentials the receiver checks,
-- and the secret of the HMAC signature (X-Web21-Signature). Shown to the contract through the control API.
CREATE TABLE notification_credentials (
    contract_id TEXT PRIMARY KEY REFERENCES contracts(id),
    username TEXT NOT NULL,
    password TEXT NOT NULL,
    signature_secret TEXT NOT NULL,
    issued_at TEXT NOT NULL
);

-- The outbox: one row per message, written in the transaction that credited the deposit.
-- state: pending (to deliver, due_at on the contract clock) | delivered (the receiver answered 2xx) |
-- fetched (taken through GET /webhooks/v1/unsentlist: counts as delivered) | abandoned (attempts used up;
-- still in the unsent list). lease_until/lease_owner (wall time): a worker's claim, so that several
-- workers never send one attempt twice; a lease that ran out is free again (a worker that died).
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    contract_id TEXT NOT NULL REFERENCES contracts(id),
    message_id TEXT NOT NULL UNIQUE,
    event_type TEXT NOT NULL,
    body TEXT NOT NULL,                          -- the message as JSON, exactly as it is sent
    created_at TEXT NOT NULL,
    due_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'delivered', 'fetched', 'abandoned')),
    attempts INTEGER NOT NULL DEFAULT 0,
    held_behind INTEGER NOT NULL DEFAULT 0,      -- a reorder fault: wait for a later message of the contract
    lease_until TEXT,
    lease_owner TEXT,
    last_status INTEGER,
    last_outcome TEXT,
    done_at TEXT
);
CREATE INDEX notifications_due ON notifications(state, contract_id, due_at);
CREATE INDEX notifications_contract ON notifications(contract_id, event_type, state, id);
