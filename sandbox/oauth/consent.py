"""Consent (アクセス許可, §5(3)①②): identity verification, the consent-screen session, and the one
function that turns an approved consent into a grant and an authorization code — used by the
consent pages and by the headless consent of the control API alike.
"""

from __future__ import annotations

import json
import re
import secrets
from datetime import datetime, timedelta
from typing import Any

from authlib.common.security import generate_token

from sandbox import clock, events
from sandbox.bank import contracts, users
from sandbox.errors import InvalidParameter
from sandbox.oauth import clients, grants, models, scopes
from sandbox.oauth.errors import RedirectUriInvalid, ScopeInvalid, ScopeNotPermitted, UserLocked
from sandbox.store import Database, row, transaction

SESSION_LIFETIME = 1800  # seconds of contract time to get through the consent pages
COOKIE = "web21_consent"  # the browser's handle on its session: a random value, stored hashed
CHALLENGE = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")


class Consented:
    """The user who approved, with the scope they chose: Authlib's ``grant_user``."""

    def __init__(self, user: dict[str, Any], scope: list[str], via: str = "consent") -> None:
        self.user, self.scope, self.via = user, scope, via

    def get_user_id(self) -> int:
        return self.user["id"]


def approve(
    db: Database,
    *,
    contract: dict[str, Any],
    client_id: str,
    consented: Consented,
    at: datetime,
    redirect_uri: str | None,
    challenge: str | None = None,
    method: str | None = None,
    code: str | None = None,
) -> tuple[str, dict[str, Any]]:
    """Record the grant and issue its authorization code; return ``(code, grant)``."""
    grant = grants.create_grant(
        db,
        contract=contract,
        client_id=client_id,
        user=consented.user,
        scope=scopes.to_str(consented.scope),
        via=consented.via,
        at=at,
    )
    code = code or generate_token(48)
    models.issue_code(
        db,
        grant=grant,
        code=code,
        redirect_uri=redirect_uri,
        challenge=challenge,
        method=method,
        at=at,
        lifetime=contracts.code_lifetime(contract),
    )
    return code, grant


def headless(
    db: Database,
    contract_id: str,
    *,
    user_ref: str | int,
    client_id: str,
    scope: str,
    redirect_uri: str | None = None,
    challenge: str | None = None,
    method: str | None = None,
) -> dict[str, Any]:
    """Consent without a browser (for CI): the control key stands in for login and OTP."""
    with transaction(db):
        contract, now = events.touch(db, contract_id)
        contracts.require_active(contract)
        client = _registered_client(db, contract_id, client_id, redirect_uri)
        user = users.get(db, contract_id, user_ref)
        if user["locked"]:
            raise UserLocked(f"user {user['login_id']} is locked; unlock it first", field="userId")
        values = _checked_scope(scope, user, contract)
        _check_challenge(contracts.pkce_required(contract, bool(client["public"])), challenge, method)
        code, grant = approve(
            db,
            contract=contract,
            client_id=client_id,
            consented=Consented(user, values, "headless"),
            at=now,
            redirect_uri=redirect_uri,
            challenge=challenge,
            method=method,
        )
    return {"code": code, "grant": grant, "client": client, "now": now, "contract": contract}


def _registered_client(
    db: Database, contract_id: str, client_id: str, redirect_uri: str | None
) -> dict[str, Any]:
    """The contract's client; a redirect URI, when given, must be the registered one."""
    client = clients.get(db, client_id, contract_id)
    if redirect_uri is not None and redirect_uri != client["redirect_uri"]:
        raise RedirectUriInvalid(
            f"redirectUri must be the registered {client['redirect_uri']!r}", field="redirectUri"
        )
    return client


def _checked_scope(scope: str, user: dict[str, Any], contract: dict[str, Any]) -> list[str]:
    why = scopes.problem(scope)
    if why:
        raise ScopeInvalid(why, field="scope")
    values = scopes.parse(scope)
    allowed = scopes.permitted(user, contract)
    missing = [s for s in scopes.services_of(values) if s not in allowed]
    if missing:
        raise ScopeNotPermitted(
            f"{user['login_id']} may grant only {', '.join(allowed) or 'nothing'}; not {', '.join(missing)}",
            field="scope",
        )
    return values


def _check_challenge(required: bool, challenge: str | None, method: str | None) -> None:
    """PKCE S256, ``required`` for a public client or under the contract's setting ``pkceRequired`` or profile ``fapi``."""
    if challenge is None:
        if required:
            raise InvalidParameter(
                "this client needs PKCE (a public client, setting pkceRequired or oauthProfile fapi): send codeChallenge (S256)",
                field="codeChallenge",
            )
        return
    if not isinstance(challenge, str) or not CHALLENGE.match(challenge):
        raise InvalidParameter(
            "codeChallenge must be 43-128 characters of [A-Za-z0-9-._~]", field="codeChallenge"
        )
    if (method or "S256") != "S256":
        raise InvalidParameter("codeChallengeMethod must be S256", field="codeChallengeMethod")


# -- identity verification (本人確認: password, then one-time password on the contract clock) ---------


def login(
    db: Database, contract: dict[str, Any], login_id: str, password: str
) -> tuple[dict[str, Any] | None, str]:
    """Check 利用者ID and password; return ``(user, "")`` or ``(None, reason)``.

    Reasons: ``bad_credentials`` (never says which was wrong), ``locked``, ``no_privilege`` (§5(1)).
    """
    found = row(db, "SELECT id FROM users WHERE contract_id = ? AND login_id = ?", (contract["id"], login_id))
    if found is None:
        users.check_unknown_password(password)  # as much work as a wrong password: timing tells no IDs apart
        return None, "bad_credentials"
    user = users.get(db, contract["id"], found["id"])
    if user["locked"]:
        return None, "locked"
    if not users.check_password(user, password):
        return None, _failed(db, contract, user)
    _reset_failures(db, user)
    if not scopes.permitted(user, contract):
        return None, "no_privilege"
    return user, ""


def check_otp(db: Database, contract: dict[str, Any], user: dict[str, Any], code: str, at: datetime) -> str:
    """ "" when ``code`` is the user's one-time password at ``at``; otherwise why not (counts as a failure)."""
    if user["locked"]:
        return "locked"
    if users.verify_otp(user, code, at):
        _reset_failures(db, user)
        return ""
    return "locked" if _failed(db, contract, user) == "locked" else "bad_otp"


def _failed(db: Database, contract: dict[str, Any], user: dict[str, Any]) -> str:
    threshold = contracts.settings(contract)["loginLockoutThreshold"]
    failures = user["failed_logins"] + 1
    locked = bool(threshold) and failures >= threshold
    db.conn.execute(
        "UPDATE users SET failed_logins = ?, locked = ? WHERE id = ?", (failures, int(locked), user["id"])
    )
    if locked:
        events.record(
            db,
            contract["id"],
            clock.contract_now(contract),
            "oauth",
            f"{user['login_id']} locked after {failures} failures",
        )
        return "locked"
    return "bad_credentials"


def _reset_failures(db: Database, user: dict[str, Any]) -> None:
    if user["failed_logins"]:
        db.conn.execute("UPDATE users SET failed_logins = 0 WHERE id = ?", (user["id"],))


def unlock(db: Database, contract_id: str, user_ref: str) -> dict[str, Any]:
    """Clear a lockout after repeated failed logins (setting ``loginLockoutThreshold``); return the user
    as it was before. Used by the control API and the dashboard alike."""
    with transaction(db):
        _contract, now = events.touch(db, contract_id)
        user = users.get(db, contract_id, user_ref)
        db.conn.execute("UPDATE users SET failed_logins = 0, locked = 0 WHERE id = ?", (user["id"],))
        events.record(db, contract_id, now, "oauth", f"{user['login_id']} unlocked")
    return user


# -- the consent screen's session ----------------------------------------------------------------------


def start_session(
    db: Database, *, contract_id: str, client_id: str, params: dict[str, str], lang: str, at: datetime
) -> str:
    """Store a validated authorization request; return the cookie value that refers to it."""
    cookie = secrets.token_urlsafe(32)
    db.conn.execute(
        "INSERT INTO oauth_consents (id, contract_id, client_id, params, step, csrf, lang, created_at, expires_at)"
        " VALUES (?, ?, ?, ?, 'login', ?, ?, ?, ?)",
        (
            models.digest(cookie),
            contract_id,
            client_id,
            json.dumps(params, ensure_ascii=False),
            secrets.token_urlsafe(24),
            lang,
            clock.to_db(at),
            clock.to_db(at + timedelta(seconds=SESSION_LIFETIME)),
        ),
    )
    # Old sessions are dead weight: drop those that ended more than a day ago on this contract's clock.
    db.conn.execute(
        "DELETE FROM oauth_consents WHERE contract_id = ? AND expires_at < ?",
        (contract_id, clock.to_db(at - timedelta(days=1))),
    )
    return cookie


def load_session(db: Database, cookie: str | None) -> dict[str, Any] | None:
    if not cookie or len(cookie) > 100:
        return None
    found = row(db, "SELECT * FROM oauth_consents WHERE id = ?", (models.digest(cookie),))
    if found is not None:
        found["params"] = json.loads(found["params"])
    return found


def session_expired(session: dict[str, Any], now: datetime) -> bool:
    return now >= clock.from_db(session["expires_at"])


def update_session(db: Database, session: dict[str, Any], **values: Any) -> None:
    assignments = ", ".join(f"{k} = ?" for k in values)
    db.conn.execute(
        f"UPDATE oauth_consents SET {assignments} WHERE id = ?", (*values.values(), session["id"])
    )
    session.update(values)


def end_session(db: Database, session: dict[str, Any]) -> None:
    db.conn.execute("DELETE FROM oauth_consents WHERE id = ?", (session["id"],))
