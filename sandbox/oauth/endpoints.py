"""OAuth endpoints without a screen: token (RFC 6749), revocation (RFC 7009), introspection (RFC 7662)
and the server metadata (RFC 8414). Their errors are RFC 6749 §5.2 JSON, rendered by Authlib.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from sandbox.oauth import scopes
from sandbox.oauth.server import AUTH_METHODS, server
from sandbox.store import get_db, transaction
from sandbox.web import reply

bp = Blueprint("oauth_endpoints", __name__)


@bp.post("/auth/v1/token")
def token() -> Response:
    """``authorization_code`` and ``refresh_token`` grants; one transaction, so a token is never half-issued."""
    with transaction(get_db()):
        return server.create_token_response()


@bp.post("/auth/v1/revoke")
def revoke() -> Response:
    with transaction(get_db()):
        return server.create_endpoint_response("revocation")


@bp.post("/auth/v1/introspect")
def introspect() -> Response:
    with transaction(get_db()):
        return server.create_endpoint_response("introspection")


@bp.get("/.well-known/oauth-authorization-server")
def metadata() -> Response:
    base = request.url_root.rstrip("/")
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
            "service_documentation": f"{base}/docs",
            "ui_locales_supported": ["ja", "en"],
        }
    )
