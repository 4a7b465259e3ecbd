"""The contract's faults-and-incidents tab: fault rules (add, remove), incidents in force and the incident
buttons. Each action takes the control API's own steps (``faults``, ``fault_views``, ``incidents``).
"""

from __future__ import annotations

from typing import Any

from flask import Response, g, request, url_for
from markupsafe import Markup

from sandbox.bank.contracts import SERVICES
from sandbox.bank.transfers import lifecycle as transfers
from sandbox.bank.transfers import listing
from sandbox.errors import InvalidParameter
from sandbox.fields import parse_json
from sandbox.http import paths
from sandbox.http.ui.common import act, back, load_contract, render
from sandbox.http.ui.messages import t
from sandbox.incidents import lifecycle as incidents
from sandbox.incidents.types import KINDS
from sandbox.oauth import clients
from sandbox.store import get_db
from sandbox.wire import rule_admin
from sandbox.wire import rules as faults

# The incident buttons: type -> the form fields it shows (a trailing ? marks an optional one).
INCIDENT_FORMS: dict[str, tuple[str, ...]] = {
    "revoke-tokens": ("userId?", "clientId?"),
    "privilege-change": ("userId", "privileges"),
    "password-change": ("userId",),
    "double-login": ("userId", "duration"),
    "maintenance": ("duration", "recur?"),
    "withdraw-service": ("services",),
    "reinstate-service": ("services?",),
    "rotate-key": ("clientId?", "grace?"),
    "return-funds": ("applyNo",),
    "item-outcome": ("applyNo", "itemId?", "outcome?", "reason?"),
    "recall": ("applyNo", "itemIds?"),
    "suspend": (),
    "resume": (),
    "terminate": (),
}
DANGEROUS = ("terminate", "suspend", "revoke-tokens", "password-change")
LIST_FIELDS = ("privileges", "services")
SPLIT_FIELDS = ("itemIds",)  # comma-separated in one text field


def faults_page(contract_id: str) -> tuple[str, int]:
    c, _now = load_contract(contract_id)
    db = get_db()
    rules = faults.list_rules(db, contract_id)
    if g.control_contract is None:  # rules for every contract reach this one too
        rules = [r for r in faults.list_rules(db) if r["contract_id"] is None] + rules
    found = [incidents.public(i) for i in reversed(incidents.list_for(db, contract_id))]
    return render(
        "faults.html",
        c=c,
        tab="faults",
        rules=[faults.public(r) for r in rules],
        effects=faults.EFFECTS,
        methods=faults.METHODS,
        paths=paths.known(),
        incidents=found,
        forms=INCIDENT_FORMS,
        dangerous=DANGEROUS,
        kinds=KINDS,
        clients=clients.for_contract(db, contract_id),
        returnable=listing.returnable(db, contract_id),
        services=SERVICES,
        status_names=transfers.STATUS_NAMES,
    )


def add_fault(contract_id: str) -> Response:
    """Add a rule for this contract, as ``POST /sandbox/v1/faults`` with ``match.contractId`` does."""
    load_contract(contract_id)

    def add() -> str:
        rule, warnings = rule_admin.add(get_db(), _rule_body(contract_id), g.control_contract, paths.known())
        return " ".join([t("fault_added", id=rule["id"]), *warnings])

    act(add)
    return back(url_for("ui.faults_page", contract_id=contract_id))


def _rule_body(contract_id: str) -> dict[str, Any]:
    form = request.form
    options = form.get("options", "").strip()
    try:
        effect = parse_json(options.encode()) if options else {}
    except ValueError as exc:
        raise InvalidParameter(f"effect options are not JSON: {exc}", field="effect") from exc
    if not isinstance(effect, dict):
        raise InvalidParameter("effect options must be a JSON object", field="effect")
    match = {
        "contractId": contract_id,
        **{k: form.get(k) or None for k in ("method", "path", "userId", "clientId")},
    }
    trigger: dict[str, Any] = {k: _number(k, int) for k in ("times", "nth", "after", "seed")}
    trigger["probability"] = _number("probability", float)
    return {
        "match": {k: v for k, v in match.items() if v},
        "effect": {**effect, "type": form.get("effect", "")},
        "trigger": {k: v for k, v in trigger.items() if v is not None},
        "note": form.get("note") or None,
    }


def _number(name: str, kind: type) -> Any:
    raw = request.form.get(name, "").strip()
    if not raw:
        return None
    try:
        return kind(raw)
    except ValueError as exc:
        raise InvalidParameter(f"trigger.{name} must be a number", field=f"trigger.{name}") from exc


def delete_fault(contract_id: str, fault_id: int) -> Response:
    """Remove a rule, as ``DELETE /sandbox/v1/faults/{id}`` does (a contract key only its own rules)."""
    load_contract(contract_id)

    def delete() -> str:
        rule_admin.remove(get_db(), fault_id, g.control_contract)
        return t("fault_removed", id=fault_id)

    act(delete)
    return back(url_for("ui.faults_page", contract_id=contract_id))


def add_incident(contract_id: str) -> Response:
    """An incident button: the same ``incidents.create`` as ``POST /sandbox/v1/contracts/{id}/incidents``."""
    load_contract(contract_id)
    kind = request.form.get("type", "")
    data: dict[str, Any] = {"type": kind}
    for spec in INCIDENT_FORMS.get(kind, ()):
        name = spec.rstrip("?")
        value: Any = request.form.getlist(name) if name in LIST_FIELDS else request.form.get(name, "").strip()
        if value and name in SPLIT_FIELDS:
            value = [v.strip() for v in value.split(",") if v.strip()]
        if value or (name in LIST_FIELDS and not spec.endswith("?")):
            data[name] = value
    if request.form.get("in", "").strip():
        data["in"] = request.form["in"].strip()

    def create() -> str:
        made = incidents.create(get_db(), contract_id, data)
        done = t("incident_created", id=made["incidentId"], type=kind, status=t("istatus_" + made["status"]))
        return done + (" " + t("password_once", password=made["password"]) if made.get("password") else "")

    act(create)
    return back(url_for("ui.faults_page", contract_id=contract_id))


def end_incident(contract_id: str, incident_id: int) -> Response:
    """Cancel a scheduled incident or close a window now (``DELETE …/incidents/{id}``)."""
    load_contract(contract_id)

    def end() -> str:
        ended = incidents.end(get_db(), contract_id, incident_id)
        return t("incident_ended", id=incident_id, status=t("istatus_" + ended["status"]))

    act(end)
    return back(url_for("ui.faults_page", contract_id=contract_id))


def incident_badge(status: str) -> Markup:
    kind = {"active": "warn", "scheduled": "info", "done": "ok", "failed": "bad"}.get(status, "muted")
    return Markup('<span class="badge badge-{}">{}</span>').format(kind, t("istatus_" + status))


def context() -> dict[str, Any]:
    return {"incident_badge": incident_badge}
