"""Bulk requests as stored (``bulk_requests`` + ``bulk_items``): their status names (``transfers/bulk_status.py``), writing a new request
with all its items in two statements, reading requests and pages of items back, and status moves (each
also a line on the contract's timeline)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sandbox import clock
from sandbox.bank.bulk.errors import BulkTransferNotFound
from sandbox.bank.transfers.bulk_status import STATUS_NAMES as STATUS_NAMES  # the one table (re-exported)
from sandbox.bank.transfers.bulk_status import move as move
from sandbox.bank.transfers.records import Item
from sandbox.store import Database, insert, row, rows

ITEM_PAGE = (
    500  # items per page of /bulktransfer/status with detailInfoNecessity (bulktransferItemKey 1, 501…)
)

_ITEM_SQL = (
    "INSERT INTO bulk_items (request_id, item_id, amount, fee, fee_tier, edi, bank_code, bank_name,"
    " branch_code, branch_name, account_type, account_number, beneficiary_name, beneficiary_account_id)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def next_id(db: Database) -> int:
    """The id the next request gets (the caller holds the write lock)."""
    return int(db.conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM bulk_requests").fetchone()[0])


def apply_no(request_id: int, now: datetime) -> str:
    """受付番号: the applied date and a sequence marked by a leading 9, never a single transfer's number."""
    return f"{now.astimezone(clock.JST):%Y%m%d}9{request_id:07d}"


def write(db: Database, req: dict[str, Any], priced: list[tuple[Item, str, int]]) -> None:
    """Insert the request row and every item (one executemany: 9,999 items in a few milliseconds)."""
    insert(db, "bulk_requests", req)
    db.conn.executemany(
        _ITEM_SQL,
        [
            (req["id"], item.item_id, item.amount, fee, tier, item.edi, *_beneficiary(item))
            for item, tier, fee in priced
        ],
    )


def _beneficiary(item: Item) -> tuple[Any, ...]:
    ben = item.beneficiary
    return (
        ben.bank_code,
        ben.bank_name,
        ben.branch_code,
        ben.branch_name,
        ben.account_type,
        ben.account_number,
        ben.name,
        ben.account_id,
    )


def find(db: Database, contract_ids: list[str], number: str, account_id: str | None = None) -> dict[str, Any]:
    """A bulk request visible to ``contract_ids`` (on ``account_id`` when given), or ``BulkTransferNotFound``."""
    found = row(db, "SELECT * FROM bulk_requests WHERE apply_no = ?", (str(number),))
    if (
        found is None
        or found["contract_id"] not in contract_ids
        or account_id not in (None, found["account_id"])
    ):
        raise BulkTransferNotFound(f"no bulk transfer request {number!r} on this account", field="applyNo")
    return found


def load(db: Database, request_id: int) -> dict[str, Any]:
    found = row(db, "SELECT * FROM bulk_requests WHERE id = ?", (request_id,))
    assert found is not None, request_id
    return found


def items(db: Database, request_id: int, first: int = 1, limit: int = 100_000) -> list[dict[str, Any]]:
    """The items of a request from item number ``first`` on, in item order."""
    return rows(
        db,
        "SELECT * FROM bulk_items WHERE request_id = ? AND item_id >= ? ORDER BY item_id LIMIT ?",
        (request_id, first, limit),
    )


def search(
    db: Database, account_id: str, date_from: str, date_to: str, after_id: int, limit: int
) -> list[dict[str, Any]]:
    """An account's bulk requests applied between two dates, in id order after ``after_id``."""
    return rows(
        db,
        "SELECT * FROM bulk_requests WHERE account_id = ? AND substr(applied_at, 1, 10) BETWEEN ? AND ?"
        " AND id > ? ORDER BY id LIMIT ?",
        (account_id, date_from, date_to, after_id, limit),
    )


def cancel_event(db: Database, event_id: int | None) -> None:
    """Drop the pending opening event of a request that will not run."""
    if event_id:
        db.conn.execute(
            "UPDATE events SET status = 'cancelled' WHERE id = ? AND status = 'pending'", (event_id,)
        )
