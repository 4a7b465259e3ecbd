"""Statement item keys (``itemKey`` / ``nextItemKey``): 20 digits shaped like a contract-clock time.

A key reads ``YYYYMMDDhhmmssffffff`` (JST, to the microsecond): the posting's time, unless that does not come
after the account's previous key (two lines in the same microsecond, or a line written by another contract's
clock that runs behind) — then it is the previous key plus one microsecond. So an account's keys are unique
and strictly increase in the order its balance moved, and twenty digits are beyond int64 and beyond a
JavaScript number, as at the bank: a client must keep them as strings.
"""

from __future__ import annotations

from datetime import datetime, timedelta

LENGTH = 20
_FORMAT = "%Y%m%d%H%M%S%f"


def of_stamp(stamp: str) -> str:
    """The 20 digits of a stored JST stamp (``2026-04-01T09:00:00.000000+09:00``)."""
    return stamp[0:4] + stamp[5:7] + stamp[8:10] + stamp[11:13] + stamp[14:16] + stamp[17:19] + stamp[20:26]


def following(stamp: str, previous: str | None) -> str:
    """The key of a posting at ``stamp`` on an account whose last key is ``previous`` (None: its first)."""
    key = of_stamp(stamp)
    if previous is None or key > previous:
        return key
    if previous[14:] != "999999":  # the usual case (many lines at one instant): the next microsecond
        return str(int(previous) + 1)
    return (datetime.strptime(previous, _FORMAT) + timedelta(microseconds=1)).strftime(_FORMAT)


def well_formed(value: str) -> bool:
    """Whether ``value`` has the shape of a key (20 ASCII digits); old integer cursors do not."""
    return len(value) == LENGTH and value.isascii() and value.isdigit()
