"""Small helpers shared by the blueprints: JSON bodies in, JSON out, integers that fit."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.routing import IntegerConverter

from sandbox.errors import InvalidParameter, MalformedJson

MAX_INT = 2**53 - 1  # beyond this SQLite and JSON clients disagree about integers


class BoundedInt(IntegerConverter):
    """``<int:…>`` in routes, refusing (404) ids too large for SQLite instead of failing on them."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002 - werkzeug's name
        kwargs.setdefault("max", MAX_INT)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedInt


def parse_json(raw: bytes) -> Any:
    """``json.loads`` that turns every way a body can be unreadable (deep nesting too) into ``ValueError``."""
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise ValueError(f"not JSON: {exc.__class__.__name__}") from exc


def json_body(*, required: bool = True) -> dict[str, Any]:
    """The request's JSON object, or ``MalformedJson``. An empty body is ``{}`` unless ``required``."""
    raw = request.get_data(cache=True)
    if not raw:
        if required:
            raise MalformedJson("a JSON object body is required")
        return {}
    try:
        data = parse_json(raw)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise MalformedJson("the body must be a JSON object")
    return data


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


def reply(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    response = jsonify(data)
    response.status_code = status
    if headers:
        response.headers.update(headers)
    return response


def check_int(value: Any, name: str, low: int = 0, high: int = MAX_INT) -> int:
    """A JSON integer within ``[low, high]``, or ``InvalidParameter`` naming the field."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidParameter(f"{name} must be an integer from {low} to {high}", field=name)
    return value


def int_arg(name: str, default: int | None, low: int = 0, high: int = MAX_INT) -> int | None:
    """A query parameter of ASCII digits within ``[low, high]``; ``default`` when absent."""
    raw = request.args.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 16 or not low <= int(raw) <= high:
        raise InvalidParameter(f"{name} must be an integer from {low} to {high}", field=name)
    return int(raw)
