"""Grants (アクセス許可): recording a consent, ending grants, and the use cases that end them.

A grant is what a user's consent leaves behind (§5(3)); its codes and tokens live in ``models.py``.
The use cases at the bottom (revoke one grant, set a user's privileges) each own their transaction and
their clock catch-up, and are called alike by the control API and the dashboard.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sandbox import clock, events
from sandbox.bank import contracts, users
from sandbox.oauth.errors import GrantNotFound
from sandbox.store import Database, insert, row, rows, transaction

# Why a grant or token ended; shown by the control API and the dashboard.
REASONS = {
    "client_revoked": "revoked by the client (RFC 7009)",
    "superseded": "the user consented again for the same client (setting revokePreviousGrant)",
    "refresh_reuse": "a rotated refresh token was used again: the whole grant is revoked",
    "code_replay": "its authorization code was used twice: what it issued is revoked",
    "pkce_failed": "its authorization code was presented with a wrong PKCE code_verifier: the code is burnt",
    "privilege_removed": "the user's server-connection privileges were removed (terms 5.(5)(1))",
    "control": "revoked through the sandbox control API",
    "bank": "revoked by the bank (terms 5.(5)(2))",
    "password_changed": "the user's password was changed: their grants end",
    "contract_terminated": "the Web21 contract was terminated and the service with it (terms 8, 9)",
}


def create_grant(
    db: Database,
    *,
    contract: dict[str, Any],
    client_id: str,
    user: dict[str, Any],
    scope: str,
    via: str,
    at: datetime,
) -> dict[str, Any]:
    """Record a consent; with ``revokePreviousGrant`` the user's earlier grant for this client ends (§5(3)③)."""
    settings = contracts.settings(contract)
    if settings["revokePreviousGrant"]:
        revoke_grants(db, contract["id"], at=at, reason="superseded", user_id=user["id"], client_id=client_id)
    lifetime = timedelta(seconds=settings["grantLifetime"])
    columns = {"contract_id": contract["id"], "client_id": client_id, "user_id": user["id"], "scope": scope}
    stamps = {"via": via, "created_at": clock.to_db(at), "expires_at": clock.to_db(at + lifetime)}
    grant_id = insert(db, "oauth_grants", {**columns, **stamps})
    summary = f"{user['login_id']} granted {scope!r} to client {client_id} ({via})"
    events.record(db, contract["id"], at, "oauth", summary, {"grantId": grant_id})
    return get_grant(db, grant_id) or {}


def get_grant(db: Database, grant_id: int) -> dict[str, Any] | None:
    return row(db, "SELECT * FROM oauth_grants WHERE id = ?", (grant_id,))


def revoke_grant(db: Database, grant: dict[str, Any], *, at: datetime, reason: str) -> bool:
    """End one grant and every token it issued; False when it had already ended."""
    stamp = clock.to_db(at)
    changed = db.conn.execute(
        "UPDATE oauth_grants SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL",
        (stamp, reason, grant["id"]),
    ).rowcount
    db.conn.execute(
        "UPDATE oauth_tokens SET revoked_at = ?, revoked_reason = ? WHERE grant_id = ? AND revoked_at IS NULL",
        (stamp, reason, grant["id"]),
    )
    if changed:
        events.record(
            db,
            grant["contract_id"],
            at,
            "oauth",
            f"grant {grant['id']} of client {grant['client_id']} revoked: {REASONS.get(reason, reason)}",
            {"grantId": grant["id"], "reason": reason},
        )
    return bool(changed)


def revoke_grants(
    db: Database,
    contract_id: str,
    *,
    at: datetime,
    reason: str,
    user_id: int | None = None,
    client_id: str | None = None,
) -> int:
    """End every live grant of a contract (of one user and/or one client); return how many ended."""
    sql, params = "SELECT * FROM oauth_grants WHERE contract_id = ? AND revoked_at IS NULL", [contract_id]
    if user_id is not None:
        sql, params = sql + " AND user_id = ?", [*params, user_id]
    if client_id is not None:
        sql, params = sql + " AND client_id = ?", [*params, client_id]
    return sum(revoke_grant(db, grant, at=at, reason=reason) for grant in rows(db, sql, params))


def grant_expired(grant: dict[str, Any], now: datetime) -> bool:
    return now >= clock.from_db(grant["expires_at"])


# -- use cases (the control API and the dashboard) -------------------------------------------------------


def revoke(db: Database, contract_id: str, grant_id: int) -> tuple[dict[str, Any], datetime]:
    """End a grant of the contract and its tokens (reason ``control``); return the grant as it is now
    and the contract time. Revoking an ended grant changes nothing."""
    with transaction(db):
        _contract, now = events.touch(db, contract_id)
        grant = get_grant(db, grant_id)
        if grant is None or grant["contract_id"] != contract_id:
            raise GrantNotFound(f"no grant {grant_id} in contract {contract_id}", field="grantId")
        revoke_grant(db, grant, at=now, reason="control")
        return get_grant(db, grant_id) or grant, now


def set_privileges(
    db: Database, contract_id: str, user_ref: str, privileges: list[str]
) -> tuple[dict[str, Any], int]:
    """Change a user's server-connection privileges (§5(1)); removing all of them ends the user's grants
    (§5(5)①). A narrower set takes effect on each token's next request. Returns the user and the grants ended."""
    with transaction(db):
        _contract, now = events.touch(db, contract_id)
        user = users.get(db, contract_id, user_ref)
        checked = users.check_privileges(privileges)
        db.conn.execute("UPDATE users SET privileges = ? WHERE id = ?", (json.dumps(checked), user["id"]))
        summary = f"{user['login_id']} privileges: {', '.join(checked) or 'none'}"
        events.record(db, contract_id, now, "privileges", summary)
        if checked:
            return user, 0
        return user, revoke_grants(db, contract_id, at=now, reason="privilege_removed", user_id=user["id"])
