-- Server-connection OAuth (§5(2), §5(3)): registered clients and their encryption keys, grants
-- (アクセス許可), authorization codes, tokens and consent-screen sessions.
-- Client passwords, codes and tokens are stored hashed; every time is contract time (see sandbox/clock.py).

CREATE TABLE oauth_clients (
    client_id TEXT PRIMARY KEY,          -- クライアントID, issued by the bank (§5(2)②)
    contract_id TEXT NOT NULL REFERENCES contracts(id),
    name TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,          -- 契約者WebサーバーのURL: the only allowed redirect_uri, exact match (§5(2)③)
    secret_hash TEXT,                    -- クライアントパスワード (§1(1)), hashed; NULL for a public client
    public INTEGER NOT NULL DEFAULT 0,   -- 1: public client, no secret, PKCE S256 required
    demo_secret TEXT,                    -- seeded demo clients only: the secret `serve` prints anyway
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    created_at TEXT NOT NULL
);
CREATE INDEX oauth_clients_contract ON oauth_clients(contract_id);

-- 暗号化キー (§5(2)②): 32 random bytes per key; the newest key without retired_at is the current one.
CREATE TABLE oauth_client_keys (
    kid TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES oauth_clients(client_id),
    key TEXT NOT NULL,                   -- base64url without padding
    created_at TEXT NOT NULL,
    retired_at TEXT
);
CREATE INDEX oauth_client_keys_client ON oauth_client_keys(client_id, created_at);

-- アクセス許可 (§5(3)②): one per user, per client, per consent, with an absolute expiry (§5(3)⑥, §5(4)).
CREATE TABLE oauth_grants (
    id INTEGER PRIMARY KEY,
    contract_id TEXT NOT NULL REFERENCES contracts(id),
    client_id TEXT NOT NULL REFERENCES oauth_clients(client_id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    scope TEXT NOT NULL,                 -- space-separated services chosen at consent (+ offline_access)
    via TEXT NOT NULL CHECK (via IN ('consent', 'headless')),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT,
    revoked_reason TEXT                  -- why it ended: client_revoked, superseded, refresh_reuse, ...
);
CREATE INDEX oauth_grants_contract ON oauth_grants(contract_id, created_at);
CREATE INDEX oauth_grants_user ON oauth_grants(user_id, client_id);

CREATE TABLE oauth_codes (
    code_hash TEXT PRIMARY KEY,
    grant_id INTEGER NOT NULL REFERENCES oauth_grants(id),
    client_id TEXT NOT NULL,
    redirect_uri TEXT,                   -- as sent in the authorization request (NULL when omitted)
    code_challenge TEXT,
    code_challenge_method TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT                         -- kept after use so that a replay can be detected
);
CREATE INDEX oauth_codes_grant ON oauth_codes(grant_id);

-- One row per issued access token, with the refresh token issued beside it (if any).
CREATE TABLE oauth_tokens (
    id INTEGER PRIMARY KEY,
    grant_id INTEGER NOT NULL REFERENCES oauth_grants(id),
    contract_id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    user_id INTEGER NOT NULL,
    access_hash TEXT NOT NULL UNIQUE,    -- sha256 of the access token
    refresh_hash TEXT UNIQUE,            -- sha256 of the refresh token, when one was issued
    scope TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,            -- access token expiry (never after the grant's)
    rotated_at TEXT,                     -- the refresh token was exchanged for a successor
    revoked_at TEXT,
    revoked_reason TEXT,
    parent_id INTEGER REFERENCES oauth_tokens(id)
);
CREATE INDEX oauth_tokens_grant ON oauth_tokens(grant_id);

-- The consent screen's state between its pages (login → OTP → choose services). The browser holds
-- only a random session id in a cookie; the rest lives here so any worker can serve the next page.
CREATE TABLE oauth_consents (
    id TEXT PRIMARY KEY,                 -- sha256 of the cookie value
    contract_id TEXT NOT NULL REFERENCES contracts(id),
    client_id TEXT NOT NULL,
    params TEXT NOT NULL,                -- JSON: the validated authorization request
    step TEXT NOT NULL CHECK (step IN ('login', 'otp', 'consent')),
    user_id INTEGER,
    csrf TEXT NOT NULL,
    lang TEXT NOT NULL DEFAULT 'ja',
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
