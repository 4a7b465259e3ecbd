"""Authorization codes and tokens over the store, every expiry on the contract clock (grants: ``grants.py``).

These replace Authlib's SQLAlchemy mixins (which call ``time.time()``): a token's time is its contract's
clock, read with ``events.touch`` when the token is loaded. Codes and tokens are stored as SHA-256 hashes.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from authlib.oauth2.rfc6749 import AuthorizationCodeMixin, TokenMixin

from sandbox import clock, events
from sandbox.bank import users
from sandbox.oauth import scopes
from sandbox.oauth.grants import get_grant
from sandbox.store import Database, insert, row

MAX_TOKEN_LENGTH = 512  # longer strings are garbage: answered without a lookup


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
