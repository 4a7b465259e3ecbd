"""``/sandbox/v1`` clocks: read a contract's clock, set or freeze it, advance it or every clock at once."""

from __future__ import annotations

from flask import Response

from sandbox.bank import clocks
from sandbox.errors import InvalidParameter
from sandbox.fields import field
from sandbox.http.control import auth, inputs
from sandbox.http.web import json_body, reply
from sandbox.store import get_db


def get_clock(contract_id: str) -> Response:
    auth.allow_contract(contract_id)
    return reply(clocks.current(get_db(), contract_id))


def put_clock(contract_id: str) -> Response:
    """Set mode (``running``/``frozen``) and/or move to ``at``; never backwards."""
    auth.allow_contract(contract_id)
    data = json_body()
    mode = field(data, "mode", required=False)
    if mode not in (None, "running", "frozen"):
        raise InvalidParameter("mode must be running or frozen", field="mode")
    db = get_db()
    clocks.move(db, contract_id, inputs.optional_instant(data, "at"), mode=mode)
    return reply(clocks.current(db, contract_id))


def advance_clock(contract_id: str) -> Response:
    auth.allow_contract(contract_id)
    target = inputs.target(json_body())
    db = get_db()
    moved = clocks.move(db, contract_id, target)
    return reply({**clocks.current(db, contract_id), "eventsRun": moved["eventsRun"]})


def advance_all() -> Response:
    """Move every contract's clock, all or none: each target is checked before any clock moves."""
    auth.require_admin()
    moved = clocks.advance_all(get_db(), inputs.target(json_body()))
    return reply({"contracts": moved, "count": len(moved)})
