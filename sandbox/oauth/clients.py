"""Registered clients (§5(2)): client ID and 32-byte encryption key issued by the bank, client password
and web server URL registered by the contractor. Several clients per contract.

A client is ``confidential`` (client password, ``client_secret_basic`` or ``client_secret_post``) or
``public`` (no password; PKCE S256 is then required). The web server URL is the only allowed
``redirect_uri`` and must match exactly.
"""

from __future__ import annotations

import base64
import functools
import random
import secrets
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from authlib.oauth2.rfc6749 import ClientMixin
from werkzeug.security import check_password_hash, generate_password_hash

from sandbox import clock, events
from sandbox.bank import users
from sandbox.bank.keys import add_key, current_key  # the key store is the bank's (§5(2)②)
from sandbox.errors import InvalidParameter
from sandbox.oauth import scopes
from sandbox.oauth.errors import ClientNotFound, RedirectUriInvalid
from sandbox.store import Database, insert, row, rows, transaction


@functools.lru_cache(maxsize=4096)
def _secret_matches(hashed: str, secret: str) -> bool:
    """The slow hash check, memoised: a client authenticates on every token call, and the answer for a
    given (stored hash, secret) pair never changes. A changed secret has a new hash and misses the memo."""
    return check_password_hash(hashed, secret)


# A secret the sandbox draws has 144 random bits: one salted SHA-256 round guards it as well as the
# configured pbkdf2 rounds (which are for secrets people choose) and seeding 100 demo clients no
# longer spends 1.4 s hashing.
DRAWN_SECRET_HASH = "pbkdf2:sha256:1"


def _hash_secret(secret: str, drawn: bool) -> str:
    return generate_password_hash(secret, method=DRAWN_SECRET_HASH) if drawn else users.hash_password(secret)


class Client(ClientMixin):
    """Authlib's view of a registered client row."""

    def __init__(self, found: dict[str, Any]) -> None:
        self.row = found
        self.client_id: str = found["client_id"]
        self.contract_id: str = found["contract_id"]
        self.public = bool(found["public"])

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.row["redirect_uri"]

    def get_allowed_scope(self, scope: str | None) -> str:
        return scopes.to_str(scopes.parse(scope))

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri == self.row["redirect_uri"]

    def check_client_secret(self, client_secret: str) -> bool:
        hashed = self.row["secret_hash"]
        return bool(hashed) and _secret_matches(hashed, client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if self.public:
            return method == "none"
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in ("authorization_code", "refresh_token")


def check_redirect_uri(uri: Any) -> str:
    """An absolute http(s) URL with a host and no fragment (RFC 6749 §3.1.2)."""
    if not isinstance(uri, str) or len(uri) > 2000:
        raise RedirectUriInvalid("redirectUri must be a URL of at most 2000 characters", field="redirectUri")
    parts = urlsplit(uri)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.fragment or "#" in uri:
        raise RedirectUriInvalid(
            f"redirectUri must be an absolute http(s) URL without fragment, got {uri!r}", field="redirectUri"
        )
    return uri


def check_secret(secret: Any) -> str:
    if (
        not isinstance(secret, str)
        or not 8 <= len(secret) <= 128
        or not (secret.isascii() and secret.isprintable())
    ):
        raise InvalidParameter(
            "clientSecret must be 8 to 128 printable ASCII characters", field="clientSecret"
        )
    return secret


def register(
    db: Database,
    contract_id: str,
    *,
    redirect_uri: str,
    at: datetime,
    secret: str | None = None,
    name: str | None = None,
    public: bool = False,
    rng: random.Random | None = None,
    demo: bool = False,
) -> dict[str, Any]:
    """Register a client; return its public view plus ``clientSecret`` (shown once) and the key.

    ``rng`` makes the client ID, secret and key deterministic (seed worlds); otherwise they are random.
    """
    draw = rng.randbytes if rng is not None else secrets.token_bytes
    client_id = f"{contract_id.lower()}-{draw(6).hex()}"
    drawn = secret is None and not public
    if public:
        secret = None
    elif secret is None:
        secret = base64.urlsafe_b64encode(draw(18)).decode()
    insert(
        db,
        "oauth_clients",
        {
            "client_id": client_id,
            "contract_id": contract_id,
            "name": name or f"{contract_id} client",
            "redirect_uri": check_redirect_uri(redirect_uri),
            "secret_hash": _hash_secret(check_secret(secret), drawn) if secret else None,
            "public": int(public),
            "demo_secret": secret if demo else None,
            "created_at": clock.to_db(at),
        },
    )
    add_key(db, client_id, at, draw=draw)
    view = public_view(db, get(db, client_id))
    return {**view, **({"clientSecret": secret} if secret else {})}


def enrol(
    db: Database,
    contract_id: str,
    *,
    redirect_uri: Any,
    secret: Any = None,
    name: Any = None,
    public: bool = False,
) -> dict[str, Any]:
    """The operator registers a client (§5(2)) on the contract's clock, noted on its timeline; one transaction."""
    with transaction(db):
        _contract, now = events.touch(db, contract_id)
        registered = register(
            db, contract_id, redirect_uri=redirect_uri, at=now, secret=secret, name=name, public=public
        )
        events.record(db, contract_id, now, "oauth", f"client {registered['clientId']} registered")
    return registered


def get(db: Database, client_id: str, contract_id: str | None = None) -> dict[str, Any]:
    """A client row (of ``contract_id`` when given), or ``ClientNotFound``."""
    found = row(db, "SELECT * FROM oauth_clients WHERE client_id = ?", (str(client_id),))
    if found is None or (contract_id is not None and found["contract_id"] != contract_id):
        raise ClientNotFound(
            f"no client {client_id!r}" + (f" in contract {contract_id}" if contract_id else "")
        )
    return found


def find(db: Database, client_id: str) -> Client | None:
    """The active client with this ID, for Authlib; None when unknown or disabled."""
    if not isinstance(client_id, str) or len(client_id) > 100:
        return None
    found = row(db, "SELECT * FROM oauth_clients WHERE client_id = ? AND status = 'active'", (client_id,))
    return Client(found) if found else None


def for_contract(db: Database, contract_id: str) -> list[dict[str, Any]]:
    return rows(
        db, "SELECT * FROM oauth_clients WHERE contract_id = ? ORDER BY created_at, rowid", (contract_id,)
    )


def public_view(db: Database, found: dict[str, Any]) -> dict[str, Any]:
    """The client as the control API shows it: never the secret, except a seeded demo client's."""
    current = current_key(db, found["client_id"])
    view = {
        "clientId": found["client_id"],
        "contractId": found["contract_id"],
        "name": found["name"],
        "redirectUri": found["redirect_uri"],
        "clientType": "public" if found["public"] else "confidential",
        "tokenEndpointAuthMethods": ["none"]
        if found["public"]
        else ["client_secret_basic", "client_secret_post"],
        "status": found["status"],
        "createdAt": clock.to_api(clock.from_db(found["created_at"])),
    }
    if current:
        view["keyId"] = current["kid"]
        view["encryptionKey"] = current["key"]
    if found["demo_secret"]:
        view["demoClientSecret"] = found["demo_secret"]
    return view
