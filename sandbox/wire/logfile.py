"""The request log's own SQLite file, ``<db>.requests.db`` beside the bank's (WAL, like it).

Every request writes one log row. In the bank's file that write took the bank's one write lock, so
under load every read became a write and the workers queued on it; in a file of its own it takes only
the log's lock. Each row is its own autocommit transaction: once its INSERT returns, any other
connection (the control API, the timeline, ``requests --follow``) reads it on its next query. A row is
inserted when the request arrives (``outcome`` ``pending``) and completed by one UPDATE when it ends,
so ids are arrival order and a request held by a fault is in the log while it is held.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from sandbox import store
from sandbox.store import Database

# The log file's schema, in steps: a file at user_version N has the first N applied. Add a step at the
# end (an ALTER TABLE for a new column); never edit one that has shipped.
STEPS: tuple[str, ...] = (
    """CREATE TABLE request_log (
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
    activity_mark INTEGER                        -- the bank's max(activity.id) when logged (timeline order)
)""",
    "CREATE INDEX request_log_contract ON request_log(contract_id, id)",
    "CREATE INDEX request_log_at ON request_log(contract_id, at)",
    # the Retry-After a client was sent and the account a request named: scenario evidence (issue 14)
    "ALTER TABLE request_log ADD COLUMN retry_after INTEGER",
    "ALTER TABLE request_log ADD COLUMN account_id TEXT",
    # issue 14: the row is written when the request arrives (outcome 'pending') and completed when it
    # ends, so ids are arrival order and a held request shows while it is held; the applyNo an answer
    # carried (even one the client never received) names the transfer a request made.
    "ALTER TABLE request_log ADD COLUMN ended_wall_at TEXT",
    "ALTER TABLE request_log ADD COLUMN apply_no TEXT",
    # the token buckets of the rateLimit contract setting (ratelimit.py): tokens left, when last touched
    """CREATE TABLE rate_buckets (
    contract_id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    tokens REAL NOT NULL,
    at REAL NOT NULL,                            -- wall clock, seconds since the epoch
    PRIMARY KEY (contract_id, client_id)
) WITHOUT ROWID""",
    # the nextItemKey a request carried and the one its answer gave, as text: scenario evidence that a
    # client pages with the key exactly as the bank sent it (issue 12, item-key-paging)
    "ALTER TABLE request_log ADD COLUMN next_item_key TEXT",
    "ALTER TABLE request_log ADD COLUMN answered_item_key TEXT",
)

_local = threading.local()


def renew_thread_cache() -> None:
    """A new per-thread cache, after gevent has patched ``threading`` (see ``store.renew_thread_cache``)."""
    global _local
    _local = threading.local()


def open_for(database: str | Path) -> Database:
    """This thread's connection to the request log of the store at ``database``, its schema current.

    One per thread and process, like ``store.thread_db``: opening one costs more than a log write.
    """
    key = (os.getpid(), store.log_path(database))
    cached = getattr(_local, "log", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    if cached is not None and cached[0][0] == key[0]:
        cached[1].conn.close()
    log = store.connect(key[1])
    migrate(log)
    _local.log = (key, log)
    return log


def beside(db: Database) -> Database:
    """The request log of the store ``db`` is connected to."""
    return open_for(store.main_path(db) or ":memory:")


def migrate(log: Database) -> int:
    """Bring the log file's schema up to date (under its write lock); return its version."""
    if log.conn.execute("PRAGMA user_version").fetchone()[0] == len(STEPS):
        return len(STEPS)
    with store.transaction(log):
        current = log.conn.execute("PRAGMA user_version").fetchone()[0]
        for statement in STEPS[current:]:
            log.conn.execute(statement)
        log.conn.execute(f"PRAGMA user_version = {len(STEPS)}")
    return len(STEPS)
