"""The authorization server: Authlib's Flask ``AuthorizationServer`` with our grants and endpoints.

The server is created at module level with its grants and endpoints, and bound to an app in
:func:`init_app`, through Authlib's public API only; storage is :mod:`sandbox.oauth.grants` and
:mod:`sandbox.oauth.models`, so every expiry comes from the contract clock. Token lifetimes, rotation and
grant lifetime are contract settings (``PATCH /sandbox/v1/contracts/{id}/settings``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from authlib.common.urls import add_params_to_uri
from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import OAuth2Request
from authlib.oauth2.rfc6749.errors import (
    InvalidClientError,
    InvalidGrantError,
    InvalidRequestError,
    InvalidScopeError,
)
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant, RefreshTokenGrant
from authlib.oauth2.rfc7636 import CodeChallenge
from flask import Flask, request

from sandbox import clock, events
from sandbox.bank import contracts
from sandbox.oauth import clients, consent, grants, models, scopes
from sandbox.oauth.request import LiveRequest, StoredRequest
from sandbox.oauth.token_endpoints import AUTH_METHODS as AUTH_METHODS  # re-exported for the metadata
from sandbox.oauth.token_endpoints import Introspection, Revocation
from sandbox.oauth.token_endpoints import issuer as issuer  # re-exported: the views name the issuer
from sandbox.store import get_db

CLIENT_AUTH_FAILED = (
    "The client could not be authenticated: send its client_id and client_secret by HTTP Basic or in the "
    "body (client_secret_post), or only its client_id if it is a public client."
)
GRANT_EXPIRED = "The grant has expired (setting grantLifetime): ask the user to consent again."


class Server(AuthorizationServer):
    def __init__(self) -> None:
        super().__init__()
        # The same for every app, so registered once, with the server (init_app may run many times).
        self.register_grant(CodeGrant, [PKCE(required=True)])
        self.register_grant(RefreshGrant)
        self.register_endpoint(Revocation)
        self.register_endpoint(Introspection)

    def query_client(self, client_id: str) -> clients.Client | None:
        return clients.find(get_db(), client_id)

    def authenticate_client(self, req: OAuth2Request, methods: list[str], endpoint: str = "token") -> Any:
        """Authlib's client authentication, its failure described in a sentence (not a Python list)."""
        try:
            return super().authenticate_client(req, methods, endpoint)
        except InvalidClientError as error:
            error.description = CLIENT_AUTH_FAILED
            raise

    def save_token(self, token: dict[str, Any], req: OAuth2Request) -> None:
        owner: models.Owner = req.user
        parent = req.refresh_token.row["id"] if req.refresh_token is not None else None
        models.save_token(get_db(), token, grant=owner.grant, at=owner.now, parent_id=parent)

    def validate_requested_scope(self, scope: str | None) -> None:
        why = scopes.problem(scope)
        if why:
            raise InvalidScopeError(description=why)

    def handle_response(self, status_code: int, payload: Any, headers: Any) -> Any:
        """RFC 9207: every authorization response sent back to the client, errors included, names the issuer
        (``iss``), so a client talking to several servers can tell which one answered (mix-up attacks). Only
        authorization responses redirect; the token, revocation and introspection answers carry no Location."""
        pairs = headers.items() if isinstance(headers, dict) else headers
        headers = [
            (name, add_params_to_uri(value, {"iss": issuer()}) if name.lower() == "location" else value)
            for name, value in pairs
        ]
        return super().handle_response(status_code, payload, headers)

    def create_oauth2_request(self, req: Any) -> OAuth2Request:
        """The consent pages finish a stored authorization request; everything else is the live request."""
        if isinstance(req, OAuth2Request):
            return req
        return LiveRequest(request)

    def stored_request(self, params: dict[str, str]) -> OAuth2Request:
        """An OAuth2 request rebuilt from the parameters the consent session kept."""
        return StoredRequest(request.url_root + "auth/v1/authorization", params)


def generate_token(
    grant_type: str,
    client: clients.Client,
    user: models.Owner | None = None,
    scope: str | None = None,
    expires_in: int | None = None,
    include_refresh_token: bool = True,
) -> dict[str, Any]:
    """An opaque bearer token; it never outlives its grant (none for an expired one, §5(3)⑥), and a
    refresh token needs ``offline_access``."""
    assert user is not None
    lifetime = contracts.settings(user.contract)["accessTokenLifetime"]
    left = (clock.from_db(user.grant["expires_at"]) - user.now).total_seconds()
    if left <= 0:  # the grants check first; this keeps a new path from minting for an expired grant
        raise InvalidGrantError(GRANT_EXPIRED)
    token = {
        "token_type": "Bearer",
        "access_token": models.new_token(),
        "expires_in": max(1, min(lifetime, int(left))),  # under a second left still counts as one
        "scope": scopes.to_str(scopes.parse(scope)),
    }
    if include_refresh_token and scopes.OFFLINE in scopes.parse(scope):
        token["refresh_token"] = models.new_token()
    return token


class PKCE(CodeChallenge):
    """PKCE with S256 only; required for public clients (RFC 7636, RFC 9700 §2.1.1)."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]
    DEFAULT_CODE_CHALLENGE_METHOD = "S256"

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        client: clients.Client = grant.request.client
        if not data.get("code_challenge") and (client.public or _pkce_required(client)):
            who = "public client" if client.public else "contract (setting pkceRequired or oauthProfile fapi)"
            raise InvalidRequestError(f"This {who} requires PKCE: send code_challenge (S256).")
        if data.get("code_challenge") and data.get("code_challenge_method", "plain") != "S256":
            raise InvalidRequestError("Only code_challenge_method=S256 is supported.")
        super().validate_code_challenge(grant, redirect_uri)

    def validate_code_verifier(self, grant: Any, result: Any) -> None:
        """A code presented with a wrong or malformed verifier is burnt (RFC 9700 §2.1.1: the code may have
        been stolen): it is spent and its grant revoked, so a second try, even with the right verifier,
        fails. A missing verifier is a client slip and leaves the code usable."""
        try:
            super().validate_code_verifier(grant, result)
        except (InvalidGrantError, InvalidRequestError):
            code: models.AuthCode = grant.request.authorization_code
            if grant.request.form.get("code_verifier") and self.get_authorization_code_challenge(code):
                now = _owner(code.grant).now
                models.use_code(get_db(), code, now)
                grants.revoke_grant(get_db(), code.grant, at=now, reason="pkce_failed")
            raise


def _pkce_required(client: clients.Client) -> bool:
    return contracts.pkce_required(contracts.get(get_db(), client.contract_id), client.public)


def _owner(grant: dict[str, Any]) -> models.Owner:
    contract, now = events.touch(get_db(), grant["contract_id"])
    return models.owner_of(get_db(), grant, contract, now)


def _check_unused_code(found: models.AuthCode, contract: dict[str, Any], now: datetime) -> None:
    """An unused code is exchanged only while it, its grant and its contract are all live."""
    if found.is_expired_at(now):
        raise InvalidGrantError(
            "This code has expired (setting codeLifetime); ask the user to consent again."
        )
    if found.grant["revoked_at"]:
        raise InvalidGrantError(
            f"The grant of this code was revoked ({scopes.printable(found.grant['revoked_reason'])})."
        )
    if grants.grant_expired(found.grant, now):
        raise InvalidGrantError(GRANT_EXPIRED)
    if contract["status"] != "active":
        raise InvalidGrantError(f"The contract is {contract['status']}.")


class CodeGrant(AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS

    def save_authorization_code(self, code: str, req: OAuth2Request) -> None:
        consented: consent.Consented = req.user
        client: clients.Client = req.client
        contract, now = events.touch(get_db(), client.contract_id)
        data = req.payload.data
        consent.approve(
            get_db(),
            contract=contract,
            client_id=client.client_id,
            consented=consented,
            at=now,
            redirect_uri=data.get("redirect_uri"),
            challenge=data.get("code_challenge"),
            method=data.get("code_challenge_method"),
            code=code,
        )

    def query_authorization_code(self, code: str, client: clients.Client) -> models.AuthCode | None:
        db = get_db()
        found = models.find_code(db, code)
        if found is None or found.row["client_id"] != client.client_id:
            return None
        contract, now = events.touch(db, client.contract_id)
        if found.grant["revoked_reason"] == "pkce_failed":
            raise InvalidGrantError(
                "This code failed its PKCE check and was burnt: ask the user to consent again."
            )
        if found.row["used_at"]:
            grants.revoke_grant(db, found.grant, at=now, reason="code_replay")
            raise InvalidGrantError("This code was already used; the tokens it issued are now revoked.")
        _check_unused_code(found, contract, now)
        return found

    def delete_authorization_code(self, code: models.AuthCode) -> None:
        models.use_code(get_db(), code, _owner(code.grant).now)

    def authenticate_user(self, code: models.AuthCode) -> models.Owner:
        return _owner(code.grant)


class RefreshGrant(RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS

    def authenticate_refresh_token(self, refresh_token: str) -> models.Token:
        db = get_db()
        token = models.load_token(db, refresh_token, "refresh_token")
        if token is None or not token.check_client(self.request.client):
            raise InvalidGrantError("Unknown refresh token.")
        if token.row["rotated_at"] and not token.grant["revoked_at"]:
            grants.revoke_grant(db, token.grant, at=token.now, reason="refresh_reuse")
            raise InvalidGrantError("This refresh token was already used; the whole grant is now revoked.")
        if token.is_revoked():
            raise InvalidGrantError(
                f"This refresh token was revoked ({scopes.printable(token.revoked_reason())})."
            )
        if token.is_expired():
            raise InvalidGrantError(GRANT_EXPIRED)
        if token.contract["status"] != "active":
            raise InvalidGrantError(f"The contract is {token.contract['status']}.")
        return token

    def authenticate_user(self, token: models.Token) -> models.Owner:
        return models.owner_of(get_db(), token.grant, token.contract, token.now)

    def issue_token(self, user: models.Owner, token: models.Token) -> dict[str, Any]:
        rotate = contracts.settings(user.contract)["refreshTokenRotation"]
        scope = self.request.payload.scope or token.get_scope()
        return self.generate_token(user=user, scope=scope, include_refresh_token=rotate)

    def revoke_old_credential(self, token: models.Token) -> None:
        if contracts.settings(token.contract)["refreshTokenRotation"]:
            models.mark_rotated(get_db(), token, token.now)


server = Server()


def init_app(app: Flask) -> None:
    """Bind the module-level server to ``app``: Authlib reads its Flask settings (and sets its default
    token generator and scopes), then ours replace them. No per-app state: storage is the request's DB."""
    server.init_app(app)
    server.register_token_generator("default", generate_token)
    server.scopes_supported = list(scopes.SUPPORTED)
