"""The days of a transfer request on the business calendar: when it executes (its designated date moved
by ``transferDateHolidayCode``), when it expires unapproved, and when an approval runs it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sandbox import calendar, clock
from sandbox.bank import contracts
from sandbox.bank.transfers.errors import TransferDateHoliday, TransferDateInvalid

OPENING = time(9, 0)  # a reserved transfer executes at 09:00 JST on its date (sandbox choice)
HORIZON = timedelta(days=365)  # how far ahead a designated date may lie


def execution_date(designated: date | None, holiday_code: str, now: datetime, cutoff_time: str) -> date:
    """The business day a request executes on: the designated date moved by ``transferDateHolidayCode``
    (1 next business day, 2 previous, 3 error); none given means today before the cut-off, else the next."""
    today = now.astimezone(clock.JST).date()
    if designated is None:
        return calendar.execution_day(now, cutoff_time)
    if designated < today:
        raise TransferDateInvalid(
            f"{designated} is in the past (today is {today})", field="transferDesignatedDate"
        )
    if designated > today + HORIZON:
        raise TransferDateInvalid(f"{designated} is more than a year ahead", field="transferDesignatedDate")
    day = _business_day(designated, holiday_code)
    if day < today or (day == today and not calendar.before_cutoff(now, cutoff_time)):
        raise TransferDateInvalid(
            f"{day} is too late: the cut-off {cutoff_time} of {today} has passed or the day is past",
            field="transferDesignatedDate",
        )
    return day


def _business_day(day: date, holiday_code: str) -> date:
    """``day``, or the business day ``transferDateHolidayCode`` moves a holiday to (3: an error)."""
    if calendar.is_business_day(day):
        return day
    if holiday_code == "3":
        raise TransferDateHoliday(
            f"{day} is a bank holiday ({calendar.holiday_name(day)})", field="transferDesignatedDate"
        )
    move = calendar.next_business_day if holiday_code == "1" else calendar.previous_business_day
    return move(day)


def expires_at(contract: dict[str, Any], day: date) -> datetime:
    """When a request for ``day`` expires unapproved: the cut-off ``requestExpiryDays`` business days on."""
    settings = contracts.settings(contract)
    for _ in range(int(settings["requestExpiryDays"])):
        day = calendar.next_business_day(day)
    return calendar.cutoff(day, settings["cutoffTime"])


def run_day(execution: date, now: datetime, cutoff_time: str) -> date:
    """The day an approved request executes: its date, or, once that has come, today before the cut-off
    and the next business day after it."""
    today = now.astimezone(clock.JST).date()
    if execution > today:
        return execution
    return today if calendar.before_cutoff(now, cutoff_time) else calendar.next_business_day(today)
