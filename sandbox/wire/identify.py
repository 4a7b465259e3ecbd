"""Who is calling: attribute a raw WSGI request to a contract, client, user and grant, before it runs.

Step 2 of the bearer check (``wire/middleware.py`` → this → ``oauth/bearer.py`` → ``oauth/protect.py``):
the fault layer needs the caller before the application sees the request (a rule may reset a connection
of one client only), so it reads the OAuth tables itself. A bearer token (``Authorization`` or
``x-access-token``) is looked up with :func:`sandbox.oauth.bearer.read`, and those rows travel on to the
protector; else the code or refresh token exchanged at the token endpoint, the consent screen's session
cookie, or the client of an OAuth call (Basic auth, form or query ``client_id``). Read-only; unknown
credentials attribute nothing, and the application then answers with its own error.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, unquote

from sandbox.oauth import bearer, consent
from sandbox.oauth.bearer import Bearer
from sandbox.oauth.models import digest
from sandbox.store import Database, row

_TOKEN_SQL = """
SELECT t.contract_id, t.client_id, t.grant_id, u.login_id
FROM oauth_tokens t JOIN users u ON u.id = t.user_id WHERE t.{column} = ?
"""
_CODE_SQL = """
SELECT g.contract_id, g.client_id, g.id AS grant_id, u.login_id
FROM oauth_codes c JOIN oauth_grants g ON g.id = c.grant_id JOIN users u ON u.id = g.user_id
WHERE c.code_hash = ?
"""


@dataclass
class Who:
    contract_id: str | None = None
    client_id: str | None = None
    user_id: str | None = None  # 利用者ID
    grant_id: str | None = None
    bearer: Bearer | None = None  # the rows behind a presented access token


def identify(db: Database, environ: dict[str, Any], body: bytes) -> Who:
    """Attribute the request; never raises for bad input (the application reports that)."""
    try:
        return _identify(db, environ, body)
    except Exception:  # a malformed header must reach the application, which answers it properly
        return Who()


def _identify(db: Database, environ: dict[str, Any], body: bytes) -> Who:
    token = presented_token(environ)
    if token:
        return _by_access_token(db, token)
    form = _form(environ, body)
    return _by_exchange(db, environ, form) or _by_consent(db, environ) or _by_client(db, environ, form)


def _by_access_token(db: Database, token: str) -> Who:
    found = bearer.read(db, digest(token))
    if found is None:
        return Who()
    grant_id = str(found.grant["id"])
    return Who(found.contract["id"], found.token["client_id"], found.user["login_id"], grant_id, found)


def _by_exchange(db: Database, environ: dict[str, Any], form: dict[str, str]) -> Who | None:
    """The token endpoint: the grant behind the refresh token or the code being exchanged."""
    if not environ.get("PATH_INFO", "").endswith("/token"):
        return None
    if form.get("grant_type") == "refresh_token" and form.get("refresh_token"):
        found = _from(db, _TOKEN_SQL.format(column="refresh_hash"), digest(form["refresh_token"]))
        if found:
            return found
    if form.get("grant_type") == "authorization_code" and form.get("code"):
        return _from(db, _CODE_SQL, digest(form["code"]))
    return None


def _by_consent(db: Database, environ: dict[str, Any]) -> Who | None:
    """The consent screen's pages after the first carry only their session cookie."""
    if not environ.get("PATH_INFO", "").startswith("/auth/v1/authorization") or "HTTP_COOKIE" not in environ:
        return None
    morsel = SimpleCookie(environ["HTTP_COOKIE"]).get(consent.COOKIE)
    session = consent.load_session(db, morsel.value) if morsel else None
    if session is None:
        return None
    user = (
        row(db, "SELECT login_id FROM users WHERE id = ?", (session["user_id"],))
        if session["user_id"]
        else None
    )
    return Who(session["contract_id"], session["client_id"], user["login_id"] if user else None)


def _by_client(db: Database, environ: dict[str, Any], form: dict[str, str]) -> Who:
    client_id = _basic_client(environ) or form.get("client_id")
    if not client_id:
        return Who()
    found = row(db, "SELECT contract_id FROM oauth_clients WHERE client_id = ?", (client_id,))
    return Who(contract_id=found["contract_id"], client_id=client_id) if found else Who()


def _from(db: Database, sql: str, key: str) -> Who | None:
    found = row(db, sql, (key,))
    if found is None:
        return None
    return Who(found["contract_id"], found["client_id"], found["login_id"], str(found["grant_id"]))


def presented_token(environ: dict[str, Any]) -> str | None:
    """The bearer token of ``Authorization: Bearer`` or else ``x-access-token`` (the protector checks
    the headers' form; this only attributes)."""
    header = environ.get("HTTP_AUTHORIZATION", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return environ.get("HTTP_X_ACCESS_TOKEN", "").strip() or None


def _basic_client(environ: dict[str, Any]) -> str | None:
    header = environ.get("HTTP_AUTHORIZATION", "")
    if header[:6].lower() != "basic ":
        return None
    decoded = base64.b64decode(header[6:].strip()).decode("utf-8")
    return unquote(decoded.split(":", 1)[0]) or None  # RFC 6749 §2.3.1: form-urlencoded, then Basic


def _form(environ: dict[str, Any], body: bytes) -> dict[str, str]:
    """Query parameters and (for form posts) body fields, first value of each."""
    fields = parse_qs(environ.get("QUERY_STRING", ""))
    if environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded") and body:
        fields.update(parse_qs(body.decode("utf-8", "replace")))
    return {k: v[0] for k, v in fields.items() if v}
