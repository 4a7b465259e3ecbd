"""The bank's business calendar in JST (§2(4)): business days, cut-offs and service hours.

Bank holidays are Saturdays, Sundays, national holidays (jpholiday, substitute holidays included)
and the year-end/new-year closure from 12/31 to 1/3.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

import jpholiday

from sandbox.clock import JST


@lru_cache(maxsize=8192)
def is_business_day(day: date) -> bool:
    """True when the bank is open for transfers on ``day``."""
    if day.weekday() >= 5:
        return False
    if (day.month, day.day) in ((12, 31), (1, 1), (1, 2), (1, 3)):
        return False
    return day not in _holidays(day.year)


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    """The national holidays of ``year`` (substitute holidays included), computed once per year:
    ``jpholiday.is_holiday`` works the whole year out again on every call (0.4 ms)."""
    return frozenset(day for day, _name in jpholiday.year_holidays(year))


def holiday_name(day: date) -> str | None:
    """Why ``day`` is not a business day, or None when it is one."""
    if is_business_day(day):
        return None
    if (day.month, day.day) in ((12, 31), (1, 1), (1, 2), (1, 3)):
        return "年末年始休業日"
    return jpholiday.is_holiday_name(day) or ("土曜日" if day.weekday() == 5 else "日曜日")


def next_business_day(day: date, *, include: bool = False) -> date:
    """The first business day after ``day`` (or ``day`` itself when ``include`` and it is one)."""
    candidate = day if include else day + timedelta(days=1)
    while not is_business_day(candidate):
        candidate += timedelta(days=1)
    return candidate


def previous_business_day(day: date, *, include: bool = False) -> date:
    """The last business day before ``day`` (or ``day`` itself when ``include`` and it is one)."""
    candidate = day if include else day - timedelta(days=1)
    while not is_business_day(candidate):
        candidate -= timedelta(days=1)
    return candidate


def parse_hhmm(text: str) -> time:
    hours, minutes = (int(part) for part in text.split(":"))
    return time(23, 59, 59, 999999) if hours == 24 else time(hours, minutes)


def cutoff(day: date, cutoff_time: str = "15:00") -> datetime:
    """The same-day transfer cut-off instant on ``day`` (default 15:00 JST)."""
    return datetime.combine(day, parse_hhmm(cutoff_time), JST)


def before_cutoff(moment: datetime, cutoff_time: str = "15:00") -> bool:
    """True when ``moment`` is a business day before its cut-off: a same-day transfer still goes today."""
    local = moment.astimezone(JST)
    return is_business_day(local.date()) and local < cutoff(local.date(), cutoff_time)


def execution_day(moment: datetime, cutoff_time: str = "15:00") -> date:
    """The day a transfer requested at ``moment`` for "as soon as possible" would execute."""
    local = moment.astimezone(JST)
    if before_cutoff(local, cutoff_time):
        return local.date()
    return next_business_day(local.date())


def within_hours(moment: datetime, start: str = "00:00", end: str = "24:00") -> bool:
    """True when ``moment`` falls inside the daily service hours ``start``–``end`` (JST)."""
    local = moment.astimezone(JST).time()
    return parse_hhmm(start) <= local <= parse_hhmm(end)


def service_reopens(moment: datetime, start: str = "00:00", end: str = "24:00") -> datetime | None:
    """When the service opens again if ``moment`` is outside the daily hours ``start``–``end``, else None (§2(4))."""
    if within_hours(moment, start, end):
        return None
    local = moment.astimezone(JST)
    opening = datetime.combine(local.date(), parse_hhmm(start), JST)
    return opening if local < opening else opening + timedelta(days=1)
