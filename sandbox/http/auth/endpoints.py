"""OAuth endpoints without a screen: token (RFC 6749), revocation (RFC 7009), introspection (RFC 7662)
and the server metadata (RFC 8414). Their errors are RFC 6749 §5.2 JSON, rendered by Authlib.
"""

from __future__ import annotations

import base64

from authlib.oauth2.rfc6749.errors import InvalidClientError, InvalidRequestError
from flask import Blueprint, Response, request

from sandbox.http.web import reply
from sandbox.oauth import scopes
from sandbox.oauth.server import AUTH_METHODS, issuer, server
from sandbox.store import get_db, transaction

bp = Blueprint("oauth_endpoints", __name__)
ONE_METHOD = "Authenticate the client one way only: HTTP Basic or client_secret in the body, not both (RFC 6749 section 2.3.1)."


def basic_problem(header: str) -> str | None:
    """Why an ``Authorization: Basic`` header cannot be read as ``client_id:client_secret`` (RFC 7617,
    RFC 6749 §2.3.1); None when it can, or when it is not Basic at all."""
    parts = header.split(None, 1)  # as Authlib splits it
    if not parts or parts[0].lower() != "basic":
        return None
    try:
        value = parts[1].strip() if len(parts) > 1 else ""
        decoded = base64.b64decode(value.encode("ascii"), validate=True).decode("utf-8")
    except ValueError:  # not ASCII, not base64, or not UTF-8 once decoded
        return "The Basic credentials are not base64 of UTF-8 text."
    if ":" not in decoded:
        return "The Basic credentials must be client_id:client_secret."
    return None


def _refuse_unreadable_basic() -> Response | None:
    """A 401 ``invalid_client`` for a Basic header Authlib cannot read (it would crash or ignore it), and a
    400 ``invalid_request`` for a client authenticating two ways at once (Basic and ``client_secret`` in
    the body: RFC 6749 §2.3.1 allows one method per request). Form credentials never rescue a bad Basic."""
    header = request.headers.get("Authorization", "")
    why = basic_problem(header)
    if why is not None:
        return server.handle_error_response(None, InvalidClientError(status_code=401, description=why))
    if header.split(None, 1)[:1] and header.split()[0].lower() == "basic" and "client_secret" in request.form:
        return server.handle_error_response(None, InvalidRequestError(description=ONE_METHOD))
    return None


@bp.post("/auth/v1/token")
def token() -> Response:
    """``authorization_code`` and ``refresh_token`` grants; one transaction, so a token is never half-issued."""
    if refused := _refuse_unreadable_basic():
        return refused
    if not request.form.get("grant_type"):  # Authlib would call it unsupported_grant_type
        return server.handle_error_response(None, InvalidRequestError(description="Missing 'grant_type'."))
    with transaction(get_db()):
        return server.create_token_response()


@bp.post("/auth/v1/revoke")
def revoke() -> Response:
    if refused := _refuse_unreadable_basic():
        return refused
    with transaction(get_db()):
        return server.create_endpoint_response("revocation")


@bp.post("/auth/v1/introspect")
def introspect() -> Response:
    if refused := _refuse_unreadable_basic():
        return refused
    with transaction(get_db()):
        return server.create_endpoint_response("introspection")


@bp.get("/.well-known/oauth-authorization-server")
def metadata() -> Response:
    base = issuer()
    return reply(
        {
            "issuer": base,
            "authorization_endpoint": f"{base}/auth/v1/authorization",
            "token_endpoint": f"{base}/auth/v1/token",
            "revocation_endpoint": f"{base}/auth/v1/revoke",
            "introspection_endpoint": f"{base}/auth/v1/introspect",
            "scopes_supported": list(scopes.SUPPORTED),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "token_endpoint_auth_methods_supported": AUTH_METHODS,
            "revocation_endpoint_auth_methods_supported": AUTH_METHODS,
            "introspection_endpoint_auth_methods_supported": AUTH_METHODS,
            "code_challenge_methods_supported": ["S256"],
            "authorization_response_iss_parameter_supported": True,  # RFC 9207
            "service_documentation": f"{base}/docs",
            "ui_locales_supported": ["ja", "en"],
        }
    )
