"""What the store holds, for ``GET /sandbox/v1/health``: its schema, the world it was seeded with, its contracts."""

from __future__ import annotations

import json
from typing import Any

from sandbox.bank import ledger
from sandbox.store import Database, get_meta


def world(db: Database) -> dict[str, Any]:
    """The world the store was last reset to (name, seed, start, credentials); empty before any reset."""
    raw = get_meta(db, "world")
    return json.loads(raw) if raw else {}


def health(db: Database, *, check_ledger: bool) -> dict[str, Any]:
    """The store's schema version, world, seed and contract count; with ``check_ledger``, whether the
    ledger balances (None when not checked: a contract key does not see the whole bank)."""
    seeded = world(db)
    return {
        "schemaVersion": db.conn.execute("PRAGMA user_version").fetchone()[0],
        "world": seeded.get("world"),
        "seed": seeded.get("seed"),
        "contracts": db.conn.execute("SELECT COUNT(*) FROM contracts").fetchone()[0],
        "ledgerBalanced": not ledger.check(db) if check_ledger else None,
    }


def ping(db: Database) -> None:
    """Raise unless the store answers a query (liveness)."""
    db.conn.execute("SELECT 1")
