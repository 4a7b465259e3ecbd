"""A grant (アクセス許可) and its tokens as the control API and the dashboard show them: never token values,
and for each that ended, why."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sandbox import clock, events
from sandbox.bank import users
from sandbox.oauth import grants
from sandbox.store import Database, rows


def _api(stamp: str | None) -> str | None:
    return clock.to_api(clock.from_db(stamp)) if stamp else None


def for_contract(
    db: Database, contract_id: str, now: datetime, *, limit: int | None = None, newest_first: bool = False
) -> list[dict[str, Any]]:
    """The contract's grants in creation order (or newest first, at most ``limit``), each with its tokens."""
    sql = "SELECT * FROM oauth_grants WHERE contract_id = ? ORDER BY id" + (" DESC" if newest_first else "")
    found = rows(db, sql + " LIMIT ?", (contract_id, -1 if limit is None else limit))
    return [view(db, grant, now) for grant in found]


def current(db: Database, contract_id: str) -> list[dict[str, Any]]:
    """The contract's grants as of its clock now, after whatever fell due on it (expiries, incidents)."""
    _contract, now = events.touch(db, contract_id)
    return for_contract(db, contract_id, now)


def _status(ended: str | None, expires_at: str, now: datetime) -> str:
    if ended:
        return "revoked"
    return "expired" if now >= clock.from_db(expires_at) else "active"


def view(db: Database, grant: dict[str, Any], now: datetime) -> dict[str, Any]:
    """A grant as the control API and the dashboard show it (never token values)."""
    user = users.get(db, grant["contract_id"], grant["user_id"])
    tokens = rows(db, "SELECT * FROM oauth_tokens WHERE grant_id = ? ORDER BY id", (grant["id"],))
    view = {
        "grantId": grant["id"],
        "clientId": grant["client_id"],
        "userId": user["login_id"],
        "scope": grant["scope"],
        "via": grant["via"],
        "createdAt": _api(grant["created_at"]),
        "expiresAt": _api(grant["expires_at"]),
        "status": _status(grant["revoked_at"], grant["expires_at"], now),
        "tokens": [_token_view(t, now) for t in tokens],
    }
    if grant["revoked_at"]:
        view["revokedAt"] = _api(grant["revoked_at"])
        view["revokedReason"] = grant["revoked_reason"]
        view["revokedWhy"] = grants.REASONS.get(grant["revoked_reason"], grant["revoked_reason"])
    return view


def _token_view(token: dict[str, Any], now: datetime) -> dict[str, Any]:
    view = {
        "tokenId": token["id"],
        "scope": token["scope"],
        "issuedAt": _api(token["issued_at"]),
        "expiresAt": _api(token["expires_at"]),
        "hasRefreshToken": token["refresh_hash"] is not None,
        "status": _status(token["revoked_at"], token["expires_at"], now),
    }
    if token["rotated_at"]:
        view["refreshRotatedAt"] = _api(token["rotated_at"])
    if token["revoked_reason"]:
        view["revokedReason"] = token["revoked_reason"]
    if token["parent_id"]:
        view["refreshedFrom"] = token["parent_id"]
    return view
