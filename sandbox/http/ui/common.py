"""What every dashboard page shares: the session guard, rendering, running one state change with its flash
message, the way back after a POST, and loading the contract a page is about."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Response, redirect, render_template, request, send_from_directory, url_for

from sandbox.bank import contract_views
from sandbox.errors import BankError
from sandbox.http.control import auth
from sandbox.http.ui import session
from sandbox.http.ui.messages import error_text, t
from sandbox.store import get_db

PUBLIC = {"ui.login", "ui.static"}


def guard() -> Response | tuple[str, int] | None:
    """Load the session; send strangers to the login form; reject a POST without the CSRF token."""
    session.load()
    if request.method == "POST" and not session.csrf_valid():
        return render("error.html", 400, message=t("csrf_failed"))
    if request.endpoint in PUBLIC or session.authenticate():
        return None
    return redirect(
        url_for("ui.login", next=request.full_path.rstrip("?") if request.method == "GET" else None)
    )


def store_session(response: Response) -> Response:
    """Every dashboard answer: not cached, never framed by another page (clickjacking: a framed admin page
    offers its buttons to whoever frames it), and the session saved."""
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
    return session.save(response)


def bank_error(error: BankError) -> tuple[str, int, dict[str, str]]:
    page, status = render("error.html", error.status, message=error_text(error))
    return page, status, error.headers  # Retry-After of a throttled sign-in


def render(template: str, status: int = 200, /, **context: Any) -> tuple[str, int]:
    """The page and its HTTP status. ``status`` is positional-only: a template variable named ``status``
    (the transfers tab's filter) goes to the template and never becomes the page's HTTP status."""
    return render_template(f"ui/{template}", **context), status


def load_contract(contract_id: str) -> tuple[dict[str, Any], datetime]:
    """The contract as the control API details it and its time, once the caller's key is checked against it."""
    auth.allow_contract(contract_id)
    return contract_views.current(get_db(), contract_id)


def act(move: Callable[[], str]) -> bool:
    """Run one state change; flash its message, or the error's in the user's language."""
    try:
        session.flash("ok", move())
    except BankError as error:
        session.flash("error", error_text(error))
        return False
    return True


def back(default: str) -> Response:
    return redirect(safe_next(request.form.get("back")) if request.form.get("back") else default)


def safe_next(target: str | None) -> str:
    """``target`` when it is a path inside the dashboard, else its first page: never an open redirect."""
    home = url_for("ui.contracts_page")  # the dashboard's prefix, with its trailing slash
    if target and target.startswith(home) and "//" not in target and "\\" not in target:
        return target
    return home


def favicon() -> Response:
    """``/favicon.ico`` for every page (the dashboard, the consent pages, /docs): the dashboard's mark."""
    response = send_from_directory(Path(__file__).parent / "static", "favicon.ico", mimetype="image/x-icon")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
