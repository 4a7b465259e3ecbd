"""Fault rules: what to break, on which requests, and when (DESIGN §5; rehearsals of §7(1)).

A rule = match (contract, method, path glob, client, user) + one effect + a trigger. This module checks
a rule body from the control API and stores rules; ``engine.py`` decides, per request, which rule fires,
and ``middleware.py`` applies its effect.
"""

from __future__ import annotations

import json
from datetime import datetime
from fnmatch import fnmatchcase
from typing import Any

from sandbox import clock
from sandbox.errors import InvalidParameter
from sandbox.fields import check_int
from sandbox.store import Database, insert, row, rows, transaction
from sandbox.wire.errors import FaultNotFound, UnknownFaultEffect, UnknownFaultTrigger

PREFIXES = ("/corporation/v1", "/auth/v1", "/webhooks/v1")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
MAX_HOLD_MS = 120_000

# effect -> {param: (kind, default, (low, high))}; a default of ... means required.
EFFECTS: dict[str, dict[str, tuple[type, Any, tuple[int, int]]]] = {
    "latency": {"ms": (int, ..., (0, MAX_HOLD_MS)), "jitterMs": (int, 0, (0, MAX_HOLD_MS))},
    "slow_body": {"bytesPerSecond": (int, ..., (1, 10_000_000))},
    "http_error": {
        "status": (int, ..., (400, 599)),
        "errorCode": (str, None, (1, 64)),
        "retryAfter": (int, None, (0, 86_400)),
    },
    "maintenance": {"retryAfter": (int, 3600, (0, 86_400))},
    "rate_limit": {"retryAfter": (int, 60, (0, 86_400))},
    "reset": {},
    "timeout": {"holdMs": (int, 30_000, (0, MAX_HOLD_MS))},
    "truncated": {"bytes": (int, None, (0, 10_000_000))},
    "response_lost": {},
    "commit_then_error": {"status": (int, 500, (500, 599)), "errorCode": (str, None, (1, 64))},
    # outgoing: on the notifications the bank delivers (sandbox/notify/faults.py), matched by contract and
    # by path against /<eventType>; seconds are contract time
    "drop": {},
    "delay": {"seconds": (int, ..., (1, 30 * 86_400))},
    "duplicate": {"copies": (int, 1, (1, 5))},
    "reorder": {"maxSeconds": (int, 3600, (1, 30 * 86_400))},
    "report_failure": {},
    "stop_delivery": {"holdSeconds": (int, 86_400, (1, 30 * 86_400))},
    "bad_signature": {},
}
OUTGOING = ("drop", "delay", "duplicate", "reorder", "report_failure", "stop_delivery", "bad_signature")
BEFORE = ("latency", "http_error", "maintenance", "rate_limit", "reset", "timeout")  # act before processing
TRIGGERS = ("probability", "seed", "nth", "after", "times", "window")
MATCH = ("contractId", "method", "path", "clientId", "userId")


# -- validation ----------------------------------------------------------------------------------------


def parse_rule(data: dict[str, Any]) -> dict[str, Any]:
    """Check a rule body; return the columns to store. Raises on any unknown or out-of-range input."""
    unknown = set(data) - {"match", "effect", "trigger", "note"}
    if unknown:
        raise InvalidParameter(f"unknown field {sorted(unknown)[0]!r}; use match, effect, trigger, note")
    columns = _match(_object(data, "match"))
    columns.update(_effect(data.get("effect")))
    columns.update(_trigger(_object(data, "trigger")))
    note = data.get("note")
    if note is not None and not isinstance(note, str):
        raise InvalidParameter("note must be a string", field="note")
    columns["note"] = note
    return columns


def _object(data: dict[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name) or {}
    if not isinstance(value, dict):
        raise InvalidParameter(f"{name} must be a JSON object", field=name)
    return value


def _match(match: dict[str, Any]) -> dict[str, Any]:
    unknown = set(match) - set(MATCH)
    if unknown:
        raise InvalidParameter(f"unknown match field {sorted(unknown)[0]!r}; known: {', '.join(MATCH)}")
    for name in MATCH:
        if match.get(name) is not None and (not isinstance(match[name], str) or not match[name]):
            raise InvalidParameter(f"match.{name} must be a non-empty string", field=f"match.{name}")
    method = (match.get("method") or "*").upper()
    if method not in (*METHODS, "*"):
        raise InvalidParameter(f"match.method must be one of {', '.join(METHODS)} or *", field="match.method")
    path = match.get("path") or "*"
    if not path.startswith(("/", "*")):
        raise InvalidParameter("match.path must be a glob starting with / or *", field="match.path")
    return {
        "contract_id": match.get("contractId"),
        "method": None if method == "*" else method,
        "path": path,
        "client_id": match.get("clientId"),
        "user_id": match.get("userId"),
    }


def _effect(effect: Any) -> dict[str, Any]:
    if isinstance(effect, str):
        effect = {"type": effect}
    if not isinstance(effect, dict) or not isinstance(effect.get("type"), str):
        raise UnknownFaultEffect(f"effect.type is required; one of {', '.join(EFFECTS)}", field="effect")
    kind = effect["type"]
    if kind not in EFFECTS:
        raise UnknownFaultEffect(f"unknown effect {kind!r}; known: {', '.join(EFFECTS)}", field="effect.type")
    spec = EFFECTS[kind]
    for name in set(effect) - {"type"} - set(spec):
        raise UnknownFaultEffect(f"effect {kind} has no parameter {name!r}", field=f"effect.{name}")
    given = {name: _effect_param(kind, name, effect.get(name, spec[name][1]), spec[name]) for name in spec}
    return {"effect": kind, "params": {name: value for name, value in given.items() if value is not None}}


def _effect_param(effect: str, name: str, value: Any, spec: tuple[type, Any, tuple[int, int]]) -> Any:
    """One parameter of an effect, checked against its kind and range (None: not given, no default)."""
    kind_of, _default, (low, high) = spec
    if value is ...:
        raise InvalidParameter(f"effect {effect} needs {name}", field=f"effect.{name}")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, kind_of):
        raise InvalidParameter(f"effect.{name} must be a {kind_of.__name__}", field=f"effect.{name}")
    size = len(value) if isinstance(value, str) else value
    if not low <= size <= high:
        raise InvalidParameter(f"effect.{name} must be between {low} and {high}", field=f"effect.{name}")
    return value


def _trigger(trigger: dict[str, Any]) -> dict[str, Any]:
    unknown = set(trigger) - set(TRIGGERS)
    if unknown:
        raise UnknownFaultTrigger(
            f"unknown trigger {sorted(unknown)[0]!r}; known: {', '.join(TRIGGERS)}", field="trigger"
        )
    columns: dict[str, Any] = {}
    probability = trigger.get("probability")
    if probability is not None:
        if isinstance(probability, bool) or not isinstance(probability, int | float):
            raise InvalidParameter("trigger.probability must be a number", field="trigger.probability")
        if not 0 <= probability <= 1:
            raise InvalidParameter("trigger.probability must be between 0 and 1", field="trigger.probability")
        columns["probability"] = float(probability)
    for name, low in (("seed", 0), ("nth", 1), ("after", 0), ("times", 1)):
        value = trigger.get(name)
        if value is not None:
            check_int(value, f"trigger.{name}", low)
        columns[name] = value
    columns.update(_window(trigger.get("window")))
    return columns


def _window(window: Any) -> dict[str, Any]:
    if window is None:
        return {"window_start": None, "window_end": None}
    if not isinstance(window, dict) or not window or set(window) - {"start", "end"}:
        raise InvalidParameter("trigger.window must be {start?, end?} (ISO 8601)", field="trigger.window")
    bounds = {}
    for name in ("start", "end"):
        try:
            bounds[name] = clock.parse_instant(window[name]) if window.get(name) is not None else None
        except ValueError as exc:
            raise InvalidParameter(str(exc), field=f"trigger.window.{name}") from exc
    if bounds["start"] and bounds["end"] and bounds["end"] <= bounds["start"]:
        raise InvalidParameter("trigger.window.end must be after its start", field="trigger.window.end")
    return {
        "window_start": clock.to_db(bounds["start"]) if bounds["start"] else None,
        "window_end": clock.to_db(bounds["end"]) if bounds["end"] else None,
    }


def path_warnings(path: str, known: list[str]) -> list[str]:
    """Warnings for a glob that matches no known API or OAuth path (allowed: the API may grow)."""
    if any(fnmatchcase(p, path) for p in known):
        return []
    return [f"path {path!r} matches no known /corporation/v1 or /auth/v1 path; the rule is stored anyway"]


# -- storage ---------------------------------------------------------------------------------------------


def create(db: Database, columns: dict[str, Any], at: datetime) -> dict[str, Any]:
    """Store a checked rule; its seed defaults to its id so a rule is reproducible after a reset."""
    with transaction(db):
        rule_id = insert(
            db, "fault_rules", {**columns, "seed": columns.get("seed") or 0, "created_at": clock.to_db(at)}
        )
        if columns.get("seed") is None:
            db.conn.execute("UPDATE fault_rules SET seed = id WHERE id = ?", (rule_id,))
    return get(db, rule_id)


def get(db: Database, rule_id: int, contract_id: str | None = None) -> dict[str, Any]:
    found = row(db, "SELECT * FROM fault_rules WHERE id = ?", (rule_id,))
    if found is None or (contract_id is not None and found["contract_id"] != contract_id):
        raise FaultNotFound(f"no fault rule {rule_id}", field="faultId")
    return found


def list_rules(db: Database, contract_id: str | None = None) -> list[dict[str, Any]]:
    if contract_id is None:
        return rows(db, "SELECT * FROM fault_rules ORDER BY id")
    return rows(db, "SELECT * FROM fault_rules WHERE contract_id = ? ORDER BY id", (contract_id,))


def delete(db: Database, rule_id: int | None = None, contract_id: str | None = None) -> int:
    """Delete one rule or (``rule_id`` None) all rules, or all of one contract's; return how many."""
    sql, params = "DELETE FROM fault_rules WHERE 1 = 1", []
    if rule_id is not None:
        sql, params = sql + " AND id = ?", [rule_id]
    if contract_id is not None:
        sql, params = sql + " AND contract_id = ?", [*params, contract_id]
    with transaction(db):
        return db.conn.execute(sql, params).rowcount


def public(rule: dict[str, Any]) -> dict[str, Any]:
    """A rule as the control API shows it."""
    match = {
        "contractId": rule["contract_id"],
        "method": rule["method"] or "*",
        "path": rule["path"],
        "clientId": rule["client_id"],
        "userId": rule["user_id"],
    }
    return {
        "faultId": rule["id"],
        "match": {k: v for k, v in match.items() if v is not None},
        "effect": {"type": rule["effect"], **params_of(rule)},
        "trigger": _trigger_view(rule),
        "note": rule["note"],
        "hits": rule["hits"],
        "fired": rule["fired"],
        "lastFiredAt": clock.to_api(clock.from_db(rule["last_fired_at"])) if rule["last_fired_at"] else None,
        "createdAt": clock.to_api(clock.from_db(rule["created_at"])),
    }


def _trigger_view(rule: dict[str, Any]) -> dict[str, Any]:
    trigger = {k: rule[k] for k in ("probability", "seed", "nth", "after", "times") if rule[k] is not None}
    if rule["window_start"] or rule["window_end"]:
        trigger["window"] = {
            k: clock.to_api(clock.from_db(rule[f"window_{k}"]))
            for k in ("start", "end")
            if rule[f"window_{k}"]
        }
    return trigger


def params_of(rule: dict[str, Any]) -> dict[str, Any]:
    """A stored rule's effect parameters, decoded."""
    params = rule["params"]
    return json.loads(params) if isinstance(params, str) else params
