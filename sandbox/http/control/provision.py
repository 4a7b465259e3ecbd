"""``POST /sandbox/v1/contracts``: fresh isolated contracts for scenarios and workshop participants."""

from __future__ import annotations

import re
from typing import Any

from flask import Response

from sandbox.bank import contract_views
from sandbox.errors import InvalidParameter
from sandbox.fields import field
from sandbox.http.control import auth, inputs
from sandbox.http.web import json_body, reply
from sandbox.seeding import provisioning
from sandbox.seeding import worlds as seeding
from sandbox.store import Database, get_db

MAX_AT_ONCE = 200
# ASCII, as the docs say: str.isalnum would also let in full-width Ｃ００９９ and Arabic-Indic C٠٠٩٩
CONTRACT_ID = re.compile(r"[A-Za-z0-9]{1,16}")
PREFIX = re.compile(r"[A-Za-z]{1,4}")


def create_contracts() -> Response:
    """Create ``count`` contracts (or the one ``contractId``) copied from a world's contract template.

    Each gets its own users, accounts, 90 days of history, clients and clock; with ``issueKeys`` each
    also gets a contract key that reaches only it (a workshop participant's key). With ``parentId`` they
    are children of that contract, which pays their fees (§2(5)) and whose tokens see their accounts (§4(6)).
    """
    auth.require_admin()
    data = json_body(required=False)
    db = get_db()
    # every field is checked before anything is created: a bad field never leaves contracts behind
    ids = _ids(db, data)
    done = provisioning.create(
        db,
        ids,
        settings=field(data, "settings", dict, required=False),
        parent_id=field(data, "parentId", required=False),
        world=field(data, "world", required=False) or "demo",
        template=field(data, "template", required=False),
        seed=field(data, "seed", int, required=False),
        start=inputs.optional_instant(data, "start"),
        frozen=field(data, "frozen", bool, required=False) or False,
        issue_keys=bool(field(data, "issueKeys", bool, required=False)),
    )
    created = [_created(db, contract_id, done.keys) for contract_id in ids]
    body = {"contracts": created, "count": len(created), "credentials": done.world.credentials}
    return reply({**body, "clients": done.world.extras.get("clients", [])}, 201)


def _created(db: Database, contract_id: str, keys: dict[str, str]) -> dict[str, Any]:
    view, _now = contract_views.current(db, contract_id)
    return {**view, **({"key": keys[contract_id]} if keys else {})}


def _ids(db: Database, data: dict[str, Any]) -> list[str]:
    """The one ``contractId`` asked for, or ``count`` fresh ids starting with ``prefix``."""
    given = field(data, "contractId", required=False)
    if given is not None:
        if not CONTRACT_ID.fullmatch(given):
            raise InvalidParameter("contractId must be 1-16 ASCII letters or digits", field="contractId")
        return [given]
    count = field(data, "count", int, required=False)
    count = 1 if count is None else count
    if not 1 <= count <= MAX_AT_ONCE:
        raise InvalidParameter(f"count must be between 1 and {MAX_AT_ONCE}", field="count")
    prefix = field(data, "prefix", required=False) or "C"
    if not PREFIX.fullmatch(prefix):
        raise InvalidParameter("prefix must be 1-4 ASCII letters", field="prefix")
    return seeding.next_contract_ids(db, count, prefix)
