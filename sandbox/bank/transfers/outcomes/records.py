"""Item outcomes as stored (``item_outcomes``): one row per item whose fate at the receiving bank is not
simply "paid", for single transfers (kind ``transfer``) and bulk transfers (kind ``bulk``) alike, and the
status a request takes from its items' outcomes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sandbox import clock
from sandbox.bank.transfers import bulk_status
from sandbox.bank.transfers import records as transfer_records
from sandbox.bank.transfers.errors import TransferNotFound
from sandbox.bank.transfers.records import BANK as BANK
from sandbox.bank.transfers.records import Actor
from sandbox.store import Database, row, rows


@dataclass(frozen=True)
class Kind:
    name: str  # transfer | bulk
    requests: str
    items: str
    move: Callable[..., None]
    status_names: dict[str, str]


KINDS = {
    "transfer": Kind(
        "transfer",
        "transfer_requests",
        "transfer_items",
        transfer_records.move,
        transfer_records.STATUS_NAMES,
    ),
    "bulk": Kind("bulk", "bulk_requests", "bulk_items", bulk_status.move, bulk_status.STATUS_NAMES),
}
UNPAID = ("refused", "returned", "recalled", "recall_refused", "recalling")


def find(db: Database, contract_ids: list[str], apply_no: str) -> tuple[Kind, dict[str, Any]]:
    """A single or bulk request by its 受付番号 (a bulk number has a 9 after the date)."""
    try:
        return KINDS["transfer"], transfer_records.find(db, contract_ids, apply_no)
    except TransferNotFound:
        pass
    found = row(db, "SELECT * FROM bulk_requests WHERE apply_no = ?", (str(apply_no),))
    if found is None or found["contract_id"] not in contract_ids:
        raise TransferNotFound(f"no transfer or bulk transfer request {apply_no!r}", field="applyNo")
    return KINDS["bulk"], found


def load(db: Database, kind: Kind, request_id: int) -> dict[str, Any]:
    found = row(db, f"SELECT * FROM {kind.requests} WHERE id = ?", (request_id,))
    assert found is not None, request_id
    return found


def items(db: Database, kind: Kind, request_id: int, ids: list[int] | None = None) -> list[dict[str, Any]]:
    """The request's items (only ``ids`` when given), in item order."""
    sql = f"SELECT * FROM {kind.items} WHERE request_id = ?"
    if ids:
        sql += f" AND item_id IN ({','.join('?' for _ in ids)})"
    return rows(db, sql + " ORDER BY item_id", (request_id, *(ids or ())))


def outcomes(db: Database, kind: Kind, request_id: int) -> dict[int, dict[str, Any]]:
    """The request's outcome rows by item id."""
    found = rows(
        db,
        "SELECT * FROM item_outcomes WHERE kind = ? AND request_id = ? ORDER BY item_id",
        (kind.name, request_id),
    )
    return {r["item_id"]: r for r in found}


def planned(db: Database, kind: Kind, request_ids: list[int]) -> set[int]:
    """Which of ``request_ids`` have an item whose outcome an incident decided in advance."""
    marks = ",".join("?" for _ in request_ids)
    sql = f"SELECT DISTINCT request_id FROM item_outcomes WHERE kind = ? AND request_id IN ({marks})"
    return {r[0] for r in db.conn.execute(sql, (kind.name, *request_ids)).fetchall()}


def save(db: Database, kind: Kind, req: dict[str, Any], item_id: int, at: datetime, **values: Any) -> None:
    """Write an item's outcome row (created, or the given columns changed)."""
    stamp = clock.to_db(at)
    found = row(
        db,
        "SELECT 1 AS x FROM item_outcomes WHERE kind = ? AND request_id = ? AND item_id = ?",
        (kind.name, req["id"], item_id),
    )
    if found is None:
        columns = {"kind": kind.name, "request_id": req["id"], "item_id": item_id}
        columns |= {"contract_id": req["contract_id"], "updated_at": stamp, **values}
        names = ", ".join(columns)
        db.conn.execute(
            f"INSERT INTO item_outcomes ({names}) VALUES ({','.join('?' for _ in columns)})",
            list(columns.values()),
        )
        return
    values["updated_at"] = stamp
    assignments = ", ".join(f"{k} = ?" for k in values)
    db.conn.execute(
        f"UPDATE item_outcomes SET {assignments} WHERE kind = ? AND request_id = ? AND item_id = ?",
        [*values.values(), kind.name, req["id"], item_id],
    )


def status_for(kind: Kind, all_items: list[dict[str, Any]], found: dict[int, dict[str, Any]]) -> str:
    """The request's status from its items' outcomes (docs/transfers.md, "Outcomes")."""
    states = {r["state"] for r in found.values() if r["state"] != "planned"}
    if "retrying" in states:
        return "13"
    if "recalling" in states:
        return "24"
    if kind.name == "bulk":
        return "30" if states & set(UNPAID) else "20"
    if "recalled" in states:
        return "25"
    if "recall_refused" in states:
        return "26"
    if "returned" in states:
        return "22"
    refused = [i for i in all_items if found.get(i["item_id"], {}).get("state") == "refused"]
    return "40" if len(refused) == len(all_items) else "20"


def settle(
    db: Database, kind: Kind, req: dict[str, Any], at: datetime, actor: Actor, reason: str | None
) -> str:
    """Move the request to the status its items' outcomes give it (nothing when it is already there)."""
    to = status_for(kind, items(db, kind, req["id"]), outcomes(db, kind, req["id"]))
    if to != req["status"]:
        extra = {"failure_reason": reason} if to == "40" and reason else {}
        if kind.name == "transfer" and to == "22":
            extra["returned_at"] = clock.to_db(
                at
            )  # fundsReturnedDatetime, as the return-funds incident sets it
        kind.move(db, req, to, at, actor, reason=reason, **extra)
    return to
