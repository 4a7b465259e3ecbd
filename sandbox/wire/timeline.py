"""A contract's timeline: requests, faults applied, clock moves, incidents and state changes, in contract time.

Sources: the request log, the ``activity`` table (clock moves, deposits, grants issued/revoked and why,
transfer transitions, incident steps, fault rules added... whatever ``events.record`` wrote), the clock
events that ran, ledger journals and the moments maintenance / double-login windows open and close.

Order is contract time. A frozen clock puts many entries on the same instant; there the activity id is
the real order: a request is logged with the last activity id at that moment (``activity_mark``), so it
follows the state changes it caused, and an event, journal or window moment goes just before the first
activity recorded at or after its instant.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sandbox import clock
from sandbox.store import Database, row, rows
from sandbox.wire import logfile

Entry = dict[str, Any]
OUTCOMES = {
    "pending": "arrived, not answered yet (held, or still being processed)",
    "reset": "the connection was reset before processing",
    "timeout": "held open, then closed; not processed",
    "reset_after_commit": "committed (the sandbox answered {status}), then the connection was reset",
    "error_after_commit": "committed (the sandbox answered {status}), then an error was sent instead",
    "truncated": "part of the body, then the connection closed",
    "replayed": "the stored answer to its Idempotency-Key, replayed",
}


def build(
    db: Database,
    contract_id: str,
    now: datetime,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 200,
) -> list[Entry]:
    """The latest ``limit`` entries between ``since`` and ``until`` (at most ``now``), oldest first."""
    upper = min(until, now) if until else now
    bounds = (clock.to_db(since) if since else "", clock.to_db(upper))
    entries: list[Entry] = []
    for source in SOURCES:
        entries.extend(source(db, contract_id, bounds, limit))
    for entry in entries:
        if entry["_seq"] is None:
            entry["_seq"] = _before_next_activity(db, contract_id, entry["_at"])
    entries.sort(key=lambda e: (e["_at"], e["_seq"], e["_id"]))
    return [{k: v for k, v in e.items() if not k.startswith("_")} for e in entries[-limit:]]


def _before_next_activity(db: Database, contract_id: str, at: str) -> float:
    found = row(db, "SELECT min(id) AS id FROM activity WHERE contract_id = ? AND at >= ?", (contract_id, at))
    return found["id"] - 0.5 if found and found["id"] is not None else math.inf


def _entry(
    at: str, source: str, seq: float | None, kind: str, summary: str, data: dict[str, Any], ident: int = 0
) -> Entry:
    return {
        "_at": at,
        "_seq": seq,
        "_id": ident,
        "at": clock.to_api(clock.from_db(at)),
        "source": source,
        "kind": kind,
        "summary": summary,
        "data": {k: v for k, v in data.items() if v is not None},
    }


def _latest(
    db: Database, sql: str, contract_id: str, bounds: tuple[str, str], limit: int
) -> list[dict[str, Any]]:
    return rows(db, sql + " ORDER BY 1 DESC LIMIT ?", (contract_id, *bounds, limit))


def _requests(db: Database, contract_id: str, bounds: tuple[str, str], limit: int) -> list[Entry]:
    found = _latest(  # the log's own file (logfile.py): read beside the bank's rows, merged below
        logfile.beside(db),
        "SELECT at, * FROM request_log WHERE contract_id = ? AND at BETWEEN ? AND ?",
        contract_id,
        bounds,
        limit,
    )
    return [_request_entry(r) for r in found]


def _request_entry(r: dict[str, Any]) -> Entry:
    shown = r["sent_status"] if r["sent_status"] is not None else "no answer"
    summary = f"{r['method']} {r['path']} → {shown}" + (f" {r['error_code']}" if r["error_code"] else "")
    if r["outcome"] in OUTCOMES:
        summary += ": " + OUTCOMES[r["outcome"]].format(status=r["status"])
    if r["fault"]:
        summary += f" [{r['fault']}" + (f" rule #{r['fault_id']}" if r["fault_id"] else "") + "]"
    if r["idempotency_key"]:
        summary += f" Idempotency-Key {r['idempotency_key']}"
    who = "/".join(x for x in (r["client_id"], r["user_id"]) if x)
    summary += f" by {who}" if who else ""
    data = {
        "requestId": r["id"],
        "status": r["status"],
        "sentStatus": r["sent_status"],
        "outcome": r["outcome"],
        "errorCode": r["error_code"],
        "faultId": r["fault_id"],
        "fault": r["fault"],
        "idempotencyKey": r["idempotency_key"],
        "latencyMs": round(r["latency_ms"], 1),
        "applyNo": r.get("apply_no"),
    }
    seq = (r["activity_mark"] or 0) + 0.5
    return _entry(r["at"], "request", seq, "fault" if r["fault"] else "request", summary, data, r["id"])


def _activity(db: Database, contract_id: str, bounds: tuple[str, str], limit: int) -> list[Entry]:
    found = _latest(
        db,
        "SELECT at, * FROM activity WHERE contract_id = ? AND at BETWEEN ? AND ?",
        contract_id,
        bounds,
        limit,
    )
    return [
        _entry(r["at"], "activity", r["id"], r["kind"], r["summary"], json.loads(r["data"])) for r in found
    ]


def _events(db: Database, contract_id: str, bounds: tuple[str, str], limit: int) -> list[Entry]:
    found = _latest(
        db,
        "SELECT ran_at, * FROM events WHERE contract_id = ? AND ran_at BETWEEN ? AND ?"
        " AND status IN ('done', 'failed') AND kind != 'incident'",
        contract_id,
        bounds,
        limit,
    )
    return [
        _entry(
            r["ran_at"],
            "event",
            None,
            "event",
            f"clock event {r['kind']} ran ({r['status']})",
            {"eventId": r["id"], "result": _json(r["result"])},
        )
        for r in found
    ]


def _postings(db: Database, contract_id: str, bounds: tuple[str, str], limit: int) -> list[Entry]:
    found = _latest(
        db,
        "SELECT j.occurred_at, j.id, j.kind, j.ref, group_concat(p.account_id || ':' || p.amount, ' ') AS legs"
        " FROM journals j JOIN postings p ON p.journal_id = j.id"
        " JOIN accounts a ON a.id = p.account_id AND a.kind = 'deposit'"
        " WHERE j.contract_id = ? AND j.occurred_at BETWEEN ? AND ? GROUP BY j.id",
        contract_id,
        bounds,
        limit,
    )
    return [
        _entry(
            r["occurred_at"],
            "posting",
            _posted_before(db, contract_id, r),
            "posting",
            f"journal {r['id']} {r['kind']}" + (f" {r['ref']}" if r["ref"] else "") + f": {r['legs']}",
            {"journalId": r["id"], "ref": r["ref"]},
        )
        for r in found
    ]


def _posted_before(db: Database, contract_id: str, journal: dict[str, Any]) -> float | None:
    """A journal is posted just before the last state change recorded for it at that instant (the transfer
    that reaches 手続済 or 資金返却, the deposit), when one names it; else the general rule applies."""
    found = row(
        db,
        "SELECT max(id) AS id FROM activity WHERE contract_id = ? AND at = ?"
        " AND (json_extract(data, '$.applyNo') = ? OR json_extract(data, '$.journalId') = ?)",
        (contract_id, journal["occurred_at"], journal["ref"], journal["id"]),
    )
    return found["id"] - 0.5 if found and found["id"] is not None else None


def _grant_expiries(db: Database, contract_id: str, bounds: tuple[str, str], limit: int) -> list[Entry]:
    """Grants end by themselves at their absolute expiry (§5(3)⑥, §5(4)); nothing records that moment."""
    found = _latest(
        db,
        "SELECT g.expires_at, g.id, g.client_id, u.login_id FROM oauth_grants g JOIN users u ON u.id = g.user_id"
        " WHERE g.contract_id = ? AND g.expires_at BETWEEN ? AND ?"
        " AND (g.revoked_at IS NULL OR g.revoked_at > g.expires_at)",
        contract_id,
        bounds,
        limit,
    )
    return [
        _entry(
            r["expires_at"],
            "activity",
            None,
            "oauth",
            f"grant {r['id']} of client {r['client_id']} for {r['login_id']} expired: consent again (§5(4))",
            {"grantId": r["id"], "reason": "expired"},
        )
        for r in found
    ]


def _windows(db: Database, contract_id: str, bounds: tuple[str, str], limit: int) -> list[Entry]:
    """When windows open (if later than they were set up) and close by themselves."""
    found = rows(
        db,
        "SELECT * FROM incidents WHERE contract_id = ? AND starts_at IS NOT NULL ORDER BY id DESC LIMIT ?",
        (contract_id, limit),
    )
    entries = []
    for r in found:
        name = f"incident #{r['id']} {r['type']}" + (f" for {r['user_id']}" if r["user_id"] else "")
        moments = []
        if r["starts_at"] > r["created_at"] and not r["recur"]:
            moments.append((r["starts_at"], f"{name} starts"))
        if r["status"] == "active" and r["ends_at"] and not r["recur"]:
            moments.append((r["ends_at"], f"{name} ends"))
        for at, summary in moments:
            if bounds[0] <= at <= bounds[1]:
                entries.append(
                    _entry(
                        at, "incident", None, "incident", summary, {"incidentId": r["id"], "type": r["type"]}
                    )
                )
    return entries


def _json(text: str | None) -> Any:
    return json.loads(text) if text else None


SOURCES: list[Callable[[Database, str, tuple[str, str], int], list[Entry]]] = [
    _requests,
    _activity,
    _events,
    _postings,
    _grant_expiries,
    _windows,
]


def render(entries: list[Entry]) -> str:
    """The timeline as text, one line per entry (for the CLI)."""
    return "\n".join(f"{e['at']}  {e['kind']:<10} {e['summary']}" for e in entries)
