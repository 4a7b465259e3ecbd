"""A contract as the control API and the dashboard show it (read models, camelCase as in DESIGN §4)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sandbox import clock, events
from sandbox.bank import accounts, clocks, contracts, users
from sandbox.store import Database


def summary(contract: dict[str, Any]) -> dict[str, Any]:
    """The contract in a list: identity, status, services and clock."""
    return {
        "contractId": contract["id"],
        "name": contract["name"],
        "nameKana": contract["name_kana"],
        "status": contract["status"],
        "services": contract["services"],
        "parentId": contract["parent_id"],
        "now": clock.to_api(clock.contract_now(contract)),
        "clockMode": contract["clock_mode"],
        **({"archivedAt": contract["archived_at"]} if contract.get("archived_at") else {}),
    }


def detail(db: Database, contract: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The contract in full: settings, clock, users and accounts."""
    return {
        **summary(contract),
        "linkageScope": contract["linkage"],
        "children": contracts.children(db, contract["id"]),
        "feeAccountId": contract["fee_account_id"],
        "settings": contracts.settings(contract),
        "clock": clocks.view(db, contract, now),
        "users": [users.public(u) for u in users.for_contract(db, contract["id"])],
        "accounts": [accounts.public(a) for a in accounts.for_contracts(db, [contract["id"]])],
    }


def current(db: Database, contract_id: str) -> tuple[dict[str, Any], datetime]:
    """The contract's detail and time now, after the events that fell due have run."""
    contract, now = events.touch(db, contract_id)
    return detail(db, contract, now), now


def listed(db: Database, contract_ids: list[str]) -> list[dict[str, Any]]:
    """Each contract's summary with its clock now, as the dashboard's first page lists them."""
    found = []
    for contract_id in contract_ids:
        contract, now = events.touch(db, contract_id)
        found.append({**summary(contract), "clock": clocks.view(db, contract, now)})
    return found


def user_otp(db: Database, contract_id: str, user: str) -> dict[str, Any]:
    """A user's one-time password at the contract's time and until when it holds."""
    _contract, now = events.touch(db, contract_id)
    found = users.get(db, contract_id, user)
    return {
        "contractId": contract_id,
        "userId": found["login_id"],
        "otp": users.otp(found, now),
        "at": clock.to_api(now),
        "validUntil": clock.to_api(users.otp_valid_until(now)),
    }
