"""Checks of parsed input that need no request: JSON text, a field of a body, an integer in range.

Used by the domain (transfer items, fault rules) and by the HTTP layer alike; each refusal is an
``InvalidParameter`` naming the field, so every caller answers the same code.
"""

from __future__ import annotations

import json
from typing import Any

from sandbox.errors import InvalidParameter

MAX_INT = 2**53 - 1  # beyond this SQLite and JSON clients disagree about integers


def parse_json(raw: bytes) -> Any:
    """``json.loads`` that turns every way a body can be unreadable (deep nesting too) into ``ValueError``."""
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise ValueError(f"not JSON: {exc.__class__.__name__}") from exc


def field(
    data: dict[str, Any], name: str, kind: type | tuple[type, ...] = str, *, required: bool = True
) -> Any:
    """``data[name]`` checked against ``kind``; ``InvalidParameter`` naming the field otherwise."""
    value = data.get(name)
    if value is None:
        if required:
            raise InvalidParameter(f"{name} is required", field=name)
        return None
    if isinstance(value, bool) and kind is not bool or not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise InvalidParameter(f"{name} must be a {names}", field=name)
    return value


def check_int(value: Any, name: str, low: int = 0, high: int = MAX_INT) -> int:
    """A JSON integer within ``[low, high]``, or ``InvalidParameter`` naming the field."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidParameter(f"{name} must be an integer from {low} to {high}", field=name)
    return value
