"""Throttling key guesses: wrong ``X-Sandbox-Key`` values and failed dashboard sign-ins, per client address.

``LIMIT`` wrong keys within ``WINDOW`` lock the address out for ``LOCKOUT``: every keyed request from it, the
right key included (a guesser must not learn which guess hit), answers 429 ``sandbox_key_throttled`` with
``Retry-After``. A right key outside a lockout clears the count. Counted in SQLite, so every worker sees one
count; on the wall clock, because a key belongs to no contract whose clock could be read.
"""

from __future__ import annotations

import math
from datetime import timedelta

from flask import request

from sandbox import clock
from sandbox.errors import SandboxKeyThrottled
from sandbox.store import get_db, row, transaction

LIMIT = 20
WINDOW = timedelta(minutes=1)
LOCKOUT = timedelta(minutes=1)


def _client() -> str:
    return request.remote_addr or "unknown"


def check() -> None:
    """Refuse a locked-out address before its key is even compared."""
    found = row(get_db(), "SELECT locked_until FROM key_failures WHERE client = ?", (_client(),))
    if found is None or not found["locked_until"]:
        return
    left = (clock.from_db(found["locked_until"]) - clock.wall_now()).total_seconds()
    if left > 0:
        raise SandboxKeyThrottled(
            f"{LIMIT} wrong keys from this address within {int(WINDOW.total_seconds())} s: wait and retry",
            headers={"Retry-After": str(math.ceil(left))},
        )


def failed() -> None:
    """Count one wrong key from this address; the ``LIMIT``-th within ``WINDOW`` starts a lockout."""
    db, client, now = get_db(), _client(), clock.wall_now()
    with transaction(db):
        found = row(db, "SELECT failures, first_at FROM key_failures WHERE client = ?", (client,))
        fresh = found is None or clock.from_db(found["first_at"]) + WINDOW <= now
        failures = 1 if fresh else found["failures"] + 1
        first = now if fresh else clock.from_db(found["first_at"])
        locked = clock.to_db(now + LOCKOUT) if failures >= LIMIT else None
        db.conn.execute(
            "INSERT OR REPLACE INTO key_failures (client, failures, first_at, locked_until) VALUES (?, ?, ?, ?)",
            (client, failures, clock.to_db(first), locked),
        )


def succeeded() -> None:
    """A right key clears the address's count (a read only, when there is nothing to clear)."""
    db = get_db()
    if row(db, "SELECT 1 AS found FROM key_failures WHERE client = ?", (_client(),)) is not None:
        with transaction(db):
            db.conn.execute("DELETE FROM key_failures WHERE client = ?", (_client(),))
