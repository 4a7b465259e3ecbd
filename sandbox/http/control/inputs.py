"""Reading the control API's time fields: an instant (ISO 8601) and a clock target (``by`` or ``to``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sandbox import clock
from sandbox.bank import clocks
from sandbox.bank.clocks import Target
from sandbox.errors import InvalidParameter
from sandbox.fields import field


def instant(data: dict[str, Any], name: str) -> datetime:
    """The ISO 8601 instant in ``data[name]`` (required), or ``InvalidParameter`` naming the field."""
    try:
        return clock.parse_instant(field(data, name))
    except ValueError as exc:
        raise InvalidParameter(str(exc), field=name) from exc


def optional_instant(data: dict[str, Any], name: str) -> datetime | None:
    """:func:`instant` when the field is given and not null, else None."""
    return instant(data, name) if data.get(name) is not None else None


def target(data: dict[str, Any]) -> Target:
    """From ``{"by": duration}`` or ``{"to": instant}``, a function of the current time to the target."""
    if ("by" in data) == ("to" in data):
        raise InvalidParameter(
            'give exactly one of "by" (e.g. "90m", "2h", "3d", "PT2H") or "to" (ISO 8601)', field="by"
        )
    if "by" in data:
        try:
            delta = clock.parse_duration(field(data, "by", (str, int)))
        except ValueError as exc:
            raise InvalidParameter(str(exc), field="by") from exc
        return clocks.later(delta)
    to = instant(data, "to")
    return lambda now: to
