"""Where notifications may go: loopback only, unless the operator allows other hosts
(``WEB21_SANDBOX_NOTIFY_ALLOWED_HOSTS``), and never to a receiver another contract registered — so no
tenant can point the bank at another tenant's server."""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from sandbox.bank import notices
from sandbox.errors import BankError
from sandbox.store import Database

LOOPBACK_NAMES = ("localhost",)


class NotificationUrlNotAllowed(BankError):
    """The notification URL names a host the operator has not allowed, or another contract's receiver."""

    code, status = "notification_url_not_allowed", 400
    message_ja = "この通知先URLは利用できません。"
    message_en = "Notifications may not be sent to this URL."


def is_loopback(host: str) -> bool:
    """``localhost`` or a loopback address literal (127.0.0.0/8, ::1)."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed(url: str, allowed_hosts: str) -> bool:
    """Whether the operator's setting lets the bank call ``url`` (an http(s) URL already checked)."""
    host = (urlsplit(url).hostname or "").lower()
    extra = {h.strip().lower() for h in str(allowed_hosts or "").split(",") if h.strip()}
    return is_loopback(host) or "*" in extra or host in extra


def origin(url: str) -> str:
    parts = urlsplit(url)
    default = 443 if parts.scheme == "https" else 80
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{parts.port or default}"


def check(db: Database, contract_id: str, url: Any, config: dict[str, Any]) -> None:
    """Refuse a ``notificationUrl`` setting the bank may not call (``notification_url_invalid`` for its
    form, ``notification_url_not_allowed`` for its host or another contract's receiver)."""
    if not isinstance(url, str):
        return  # the settings check names the wrong type
    notices.check_url(url)
    if url == "":
        return
    if not allowed(url, config.get("NOTIFY_ALLOWED_HOSTS", "")):
        raise NotificationUrlNotAllowed(
            f"{urlsplit(url).hostname} is not loopback and not in the operator's allowed hosts",
            field="notificationUrl",
        )
    if _same_origin(db, contract_id, url):
        raise NotificationUrlNotAllowed(
            "another contract's receiver is registered at this address", field="notificationUrl"
        )


def _same_origin(db: Database, contract_id: str, url: str) -> bool:
    wanted = origin(url)
    for found in db.conn.execute(
        "SELECT json_extract(settings, '$.notificationUrl') FROM contracts WHERE id != ?"
        " AND coalesce(json_extract(settings, '$.notificationUrl'), '') != ''",
        (contract_id,),
    ):
        try:
            if origin(found[0]) == wanted:
                return True
        except ValueError:
            continue
    return False
