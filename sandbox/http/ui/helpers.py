"""What the templates call: translation, CSRF field, and formatting of money, times and statuses."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import g, request
from markupsafe import Markup, escape

from sandbox import clock
from sandbox.http.ui import session
from sandbox.http.ui.messages import t

WEEKDAYS_JA = "月火水木金土日"
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# the calendar names holidays in Japanese; the generic ones have an English name
HOLIDAYS_EN = {"土曜日": "Saturday", "日曜日": "Sunday", "年末年始休業日": "Year-end closure"}
BADGES = {"active": "ok", "suspended": "warn", "terminated": "bad"}
# A contract's tabs, in order: (message key, endpoint)
TABS: list[tuple[str, str]] = [
    ("overview", "ui.contract_page"),
    ("transfers", "ui.transfers_page"),
    ("oauth", "ui.oauth_page"),
    ("faults", "ui.faults_page"),
    ("timeline", "ui.timeline_page"),
]


def csrf_field() -> Markup:
    return Markup('<input type="hidden" name="{}" value="{}">').format(session.CSRF_FIELD, g.ui["csrf"])


def lang_url(lang: str) -> str:
    args = request.args.to_dict()
    args["lang"] = lang
    query = "&".join(f"{escape(k)}={escape(v)}" for k, v in args.items())
    return f"{request.path}?{query}"


def when(value: str | datetime | None, *, seconds: bool = False, time_only: bool = False) -> str:
    """A contract-clock instant for people: ``2026/04/01(水) 10:00`` or ``Wed 2026-04-01 10:00``."""
    if not value:
        return ""
    moment = value if isinstance(value, datetime) else clock.from_db(value)
    moment = moment.astimezone(clock.JST)
    hhmm = moment.strftime("%H:%M:%S" if seconds else "%H:%M")
    if time_only:
        return hhmm
    if g.lang == "ja":
        return f"{moment:%Y/%m/%d}({WEEKDAYS_JA[moment.weekday()]}) {hhmm}"
    return f"{WEEKDAYS_EN[moment.weekday()]} {moment:%Y-%m-%d} {hhmm}"


def yen(value: Any) -> str:
    if value is None or value == "":
        return ""
    amount = int(value)
    return f"{amount:,}円" if g.lang == "ja" else f"¥{amount:,}"


def status_badge(status: str) -> Markup:
    return Markup('<span class="badge badge-{}">{}</span>').format(
        BADGES.get(status, "muted"), t("status_" + status)
    )


def scope_label(scope: str) -> str:
    return t("svc_" + scope)


def life_badge(status: str) -> Markup:
    """A grant's or token's state: active, expired or revoked."""
    kind = {"active": "ok", "expired": "muted", "revoked": "bad"}.get(status, "muted")
    return Markup('<span class="badge badge-{}">{}</span>').format(kind, t("life_" + status))


def day_label(view: dict[str, Any]) -> str:
    if view["businessDay"]:
        return t("business_day")
    name = view.get("holidayName", "")
    return t("holiday", name=HOLIDAYS_EN.get(name, name) if g.lang == "en" else name)


def setting_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list | bool) else str(value)


def total_balance(accounts: list[dict[str, Any]]) -> int:
    return sum(int(a["balance"]) for a in accounts)


def contract_tabs() -> list[tuple[str, str]]:
    return TABS


def context() -> dict[str, Callable[..., Any]]:
    return {
        "t": t,
        "csrf_field": csrf_field,
        "lang_url": lang_url,
        "when": when,
        "yen": yen,
        "status_badge": status_badge,
        "day_label": day_label,
        "scope_label": scope_label,
        "life_badge": life_badge,
        "setting_text": setting_text,
        "total_balance": total_balance,
        "contract_tabs": contract_tabs,
        "take_flashes": session.take_flashes,
    }
