"""Transfer requests as stored: the data types, the status names, reading requests back, and recording
each status change (time, who, reason) in ``transfer_transitions`` and on the contract's timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from json.encoder import encode_basestring as _text  # json's own string encoder (ensure_ascii=False)
from typing import Any

from sandbox import clock
from sandbox.bank.beneficiaries import Beneficiary
from sandbox.bank.transfers.errors import TransferNotFound
from sandbox.store import Database, row, rows

MAX_ITEMS = 99
STATUS_NAMES = {
    "2": "申請中",
    "3": "差戻",
    "4": "取下げ",
    "5": "期限切れ",
    "8": "予約取消",
    "11": "予約中",
    "12": "手続中",
    "13": "リトライ中",
    "20": "手続済",
    "22": "資金返却",
    "24": "組戻手続中",
    "25": "組戻済",
    "26": "組戻不成立",
    "40": "手続不成立",
}


@dataclass(frozen=True)
class Actor:
    """Who moves a request: a user through a client, the clock (events) or the bank (incidents)."""

    kind: str = "user"
    user_id: int | None = None
    login_id: str | None = None
    client_id: str | None = None


CLOCK, BANK = Actor("clock"), Actor("bank")


@dataclass(frozen=True)
class Item:
    item_id: int
    amount: int
    edi: str | None
    beneficiary: Beneficiary


@dataclass(frozen=True)
class Draft:
    """A parsed transfer request body: everything checked except what needs the clock or the account."""

    designated_date: date | None
    holiday_code: str
    items: list[Item]
    comment: str | None = None
    encrypted: bool = False
    remitter_name: str | None = None  # 振込依頼人名; None: the account holder's kana name


# -- reading ---------------------------------------------------------------------------------------


def find(
    db: Database, contract_ids: list[str], apply_no: str, account_id: str | None = None
) -> dict[str, Any]:
    """A request visible to ``contract_ids`` (and on ``account_id`` when given), or ``TransferNotFound``."""
    found = row(db, "SELECT * FROM transfer_requests WHERE apply_no = ?", (str(apply_no),))
    if (
        found is None
        or found["contract_id"] not in contract_ids
        or account_id not in (None, found["account_id"])
    ):
        raise TransferNotFound(f"no transfer request {apply_no!r} on this account", field="applyNo")
    return found


def load(db: Database, request_id: int) -> dict[str, Any]:
    found = row(db, "SELECT * FROM transfer_requests WHERE id = ?", (request_id,))
    assert found is not None, request_id
    return found


def items_of(db: Database, request_id: int) -> list[dict[str, Any]]:
    return rows(db, "SELECT * FROM transfer_items WHERE request_id = ? ORDER BY item_id", (request_id,))


def items_for(db: Database, request_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The items of several requests, by request id, each list in item order."""
    found: dict[int, list[dict[str, Any]]] = {request_id: [] for request_id in request_ids}
    marks = ",".join("?" for _ in request_ids)
    sql = f"SELECT * FROM transfer_items WHERE request_id IN ({marks}) ORDER BY request_id, item_id"
    for item in rows(db, sql, request_ids):
        found[item["request_id"]].append(item)
    return found


def transitions_of(db: Database, request_id: int) -> list[dict[str, Any]]:
    return rows(db, "SELECT * FROM transfer_transitions WHERE request_id = ? ORDER BY id", (request_id,))


def search(
    db: Database,
    contract_ids: list[str],
    *,
    account_id: str | None = None,
    date_from: str = "0000-00-00",
    date_to: str = "9999-99-99",
    by: str = "applied",
    after_id: int = 0,
    limit: int = 500,
) -> list[dict[str, Any]]:
    """Requests by applied date (``by="applied"``) or execution date (``"designated"``), in id order."""
    column = "substr(applied_at, 1, 10)" if by == "applied" else "execution_date"
    marks = ",".join("?" for _ in contract_ids)
    sql = (
        f"SELECT * FROM transfer_requests WHERE contract_id IN ({marks}) AND {column} BETWEEN ? AND ? AND id > ?"
        + (" AND account_id = ?" if account_id else "")
        + " ORDER BY id LIMIT ?"
    )
    params = [*contract_ids, date_from, date_to, after_id, *([account_id] if account_id else []), limit]
    return rows(db, sql, params)


# -- transitions -----------------------------------------------------------------------------------


def move(
    db: Database,
    req: dict[str, Any],
    to: str,
    at: datetime,
    actor: Actor,
    *,
    reason: str | None = None,
    comment: str | None = None,
    **columns: Any,
) -> None:
    """Change a request's status, recording the transition (time, user, reason) and the timeline entry."""
    stamp = clock.to_db(at)
    values = {**columns, "status": to, "updated_at": stamp}
    assignments = ", ".join(f"{k} = ?" for k in values)
    db.conn.execute(f"UPDATE transfer_requests SET {assignments} WHERE id = ?", [*values.values(), req["id"]])
    transition, activity = move_rows(req, to, stamp, actor, reason, comment)
    db.conn.execute(_TRANSITION_SQL, transition)
    db.conn.execute(_ACTIVITY_SQL, activity)
    req.update(values)


_TRANSITION_SQL = (
    "INSERT INTO transfer_transitions (request_id, from_status, to_status, at, actor, user_id, login_id,"
    " client_id, reason, comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_ACTIVITY_SQL = "INSERT INTO activity (contract_id, at, kind, summary, data) VALUES (?, ?, ?, ?, ?)"


def _move_data(apply_no: str, was: str | None, to: str, reason: str | None) -> str:
    """``{"applyNo", "from", "to", "reason"}`` exactly as store.insert encodes it (json.dumps with
    ensure_ascii=False), written out: the clock writes tens of thousands of these in one move."""
    return (
        f'{{"applyNo": {_text(apply_no)}, "from": {_text(was) if was is not None else "null"}, '
        f'"to": {_text(to)}, "reason": {_text(reason) if reason is not None else "null"}}}'
    )


def move_rows(
    req: dict[str, Any], to: str, stamp: str, actor: Actor, reason: str | None, comment: str | None
) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """The ``transfer_transitions`` and ``activity`` rows of a move from ``req["status"]`` to ``to``."""
    was = req.get("status")
    transition = (req["id"], was, to, stamp, actor.kind, actor.user_id, actor.login_id, actor.client_id)
    who = actor.login_id or actor.kind
    summary = f"transfer {req['apply_no']} {STATUS_NAMES.get(was or '', 'new')} → {STATUS_NAMES[to]} by {who}"
    activity = (
        req["contract_id"],
        stamp,
        "transfer",
        summary + (f" ({reason})" if reason else ""),
        _move_data(req["apply_no"], was, to, reason),
    )
    return (*transition, reason, comment), activity


def write_moves(db: Database, rows_: list[tuple[tuple[Any, ...], tuple[Any, ...]]]) -> None:
    """Write many :func:`move_rows` at once, in order (the requests' own columns are the caller's)."""
    db.conn.executemany(_TRANSITION_SQL, [transition for transition, _ in rows_])
    db.conn.executemany(_ACTIVITY_SQL, [activity for _, activity in rows_])


def cancel_event(db: Database, event_id: int | None) -> None:
    if event_id:
        db.conn.execute(
            "UPDATE events SET status = 'cancelled' WHERE id = ? AND status = 'pending'", (event_id,)
        )
