"""A contract's transfer requests as the bank sees them: by status, a page at a time, or those whose funds
may still be returned. Read-only; the callers bring the contract's clock up to date first."""

from __future__ import annotations

from typing import Any

from sandbox.store import Database, rows

RETURNABLE = ("11", "12", "20")  # accepted, in progress or done: money has left or is about to


def for_contract(
    db: Database,
    contract_id: str,
    status: str | None = None,
    *,
    before: int | None = None,
    limit: int | None = None,
    newest_first: bool = False,
) -> list[dict[str, Any]]:
    """The contract's requests in applyNo order (or newest first), optionally one ``status`` only,
    only those before the row id ``before``, at most ``limit``."""
    sql, params = "SELECT * FROM transfer_requests WHERE contract_id = ?", [contract_id]
    if status:
        sql, params = sql + " AND status = ?", [*params, status]
    if before is not None:
        sql, params = sql + " AND id < ?", [*params, before]
    sql += " ORDER BY id DESC" if newest_first else " ORDER BY id"
    if limit is not None:
        sql, params = sql + " LIMIT ?", [*params, limit]
    return rows(db, sql, params)


def returnable(db: Database, contract_id: str, limit: int = 50) -> list[dict[str, Any]]:
    """The newest requests a ``return-funds`` incident may name."""
    return rows(
        db,
        "SELECT apply_no, status, total_amount FROM transfer_requests WHERE contract_id = ?"
        f" AND status IN ({','.join('?' for _ in RETURNABLE)}) ORDER BY id DESC LIMIT ?",
        (contract_id, *RETURNABLE, limit),
    )
