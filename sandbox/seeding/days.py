"""When a seeded world's recent past happens: the morning of its demo transfer requests, and so where its
history ends. Chosen so that every request that should execute does, before the cut-off, whatever the start."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sandbox import calendar, clock

EARLIEST = time(9, 45)  # the start must leave 45 minutes of a business morning after 09:00
LATEST = time(15, 0)  # the same-day cut-off (setting cutoffTime's default)


def morning(start: datetime) -> datetime:
    """The instant the demo requests of "the start's morning" begin (they take 20 minutes).

    45 minutes before the start when it is a business day between 09:45 and 15:00 (the default: a 10:00
    start gives 09:15); otherwise 14:00 of the latest business day whose 14:20 is before the start (the
    start's own day after the cut-off, else the business day before it).
    """
    start = start.astimezone(clock.JST)
    day = start.date()
    if calendar.is_business_day(day) and EARLIEST <= start.time() <= LATEST:
        return start - timedelta(minutes=45)
    if not (calendar.is_business_day(day) and start.time() > LATEST):
        day = calendar.previous_business_day(day)
    return datetime.combine(day, time(14, 0), clock.JST)
