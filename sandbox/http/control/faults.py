"""``/sandbox/v1`` for scripted incidents: fault rules, incidents, the request log and the timeline."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, current_app, g, request

from sandbox import clock, events
from sandbox.bank import contracts, users
from sandbox.errors import InvalidParameter, SandboxForbidden
from sandbox.http.control import auth
from sandbox.http.web import MAX_INT, int_arg, json_body, reply
from sandbox.incidents import lifecycle as incidents
from sandbox.oauth import clients
from sandbox.store import Database, get_db, transaction
from sandbox.wire import requestlog, timeline
from sandbox.wire import rules as faults

bp = Blueprint("faults", __name__, url_prefix="/sandbox/v1")
bp.before_request(auth.authenticate)

# The public surface of DESIGN §4, so a glob for an endpoint not built yet is still "known".
DESIGN_PATHS = [
    "/auth/v1/authorization",
    "/auth/v1/token",
    "/auth/v1/revoke",
    "/auth/v1/introspect",
    "/corporation/v1/accounts",
    "/corporation/v1/accounts/balances",
    "/corporation/v1/accounts/transactions",
    "/corporation/v1/transfer/transferfee",
    "/corporation/v1/transfer/request",
    "/corporation/v1/transfer/request-result",
    "/corporation/v1/transfer/status",
    "/corporation/v1/transfer/cancel",
    "/corporation/v1/transfer/approval",
]


# -- fault rules ---------------------------------------------------------------------------------------------


@bp.get("/faults")
def list_faults() -> Response:
    db = get_db()
    wanted = g.control_contract or request.args.get("contractId")
    found = faults.list_rules(db, wanted)
    return reply({"faults": [faults.public(r) for r in found], "count": len(found)})


@bp.post("/faults")
def add_fault() -> Response:
    rule, warnings = add_rule(get_db(), json_body(), g.control_contract)
    return reply({**faults.public(rule), "warnings": warnings}, 201)


def add_rule(
    db: Database, data: dict[str, Any], key_contract: str | None
) -> tuple[dict[str, Any], list[str]]:
    """Check, store and note a rule as ``POST /faults`` does; return it with its warnings.

    ``key_contract`` is the contract of a contract key (its rules are always its own), None for the admin key.
    """
    columns = faults.parse_rule(data)
    if key_contract is not None:
        if columns["contract_id"] not in (None, key_contract):
            raise SandboxForbidden(f"this key may only add rules for contract {key_contract}")
        columns["contract_id"] = key_contract
    at = _check_targets(db, columns)
    with transaction(db):  # the rule and its timeline note together, or neither
        rule = faults.create(db, columns, at)
        if rule["contract_id"]:
            _note(
                db, rule["contract_id"], at, f"fault rule #{rule['id']} added: {_describe(rule)}", rule["id"]
            )
    return rule, faults.path_warnings(columns["path"], known_paths())


def _check_targets(db: Database, columns: dict[str, Any]) -> datetime:
    """The contract, user and client a rule names must exist; return the time to stamp it with."""
    contract_id = columns["contract_id"]
    if contract_id is None:
        if columns["user_id"]:
            raise InvalidParameter(
                "match.userId needs match.contractId (a 利用者ID is per contract)", field="match.userId"
            )
        if columns["client_id"]:
            clients.get(db, columns["client_id"])
        return clock.wall_now()
    _, now = events.touch(db, contract_id)
    if columns["user_id"]:
        users.get(db, contract_id, columns["user_id"])
    if columns["client_id"]:
        clients.get(db, columns["client_id"], contract_id)
    return now


def _describe(rule: dict[str, Any]) -> str:
    return f"{rule['effect']} on {rule['method'] or '*'} {rule['path']}"


def _note(db: Database, contract_id: str, at: datetime, summary: str, rule_id: int) -> None:
    events.record(db, contract_id, at, "fault-rule", summary, {"faultId": rule_id})


@bp.delete("/faults")
def clear_faults() -> Response:
    db = get_db()
    wanted = g.control_contract or request.args.get("contractId")
    gone = faults.list_rules(db, wanted)
    count = faults.delete(db, contract_id=wanted)
    for rule in gone:
        if rule["contract_id"]:
            _removed(db, rule)
    return reply({"deleted": count})


@bp.delete("/faults/<int:fault_id>")
def delete_fault(fault_id: int) -> Response:
    rule = remove_rule(get_db(), fault_id, g.control_contract)
    return reply({"deleted": 1, "fault": faults.public(rule)})


def remove_rule(db: Database, fault_id: int, key_contract: str | None) -> dict[str, Any]:
    """Delete one rule as ``DELETE /faults/{id}`` does (noted on its contract's timeline); return it."""
    with transaction(db):
        rule = faults.get(db, fault_id, key_contract)
        faults.delete(db, fault_id)
        if rule["contract_id"]:
            _removed(db, rule)
    return rule


def _removed(db: Database, rule: dict[str, Any]) -> None:
    _, now = events.touch(db, rule["contract_id"])
    summary = f"fault rule #{rule['id']} removed after {rule['hits']} hits, {rule['fired']} fired"
    _note(db, rule["contract_id"], now, summary, rule["id"])


def known_paths() -> list[str]:
    """Every API and OAuth path the app serves (parameters as ``x``) plus DESIGN §4's."""
    served = [
        re.sub(r"<[^>]+>", "x", rule.rule)
        for rule in current_app.url_map.iter_rules()
        if rule.rule.startswith(faults.PREFIXES)
    ]
    return sorted(set(served + DESIGN_PATHS))


# -- request log ---------------------------------------------------------------------------------------------


@bp.get("/requests")
def list_requests() -> Response:
    contract_id = request.args.get("contractId")
    if g.control_contract is not None:
        if contract_id not in (None, g.control_contract):
            raise SandboxForbidden(f"this key belongs to contract {g.control_contract}")
        contract_id = g.control_contract
    found = requestlog.query(
        get_db(),
        contract_id=contract_id,
        after_id=_int_arg("afterId", None, 0),
        limit=_int_arg("limit", 100, 1, 1000),
        path=request.args.get("path"),
        faulted=request.args.get("faulted") in ("1", "true"),
    )
    last = found[-1]["id"] if found else _int_arg("afterId", None, 0)
    return reply({"requests": [requestlog.public(r) for r in found], "count": len(found), "lastId": last})


def _int_arg(name: str, default: int | None, low: int, high: int | None = None) -> int | None:
    return int_arg(name, default, low, MAX_INT if high is None else high)


# -- incidents -----------------------------------------------------------------------------------------------


@bp.post("/contracts/<contract_id>/incidents")
def add_incident(contract_id: str) -> Response:
    auth.allow_contract(contract_id)
    return reply(incidents.create(get_db(), contract_id, json_body()), 201)


@bp.get("/contracts/<contract_id>/incidents")
def list_incidents(contract_id: str) -> Response:
    auth.allow_contract(contract_id)
    db = get_db()
    contracts.get(db, contract_id)
    found = [incidents.public(i) for i in incidents.list_for(db, contract_id)]
    return reply({"incidents": found, "count": len(found)})


@bp.get("/contracts/<contract_id>/incidents/<int:incident_id>")
def show_incident(contract_id: str, incident_id: int) -> Response:
    auth.allow_contract(contract_id)
    return reply(incidents.public(incidents.get(get_db(), contract_id, incident_id)))


@bp.delete("/contracts/<contract_id>/incidents/<int:incident_id>")
def end_incident(contract_id: str, incident_id: int) -> Response:
    auth.allow_contract(contract_id)
    return reply(incidents.end(get_db(), contract_id, incident_id))


# -- timeline ------------------------------------------------------------------------------------------------


@bp.get("/contracts/<contract_id>/timeline")
def show_timeline(contract_id: str) -> Response:
    auth.allow_contract(contract_id)
    db = get_db()
    contract, now = events.touch(db, contract_id)
    since = _instant_arg("since") or clock.from_db(contract["created_at"])
    entries = timeline.build(
        db, contract_id, now, since, _instant_arg("until"), _int_arg("limit", 200, 1, 5000) or 200
    )
    return reply(
        {"contractId": contract_id, "now": clock.to_api(now), "entries": entries, "count": len(entries)}
    )


def _instant_arg(name: str) -> datetime | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        return clock.parse_instant(raw)
    except ValueError as exc:
        raise InvalidParameter(str(exc), field=name) from exc


