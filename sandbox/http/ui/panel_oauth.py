"""The contract's OAuth tab: registered clients, grants (アクセス許可) and their tokens with why each ended,
and the user actions of the OAuth control API: privileges (§5(1), §5(5)①), unlock, revoke a grant.
"""

from __future__ import annotations

from typing import Any

from flask import Response, request, url_for

from sandbox.bank.contracts import SERVICES
from sandbox.http.ui.common import act, back, load_contract, render
from sandbox.http.ui.messages import MESSAGES, t
from sandbox.oauth import clients, consent, grant_views, grants
from sandbox.store import get_db

MAX_GRANTS = 200


def oauth_page(contract_id: str) -> tuple[str, int]:
    c, now = load_contract(contract_id)
    db = get_db()
    return render(
        "oauth.html",
        c=c,
        tab="oauth",
        clients=[clients.public_view(db, client) for client in clients.for_contract(db, contract_id)],
        grants=grant_views.for_contract(db, contract_id, now, limit=MAX_GRANTS, newest_first=True),
        limit=MAX_GRANTS,
    )


def revoke_grant(contract_id: str, grant_id: int) -> Response:
    """End a grant and its tokens, as ``DELETE /sandbox/v1/contracts/{id}/authorizations/{grantId}`` does."""
    load_contract(contract_id)

    def revoke() -> str:
        grants.revoke(get_db(), contract_id, grant_id)
        return t("grant_revoked", id=grant_id)

    act(revoke)
    return back(url_for("ui.oauth_page", contract_id=contract_id))


def set_privileges(contract_id: str, user: str) -> Response:
    """Set a user's server-connection privileges; none at all ends the user's grants (§5(5)①)."""
    load_contract(contract_id)
    chosen = [s for s in request.form.getlist("privileges") if s in SERVICES]

    def change() -> str:
        found, ended = grants.set_privileges(get_db(), contract_id, user, chosen)
        return t("privileges_saved", user=found["login_id"], n=ended)

    act(change)
    return back(url_for("ui.contract_page", contract_id=contract_id))


def unlock_user(contract_id: str, user: str) -> Response:
    """Clear a lockout after repeated failed logins, as the control API's unlock does."""
    load_contract(contract_id)

    def unlock() -> str:
        found = consent.unlock(get_db(), contract_id, user)
        return t("user_unlocked", user=found["login_id"])

    act(unlock)
    return back(url_for("ui.contract_page", contract_id=contract_id))


def reason_text(code: str | None) -> str:
    """Why a grant or token ended, in the user's language (the domain's English text when unknown)."""
    if not code:
        return ""
    key = "reason_" + code
    return t(key) if key in MESSAGES else grants.REASONS.get(code, code)


def context() -> dict[str, Any]:
    return {"reason_text": reason_text, "services": SERVICES}
