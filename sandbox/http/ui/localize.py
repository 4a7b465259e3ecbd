"""What the domain records in English, shown in the page's language: event kinds, reasons, timeline lines,
and date-time fields written and read in the page's format (``2026/04/01 10:00`` on a Japanese page).

A text the tables do not know is shown as it is: the pages never hide a fact for want of a translation.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any

from sandbox import clock
from sandbox.bank.transfers.lifecycle import STATUS_NAMES
from sandbox.http.ui.messages import MESSAGES, language, t
from sandbox.oauth import grants
from sandbox.wire.timeline import OUTCOMES

REASONS = [
    (
        re.compile(r"insufficient funds in (?P<account>\d+): (?P<amount>\d+) yen needed"),
        "transfer_reason_funds",
    ),
    (re.compile(r"not approved by the cut-off of its date"), "transfer_reason_expired"),
    (re.compile(r"returned by the receiving bank"), "transfer_reason_returned"),
    (re.compile(r"account closed at the receiving bank"), "transfer_reason_closed"),
]
TRANSFER_LINE = re.compile(r" by (?P<who>\S+)")
POSTING_LINE = re.compile(r"journal (?P<id>\d+) (?P<kind>\S+)(?: (?P<ref>\S+))?: (?P<legs>.*)")
EVENT_LINE = re.compile(r"clock event (?P<kind>\S+) ran \((?P<status>\w+)\)")
# other activity lines the domain writes (sandbox/oauth/grants.py, sandbox/bank/deposits.py, the timeline)
ACTIVITY_LINES = [
    (
        re.compile(r"(?P<user>\S+) granted '(?P<scope>[^']*)' to client (?P<client>\S+) \((?P<via>[^)]*)\)"),
        "tl_granted",
    ),
    (re.compile(r"grant (?P<id>\d+) of client (?P<client>\S+) revoked: (?P<reason>.*)"), "tl_revoked"),
    (re.compile(r"grant (?P<id>\d+) of client (?P<client>\S+) for (?P<user>\S+) expired: .*"), "tl_expired"),
    (re.compile(r"(?P<user>\S+) privileges: (?P<privileges>.*)"), "tl_privileges"),
    (re.compile(r"deposit of (?P<amount>\d+) yen to (?P<account>\d+) from (?P<remitter>.*)"), "tl_deposit"),
    # sandbox/bank/notices.py, sandbox/notify/record.py: payment notifications
    (
        re.compile(r"notification (?P<id>\d+) attempt (?P<n>\d+) → (?P<shown>\S+) \((?P<result>[\w-]+)\)"),
        "tl_notify_attempt",
    ),
    (re.compile(r"notification (?P<id>\d+) held by (?P<effect>\w+) until (?P<until>\S+)"), "tl_notify_held"),
    (re.compile(r"notifications started for (?P<types>.*)"), "tl_notify_started"),
    (re.compile(r"notifications stopped for (?P<types>.*)"), "tl_notify_stopped"),
    (re.compile(r"(?P<n>\d+) unsent (?P<type>\S+) notifications fetched"), "tl_notify_fetched"),
]
REVOKE_CODES = {text: code for code, text in grants.REASONS.items()}


def known(key: str, fallback: str, **fields: Any) -> str:
    """The message ``key`` if there is one, else ``fallback`` as it is."""
    return t(key, **fields) if key in MESSAGES else fallback


def event_kind(kind: str) -> str:
    """A clock event's kind for people: 振込実行 for ``transfer.execute`` on a Japanese page."""
    return known(f"event_{kind}", kind)


def reason(text: str | None) -> str:
    """A transfer's failure, expiry or return reason in the page's language, when it is one the bank writes."""
    if not text or language() == "en":
        return text or ""
    for pattern, key in REASONS:
        found = pattern.fullmatch(text)
        if found:
            fields = found.groupdict()
            if "amount" in fields:
                fields["amount"] = f"{int(fields['amount']):,}"
            return t(key, **fields)
    return text


def summary(entry: dict[str, Any]) -> str:
    """A timeline entry's line in the page's language (the API's English ``summary`` when untranslated)."""
    text, data = entry["summary"], entry.get("data") or {}
    if language() == "en":
        return text
    if entry["kind"] == "transfer" and data.get("to"):
        who = TRANSFER_LINE.search(text)
        line = t(
            "tl_transfer",
            no=data["applyNo"],
            was=STATUS_NAMES.get(data.get("from") or "", t("tl_transfer_new")),
            to=STATUS_NAMES.get(data["to"], data["to"]),
            who=known(f"actor_{who['who']}", who["who"]) if who else "",
        )
        return line + (f" {reason(data['reason'])}" if data.get("reason") else "")
    if entry["source"] == "posting" and (found := POSTING_LINE.fullmatch(text)):
        kind = known(f"journal_{found['kind']}", found["kind"])
        return t(
            "tl_posting",
            id=found["id"],
            kind=kind,
            ref=f" {found['ref']}" if found["ref"] else "",
            legs=found["legs"],
        )
    if entry["source"] == "event" and (found := EVENT_LINE.fullmatch(text)):
        status = known(f"event_status_{found['status']}", found["status"])
        return t("tl_event", kind=event_kind(found["kind"]), status=status)
    if entry["source"] == "request":
        return _request_line(text, data)
    return _activity_line(text)


def _activity_line(text: str) -> str:
    for pattern, key in ACTIVITY_LINES:
        found = pattern.fullmatch(text)
        if found:
            fields = found.groupdict()
            if "amount" in fields:
                fields["amount"] = f"{int(fields['amount']):,}"
            if "reason" in fields:
                code = REVOKE_CODES.get(fields["reason"], "")
                fields["reason"] = known(f"reason_{code}", fields["reason"])
            return t(key, **fields)
    return text


def _request_line(text: str, data: dict[str, Any]) -> str:
    outcome = data.get("outcome")
    if outcome in OUTCOMES:
        english = OUTCOMES[outcome].format(status=data.get("status"))
        text = text.replace(english, t(f"outcome_{outcome}", status=data.get("status")))
    head, by, who = text.rpartition(" by ")
    return f"{head}{t('tl_by', who=who)}" if by else text


def field_value(value: str | datetime | None, *, day: bool = False) -> str:
    """An instant as a form field shows it: ``2026/04/01 10:00`` (ja) or ``2026-04-01 10:00`` (en), JST."""
    if not value:
        return ""
    moment = (value if isinstance(value, datetime) else clock.parse_instant(value)).astimezone(clock.JST)
    sep = "/" if language() == "ja" else "-"
    shown = moment.strftime(f"%Y{sep}%m{sep}%d")
    return shown if day else f"{shown} {moment:%H:%M}"


def parse_field(text: str) -> datetime:
    """A form's date or date-time in either page's format (full-width digits too), as an instant in JST."""
    plain = unicodedata.normalize("NFKC", text).strip().replace("/", "-")
    return clock.parse_instant(re.sub(r"\s+", " ", plain))


def context() -> dict[str, Any]:
    """What the templates call from here."""
    return {"event_kind": event_kind, "reason": reason, "tl_summary": summary, "field_value": field_value}
