"""Grants (アクセス許可), authorization codes and tokens over the store, every expiry on the contract clock.

These replace Authlib's SQLAlchemy mixins (which call ``time.time()``): a token's time is its contract's
clock, read with ``events.touch`` when the token is loaded. Codes and tokens are stored as SHA-256 hashes.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from authlib.oauth2.rfc6749 import AuthorizationCodeMixin, TokenMixin

from sandbox import clock, events
from sandbox.bank import contracts, users
from sandbox.oauth import scopes
from sandbox.store import Database, insert, row, rows

MAX_TOKEN_LENGTH = 512  # longer strings are garbage: answered without a lookup

# Why a grant or token ended; shown by the control API and the dashboard.
REASONS = {
    "client_revoked": "revoked by the client (RFC 7009)",
    "superseded": "the user consented again for the same client (setting revokePreviousGrant)",
    "refresh_reuse": "a rotated refresh token was used again: the whole grant is revoked",
    "code_replay": "its authorization code was used twice: what it issued is revoked",
    "privilege_removed": "the user's server-connection privileges were removed (terms 5.(5)(1))",
    "control": "revoked through the sandbox control API",
    "bank": "revoked by the bank (terms 5.(5)(2))",
    "password_changed": "the user's password was changed: their grants end",
    "contract_terminated": "the Web21 contract was terminated and the service with it (terms 8, 9)",
}


def digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


@dataclass
class Owner:
    """Who a code or refresh token acts for: the user, the grant and the contract, at contract time ``now``."""

    user: dict[str, Any]
    grant: dict[str, Any]
    contract: dict[str, Any]
    now: datetime


# -- grants ------------------------------------------------------------------------------------------


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
    grant_id = insert(
        db,
        "oauth_grants",
        {
            "contract_id": contract["id"],
            "client_id": client_id,
            "user_id": user["id"],
            "scope": scope,
            "via": via,
            "created_at": clock.to_db(at),
            "expires_at": clock.to_db(at + timedelta(seconds=settings["grantLifetime"])),
        },
    )
    events.record(
        db,
        contract["id"],
        at,
        "oauth",
        f"{user['login_id']} granted {scope!r} to client {client_id} ({via})",
        {"grantId": grant_id},
    )
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


# -- authorization codes -------------------------------------------------------------------------------


class AuthCode(AuthorizationCodeMixin):
    """A stored authorization code (single use, short-lived, bound to client and redirect URI)."""

    def __init__(self, found: dict[str, Any], grant: dict[str, Any]) -> None:
        self.row, self.grant = found, grant
        self.code_challenge = found["code_challenge"]
        self.code_challenge_method = found["code_challenge_method"]

    def get_redirect_uri(self) -> str | None:
        return self.row["redirect_uri"]

    def get_scope(self) -> str:
        return self.grant["scope"]

    def is_expired_at(self, now: datetime) -> bool:
        return now >= clock.from_db(self.row["expires_at"])


def issue_code(
    db: Database,
    *,
    grant: dict[str, Any],
    code: str,
    redirect_uri: str | None,
    challenge: str | None,
    method: str | None,
    at: datetime,
    lifetime: int,
) -> None:
    insert(
        db,
        "oauth_codes",
        {
            "code_hash": digest(code),
            "grant_id": grant["id"],
            "client_id": grant["client_id"],
            "redirect_uri": redirect_uri,
            "code_challenge": challenge,
            "code_challenge_method": (method or "S256") if challenge else None,
            "created_at": clock.to_db(at),
            "expires_at": clock.to_db(at + timedelta(seconds=lifetime)),
        },
    )


def find_code(db: Database, code: str) -> AuthCode | None:
    if not isinstance(code, str) or len(code) > MAX_TOKEN_LENGTH:
        return None
    found = row(db, "SELECT * FROM oauth_codes WHERE code_hash = ?", (digest(code),))
    if found is None:
        return None
    return AuthCode(found, get_grant(db, found["grant_id"]) or {})


def use_code(db: Database, code: AuthCode, at: datetime) -> None:
    db.conn.execute(
        "UPDATE oauth_codes SET used_at = ? WHERE code_hash = ?", (clock.to_db(at), code.row["code_hash"])
    )


# -- tokens --------------------------------------------------------------------------------------------


class Token(TokenMixin):
    """An issued token row as Authlib sees it, judged at its contract's time ``now``.

    ``kind`` says which of the row's two tokens was presented: ``access_token`` or ``refresh_token``.
    """

    def __init__(
        self, found: dict[str, Any], grant: dict[str, Any], contract: dict[str, Any], now: datetime, kind: str
    ) -> None:
        self.row, self.grant, self.contract, self.now, self.kind = found, grant, contract, now, kind
        self.client_id: str = found["client_id"]

    def check_client(self, client: Any) -> bool:
        return client is not None and client.get_client_id() == self.client_id

    def get_scope(self) -> str:
        return self.row["scope"]

    def expires_at(self) -> datetime:
        source = self.grant if self.kind == "refresh_token" else self.row
        return clock.from_db(source["expires_at"])

    def get_expires_in(self) -> int:
        return max(0, int((self.expires_at() - self.now).total_seconds()))

    def is_expired(self) -> bool:
        return self.now >= self.expires_at()

    def is_revoked(self) -> bool:
        rotated = self.kind == "refresh_token" and self.row["rotated_at"] is not None
        return bool(self.row["revoked_at"] or self.grant["revoked_at"] or rotated)

    def revoked_reason(self) -> str:
        return self.row["revoked_reason"] or self.grant["revoked_reason"] or ""


def save_token(
    db: Database, token: dict[str, Any], *, grant: dict[str, Any], at: datetime, parent_id: int | None = None
) -> int:
    """Store an issued token pair (hashed) under its grant."""
    return insert(
        db,
        "oauth_tokens",
        {
            "grant_id": grant["id"],
            "contract_id": grant["contract_id"],
            "client_id": grant["client_id"],
            "user_id": grant["user_id"],
            "access_hash": digest(token["access_token"]),
            "refresh_hash": digest(token["refresh_token"]) if token.get("refresh_token") else None,
            "scope": token["scope"],
            "issued_at": clock.to_db(at),
            "expires_at": clock.to_db(at + timedelta(seconds=token["expires_in"])),
            "parent_id": parent_id,
        },
    )


def load_token(db: Database, value: str, kind: str) -> Token | None:
    """The token presented as ``kind`` (``access_token`` / ``refresh_token``), judged on its contract's clock."""
    if not isinstance(value, str) or not value or len(value) > MAX_TOKEN_LENGTH:
        return None
    column = "access_hash" if kind == "access_token" else "refresh_hash"
    found = row(db, f"SELECT * FROM oauth_tokens WHERE {column} = ?", (digest(value),))
    if found is None:
        return None
    contract, now, due = events.catch_up(db, found["contract_id"])
    if due:  # the events that ran (here or in another worker) may have revoked it
        found = row(db, "SELECT * FROM oauth_tokens WHERE id = ?", (found["id"],)) or found
    return Token(found, get_grant(db, found["grant_id"]) or {}, contract, now, kind)


def find_any(db: Database, value: str, hint: str | None = None) -> Token | None:
    """An access or refresh token (the hint only decides which is tried first, RFC 7009 §2.1)."""
    kinds = (
        ["refresh_token", "access_token"] if hint == "refresh_token" else ["access_token", "refresh_token"]
    )
    for kind in kinds:
        found = load_token(db, value, kind)
        if found is not None:
            return found
    return None


def mark_rotated(db: Database, token: Token, at: datetime) -> None:
    db.conn.execute("UPDATE oauth_tokens SET rotated_at = ? WHERE id = ?", (clock.to_db(at), token.row["id"]))


def owner_of(db: Database, grant: dict[str, Any], contract: dict[str, Any], now: datetime) -> Owner:
    return Owner(users.get(db, grant["contract_id"], grant["user_id"]), grant, contract, now)


def effective_scope(token: Token, user: dict[str, Any]) -> frozenset[str]:
    return scopes.effective(token.get_scope(), user, token.contract)


def set_privileges(
    db: Database, contract_id: str, user: dict[str, Any], privileges: list[str], at: datetime
) -> int:
    """Change a user's server-connection privileges (§5(1)); removing all of them ends the user's grants
    (§5(5)①). A narrower set takes effect on each token's next request. Returns the grants ended."""
    checked = users.check_privileges(privileges)
    db.conn.execute("UPDATE users SET privileges = ? WHERE id = ?", (json.dumps(checked), user["id"]))
    events.record(
        db, contract_id, at, "privileges", f"{user['login_id']} privileges: {', '.join(checked) or 'none'}"
    )
    if checked:
        return 0
    return revoke_grants(db, contract_id, at=at, reason="privilege_removed", user_id=user["id"])
