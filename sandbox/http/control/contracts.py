"""``/sandbox/v1/contracts``: list and show contracts, issue a contract's own key, change its settings,
read a user's one-time password. Thin views: parse, call one domain function, reply."""

from __future__ import annotations

from flask import Response, current_app, g, request

from sandbox.bank import contract_admin, contract_views, contracts
from sandbox.http.control import auth
from sandbox.http.web import json_body, reply
from sandbox.notify import targets
from sandbox.store import get_db
from sandbox.wire import contract_archive


def list_contracts() -> Response:
    db = get_db()
    archived = request.args.get("archived") in ("1", "true")
    found = [c for c in contracts.list_all(db, archived) if g.control_contract in (None, c["id"])]
    return reply({"contracts": [contract_views.summary(c) for c in found], "count": len(found)})


def show_contract(contract_id: str) -> Response:
    auth.allow_contract(contract_id)
    view, _now = contract_views.current(get_db(), contract_id)
    return reply(view)


def issue_contract_key(contract_id: str) -> Response:
    """Issue the contract's own control key (replacing any earlier one): it reaches only this contract."""
    auth.require_admin()
    key = contract_admin.issue_key(get_db(), contract_id)
    return reply({"contractId": contract_id, "key": key}, 201)


def patch_settings(contract_id: str) -> Response:
    auth.allow_contract(contract_id)
    patch = json_body()
    if isinstance(patch, dict) and "notificationUrl" in patch:  # loopback, or a host the operator allows
        targets.check(get_db(), contract_id, patch["notificationUrl"], current_app.config)
    merged = contract_admin.change_settings(get_db(), contract_id, patch)
    return reply({"contractId": contract_id, "settings": merged})


def user_otp(contract_id: str, user: str) -> Response:
    auth.allow_contract(contract_id)
    return reply(contract_views.user_otp(get_db(), contract_id, user))


def archive_contract(contract_id: str) -> Response:
    """Archive a contract and its children (admin only): hidden from lists, keys retired, fault rules
    removed, incidents ended; its history and ledger stay."""
    auth.require_admin()
    return reply({"archived": contract_archive.archive(get_db(), contract_id)})
