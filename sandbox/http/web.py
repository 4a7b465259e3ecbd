"""Small helpers shared by the blueprints: JSON bodies in, JSON out, integers that fit.

The checks that need no request (a field of a parsed body, an integer in range) are in :mod:`sandbox.fields`."""

from __future__ import annotations

import io
from typing import Any

from flask import Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

from sandbox.errors import InvalidParameter, MalformedJson
from sandbox.fields import MAX_INT, parse_json


class BoundedInt(IntegerConverter):
    """``<int:…>`` in routes, refusing (404) ids too large for SQLite instead of failing on them."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002 - werkzeug's name
        kwargs.setdefault("max", MAX_INT)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedInt
    app.before_request(refuse_large_body)


def refuse_large_body() -> None:
    """A body over ``MAX_CONTENT_LENGTH`` is refused first, before authentication or any view reads it: a
    declared one unread; a chunked one (no length) after reading at most one byte more than the limit, since
    Werkzeug would silently cut it there and parse the rest as if it were whole."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit is None:
        return
    environ = request.environ
    if request.content_length is None and environ.get("wsgi.input_terminated"):
        body = environ["wsgi.input"].read(limit + 1)
        environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(body), str(len(body))
        size = len(body)
    else:
        size = request.content_length or 0
    if size > limit:
        raise RequestEntityTooLarge()  # an HTTP error, answered as JSON everywhere (the dashboard included)


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


def reply(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    response = jsonify(data)
    response.status_code = status
    if headers:
        response.headers.update(headers)
    return response


def int_arg(name: str, default: int | None, low: int = 0, high: int = MAX_INT) -> int | None:
    """A query parameter of ASCII digits within ``[low, high]``; ``default`` when absent."""
    raw = request.args.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 16 or not low <= int(raw) <= high:
        raise InvalidParameter(f"{name} must be an integer from {low} to {high}", field=name)
    return int(raw)
