"""Bearer-token protection of ``/corporation/v1`` (Authlib's ``ResourceProtector``, our validator).

The last step of the bearer check: ``wire/middleware.py`` → ``wire/identify.py`` → ``oauth/bearer.py``
(the token's rows, left in the WSGI environ) → here, where ``require_scope`` on each banking view runs
:class:`Validator`: it takes those rows (or reads them when absent), runs the contract's due events
(``events.catch_up``) and judges the token.

On every request the token is looked up by hash, its contract's clock is touched, and the effective
services are re-computed: granted ∩ the user's current privileges ∩ the contract's applied services ∩
the bank's linkage scope (§5(3)②, §7(4)①). Failures raise typed errors whose codes tell missing,
malformed, unknown, expired, revoked, insufficient scope and contract-not-active apart, each with
``WWW-Authenticate`` per RFC 6750 §3.

    @bp.get("/accounts")
    @require_scope("account")
    def accounts():
        ctx = current_token()
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from authlib.integrations.flask_oauth2 import ResourceProtector, token_authenticated
from authlib.oauth2.rfc6750 import BearerTokenValidator
from flask import g, request

from sandbox import clock, events
from sandbox.bank import contracts, users
from sandbox.errors import ContractNotActive
from sandbox.oauth import bearer, grants, models, scopes
from sandbox.oauth.errors import (
    REALM,
    AuthorizationMalformed,
    InsufficientScope,
    TokenExpired,
    TokenInvalid,
    TokenMissing,
    TokenRevoked,
    bearer_challenge,
)
from sandbox.store import get_db

TOKEN68 = re.compile(r"^[A-Za-z0-9\-._~+/]+=*$")  # RFC 6750 §2.1 b64token


@dataclass(frozen=True)
class TokenContext:
    """The authenticated token of the current request, as the banking views see it."""

    contract_id: str
    contract: dict[str, Any]
    now: datetime  # the contract clock at the start of the request
    user_id: int
    login_id: str
    client_id: str
    grant_id: int
    token_id: int
    scopes: frozenset[str]  # effective services, re-read on this request
    visible_contract_ids: list[str]  # the contract and, for a parent, its active children (§4(6))


def _invalid(error: type[TokenInvalid] | type[TokenExpired] | type[TokenRevoked], detail: str) -> Exception:
    return error(detail, headers={"WWW-Authenticate": bearer_challenge("invalid_token", detail)})


class BearerToken(models.Token):
    """An access token with its user and whether its contract is a parent, read with it (``bearer.py``)."""

    def __init__(self, found: bearer.Bearer, contract: dict[str, Any], now: datetime) -> None:
        super().__init__(found.token, found.grant, contract, now, "access_token")
        self.user, self.has_children = users.decode(dict(found.user)), found.has_children


class Validator(BearerTokenValidator):
    def authenticate_token(self, token_string: str) -> BearerToken:
        """The token's rows as the fault layer read them for this request (else read now), on the
        contract clock after its due events; rows are read again when events ran."""
        if len(token_string) > models.MAX_TOKEN_LENGTH or not TOKEN68.match(token_string):
            raise _invalid(TokenInvalid, "the access token is not a token the sandbox issued")
        db, key = get_db(), models.digest(token_string)
        found = request.environ.get(bearer.ENVIRON_KEY)
        if found is None or found.access_hash != key:
            found = bearer.read(db, key)
        if found is None:
            raise _invalid(TokenInvalid, "unknown access token (mistyped, or issued before a reset)")
        contract, now, due = events.catch_up(db, found.contract["id"], (found.contract, found.next_due_at))
        if due:  # the events that ran (here or in another worker) may have revoked it
            found = bearer.read(db, key) or found
        return BearerToken(found, contract, now)

    def validate_token(self, token: BearerToken, required: list[str] | None, req: Any, **_: Any) -> None:
        """Live (not revoked or expired, its contract active) and, now, entitled to one of ``required``;
        leaves the request's :class:`TokenContext` in ``g``."""
        _check_live(token)
        effective = models.effective_scope(token, token.user)
        wanted = list(required or [])
        if wanted and not effective & set(wanted):
            now = scopes.to_str(effective) or "none"
            detail = f"needs {' or '.join(wanted)}; the token's services now: {now}"
            challenge = bearer_challenge("insufficient_scope", detail, " ".join(wanted))
            raise InsufficientScope(detail, headers={"WWW-Authenticate": challenge})
        g.token_context = _context(token, effective)


def _check_live(token: BearerToken) -> None:
    if token.is_revoked():
        reason = token.revoked_reason()
        raise _invalid(TokenRevoked, f"revoked: {grants.REASONS.get(reason, reason)}")
    if token.is_expired():
        raise _invalid(TokenExpired, f"expired at {clock.to_api(token.expires_at())} (contract clock)")
    contract = token.contract
    if contract["status"] != "active":
        detail = f"contract {contract['id']} is {contract['status']}"
        challenge = bearer_challenge("insufficient_scope", detail)
        raise ContractNotActive(detail, field="contractId", headers={"WWW-Authenticate": challenge})


def _context(token: BearerToken, effective: frozenset[str]) -> TokenContext:
    contract, user = token.contract, token.user
    return TokenContext(
        contract_id=contract["id"],
        contract=contract,
        now=token.now,
        user_id=user["id"],
        login_id=user["login_id"],
        client_id=token.client_id,
        grant_id=token.grant["id"],
        token_id=token.row["id"],
        scopes=effective,
        visible_contract_ids=visible_contracts(contract) if token.has_children else [contract["id"]],
    )


def visible_contracts(contract: dict[str, Any]) -> list[str]:
    """The contract itself and, for a parent, its active children (親仔契約, §4(6))."""
    children = [
        c
        for c in contracts.children(get_db(), contract["id"])
        if contracts.get(get_db(), c)["status"] == "active"
    ]
    return [contract["id"], *children]


class Protector(ResourceProtector):
    def acquire_token(self, scopes: list[str] | None = None, **kwargs: Any) -> models.Token:
        """Authlib's, handed Flask's request itself: its ``FlaskJsonRequest`` would compute
        ``request.url`` (werkzeug's IRI decoding) on every call, and nothing here reads the URL."""
        token = self.validate_request(scopes, request._get_current_object(), **kwargs)  # type: ignore[attr-defined]
        token_authenticated.send(self, token=token)
        g.authlib_server_oauth2_token = token
        return token

    def parse_request_authorization(self, req: Any) -> tuple[Validator, str]:
        """``Authorization: Bearer <token>`` or ``x-access-token: <token>`` (the same token if both)."""
        alternative = req.headers.get("x-access-token", "").strip()
        token = _from_authorization(req.headers.get("Authorization", "").strip(), bool(alternative))
        if alternative:
            if token is not None and token != alternative:
                raise _malformed("Authorization and x-access-token carry different tokens")
            token = alternative
        if not token:
            raise TokenMissing(
                "send Authorization: Bearer <token> or x-access-token: <token>",
                headers={"WWW-Authenticate": bearer_challenge()},
            )
        return self.get_token_validator("bearer"), token


def _from_authorization(header: str, alternative: bool) -> str | None:
    """The token of an ``Authorization: Bearer`` header; another scheme is refused unless
    ``x-access-token`` carries the token instead."""
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer":
        if alternative:
            return None
        raise TokenMissing(
            f"expected the Bearer scheme, got {scheme[:20]!r}",
            headers={"WWW-Authenticate": bearer_challenge()},
        )
    token = value.strip()
    if not token or " " in token:
        raise _malformed("the Authorization header must be 'Bearer <token>'")
    return token


def _malformed(detail: str) -> AuthorizationMalformed:
    return AuthorizationMalformed(
        detail, headers={"WWW-Authenticate": bearer_challenge("invalid_request", detail)}
    )


protector = Protector()
protector.register_token_validator(Validator(realm=REALM))


def require_scope(*needed: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator for banking views: a valid token whose effective services include ANY of ``needed``."""
    unknown = [s for s in needed if s not in scopes.SUPPORTED]
    if unknown:
        raise ValueError(f"unknown scope {unknown[0]!r}")
    return protector(list(needed))


def current_token() -> TokenContext:
    """The current request's :class:`TokenContext` (only inside a view decorated with ``require_scope``)."""
    context = g.get("token_context")
    if context is None:
        raise RuntimeError("current_token() outside a view protected by require_scope()")
    return context
