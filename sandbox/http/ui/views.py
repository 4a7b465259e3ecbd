"""``/sandbox/ui``: the operator's pages. Thin like the control API: parse, call the same functions, render.

Every state change is a POST carrying the session's CSRF token, answered with a redirect (POST/redirect/GET)
and a flash message; a domain error becomes that message instead of the JSON body the API would send.
The routes are in :mod:`sandbox.http.ui.routes`; the contract tabs each have a ``panel_*`` module.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Response, abort, g, redirect, request, url_for

from sandbox import clock
from sandbox.bank import accounts, clocks, contract_views, contracts, itemkeys, statements
from sandbox.errors import InvalidParameter
from sandbox.http.control import auth, throttle
from sandbox.http.ui import helpers, localize, session
from sandbox.http.ui.common import act, back, load_contract, render, safe_next
from sandbox.http.ui.messages import t
from sandbox.store import get_db

PAGE_SIZE = 50


# -- login ------------------------------------------------------------------------------------------


def login() -> Any:
    """Ask once for the admin key or a contract key; a contract key sees only its contract."""
    target = safe_next(request.values.get("next"))
    if request.method == "POST":
        key = request.form.get("key", "").strip()
        throttle.check()  # one count with the control API's X-Sandbox-Key
        valid, _contract = session.principal(key) if key else (False, None)
        if valid:
            throttle.succeeded()
            session.log_in(key)
            return redirect(target)
        throttle.failed()
        return render("login.html", 401, error=t("login_failed"), next=target)
    return render("login.html", next=target)


def logout() -> Response:
    session.log_out()
    return redirect(url_for("ui.login"))


# -- contracts --------------------------------------------------------------------------------------


def contracts_page() -> tuple[str, int]:
    db = get_db()
    ids = [c["id"] for c in contracts.list_all(db) if g.control_contract in (None, c["id"])]
    return render("contracts.html", contracts=contract_views.listed(db, ids))


def contract_page(contract_id: str) -> tuple[str, int]:
    c, _now = load_contract(contract_id)
    return render("contract.html", c=c, tab="overview")


def clock_action(contract_id: str) -> Response:
    """Advance (1h, 1d, custom), set to a date-time, freeze or resume: the clock API's own moves."""
    auth.allow_contract(contract_id)
    action = request.form.get("action", "")
    moves: dict[str, Callable[[], str]] = {
        "advance": lambda: _advance(contract_id, request.form.get("by", "")),
        "set": lambda: _set(contract_id, request.form.get("to", "")),
        "freeze": lambda: _mode(contract_id, "frozen"),
        "resume": lambda: _mode(contract_id, "running"),
    }
    if action not in moves:
        abort(400)
    act(moves[action])
    return back(url_for("ui.contract_page", contract_id=contract_id))


def _advance(contract_id: str, by: str) -> str:
    try:
        delta = clock.parse_duration(by)
    except ValueError as exc:
        raise InvalidParameter(str(exc), field="by") from exc
    return _moved(clocks.move(get_db(), contract_id, clocks.later(delta)))


def _set(contract_id: str, to: str) -> str:
    try:
        target = localize.parse_field(to)
    except ValueError as exc:
        raise InvalidParameter(str(exc), field="to") from exc
    return _moved(clocks.move(get_db(), contract_id, target))


def _moved(moved: dict[str, Any]) -> str:
    return t("clock_moved", to=helpers.when(moved["to"], seconds=True), events=moved["eventsRun"])


def _mode(contract_id: str, mode: str) -> str:
    clocks.move(get_db(), contract_id, None, mode=mode)
    return t("clock_" + mode)


# -- statements -------------------------------------------------------------------------------------


def statement_page(contract_id: str, account_id: str) -> tuple[str, int]:
    """An account's statement (入出金明細) between two dates, PAGE_SIZE lines a page."""
    c, now = load_contract(contract_id)
    db = get_db()
    account = accounts.public(accounts.get(db, [contract_id], account_id))
    today = now.date()
    date_from = _date_arg("from", today - timedelta(days=30))
    date_to = _date_arg("to", today)
    after = request.args.get("after", "")
    after = after if itemkeys.well_formed(after) else ""  # a stale or hand-edited link starts over
    page = statements.page(db, account_id, date_from, date_to, after, PAGE_SIZE)
    return render("statement.html", c=c, account=account, page=page, tab="overview")


def _date_arg(name: str, default: Any) -> str:
    raw = request.args.get(name, "")
    try:
        return localize.parse_field(raw).date().isoformat() if raw else default.isoformat()
    except ValueError:
        session.flash("error", t("bad_date", value=raw))
        return default.isoformat()
