"""When a bulk transfer (総合振込/給与振込) must be requested and approved, on the contract's clock.

A bulk transfer is sent ahead of its designated date: by the business day before (setting
``bulkTransferLeadDays``, default 1), and salary or bonus files (種別 11/12) by three business days before
(``bulkSalaryLeadDays``), as banks require for 給与振込. A request or approval after that day is refused
with ``bulk_transfer_too_late``. Both checks read the contract's clock, never the wall clock.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sandbox import calendar
from sandbox.bank import contracts
from sandbox.bank.bulk.errors import BulkTransferTooLate, BulkTransferTooManyItems
from sandbox.clock import JST

SALARY_KINDS = ("11", "12")  # 種別 11 給与振込, 12 賞与振込
KINDS = ("21", *SALARY_KINDS)  # 21 総合振込


def lead_days(contract: dict[str, Any], kind: str) -> int:
    """How many business days before the designated date the request must be complete."""
    settings = contracts.settings(contract)
    return settings["bulkSalaryLeadDays"] if kind in SALARY_KINDS else settings["bulkTransferLeadDays"]


def last_day(designated: date, days: int) -> date:
    """The last day a request or approval is accepted: ``days`` business days before ``designated``.

    With ``days`` 0 it is the designated date itself (executed at its opening, so only before it).
    """
    day = designated
    for _ in range(days):
        day = calendar.previous_business_day(day)
    return day


def check_in_time(contract: dict[str, Any], kind: str, designated: date, now: datetime, *, step: str) -> None:
    """Refuse ``step`` (request or approval) when ``now`` is past the last day for ``designated``."""
    days = lead_days(contract, kind)
    deadline = last_day(designated, days)
    today = now.astimezone(JST).date()
    late = today > deadline if days else today >= designated
    if late:
        raise BulkTransferTooLate(
            f"the {step} for {designated.isoformat()} (種別 {kind}) had to be done by {deadline.isoformat()}"
            f" ({days} business day(s) before)",
            field="transferDesignatedDate",
        )


def check_count(contract: dict[str, Any], count: int) -> None:
    """Refuse more items than ``bulkTransferMaxItems``."""
    limit = contracts.settings(contract)["bulkTransferMaxItems"]
    if count > limit:
        raise BulkTransferTooManyItems(
            f"{count} items; this contract allows at most {limit}", field="transfers"
        )


def earliest_designated(contract: dict[str, Any], kind: str, now: datetime) -> date:
    """The first designated date a request made at ``now`` can still name."""
    days = lead_days(contract, kind)
    today = now.astimezone(JST).date()
    if not days:
        return calendar.next_business_day(today)
    day = calendar.next_business_day(today, include=True)
    for _ in range(days):
        day = calendar.next_business_day(day)
    return day
