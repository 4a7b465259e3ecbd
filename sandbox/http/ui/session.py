"""The dashboard's session: a signed cookie holding a proof of the operator's key, a CSRF token and
flash messages.

The key is the admin key or a contract key, typed once on the login form. The cookie is signed, not
encrypted, so it keeps neither the key nor anything computable from the key alone: its proof is an HMAC, under
a random server secret, of the key's SHA-256 (what ``contracts.control_key_hash`` stores), and the cookie is
signed with that secret too, so a stolen cookie gives no way to test guesses of a weak key offline. The secret
is drawn once and kept in the store's ``meta`` table (every worker, every restart; a reset draws a new one and
so signs everyone out). Every request re-checks the proof against the admin key or the contract's current key
(a replaced contract key logs the browser out) and sets ``g.control_contract`` exactly as the control API
does, so the UI authorises with the same functions (:mod:`sandbox.http.control.auth`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from flask import Response, current_app, g, request
from itsdangerous import BadSignature, URLSafeSerializer

from sandbox.bank import contracts
from sandbox.store import get_db, get_meta, row, transaction

COOKIE = "web21_ui"
LANG_COOKIE = "web21_lang"
PATH = "/sandbox/ui"
LANGS = ("ja", "en")
CSRF_FIELD = "csrf_token"
SECRET_META = "ui_session_secret"
ADMIN = "*admin*"  # ``who`` of the admin: no contract id has asterisks


def _secret() -> bytes:
    """The server's random session secret, drawn on first use (racing workers keep the first one stored)."""
    db = get_db()
    found = get_meta(db, SECRET_META)
    if found is None:
        with transaction(db):
            db.conn.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (SECRET_META, secrets.token_hex(32))
            )
        found = get_meta(db, SECRET_META)
    return bytes.fromhex(str(found))


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(_secret().hex(), salt="ui-session")


def _proof(key_hash: str) -> str:
    return hmac.new(_secret(), key_hash.encode(), hashlib.sha256).hexdigest()


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
    hashed = contracts.key_hash(key)
    if hmac.compare_digest(hashed.encode(), contracts.key_hash(current_app.config["ADMIN_KEY"]).encode()):
        return True, None
    found = row(get_db(), "SELECT id FROM contracts WHERE control_key_hash = ?", (hashed,))
    return (True, found["id"]) if found else (False, None)


def _current_hash(who: str) -> str | None:
    """The SHA-256 of the key that signs ``who`` in today: the admin key, or the contract's current key."""
    if who == ADMIN:
        return contracts.key_hash(current_app.config["ADMIN_KEY"])
    found = row(get_db(), "SELECT control_key_hash FROM contracts WHERE id = ?", (who,))
    return found["control_key_hash"] if found and found["control_key_hash"] else None


def authenticate() -> bool:
    """Set ``g.control_contract`` from the stored proof; False when nobody (valid) is logged in."""
    proof, who = g.ui.get("proof"), g.ui.get("who")
    if not isinstance(proof, str) or not proof or not isinstance(who, str):
        return False
    current = _current_hash(who)
    if current is None or not hmac.compare_digest(proof.encode(), _proof(current).encode()):
        log_out()
        return False
    g.control_contract, g.ui_logged_in = (None if who == ADMIN else who), True
    return True


def log_in(key: str) -> None:
    """Remember who logged in and a keyed proof of their key (the cookie is readable; the key must not be
    in it, nor any value a guess of the key can be checked against)."""
    _valid, contract_id = principal(key)
    # a new CSRF token at login: a token seen before authentication must not outlive it
    g.ui = {
        "who": contract_id or ADMIN,
        "proof": _proof(contracts.key_hash(key)),
        "csrf": secrets.token_urlsafe(24),
        "flash": g.ui.get("flash", []),
    }
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
