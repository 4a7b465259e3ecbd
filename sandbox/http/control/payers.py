"""The payer simulator and the invoices of the control API (``/sandbox/v1/contracts/{id}/…``):

- ``POST …/payers`` schedules one payer (or ``{"payers": [...]}``, up to 1,000, all or none) — 201;
- ``GET …/payers`` lists them, ``DELETE …/payers/{payerId}`` stops one (its pending payments are cancelled);
- ``GET …/invoices`` the contract's invoices with the item keys that truly pay them (the answer key);
- ``POST …/invoices/reconciliation`` grades a client's matching and notes it on the timeline.
"""

from __future__ import annotations

from typing import Any

from flask import Response

from sandbox import clock, events
from sandbox.bank import invoices
from sandbox.bank.payers import simulator
from sandbox.errors import InvalidParameter
from sandbox.fields import field
from sandbox.http.control import auth, inputs
from sandbox.http.web import json_body, reply
from sandbox.store import get_db, transaction

MAX_PAYERS = 1000


def create_payers(contract_id: str) -> Response:
    """Schedule payers; each pays on the contract clock from ``at`` (ISO 8601) or ``in`` (a duration)."""
    auth.allow_contract(contract_id)
    data, db = json_body(), get_db()
    specs = field(data, "payers", list) if "payers" in data else [data]
    if not specs or len(specs) > MAX_PAYERS or not all(isinstance(s, dict) for s in specs):
        raise InvalidParameter(f"payers must list 1 to {MAX_PAYERS} objects", field="payers")
    with transaction(db):
        made = [simulator.create(db, contract_id, spec, _first_at(db, contract_id, spec)) for spec in specs]
    return reply(made[0] if "payers" not in data else {"payers": made, "count": len(made)}, 201)


def _first_at(db: Any, contract_id: str, spec: dict[str, Any]) -> Any:
    """``at`` (an instant) or ``in`` (a duration from now on the contract clock), or None (now)."""
    if spec.get("at") is not None and spec.get("in") is not None:
        raise InvalidParameter('give at most one of "at" or "in"', field="at")
    if spec.get("in") is not None:
        try:
            delta = clock.parse_duration(str(spec["in"]))
        except ValueError as exc:
            raise InvalidParameter(str(exc), field="in") from exc
        return events.touch(db, contract_id)[1] + delta
    return inputs.optional_instant(spec, "at")


def list_payers(contract_id: str) -> Response:
    auth.allow_contract(contract_id)
    found = simulator.listing(get_db(), contract_id)
    return reply({"payers": found, "count": len(found)})


def delete_payer(contract_id: str, payer_id: str) -> Response:
    auth.allow_contract(contract_id)
    return reply(simulator.delete(get_db(), contract_id, payer_id))


def list_invoices(contract_id: str) -> Response:
    """The contract's invoices by due date, each with ``paidBy``: the item keys of the credits paying it."""
    auth.allow_contract(contract_id)
    db = get_db()
    events.touch(db, contract_id)
    found = invoices.listing(db, contract_id)
    return reply({"invoices": found, "count": len(found)})


def grade_reconciliation(contract_id: str) -> Response:
    """Grade ``{"matches": {invoiceNo: [itemKey, ...]}}`` against the invoices due by today."""
    auth.allow_contract(contract_id)
    data, db = json_body(), get_db()
    matches = field(data, "matches", dict)
    if not all(isinstance(v, list) and all(isinstance(k, str) for k in v) for v in matches.values()):
        raise InvalidParameter("matches maps each invoiceNo to a list of itemKey strings", field="matches")
    now = events.touch(db, contract_id)[1]
    with transaction(db):
        return reply(invoices.grade(db, contract_id, matches, now))
