"""A bulk request's (総合振込) status names and its status moves, each also a line on the contract's
timeline. Here, below both ``sandbox.bank.bulk`` (which makes and runs bulk requests) and
``transfers.outcomes`` (which moves them when the receiving banks answer), so both use the one table."""

from __future__ import annotations

from datetime import datetime
from json import dumps
from typing import Any

from sandbox import clock
from sandbox.bank.transfers.records import Actor
from sandbox.store import Database

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
    "24": "組戻手続中",
    "30": "不能・組戻あり",
    "40": "手続不成立",
}


def move(
    db: Database,
    req: dict[str, Any],
    to: str,
    at: datetime,
    actor: Actor,
    reason: str | None = None,
    **columns: Any,
) -> None:
    """Change a request's status and write the change on the contract's timeline (who, from, to, why)."""
    stamp = clock.to_db(at)
    values = {**columns, "status": to, "updated_at": stamp}
    assignments = ", ".join(f"{k} = ?" for k in values)
    db.conn.execute(f"UPDATE bulk_requests SET {assignments} WHERE id = ?", [*values.values(), req["id"]])
    was = req.get("status")
    who = actor.login_id or actor.kind
    summary = (
        f"bulk transfer {req['apply_no']} {STATUS_NAMES.get(was or '', 'new')} → {STATUS_NAMES[to]} by {who}"
    )
    data = {"applyNo": req["apply_no"], "from": was, "to": to, "reason": reason}
    db.conn.execute(
        "INSERT INTO activity (contract_id, at, kind, summary, data) VALUES (?, ?, ?, ?, ?)",
        (
            req["contract_id"],
            stamp,
            "bulk_transfer",
            summary + (f" ({reason})" if reason else ""),
            dumps(data, ensure_ascii=False),
        ),
    )
    req.update(values)
