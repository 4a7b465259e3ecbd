"""An account's statement (入出金明細) a page at a time, as the dashboard pages through it."""

from __future__ import annotations

from typing import Any

from sandbox.bank import ledger
from sandbox.store import Database, rows


def page(
    db: Database, account_id: str, date_from: str, date_to: str, after_id: int, size: int
) -> dict[str, Any]:
    """Up to ``size`` lines after the posting ``after_id``, with the cursors of the next and previous pages
    (``next`` None on the last page, ``prev`` None on the first)."""
    lines = ledger.statement(db, account_id, date_from, date_to, after_id=after_id, limit=size + 1)
    return {
        "lines": lines[:size],
        "next": lines[size - 1]["id"] if len(lines) > size else None,
        "prev": _previous(db, account_id, date_from, date_to, lines[0]["id"], size)
        if after_id and lines
        else None,
        "from": date_from,
        "to": date_to,
        "after": after_id,
    }


def _previous(db: Database, account_id: str, date_from: str, date_to: str, first_id: int, size: int) -> int:
    """The ``after`` cursor of the page before the one starting at ``first_id`` (0: the first page)."""
    found = rows(
        db,
        "SELECT id FROM postings WHERE account_id = ? AND value_date >= ? AND value_date <= ? AND id < ?"
        " ORDER BY id DESC LIMIT 1 OFFSET ?",
        (account_id, date_from, date_to, first_id, size),
    )
    return found[0]["id"] if found else 0
