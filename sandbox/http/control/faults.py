"""``/sandbox/v1`` for scripted incidents: fault rules, incidents, the request log and the timeline."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, g, request

from sandbox import clock
from sandbox.bank import clocks, contracts
from sandbox.errors import InvalidParameter, SandboxForbidden
from sandbox.http import paths
from sandbox.http.control import auth
from sandbox.http.web import MAX_INT, int_arg, json_body, reply
from sandbox.incidents import lifecycle as incidents
from sandbox.store import get_db
from sandbox.wire import logfile, requestlog, rule_admin, timeline
from sandbox.wire import rules as faults

bp = Blueprint("faults", __name__)
bp.before_request(auth.authenticate)

# -- fault rules ---------------------------------------------------------------------------------------------


@bp.get("/faults")
def list_faults() -> Response:
    db = get_db()
    wanted = g.control_contract or request.args.get("contractId")
    found = faults.list_rules(db, wanted)
    return reply({"faults": [faults.public(r) for r in found], "count": len(found)})


@bp.post("/faults")
def add_fault() -> Response:
    rule, warnings = rule_admin.add(get_db(), json_body(), g.control_contract, paths.known())
    return reply({**faults.public(rule), "warnings": warnings}, 201)


@bp.delete("/faults")
def clear_faults() -> Response:
    count = rule_admin.clear(get_db(), g.control_contract or request.args.get("contractId"))
    return reply({"deleted": count})


@bp.delete("/faults/<int:fault_id>")
def delete_fault(fault_id: int) -> Response:
    rule = rule_admin.remove(get_db(), fault_id, g.control_contract)
    return reply({"deleted": 1, "fault": faults.public(rule)})


# -- request log ---------------------------------------------------------------------------------------------


@bp.get("/requests")
def list_requests() -> Response:
    contract_id = request.args.get("contractId")
    if g.control_contract is not None:
        if contract_id not in (None, g.control_contract):
            raise SandboxForbidden(f"this key belongs to contract {g.control_contract}")
        contract_id = g.control_contract
    found = requestlog.query(
        logfile.beside(get_db()),
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
    contract, now = clocks.catch_up(db, contract_id)
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
