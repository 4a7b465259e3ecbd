"""The banking API ``/corporation/v1`` (DESIGN §4): thin blueprints over the domain.

Conventions shared by every banking view live here: ``baseDate``/``baseTime`` on every answer, amounts
as strings of digits, times ISO 8601 with ``+09:00`` on the contract clock, absent values omitted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Response

from sandbox import clock
from sandbox.http.web import reply


def base(now: datetime) -> dict[str, str]:
    """``baseDate`` and ``baseTime``: when, on the contract clock, the answer was true."""
    local = now.astimezone(clock.JST)
    # time().isoformat, not strftime: the same HH:MM:SS at a fifth of the cost (it is on every answer)
    return {"baseDate": local.date().isoformat(), "baseTime": local.time().isoformat("seconds") + "+09:00"}


def api_reply(
    data: dict[str, Any], now: datetime, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """A banking answer: ``data`` with ``baseDate``/``baseTime``, ``None`` values dropped."""
    return reply({**base(now), **{k: v for k, v in data.items() if v is not None}}, status, headers)
