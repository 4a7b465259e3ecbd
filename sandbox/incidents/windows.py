"""Incident windows in force: what an open ``maintenance`` or ``double-login`` window does to a request.

Called by the fault layer (``wire/middleware.py``) on every attributed request of a contract that has
an active incident; the windows themselves are opened and closed by ``lifecycle.py``.
"""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta
from typing import Any

from sandbox import clock
from sandbox.errors import BankError
from sandbox.incidents.errors import DoubleLogin, Maintenance
from sandbox.oauth.errors import bearer_challenge
from sandbox.store import Database, rows

PERIODS = {"nightly": timedelta(days=1), "weekly": timedelta(weeks=1)}
_OPEN = (
    "SELECT id, type, user_id, starts_at, ends_at, recur, params FROM incidents"
    " WHERE contract_id = ? AND status = 'active' AND starts_at <= ? AND (ends_at IS NULL OR ends_at > ?)"
)


def blocking(
    db: Database, contract_id: str | None, user_id: str | None, now: datetime | None
) -> tuple[BankError, str] | None:
    """The error an open window imposes on this request now, with a label for the request log."""
    if contract_id is None or now is None:
        return None
    stamp = clock.to_db(now)
    for incident in rows(db, _OPEN, (contract_id, stamp, stamp)):
        label = f"incident:{incident['type']}#{incident['id']}"
        if incident["type"] == "double-login" and incident["user_id"] == user_id:
            return _double_login(incident, user_id), label
        if incident["type"] == "maintenance":
            until = window_end(incident, now)
            if until is not None:
                return _maintenance(until, now), label
    return None


def _double_login(incident: dict[str, Any], user_id: str) -> DoubleLogin:
    detail = f"{user_id} is logged in to internet banking (incident {incident['id']})"
    challenge = bearer_challenge("double_login", detail)  # RFC 6750 §3: 403 carries a challenge too
    return DoubleLogin(detail, headers={"WWW-Authenticate": challenge})


def _maintenance(until: datetime, now: datetime) -> Maintenance:
    wait = max(1, math.ceil((until - now).total_seconds()))
    detail = f"maintenance until {clock.to_api(until)} (contract clock)"
    return Maintenance(detail, headers={"Retry-After": str(wait)})


def window_end(incident: dict[str, Any], now: datetime) -> datetime | None:
    """When the maintenance occurrence covering ``now`` ends, or None when ``now`` is outside every one."""
    params = json.loads(incident["params"]) if isinstance(incident["params"], str) else incident["params"]
    start, length = clock.from_db(incident["starts_at"]), timedelta(seconds=params["seconds"])
    period = PERIODS.get(incident["recur"] or "")
    if period:
        start += period * ((now - start) // period)
    return start + length if start <= now < start + length else None
