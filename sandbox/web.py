"""Small helpers shared by the blueprints: JSON bodies in, JSON out."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from sandbox.errors import InvalidParameter, MalformedJson


def json_body(*, required: bool = True) -> dict[str, Any]:
    """The request's JSON object, or ``MalformedJson``. An empty body is ``{}`` unless ``required``."""
    if not request.get_data(cache=True):
        if required:
            raise MalformedJson("a JSON object body is required")
        return {}
    data = request.get_json(silent=True, force=True)
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
