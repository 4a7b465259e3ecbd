-- Scripted incidents: fault rules (and their hit counts), the request log and bank-side incidents.
-- Times are fixed-width JST ISO strings (see sandbox/clock.py), in contract time unless noted.

-- A rule matches requests (contract, method, path glob, client, user) and applies one effect when its
-- trigger fires. hits/fired are updated in one BEGIN IMMEDIATE transaction so every worker agrees.
CREATE TABLE fault_rules (
    id INTEGER PRIMARY KEY,
    contract_id TEXT REFERENCES contracts(id),   -- NULL: any contract (admin key only)
    method TEXT,                                 -- NULL: any method
    path TEXT NOT NULL DEFAULT '*',              -- glob over the request path
    client_id TEXT,
    user_id TEXT,                                -- 利用者ID (login id)
    effect TEXT NOT NULL,
    params TEXT NOT NULL DEFAULT '{}',           -- JSON: the effect's parameters
    probability REAL,
    seed INTEGER NOT NULL,
    nth INTEGER,
    after INTEGER,
    times INTEGER,
    window_start TEXT,
    window_end TEXT,
    note TEXT,
    hits INTEGER NOT NULL DEFAULT 0,             -- matching requests seen (inside the window)
    fired INTEGER NOT NULL DEFAULT 0,            -- requests the effect was applied to
    last_fired_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX fault_rules_contract ON fault_rules(contract_id);

-- Every API and OAuth request. Bounded: the oldest rows roll off beyond REQUEST_LOG_MAX_ROWS.
-- No secrets: no Authorization header, no token, no password; the body only as a digest.
CREATE TABLE request_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,                            -- contract time at arrival (wall time when unattributed)
    wall_at TEXT NOT NULL,
    contract_id TEXT,
    client_id TEXT,
    user_id TEXT,
    grant_id TEXT,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    status INTEGER,                              -- what the application answered (NULL: never processed)
    sent_status INTEGER,                         -- what the client received (NULL: no status line at all)
    outcome TEXT NOT NULL,                       -- what the client saw: response, reset, timeout, truncated...
    error_code TEXT,                             -- the error code the client received, if any
    latency_ms REAL NOT NULL,
    idempotency_key TEXT,
    fault_id INTEGER,
    fault TEXT,                                  -- the effect applied, or the incident that blocked it
    body_digest TEXT,
    body_size INTEGER NOT NULL DEFAULT 0,
    activity_mark INTEGER                        -- max(activity.id) when logged: orders it among state changes
);
CREATE INDEX request_log_contract ON request_log(contract_id, id);
CREATE INDEX request_log_at ON request_log(contract_id, at);

-- Bank-side incidents: applied now, or scheduled as a clock event (event_id), or a window (maintenance,
-- double-login) that is active between starts_at and ends_at (recur: nightly / weekly).
CREATE TABLE incidents (
    id INTEGER PRIMARY KEY,
    contract_id TEXT NOT NULL REFERENCES contracts(id),
    type TEXT NOT NULL,
    params TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL CHECK (status IN ('scheduled', 'active', 'done', 'cancelled', 'failed')),
    due_at TEXT NOT NULL,                        -- when it takes effect
    starts_at TEXT,
    ends_at TEXT,
    recur TEXT,
    user_id TEXT,
    event_id INTEGER,
    applied_at TEXT,
    result TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX incidents_contract ON incidents(contract_id, status, type);
