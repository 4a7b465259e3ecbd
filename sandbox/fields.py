"""Checks of parsed input that need no request: JSON text, a field of a body, an integer in range.

Used by the domain (transfer items, fault rules) and by the HTTP layer alike; each refusal is an
``InvalidParameter`` naming the field, so every caller answers the same code.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sandbox.errors import InvalidParameter

MAX_INT = 2**53 - 1  # beyond this SQLite and JSON clients disagree about integers
_SURROGATE = re.compile("[\ud800-\udfff]")  # never in well-formed text: pairs are joined by json.loads


def parse_json(raw: bytes) -> Any:
    """``json.loads`` that turns every way a body can be unreadable (deep nesting too) into ``ValueError``,
    and refuses text that is not Unicode scalar values (``InvalidParameter`` naming the field)."""
    try:
        data = json.loads(raw, parse_float=_number)
    except (ValueError, RecursionError) as exc:
        raise ValueError(f"not JSON: {exc.__class__.__name__}") from exc
    check_scalar_text(data)
    return data


def _number(text: str) -> int | float:
    """JSON has one number type (RFC 8259 §6), so ``1.0`` and ``1e3`` are the integers 1 and 1000 (as JSON
    Schema's ``integer`` says); a number with a fraction stays a float (and is refused where an integer is due)."""
    value = float(text)
    return int(value) if value.is_integer() and abs(value) < 2**63 else value


def check_scalar_text(data: Any) -> None:
    """Refuse a lone surrogate (``"\\udc00"`` in JSON) in any key or string, at any depth: it cannot be stored
    or encoded as UTF-8, so it would otherwise fail deep in a view. Iterative: no depth limit to hit."""
    pending: list[tuple[str, Any]] = [("", data)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, dict):
            for key, inner in value.items():
                name = f"{path}.{key}" if path else key
                if _SURROGATE.search(key):
                    raise InvalidParameter("a field name is not valid Unicode text", field=ascii(key)[1:-1])
                pending.append((name, inner))
        elif isinstance(value, list):
            pending.extend((f"{path}[{i}]", inner) for i, inner in enumerate(value))
        elif isinstance(value, str) and _SURROGATE.search(value):
            raise InvalidParameter(f"{path} is not valid Unicode text (a lone surrogate)", field=path)


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
