"""The contract's OAuth tab: registered clients, grants (アクセス許可) and their tokens with why each ended,
and the user actions of the OAuth control API: privileges (§5(1), §5(5)①), unlock, revoke a grant.
"""

from __future__ import annotations

from typing import Any

from flask import Response, request, url_for

from sandbox import events
from sandbox.bank import users
from sandbox.bank.contracts import SERVICES
from sandbox.http.control.oauth import grant_view
from sandbox.http.ui import helpers
from sandbox.http.ui.messages import MESSAGES, t
from sandbox.http.ui.views import act, back, bp, load_contract, render
from sandbox.oauth import clients, consent, models
from sandbox.oauth.errors import GrantNotFound
from sandbox.store import get_db, rows, transaction

MAX_GRANTS = 200
helpers.add_tab("oauth", "ui.oauth_page")


@bp.get("/contracts/<contract_id>/oauth")
def oauth_page(contract_id: str) -> tuple[str, int]:
    c, now = load_contract(contract_id)
    db = get_db()
    found = rows(
        db,
        "SELECT * FROM oauth_grants WHERE contract_id = ? ORDER BY id DESC LIMIT ?",
        (contract_id, MAX_GRANTS),
    )
    return render(
        "oauth.html",
        c=c,
        tab="oauth",
        clients=[clients.public_view(db, client) for client in clients.for_contract(db, contract_id)],
        grants=[grant_view(db, grant, now) for grant in found],
        limit=MAX_GRANTS,
    )


@bp.post("/contracts/<contract_id>/oauth/grants/<int:grant_id>/revoke")
def revoke_grant(contract_id: str, grant_id: int) -> Response:
    """End a grant and its tokens, as ``DELETE /sandbox/v1/contracts/{id}/authorizations/{grantId}`` does."""
    load_contract(contract_id)

    def revoke() -> str:
        db = get_db()
        with transaction(db):
            _contract, now = events.touch(db, contract_id)
            grant = models.get_grant(db, grant_id)
            if grant is None or grant["contract_id"] != contract_id:
                raise GrantNotFound(f"no grant {grant_id} in contract {contract_id}", field="grantId")
            models.revoke_grant(db, grant, at=now, reason="control")
        return t("grant_revoked", id=grant_id)

    act(revoke)
    return back(url_for("ui.oauth_page", contract_id=contract_id))


@bp.post("/contracts/<contract_id>/users/<user>/privileges")
def set_privileges(contract_id: str, user: str) -> Response:
    """Set a user's server-connection privileges; none at all ends the user's grants (§5(5)①)."""
    load_contract(contract_id)
    chosen = [s for s in request.form.getlist("privileges") if s in SERVICES]

    def change() -> str:
        db = get_db()
        with transaction(db):
            _contract, now = events.touch(db, contract_id)
            found = users.get(db, contract_id, user)
            ended = models.set_privileges(db, contract_id, found, chosen, now)
        return t("privileges_saved", user=found["login_id"], n=ended)

    act(change)
    return back(url_for("ui.contract_page", contract_id=contract_id))


@bp.post("/contracts/<contract_id>/users/<user>/unlock")
def unlock_user(contract_id: str, user: str) -> Response:
    """Clear a lockout after repeated failed logins, as the control API's unlock does."""
    load_contract(contract_id)

    def unlock() -> str:
        db = get_db()
        with transaction(db):
            _contract, now = events.touch(db, contract_id)
            found = users.get(db, contract_id, user)
            consent.unlock(db, found)
            events.record(db, contract_id, now, "oauth", f"{found['login_id']} unlocked")
        return t("user_unlocked", user=found["login_id"])

    act(unlock)
    return back(url_for("ui.contract_page", contract_id=contract_id))


def reason_text(code: str | None) -> str:
    """Why a grant or token ended, in the user's language (the domain's English text when unknown)."""
    if not code:
        return ""
    key = "reason_" + code
    return t(key) if key in MESSAGES else models.REASONS.get(code, code)


def context() -> dict[str, Any]:
    return {"reason_text": reason_text, "services": SERVICES}


bp.context_processor(context)
