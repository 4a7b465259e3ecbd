"""Adding and removing fault rules as an operator does (control API, dashboard, CLI): each change is checked,
stored and noted on its contract's timeline in one transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sandbox import clock, events
from sandbox.bank import notices, users
from sandbox.errors import InvalidParameter, SandboxForbidden
from sandbox.oauth import clients
from sandbox.store import Database, transaction
from sandbox.wire import rules


def add(
    db: Database, data: dict[str, Any], key_contract: str | None, known_paths: list[str]
) -> tuple[dict[str, Any], list[str]]:
    """Check, store and note a rule as ``POST /faults`` does; return it with its warnings (a path that
    matches none of ``known_paths``). ``key_contract`` is the contract of a contract key (its rules are
    always its own), None for the admin key."""
    columns = rules.parse_rule(data)
    if key_contract is not None:
        if columns["contract_id"] not in (None, key_contract):
            raise SandboxForbidden(f"this key may only add rules for contract {key_contract}")
        columns["contract_id"] = key_contract
    at = _check_targets(db, columns)
    with transaction(db):  # the rule and its timeline note together, or neither
        rule = rules.create(db, columns, at)
        if rule["contract_id"]:
            _note(
                db, rule["contract_id"], at, f"fault rule #{rule['id']} added: {_describe(rule)}", rule["id"]
            )
    if columns["effect"] in rules.OUTGOING:  # a notification's path is /<eventType>
        known_paths = [f"/{name}" for name in notices.EVENT_TYPES]
    return rule, rules.path_warnings(columns["path"], known_paths)


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


def remove(db: Database, fault_id: int, key_contract: str | None) -> dict[str, Any]:
    """Delete one rule as ``DELETE /faults/{id}`` does (noted on its contract's timeline); return it."""
    with transaction(db):
        rule = rules.get(db, fault_id, key_contract)
        rules.delete(db, fault_id)
        if rule["contract_id"]:
            _removed(db, rule)
    return rule


def clear(db: Database, contract_id: str | None) -> int:
    """Delete every rule (or every rule of one contract), each noted on its contract's timeline."""
    with transaction(db):
        gone = rules.list_rules(db, contract_id)
        count = rules.delete(db, contract_id=contract_id)
        for rule in gone:
            if rule["contract_id"]:
                _removed(db, rule)
    return count


def _describe(rule: dict[str, Any]) -> str:
    return f"{rule['effect']} on {rule['method'] or '*'} {rule['path']}"


def _removed(db: Database, rule: dict[str, Any]) -> None:
    _, now = events.touch(db, rule["contract_id"])
    summary = f"fault rule #{rule['id']} removed after {rule['hits']} hits, {rule['fired']} fired"
    _note(db, rule["contract_id"], now, summary, rule["id"])


def _note(db: Database, contract_id: str, at: datetime, summary: str, rule_id: int) -> None:
    events.record(db, contract_id, at, "fault-rule", summary, {"faultId": rule_id})
