"""Parameter helpers shared by the incident types: users, clients, services, durations, instants."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sandbox import clock
from sandbox.bank import contracts, users
from sandbox.errors import InvalidParameter
from sandbox.oauth import clients
from sandbox.store import Database


def user(
    db: Database, contract: dict[str, Any], params: dict[str, Any], required: bool = True
) -> dict[str, Any] | None:
    """The user named by ``userId`` (a 利用者ID of the contract); None when optional and absent."""
    login = params.get("userId")
    if login is None and not required:
        return None
    if not isinstance(login, str) or not login:
        raise InvalidParameter("userId (利用者ID) is required", field="userId")
    return users.get(db, contract["id"], login)


def client(db: Database, contract: dict[str, Any], params: dict[str, Any]) -> str | None:
    """The contract's client named by ``clientId``, or None when absent."""
    client_id = params.get("clientId")
    if client_id is None:
        return None
    if not isinstance(client_id, str):
        raise InvalidParameter("clientId must be a string", field="clientId")
    return clients.get(db, client_id, contract["id"])["client_id"]


def services(params: dict[str, Any], required: bool = True) -> list[str] | None:
    """``services`` as a list of known services in canonical order."""
    wanted = params.get("services")
    if wanted is None and not required:
        return None
    if isinstance(wanted, str):
        wanted = [wanted]
    if not isinstance(wanted, list) or not wanted or any(s not in contracts.SERVICES for s in wanted):
        raise InvalidParameter(
            f"services must be a non-empty list from {', '.join(contracts.SERVICES)}", field="services"
        )
    return [s for s in contracts.SERVICES if s in wanted]


def duration(params: dict[str, Any], name: str, default: str | None = None) -> timedelta | None:
    """``params[name]`` (or ``default``) as a positive duration: 90m, 2h, 3d, PT2H."""
    raw = params.get(name, default)
    if raw is None:
        return None
    try:
        return clock.parse_duration(raw)
    except (ValueError, TypeError) as exc:
        raise InvalidParameter(f"{name}: {exc}", field=name) from exc


def instant(params: dict[str, Any], name: str) -> datetime | None:
    """``params[name]`` as an ISO 8601 instant (JST when naive), or None when absent."""
    if params.get(name) is None:
        return None
    try:
        return clock.parse_instant(params[name])
    except ValueError as exc:
        raise InvalidParameter(str(exc), field=name) from exc
