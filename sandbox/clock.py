"""Per-contract virtual clocks. The only module that reads the wall clock.

A contract's clock is ``running`` (wall time plus an offset) or ``frozen`` (a fixed instant).
It only moves forward. Times are stored as fixed-width JST ISO strings
(``2026-04-01T09:00:00.000000+09:00``) so that text order is time order.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

JST = timezone(timedelta(hours=9), "JST")


def wall_now() -> datetime:
    """The real time, in JST. Every other module asks a contract's clock instead."""
    return datetime.now(UTC).astimezone(JST)


def to_db(moment: datetime) -> str:
    """Fixed-width, sortable JST ISO string for storage."""
    return moment.astimezone(JST).isoformat(timespec="microseconds")


def from_db(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(JST)


def to_api(moment: datetime) -> str:
    """ISO 8601 with ``+09:00`` and whole seconds, as the API shows times."""
    return moment.astimezone(JST).replace(microsecond=0).isoformat()


def micros(delta: timedelta) -> int:
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def contract_now(contract: dict[str, Any]) -> datetime:
    """The current time on a contract's clock, from its stored clock columns."""
    if contract["clock_mode"] == "frozen":
        return from_db(contract["clock_frozen_at"])
    return wall_now() + timedelta(microseconds=contract["clock_offset_us"])


def clock_columns(mode: str, at: datetime) -> dict[str, Any]:
    """Columns that put a clock in ``mode`` showing ``at`` now."""
    if mode == "frozen":
        return {"clock_mode": "frozen", "clock_frozen_at": to_db(at), "clock_offset_us": 0}
    return {"clock_mode": "running", "clock_frozen_at": None, "clock_offset_us": micros(at - wall_now())}


# Clocks stop short of the year 2100: far enough for any rehearsal, near enough that date arithmetic,
# SQLite and a year of events per move stay bounded (and one tenant cannot hold the write lock for minutes).
HORIZON = datetime(2100, 1, 1, tzinfo=JST)
MAX_DURATION = timedelta(days=366 * 20)

# ASCII only (re.ASCII): \d would also match full-width ２ and Arabic-Indic ٢, as dates refuse them
_SHORT = re.compile(r"^\s*(\d+)\s*(s|m|h|d|w)\s*$", re.ASCII)
_ISO = re.compile(r"^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$", re.ASCII)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_duration(text: str) -> timedelta:
    """Parse ``90m``, ``2h``, ``3d``, ``1w``, ``45s`` or an ISO 8601 duration (``PT2H``, ``P1DT30M``).

    Raises ``ValueError`` for anything else, for negative or for zero-length durations.
    """
    text = str(text).strip(" \t\r\n")  # ASCII whitespace: an ideographic space is refused like ２
    short = _SHORT.match(text)
    try:
        if short:
            delta = timedelta(**{_UNITS[short.group(2)]: int(short.group(1))})
        else:
            iso = _ISO.match(text.upper())
            if not iso or text.upper() in ("P", "PT") or text.upper().endswith("T"):
                raise ValueError(f"not a duration: {text!r} (use 90m, 2h, 3d or ISO 8601 such as PT2H)")
            weeks, days, hours, minutes, seconds = (float(g) if g else 0.0 for g in iso.groups())
            delta = timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)
    except OverflowError:
        delta = MAX_DURATION * 2
    if delta <= timedelta(0):
        raise ValueError(f"duration must be positive: {text!r}")
    if delta > MAX_DURATION:
        raise ValueError(f"duration {text!r} is longer than {MAX_DURATION.days} days")
    return delta


def shift(moment: datetime, delta: timedelta) -> datetime:
    """``moment + delta``, refused (``ValueError``) beyond the clocks' horizon instead of overflowing."""
    if delta > HORIZON - moment:
        raise ValueError(f"{to_api(moment)} + {delta} is past the sandbox's horizon {to_api(HORIZON)}")
    return moment + delta


def check_horizon(moment: datetime) -> datetime:
    """``moment`` itself, or ``ValueError`` when it is at or past the horizon (year 2100)."""
    if moment >= HORIZON:
        raise ValueError(f"{to_api(moment)} is past the sandbox's horizon {to_api(HORIZON)}")
    return moment


def parse_instant(text: str) -> datetime:
    """Parse an ISO 8601 date or date-time; a naive value is taken as JST."""
    try:
        moment = datetime.fromisoformat(str(text).strip())
    except ValueError as exc:
        raise ValueError(f"not an ISO 8601 date-time: {text!r}") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=JST)
    try:
        return check_horizon(moment.astimezone(JST))
    except OverflowError as exc:
        raise ValueError(f"not a representable date-time: {text!r}") from exc
