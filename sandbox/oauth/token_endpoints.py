"""Revocation (RFC 7009) and introspection (RFC 7662): the server's two token endpoints, and the issuer.

Registered on the authorization server in :mod:`sandbox.oauth.server`; storage is :mod:`sandbox.oauth.models`
and :mod:`sandbox.oauth.grants`, so what they answer follows the contract clock.
"""

from __future__ import annotations

from typing import Any

from authlib.oauth2.rfc6749 import OAuth2Request
from authlib.oauth2.rfc6749.errors import InvalidRequestError
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7662 import IntrospectionEndpoint
from flask import request

from sandbox import clock
from sandbox.oauth import clients, grants, models, scopes
from sandbox.store import get_db

AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]


def issuer() -> str:
    """The issuer identifier (RFC 8414 ``issuer``, RFC 9207 ``iss``): the server's own base URL."""
    return request.url_root.rstrip("/")


def _require_token(req: OAuth2Request) -> None:
    """Only ``token`` is required; an unknown ``token_type_hint`` is ignored (RFC 7009 §2.1, RFC 7662 §2.1)."""
    if not req.form.get("token"):
        raise InvalidRequestError("Missing 'token' in request.")


class Revocation(RevocationEndpoint):
    """RFC 7009: revoking either token of a grant revokes the grant's whole token family."""

    CLIENT_AUTH_METHODS = AUTH_METHODS

    def check_params(self, req: OAuth2Request, client: clients.Client) -> None:
        _require_token(req)

    def query_token(self, token_string: str, token_type_hint: str | None) -> models.Token | None:
        return models.find_any(get_db(), token_string, token_type_hint)

    def revoke_token(self, token: models.Token, req: OAuth2Request) -> None:
        grants.revoke_grant(get_db(), token.grant, at=token.now, reason="client_revoked")


class Introspection(IntrospectionEndpoint):
    """RFC 7662, truthful: inactive when expired, revoked, the contract is not active or no service is left."""

    CLIENT_AUTH_METHODS = AUTH_METHODS

    def check_params(self, req: OAuth2Request, client: clients.Client) -> None:
        _require_token(req)

    def query_token(self, token_string: str, token_type_hint: str | None) -> models.Token | None:
        return models.find_any(get_db(), token_string, token_type_hint)

    def check_permission(self, token: models.Token, client: clients.Client, req: OAuth2Request) -> bool:
        return token.check_client(client)

    def create_introspection_payload(self, token: models.Token | None) -> dict[str, Any]:
        if token is None or token.is_expired() or token.is_revoked():
            return {"active": False}
        owner = models.owner_of(get_db(), token.grant, token.contract, token.now)
        services = models.effective_scope(token, owner.user)
        if not services:
            return {"active": False}
        granted = scopes.parse(token.get_scope())
        return {
            "active": True,
            "scope": scopes.to_str([*services, *([scopes.OFFLINE] if scopes.OFFLINE in granted else [])]),
            "client_id": token.client_id,
            "username": owner.user["login_id"],
            "token_type": "Bearer" if token.kind == "access_token" else "refresh_token",
            "exp": int(token.expires_at().timestamp()),
            "iat": int(clock.from_db(token.row["issued_at"]).timestamp()),
            "sub": str(owner.user["id"]),
            "aud": token.client_id,
            "iss": issuer(),
            "contract_id": token.contract["id"],
            "grant_id": token.grant["id"],
        }
