-- Wrong X-Sandbox-Key values and failed dashboard sign-ins, counted per client address (issue 13: guessing
-- keys is throttled). One row per address with failures in the current window; a right key deletes it.
CREATE TABLE IF NOT EXISTS key_failures (
    client TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    first_at TEXT NOT NULL,
    locked_until TEXT
);
