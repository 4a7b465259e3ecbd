"""Everything a bearer-token request needs, read in one query: the token row, its grant, user and
contract, when the contract's next event is due, and whether the contract has children.

Step 3 of the bearer check: the fault layer (``wire/middleware.py``) reads it through
``wire/identify.py`` to attribute the request and leaves it in the WSGI environ under
:data:`ENVIRON_KEY`; the protector (``protect.py``) takes it from there instead of reading the same
rows again, which keeps a banking read at a handful of statements.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sandbox.store import Database

ENVIRON_KEY = "sandbox.bearer"
_TABLES = (("token", "oauth_tokens", "t"), ("grant", "oauth_grants", "g"), ("user", "users", "u"))
_TABLES += (("contract", "contracts", "c"),)
_FROM = (
    " FROM oauth_tokens t JOIN oauth_grants g ON g.id = t.grant_id JOIN users u ON u.id = t.user_id"
    " JOIN contracts c ON c.id = t.contract_id WHERE t.access_hash = ?"
)
_EXTRA = (
    ", (SELECT min(e.due_at) FROM events e WHERE e.contract_id = t.contract_id AND e.status = 'pending')"
    ", EXISTS (SELECT 1 FROM contracts k WHERE k.parent_id = t.contract_id)"
)


@dataclass
class Bearer:
    """The rows behind an access token, as read at one instant (the contract's JSON columns undecoded)."""

    access_hash: str
    token: dict[str, Any]
    grant: dict[str, Any]
    user: dict[str, Any]
    contract: dict[str, Any]
    next_due_at: str | None  # the earliest pending event of the contract
    has_children: bool  # a parent contract (親仔契約, §4(6)): its token may see other contracts


def read(db: Database, access_hash: str) -> Bearer | None:
    """The access token stored under ``access_hash`` with its grant, user and contract, or None."""
    sql, parts = _query(db)
    found = db.conn.execute(sql, (access_hash,)).fetchone()
    if found is None:
        return None
    values, rows, at = tuple(found), {}, 0
    for name, columns in parts:
        rows[name] = dict(zip(columns, values[at : at + len(columns)], strict=True))
        at += len(columns)
    return Bearer(access_hash, **rows, next_due_at=values[at], has_children=bool(values[at + 1]))


def _query(db: Database) -> tuple[str, list[tuple[str, list[str]]]]:
    """The SELECT with every column of the four tables named, built once per connection."""
    shape = getattr(db, "_bearer_shape", None)
    if shape is None:
        parts = [
            (name, [c[1] for c in db.conn.execute(f"PRAGMA table_info({table})")])
            for name, table, _ in _TABLES
        ]
        listed = ", ".join(
            f"{alias}.{column}"
            for (_n, _t, alias), (_name, columns) in zip(_TABLES, parts, strict=True)
            for column in columns
        )
        shape = db._bearer_shape = ("SELECT " + listed + _EXTRA + _FROM, parts)  # type: ignore[attr-defined]
    return shape
