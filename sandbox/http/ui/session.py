"""The dashboard's session: a signed cookie holding a proof of the operator's key, a CSRF token and
flash messages.

The key is the admin key or a contract key, typed once on the login form. The cookie is signed, not
encrypted, so it keeps only the key's SHA-256 (what ``contracts.control_key_hash`` stores), never the
key. Every request re-checks that proof against the admin key and the contracts' current keys (a replaced
contract key logs the browser out) and sets ``g.control_contract`` exactly as the control API does, so
the UI authorises with the same functions (:mod:`sandbox.http.control.auth`).
The cookie is signed with a secret derived from the admin key: stable across workers and restarts.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from flask import Response, current_app, g, request
from itsdangerous import BadSignature, URLSafeSerializer

from sandbox.bank import contracts
from sandbox.store import get_db, row

COOKIE = "web21_ui"
LANG_COOKIE = "web21_lang"
PATH = "/sandbox/ui"
LANGS = ("ja", "en")
CSRF_FIELD = "csrf_token"


def _serializer() -> URLSafeSerializer:
    secret = hmac.new(current_app.config["ADMIN_KEY"].encode(), b"web21-sandbox ui session", hashlib.sha256)
    return URLSafeSerializer(secret.hexdigest(), salt="ui-session")


def load() -> None:
    """Read the session cookie into ``g.ui`` (a fresh one with a CSRF token when absent or forged)."""
    data: dict[str, Any] = {}
    raw = request.cookies.get(COOKIE)
    if raw:
        try:
            data = _serializer().loads(raw)
        except BadSignature:
            data = {}
    g.ui_dirty = "csrf" not in data
    data.setdefault("csrf", secrets.token_urlsafe(24))
    g.ui = data
    g.lang = _language()


def _language() -> str:
    chosen = request.args.get("lang")
    if chosen in LANGS:
        g.lang_changed = chosen != request.cookies.get(LANG_COOKIE)
        return chosen
    stored = request.cookies.get(LANG_COOKIE)
    return stored if stored in LANGS else "ja"


def save(response: Response) -> Response:
    """Write the session and language cookies back when they changed."""
    if getattr(g, "ui_dirty", False):
        response.set_cookie(
            COOKIE,
            _serializer().dumps(g.ui),
            path=PATH,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
    if getattr(g, "lang_changed", False):
        response.set_cookie(LANG_COOKIE, g.lang, path=PATH, samesite="Lax", max_age=365 * 86400)
    return response


def principal(key: str) -> tuple[bool, str | None]:
    """Who ``key`` is: ``(True, None)`` for the admin key, ``(True, contract_id)`` for a contract key."""
    return _holder(contracts.key_hash(key))


def _holder(proof: str) -> tuple[bool, str | None]:
    """Who holds the key whose SHA-256 is ``proof`` today: the admin, a contract, or nobody."""
    admin = contracts.key_hash(current_app.config["ADMIN_KEY"])
    if hmac.compare_digest(proof.encode(), admin.encode()):
        return True, None
    found = row(get_db(), "SELECT id FROM contracts WHERE control_key_hash = ?", (proof,))
    return (True, found["id"]) if found else (False, None)


def authenticate() -> bool:
    """Set ``g.control_contract`` from the stored proof; False when nobody (valid) is logged in."""
    proof = g.ui.get("proof")
    if not isinstance(proof, str) or not proof:
        return False
    valid, contract_id = _holder(proof)
    if not valid:
        log_out()
        return False
    g.control_contract, g.ui_logged_in = contract_id, True
    return True


def log_in(key: str) -> None:
    """Remember who logged in by the key's hash (the cookie is readable; the key must not be in it)."""
    # a new CSRF token at login: a token seen before authentication must not outlive it
    proof = contracts.key_hash(key)
    g.ui = {"proof": proof, "csrf": secrets.token_urlsafe(24), "flash": g.ui.get("flash", [])}
    g.ui_dirty = True


def log_out() -> None:
    g.ui = {"csrf": secrets.token_urlsafe(24)}
    g.ui_dirty = True


def csrf_valid() -> bool:
    sent = request.form.get(CSRF_FIELD) or request.headers.get("X-CSRF-Token") or ""
    # bytes: compare_digest refuses str with non-ASCII characters
    return hmac.compare_digest(sent.encode(), g.ui["csrf"].encode())


def flash(kind: str, message: str) -> None:
    """Keep a message for the next page (``kind``: ok or error)."""
    g.ui.setdefault("flash", []).append([kind, message])
    g.ui_dirty = True


def take_flashes() -> list[list[str]]:
    found = g.ui.pop("flash", [])
    if found:
        g.ui_dirty = True
    return found
