"""Bank-side incidents (DESIGN §5): applied now, scheduled as clock events, or windows in force.

One-shot incidents (``suspend``, ``revoke-tokens``, ``return-funds``...) change state through their
owner's domain code, at once or when the contract clock reaches ``at``. Window incidents
(``maintenance``, ``double-login``) are intervals on the contract clock that the fault layer enforces on
every request (``windows.py``). Nothing happens to a terminated contract (§8, §9).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sandbox import clock, events
from sandbox.bank import contracts
from sandbox.errors import BankError, InvalidParameter
from sandbox.incidents.errors import (
    ContractTerminated,
    IncidentNotApplicable,
    IncidentNotFound,
    UnknownIncident,
)
from sandbox.incidents.parameters import duration, instant
from sandbox.incidents.types import KINDS
from sandbox.store import Database, insert, row, rows, transaction

EVENT = "incident"
HIDDEN = ("passwordHash",)  # never shown back


def create(db: Database, contract_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """Check an incident and apply it now, schedule it, or put its window in force; return its view."""
    kind_name = data.get("type")
    if kind_name not in KINDS:
        raise UnknownIncident(f"unknown incident type {kind_name!r}; known: {', '.join(KINDS)}", field="type")
    kind = KINDS[kind_name]
    unknown = set(data) - {"type", "at", "in", "days", *kind.fields}
    if unknown:
        raise InvalidParameter(f"{kind_name} takes no {sorted(unknown)[0]!r}", field=sorted(unknown)[0])
    _, now = events.touch(db, contract_id)
    with transaction(db):
        contract = contracts.get(db, contract_id)
        if contract["status"] == "terminated":
            raise ContractTerminated(f"contract {contract_id} is terminated: no incident applies to it")
        due = _due(data, now)
        given = {k: v for k, v in data.items() if k in kind.fields}
        if kind_name == "maintenance" and "start" not in given:
            given["start"] = clock.to_api(due)  # "in 30m" / "at" say when the window opens
        params = kind.check(db, contract, given, now)
        shown_once = params.pop("_password", None)
        incident_id = insert(db, "incidents", _columns(kind_name, contract_id, params, due, now))
        _set_in_motion(db, get(db, contract_id, incident_id), due, now)
    view = public(get(db, contract_id, incident_id))
    return {**view, **({"password": shown_once} if shown_once else {})}


def _set_in_motion(db: Database, incident: dict[str, Any], due: datetime, now: datetime) -> None:
    """Open a window incident, schedule a one-shot for ``due``, or apply it now when due already."""
    if KINDS[incident["type"]].window:
        _open_window(db, incident["id"], incident["type"], incident["params"], due)
        _note(db, incident, now, _window_text(get(db, incident["contract_id"], incident["id"])))
    elif due > now:
        event_id = events.schedule(db, incident["contract_id"], due, EVENT, {"incidentId": incident["id"]})
        db.conn.execute("UPDATE incidents SET event_id = ? WHERE id = ?", (event_id, incident["id"]))
        _note(db, incident, now, f"scheduled for {clock.to_api(due)}")
    else:
        _apply(db, incident, now)


def _due(data: dict[str, Any], now: datetime) -> datetime:
    given = [k for k in ("at", "in", "days") if data.get(k) is not None]
    if len(given) > 1:
        raise InvalidParameter('give at most one of "at", "in" and "days"', field=given[1])
    if "days" in given:
        days = data["days"]
        if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= 3660:
            raise InvalidParameter("days must be an integer from 0 to 3660", field="days")
        return now + timedelta(days=days)
    due = instant(data, "at") or (now + duration(data, "in") if "in" in given else now)
    if due >= clock.HORIZON:
        raise InvalidParameter(
            f"{clock.to_api(due)} is past the sandbox's horizon", field=given[0] if given else "at"
        )
    if due < now:
        raise InvalidParameter(
            f"at {clock.to_api(due)} is before the contract's time {clock.to_api(now)}", field="at"
        )
    return due


def _columns(
    kind: str, contract_id: str, params: dict[str, Any], due: datetime, now: datetime
) -> dict[str, Any]:
    return {
        "contract_id": contract_id,
        "type": kind,
        "params": params,
        "status": "scheduled",
        "due_at": clock.to_db(due),
        "user_id": params.get("userId"),
        "created_at": clock.to_db(now),
    }


def _open_window(db: Database, incident_id: int, kind: str, params: dict[str, Any], due: datetime) -> None:
    if kind == "maintenance":
        start = clock.from_db(params["start"])
        length = timedelta(seconds=params["seconds"])
        ends = params.get("until") if params.get("recur") else clock.to_db(start + length)
    else:
        start, ends = due, clock.to_db(due + (duration(params, "duration") or timedelta(0)))
    db.conn.execute(
        "UPDATE incidents SET status = 'active', due_at = ?, starts_at = ?, ends_at = ?, recur = ? WHERE id = ?",
        (clock.to_db(start), clock.to_db(start), ends, params.get("recur"), incident_id),
    )


def _apply(db: Database, incident: dict[str, Any], at: datetime) -> None:
    """Run a one-shot incident at ``at``; a state that no longer fits marks it failed, with the reason."""
    try:
        status, result = "done", _run(db, incident, at)
    except BankError as exc:
        status, result = "failed", {"errorCode": exc.code, "detail": exc.detail or exc.message_en}
    text = json.dumps(result, ensure_ascii=False)
    db.conn.execute(
        "UPDATE incidents SET status = ?, applied_at = ?, result = ? WHERE id = ?",
        (status, clock.to_db(at), text, incident["id"]),
    )
    _note(db, incident, at, f"{'applied' if status == 'done' else 'failed'}: {text}")


def _run(db: Database, incident: dict[str, Any], at: datetime) -> dict[str, Any]:
    """The incident's own change, all or nothing (a savepoint inside the caller's transaction)."""
    with db.atomic():
        contract = contracts.get(db, incident["contract_id"])
        if contract["status"] == "terminated":
            raise ContractTerminated(f"contract {contract['id']} is terminated")
        kind = KINDS[incident["type"]]
        if kind.recheck:
            kind.check(db, contract, incident["params"], at)
        result = kind.apply(db, contract, incident["params"], at)
        if incident["type"] == "terminate":
            on_terminate(db, contract["id"], at)
        return result


def _note(db: Database, incident: dict[str, Any], at: datetime, text: str) -> None:
    """Every incident step goes to the contract's activity, hence its timeline."""
    summary = f"incident #{incident['id']} {incident['type']} {text}"
    events.record(db, incident["contract_id"], at, "incident", summary, {"incidentId": incident["id"]})


def _window_text(incident: dict[str, Any]) -> str:
    def api(value: str) -> str:
        return clock.to_api(clock.from_db(value))

    who = f"for {incident['user_id']} " if incident["user_id"] else ""
    if incident["recur"]:
        length = timedelta(seconds=incident["params"]["seconds"])
        until = f" until {api(incident['ends_at'])}" if incident["ends_at"] else ""
        return f"window {incident['recur']} from {api(incident['starts_at'])} for {length}{until}"
    return f"window {who}from {api(incident['starts_at'])} to {api(incident['ends_at'])}"


def run_scheduled(
    db: Database, contract: dict[str, Any], event: dict[str, Any], at: datetime
) -> dict[str, Any]:
    found = row(db, "SELECT * FROM incidents WHERE id = ?", (event["payload"]["incidentId"],))
    if found is None or found["status"] != "scheduled":
        return {"skipped": True}
    _apply(db, _decode(found), at)
    return {"incidentId": found["id"]}


def end(db: Database, contract_id: str, incident_id: int) -> dict[str, Any]:
    """Cancel a scheduled incident or close a window now (the user logs out, maintenance ends early)."""
    _, now = events.touch(db, contract_id)
    with transaction(db):
        found = get(db, contract_id, incident_id)
        if found["status"] == "scheduled":
            _cancel(db, found, now)
        elif found["status"] == "active":
            _close(db, found, now)
        else:
            raise IncidentNotApplicable(f"incident {incident_id} is {found['status']}: nothing to end")
    return public(get(db, contract_id, incident_id))


def _cancel(db: Database, incident: dict[str, Any], now: datetime) -> None:
    """A scheduled incident is cancelled with its clock event."""
    db.conn.execute("UPDATE incidents SET status = 'cancelled' WHERE id = ?", (incident["id"],))
    if incident["event_id"]:
        db.conn.execute(
            "UPDATE events SET status = 'cancelled' WHERE id = ? AND status = 'pending'",
            (incident["event_id"],),
        )
    _note(db, incident, now, "cancelled")


def _close(db: Database, incident: dict[str, Any], now: datetime) -> None:
    """An open window closes now (or stays closed at its end, when that is already past)."""
    stamp = clock.to_db(now)
    ends = min(incident["ends_at"] or stamp, stamp)
    db.conn.execute("UPDATE incidents SET status = 'done', ends_at = ? WHERE id = ?", (ends, incident["id"]))
    _note(db, incident, now, "ended")


def on_terminate(db: Database, contract_id: str, at: datetime) -> None:
    """A terminated contract keeps no pending incident and no open window."""
    stamp = clock.to_db(at)
    db.conn.execute(
        "UPDATE events SET status = 'cancelled' WHERE status = 'pending' AND id IN"
        " (SELECT event_id FROM incidents WHERE contract_id = ? AND status = 'scheduled')",
        (contract_id,),
    )
    db.conn.execute(
        "UPDATE incidents SET status = 'cancelled' WHERE contract_id = ? AND status = 'scheduled'",
        (contract_id,),
    )
    db.conn.execute(
        "UPDATE incidents SET status = 'done', ends_at = ? WHERE contract_id = ? AND status = 'active'",
        (stamp, contract_id),
    )


# -- reading ---------------------------------------------------------------------------------------------


def _decode(found: dict[str, Any]) -> dict[str, Any]:
    found["params"] = json.loads(found["params"])
    found["result"] = json.loads(found["result"]) if found["result"] else None
    return found


def get(db: Database, contract_id: str, incident_id: int) -> dict[str, Any]:
    found = row(db, "SELECT * FROM incidents WHERE id = ? AND contract_id = ?", (incident_id, contract_id))
    if found is None:
        raise IncidentNotFound(f"no incident {incident_id} in contract {contract_id}", field="incidentId")
    return _decode(found)


def list_for(db: Database, contract_id: str) -> list[dict[str, Any]]:
    return [
        _decode(r)
        for r in rows(db, "SELECT * FROM incidents WHERE contract_id = ? ORDER BY id", (contract_id,))
    ]


def public(incident: dict[str, Any]) -> dict[str, Any]:
    def api(value: str | None) -> str | None:
        return clock.to_api(clock.from_db(value)) if value else None

    params = {k: v for k, v in incident["params"].items() if k not in HIDDEN}
    for key in ("start", "until"):
        if key in params:
            params[key] = api(params[key])
    view = {
        "incidentId": incident["id"],
        "contractId": incident["contract_id"],
        "type": incident["type"],
        "status": incident["status"],
        "params": params,
        "dueAt": api(incident["due_at"]),
        "startsAt": api(incident["starts_at"]),
        "endsAt": api(incident["ends_at"]),
        "recur": incident["recur"],
        "appliedAt": api(incident["applied_at"]),
        "result": incident["result"],
        "createdAt": api(incident["created_at"]),
    }
    return {k: v for k, v in view.items() if v is not None}
