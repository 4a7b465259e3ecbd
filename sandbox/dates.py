"""Calendar days as the banking API writes them: strictly ``YYYY-MM-DD`` (DESIGN §4).

One parser for every date the API reads (statement ranges, transfer-status ranges, a transfer's designated
date). ``date.fromisoformat`` alone is too lenient since Python 3.11: it takes ISO week dates
(``2026-W10-1``) and the basic format (``20260401``), which the bank's API does not.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sandbox.errors import InvalidParameter

DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits only: no full-width ２０２６


def parse_day(value: Any, name: str) -> date:
    """``value`` as a calendar day, or ``InvalidParameter`` naming the field ``name`` (2026-02-30 too)."""
    if isinstance(value, str) and DAY.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    shown = value[:40] if isinstance(value, str) else value
    raise InvalidParameter(f"{name} must be a date YYYY-MM-DD, got {shown!r}", field=name)
