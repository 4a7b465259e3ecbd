"""``POST /sandbox/v1/contracts``: fresh isolated contracts for scenarios and workshop participants."""

from __future__ import annotations

import secrets
from typing import Any

from flask import Response

from sandbox.bank import contracts
from sandbox.errors import InvalidParameter
from sandbox.events import touch
from sandbox.fields import field
from sandbox.http.control import auth
from sandbox.http.control.views import _instant, bp, detail
from sandbox.http.web import json_body, reply
from sandbox.seeding import worlds as seeding
from sandbox.store import Database, get_db, transaction

MAX_AT_ONCE = 200


@bp.post("/contracts")
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
    settings = field(data, "settings", dict, required=False)
    if settings:
        contracts.validate_settings(settings)
    parent_id = _parent(db, field(data, "parentId", required=False))
    options = {
        "world": field(data, "world", required=False) or "demo",
        "template": field(data, "template", required=False),
        "seed": field(data, "seed", int, required=False),
        "start": _instant(data, "start") if data.get("start") is not None else None,
        "frozen": field(data, "frozen", bool, required=False) or False,
    }
    issue_keys = field(data, "issueKeys", bool, required=False)
    with transaction(db):
        built = seeding.add_contracts(db, ids, settings=settings, parent_id=parent_id, **options)
        keys = _issue_keys(db, ids) if issue_keys else {}
    created = []
    for contract_id in ids:
        contract, now = touch(db, contract_id)
        created.append({**detail(db, contract, now), **({"key": keys[contract_id]} if keys else {})})
    return reply(
        {
            "contracts": created,
            "count": len(created),
            "credentials": built.credentials,
            "clients": built.extras.get("clients", []),
        },
        201,
    )


def _parent(db: Database, parent_id: str | None) -> str | None:
    """An existing active contract that is not itself a child: the parent of the new contracts (親仔契約)."""
    if parent_id is None:
        return None
    parent = contracts.get(db, parent_id)
    if parent["parent_id"]:
        raise InvalidParameter(f"{parent_id} is itself a child of {parent['parent_id']}", field="parentId")
    contracts.require_active(parent)
    return parent_id


def _ids(db: Database, data: dict[str, Any]) -> list[str]:
    given = field(data, "contractId", required=False)
    if given is not None:
        if not given.isalnum() or len(given) > 16:
            raise InvalidParameter("contractId must be 1-16 letters or digits", field="contractId")
        return [given]
    count = field(data, "count", int, required=False)
    count = 1 if count is None else count
    if not 1 <= count <= MAX_AT_ONCE:
        raise InvalidParameter(f"count must be between 1 and {MAX_AT_ONCE}", field="count")
    prefix = field(data, "prefix", required=False) or "C"
    if not prefix.isalpha() or len(prefix) > 4:
        raise InvalidParameter("prefix must be 1-4 letters", field="prefix")
    return seeding.next_contract_ids(db, count, prefix)


def _issue_keys(db: Database, ids: list[str]) -> dict[str, str]:
    keys = {cid: f"sbx_{cid.lower()}_{secrets.token_urlsafe(18)}" for cid in ids}
    with transaction(db):
        for cid, key in keys.items():
            db.conn.execute(
                "UPDATE contracts SET control_key_hash = ? WHERE id = ?", (contracts.key_hash(key), cid)
            )
    return keys
