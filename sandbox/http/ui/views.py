"""``/sandbox/ui``: the operator's pages. Thin like the control API: parse, call the same functions, render.

Every state change is a POST carrying the session's CSRF token, answered with a redirect (POST/redirect/GET)
and a flash message; a domain error becomes that message instead of the JSON body the API would send.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, Response, abort, g, redirect, render_template, request, url_for

from sandbox import clock, events
from sandbox.bank import accounts, contracts, ledger
from sandbox.errors import BankError, InvalidParameter
from sandbox.http.control import auth
from sandbox.http.control.views import clock_view, detail, summary
from sandbox.http.ui import helpers, session
from sandbox.http.ui.messages import error_text, t
from sandbox.store import get_db, rows

bp = Blueprint(
    "ui",
    __name__,
    url_prefix="/sandbox/ui",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)
bp.context_processor(helpers.context)
PUBLIC = {"ui.login", "ui.static"}
PAGE_SIZE = 50


@bp.before_request
def guard() -> Response | None:
    """Load the session; send strangers to the login form; reject a POST without the CSRF token."""
    session.load()
    if request.method == "POST" and not session.csrf_valid():
        return render("error.html", 400, message=t("csrf_failed"))
    if request.endpoint in PUBLIC or session.authenticate():
        return None
    return redirect(
        url_for("ui.login", next=request.full_path.rstrip("?") if request.method == "GET" else None)
    )


@bp.after_request
def store_session(response: Response) -> Response:
    response.headers.setdefault("Cache-Control", "no-store")
    return session.save(response)


@bp.errorhandler(BankError)
def bank_error(error: BankError) -> tuple[str, int]:
    return render("error.html", error.status, message=error_text(error))


def render(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template(f"ui/{template}", **context), status


# -- login ------------------------------------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """Ask once for the admin key or a contract key; a contract key sees only its contract."""
    target = _safe_next(request.values.get("next"))
    if request.method == "POST":
        key = request.form.get("key", "").strip()
        valid, _contract = session.principal(key) if key else (False, None)
        if valid:
            session.log_in(key)
            return redirect(target)
        return render("login.html", 401, error=t("login_failed"), next=target)
    return render("login.html", next=target)


@bp.post("/logout")
def logout() -> Response:
    session.log_out()
    return redirect(url_for("ui.login"))


def _safe_next(target: str | None) -> str:
    # only paths inside the dashboard: never an open redirect to another site
    if target and target.startswith(bp.url_prefix + "/") and "//" not in target and "\\" not in target:
        return target
    return url_for("ui.contracts_page")


# -- contracts --------------------------------------------------------------------------------------


@bp.get("/")
def contracts_page() -> tuple[str, int]:
    db = get_db()
    found = [c for c in contracts.list_all(db) if g.control_contract in (None, c["id"])]
    listed = []
    for contract in found:
        contract, now = events.touch(db, contract["id"])
        listed.append({**summary(db, contract), "clock": clock_view(db, contract, now)})
    return render("contracts.html", contracts=listed)


def load_contract(contract_id: str) -> tuple[dict[str, Any], datetime]:
    """The contract as the control API details it and its time, once the caller's key is checked against it."""
    auth.allow_contract(contract_id)
    db = get_db()
    contract, now = events.touch(db, contract_id)
    return detail(db, contract, now), now


@bp.get("/contracts/<contract_id>")
def contract_page(contract_id: str) -> tuple[str, int]:
    c, _now = load_contract(contract_id)
    return render("contract.html", c=c, tab="overview")


@bp.post("/contracts/<contract_id>/clock")
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
    db = get_db()
    _contract, now = events.touch(db, contract_id)
    try:
        target = clock.shift(now, clock.parse_duration(by))
    except ValueError as exc:
        raise InvalidParameter(str(exc), field="by") from exc
    moved = events.move_clock(db, contract_id, target)
    return t("clock_moved", to=helpers.when(moved["to"], seconds=True), events=moved["eventsRun"])


def _set(contract_id: str, to: str) -> str:
    try:
        target = clock.parse_instant(to)
    except ValueError as exc:
        raise InvalidParameter(str(exc), field="to") from exc
    db = get_db()
    events.touch(db, contract_id)
    moved = events.move_clock(db, contract_id, target)
    return t("clock_moved", to=helpers.when(moved["to"], seconds=True), events=moved["eventsRun"])


def _mode(contract_id: str, mode: str) -> str:
    db = get_db()
    events.touch(db, contract_id)
    events.move_clock(db, contract_id, None, mode=mode)
    return t("clock_" + mode)


def act(move: Callable[[], str]) -> bool:
    """Run one state change; flash its message, or the error's in the user's language."""
    try:
        session.flash("ok", move())
    except BankError as error:
        session.flash("error", error_text(error))
        return False
    return True


def back(default: str) -> Response:
    return redirect(_safe_next(request.form.get("back")) if request.form.get("back") else default)


# -- statements -------------------------------------------------------------------------------------


@bp.get("/contracts/<contract_id>/accounts/<account_id>")
def statement_page(contract_id: str, account_id: str) -> tuple[str, int]:
    """An account's statement (入出金明細) between two dates, PAGE_SIZE lines a page."""
    c, now = load_contract(contract_id)
    db = get_db()
    account = accounts.public(accounts.get(db, [contract_id], account_id))
    today = now.date()
    date_from = _date_arg("from", today - timedelta(days=30))
    date_to = _date_arg("to", today)
    after = request.args.get("after", "0")
    after_id = int(after) if after.isascii() and after.isdigit() and len(after) <= 16 else 0
    lines = ledger.statement(db, account_id, date_from, date_to, after_id=after_id, limit=PAGE_SIZE + 1)
    page = {
        "lines": lines[:PAGE_SIZE],
        "next": lines[PAGE_SIZE - 1]["id"] if len(lines) > PAGE_SIZE else None,
        "prev": _previous_cursor(account_id, date_from, date_to, lines[0]["id"])
        if after_id and lines
        else None,
        "from": date_from,
        "to": date_to,
        "after": after_id,
    }
    return render("statement.html", c=c, account=account, page=page, tab="overview")


def _date_arg(name: str, default: Any) -> str:
    raw = request.args.get(name, "")
    try:
        return clock.parse_instant(raw).date().isoformat() if raw else default.isoformat()
    except ValueError:
        session.flash("error", t("bad_date", value=raw))
        return default.isoformat()


def _previous_cursor(account_id: str, date_from: str, date_to: str, first_id: int) -> int:
    """The ``after`` cursor of the page before the one starting at ``first_id`` (0: the first page)."""
    found = rows(
        get_db(),
        "SELECT id FROM postings WHERE account_id = ? AND value_date >= ? AND value_date <= ? AND id < ?"
        " ORDER BY id DESC LIMIT 1 OFFSET ?",
        (account_id, date_from, date_to, first_id, PAGE_SIZE),
    )
    return found[0]["id"] if found else 0
