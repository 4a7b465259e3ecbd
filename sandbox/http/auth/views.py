"""The consent screen (§5(3)①②), ``GET /auth/v1/authorization``: login with 利用者ID and password →
one-time password → choose services within the user's privileges → back to the client with ``code``.

Server-rendered, Japanese by default (``?lang=en`` switches). State between pages lives in the store
(``oauth_consents``); the browser holds a random cookie, and every form carries a CSRF token bound to it.
Errors go back to the client per RFC 6749 §4.1.2.1 when the redirect URI is valid, else to an error page.
"""

from __future__ import annotations

import hmac
from typing import Any
from urllib.parse import urlsplit

from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749.errors import AccessDeniedError
from flask import Blueprint, Response, make_response, redirect, render_template, request, url_for

from sandbox import events
from sandbox.bank import contracts, users
from sandbox.http.auth.texts import TEXTS, lang_of
from sandbox.oauth import clients, consent, scopes
from sandbox.oauth.consent import COOKIE
from sandbox.oauth.server import server
from sandbox.store import get_db, transaction

bp = Blueprint("oauth_consent", __name__, template_folder="templates")
PARAMS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
)


class PageError(Exception):
    """A consent-page failure shown as an error page (no valid redirect URI to report it to)."""

    def __init__(self, key: str, status: int = 400, detail: str = "", lang: str = "ja") -> None:
        super().__init__(key)
        self.key, self.status, self.detail, self.lang = key, status, detail, lang


@bp.errorhandler(PageError)
def page_error(error: PageError) -> Response:
    return _page("error.html", error.lang, error.status, message=error.key, detail=error.detail)


@bp.get("/auth/v1/authorization")
def authorize() -> Response:
    """Validate the client's request, open a consent session, and show the login page."""
    lang = lang_of(request.args.get("lang") or request.args.get("ui_locales"))
    if not request.args.get("client_id") and not request.args.get("response_type"):
        return redirect(url_for(".step", lang=request.args.get("lang")), 303)
    try:
        grant = server.get_consent_grant(end_user=None)
    except OAuth2Error as error:
        return _oauth_error(error, lang)
    except ValueError:  # Authlib refuses to echo a parameter that RFC 6749 does not allow in an error
        raise PageError(
            "error_request", 400, "invalid_request: a parameter has characters RFC 6749 forbids", lang
        ) from None
    return _open_session(grant, lang)


def _open_session(grant: Any, lang: str) -> Response:
    """Store the checked request as a consent session (its cookie goes to the browser) and go to login;
    a contract that is not active is refused back to the client."""
    client: clients.Client = grant.request.client
    db = get_db()
    with transaction(db):
        contract, now = events.touch(db, client.contract_id)
        if contract["status"] != "active":
            denied = AccessDeniedError(
                f"The contract is {contract['status']}.", redirect_uri=grant.redirect_uri
            )
            denied.state = request.args.get("state")
            return server.handle_error_response(None, denied)
        params = {k: request.args[k] for k in PARAMS if request.args.get(k)}
        cookie = consent.start_session(
            db, contract_id=contract["id"], client_id=client.client_id, params=params, lang=lang, at=now
        )
    response = redirect(url_for(".step"), 303)
    response.set_cookie(COOKIE, cookie, httponly=True, samesite="Lax", path="/auth/v1/")
    return response


@bp.get("/auth/v1/authorization/step")
def step() -> Response:
    """The page of the session's current step (also after a language switch)."""
    session, contract, _now = _session(check_csrf=False)
    if request.args.get("lang") in ("ja", "en") and request.args["lang"] != session["lang"]:
        with transaction(get_db()):
            consent.update_session(get_db(), session, lang=request.args["lang"])
    return _step_page(session, contract)


@bp.post("/auth/v1/authorization/login")
def login() -> Response:
    session, contract, _now = _session()
    if session["step"] != "login":
        return redirect(url_for(".step"), 303)
    db = get_db()
    with transaction(db):
        user, reason = consent.login(
            db,
            contract,
            request.form.get("login_id", "").strip()[:64],
            request.form.get("password", "")[:128],
        )
        if user is None:
            return _step_page(session, contract, error=reason, login_id=request.form.get("login_id", "")[:64])
        consent.update_session(db, session, step="otp", user_id=user["id"])
    return redirect(url_for(".step"), 303)


@bp.post("/auth/v1/authorization/otp")
def otp() -> Response:
    session, contract, now = _session()
    if session["step"] != "otp":
        return redirect(url_for(".step"), 303)
    db = get_db()
    with transaction(db):
        user = users.get(db, contract["id"], session["user_id"])
        reason = consent.check_otp(db, contract, user, request.form.get("otp", "")[:16], now)
        if reason == "locked":
            consent.update_session(db, session, step="login", user_id=None)
        if reason:
            return _step_page(session, contract, error=reason)
        consent.update_session(db, session, step="consent")
    return redirect(url_for(".step"), 303)


@bp.post("/auth/v1/authorization/consent")
def decide() -> Response:
    """Approve (with the services ticked) or deny; either way the browser goes back to the client."""
    session, contract, _now = _session()
    if session["step"] != "consent":
        return redirect(url_for(".step"), 303)
    db = get_db()
    with transaction(db):
        user = users.get(db, contract["id"], session["user_id"])
        offered = _offered(session, user, contract)
        granted_user = None
        if request.form.get("action") == "approve":
            chosen = [s for s in request.form.getlist("service") if s in offered["allowed"]]
            if not chosen:
                return _step_page(session, contract, error="choose_one")
            granted_user = consent.Consented(user, [*chosen, *offered["offline"]])
        stored = server.stored_request(session["params"])
        consent.end_session(db, session)
        try:
            grant = server.get_consent_grant(stored, end_user=None)
        except OAuth2Error as error:
            return _oauth_error(error, session["lang"])
        answer = server.create_authorization_response(stored, grant_user=granted_user, grant=grant)
    answer.delete_cookie(COOKIE, path="/auth/v1/")
    return answer


def _oauth_error(error: OAuth2Error, lang: str) -> Response:
    """An error the client cannot be told through its redirect_uri: a page, in the user's language.

    Authlib describes errors in English; the two a person meets most have a message of their own, and the
    Japanese page then shows only the error code beside it.
    """
    if error.redirect_uri:
        return server.handle_error_response(None, error)
    key = "error_request"
    if error.error == "invalid_client":
        key = "error_unknown_client"
    elif "redirect uri" in (error.description or "").lower():
        key = "error_redirect_uri"
    detail = f"{error.error}: {error.description or ''}".strip(": ")
    raise PageError(key, 400, error.error if lang == "ja" and key != "error_request" else detail, lang)


def _session(*, check_csrf: bool = True) -> tuple[dict[str, Any], dict[str, Any], Any]:
    """The browser's consent session, its contract and contract time; a ``PageError`` when missing/expired."""
    db = get_db()
    session = consent.load_session(db, request.cookies.get(COOKIE))
    lang = lang_of(request.args.get("lang"))
    if session is None:
        raise PageError("error_session", 400, lang=lang)
    contract, now = events.touch(db, session["contract_id"])
    if consent.session_expired(session, now):
        raise PageError("error_session", 400, lang=session["lang"])
    # bytes: compare_digest refuses str with non-ASCII characters (a TypeError, not a CSRF error)
    sent = request.form.get("csrf_token", "").encode()
    if check_csrf and not hmac.compare_digest(sent, session["csrf"].encode()):
        raise PageError("error_csrf", 400, lang=session["lang"])
    return session, contract, now


def _offered(session: dict[str, Any], user: dict[str, Any], contract: dict[str, Any]) -> dict[str, list[str]]:
    requested = scopes.parse(session["params"].get("scope"))
    allowed = scopes.permitted(user, contract)
    services = scopes.services_of(requested)
    return {
        "allowed": [s for s in services if s in allowed],
        "refused": [s for s in services if s not in allowed],
        "offline": [scopes.OFFLINE] if scopes.OFFLINE in requested else [],
    }


def _step_page(
    session: dict[str, Any], contract: dict[str, Any], *, error: str = "", **extra: Any
) -> Response:
    db = get_db()
    client = clients.get(db, session["client_id"])
    context: dict[str, Any] = {
        "session": session,
        "step": session["step"],
        "client": client,
        "client_host": urlsplit(client["redirect_uri"]).netloc,
        "contract": contract,
        "error": error,
        **extra,
    }
    if session["user_id"]:
        user = users.get(db, contract["id"], session["user_id"])
        context["user"] = user
        context["offered"] = _offered(session, user, contract)
        context["grant_days"] = contracts.settings(contract)["grantLifetime"] // 86400
    return _page(f"{session['step']}.html", session["lang"], 200, **context)


def _page(template: str, lang: str, status: int, **context: Any) -> Response:
    response = make_response(
        render_template(
            f"oauth/{template}", t=TEXTS[lang], lang=lang, other="en" if lang == "ja" else "ja", **context
        ),
        status,
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"  # the consent screen must not be framed (clickjacking)
    return response
