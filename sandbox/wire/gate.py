"""Before any fault rule: the caller's contract row and clock, and whether the request may pass at all.

Called by ``middleware.py`` once per attributed request: outside the contract's service hours (§2(4)),
inside an open incident window (``incidents/windows.py``) or past the client's rate limit (``ratelimit.py``)
the request is refused before it runs.
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from typing import Any

from sandbox import calendar, clock, store
from sandbox.errors import BankError
from sandbox.incidents import windows
from sandbox.incidents.errors import OutsideServiceHours
from sandbox.wire import ratelimit
from sandbox.wire.identify import Who

# Whether the contract has an incident in force and whether any fault rule exists, in one read: usually
# neither, and then the two queries that would find nothing are not made.
_CONFIGURED = (
    "SELECT EXISTS (SELECT 1 FROM incidents WHERE contract_id = ? AND status = 'active'),"
    " EXISTS (SELECT 1 FROM fault_rules)"
)
_CONTRACT = "SELECT clock_mode, clock_frozen_at, clock_offset_us, settings FROM contracts WHERE id = ?"


def configured(db: store.Database, contract_id: str | None) -> tuple[bool, bool]:
    """Whether the contract has an active incident, and whether any fault rule exists."""
    windows_open, rules = db.conn.execute(_CONFIGURED, (contract_id,)).fetchone()
    return bool(windows_open), bool(rules)


def contract_row(db: store.Database, contract_id: str | None) -> dict[str, Any] | None:
    """The columns of the contract that its clock and service hours need (None when unattributed)."""
    if contract_id is None:
        return None
    return store.row(db, _CONTRACT, (contract_id,))


def refusal(
    db: store.Database,
    who: Who,
    contract: dict[str, Any] | None,
    now: datetime | None,
    windows_open: bool,
    path: str = "",
) -> tuple[BankError, str] | None:
    """The error that refuses the request before it runs, with its request-log label, or None;
    ``windows_open`` (from :func:`configured`) says whether incident windows need looking at. Service
    hours first, then incident windows, then the client's rate limit (a refused call takes no token)."""
    blocked: tuple[BankError, str] | None = _closed(contract, now)
    if blocked is None and windows_open:
        blocked = windows.blocking(db, who.contract_id, who.user_id, now)
    return blocked or ratelimit.refusal(db, who, contract, path)


def _closed(contract: dict[str, Any] | None, now: datetime | None) -> tuple[OutsideServiceHours, str] | None:
    """Outside the contract's service hours (§2(4)): 503 with Retry-After until they open again."""
    if contract is None or now is None or "serviceHours" not in (contract.get("settings") or ""):
        return None  # the default hours are the whole day: nothing to decode on the hot path
    hours = json.loads(contract["settings"])["serviceHours"]
    opens = calendar.service_reopens(now, hours["start"], hours["end"])
    if opens is None:
        return None
    wait = max(1, math.ceil((opens - now).total_seconds()))
    detail = f"service hours are {hours['start']}-{hours['end']}; open again at {clock.to_api(opens)} (contract clock)"
    return OutsideServiceHours(detail, headers={"Retry-After": str(wait)}), "serviceHours"
