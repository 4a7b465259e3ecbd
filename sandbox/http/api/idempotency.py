"""``Idempotency-Key`` on the POSTs of ``/corporation/v1`` (a sandbox extension, DESIGN §4).

The first successful answer to a key is stored per (contract, client, key) with a digest of the
method, path and canonical JSON body. The same key with the same body gets that answer again, with
``Idempotency-Replayed: true``; the same key with another body or endpoint is ``idempotency_key_conflict``.
Lookup, the view's work and the stored answer share one write transaction, so two concurrent requests
with one key run the work once. Error answers are not stored: a retry after an error runs again.
Keys live 24 hours of contract time.

Use it under the scope check, so that the token is known::

    @bp.post("/transfer/request")
    @require_scope("transfer")
    @idempotent
    def request_transfer(): ...
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Response, make_response, request

from sandbox import clock
from sandbox.bank.transfers.errors import IdempotencyKeyConflict, IdempotencyKeyInvalid
from sandbox.fields import parse_json
from sandbox.store import get_db, insert, row, transaction

HEADER = "Idempotency-Key"
REPLAYED = "Idempotency-Replayed"
TTL = timedelta(hours=24)
KEPT_HEADERS = ("Content-Type", "Location")
_KEY = re.compile(r"[\x21-\x7e]{1,255}")


def body_digest() -> str:
    """sha256 of method, path and the body (canonical JSON when it parses, so spacing does not matter)."""
    raw = request.get_data(cache=True)
    try:
        body = json.dumps(parse_json(raw), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    except (ValueError, RecursionError):
        body = raw
    return hashlib.sha256(request.method.encode() + b" " + request.path.encode() + b"\n" + body).hexdigest()


def _key() -> str | None:
    key = request.headers.get(HEADER)
    if key is not None and not _KEY.fullmatch(key):
        raise IdempotencyKeyInvalid(
            f"{HEADER} must be 1 to 255 visible ASCII characters (a UUID is a good choice)", field=HEADER
        )
    return key


def idempotent(view: Callable[..., Any]) -> Callable[..., Any]:
    """Make a POST view idempotent under ``Idempotency-Key`` (the view must run under a bearer token)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = _key()
        if key is None:
            return view(*args, **kwargs)
        from sandbox.oauth.protect import current_token

        tok = current_token()
        db, digest = get_db(), body_digest()
        scope = (tok.contract_id, tok.client_id, key)
        with transaction(db):
            found = row(
                db,
                "SELECT * FROM idempotency_keys WHERE contract_id = ? AND client_id = ? AND key = ?",
                scope,
            )
            if found and clock.from_db(found["created_at"]) + TTL > tok.now:
                if found["body_digest"] != digest:
                    raise IdempotencyKeyConflict(
                        f"{HEADER} {key!r} was first used on {found['method']} {found['path']}"
                        f" at {clock.to_api(clock.from_db(found['created_at']))} with another body",
                        field=HEADER,
                    )
                return _replay(found)
            if found:
                db.conn.execute(
                    "DELETE FROM idempotency_keys WHERE contract_id = ? AND client_id = ? AND key = ?", scope
                )
            response = make_response(view(*args, **kwargs))
            if 200 <= response.status_code < 300:
                _store(db, scope, digest, response, tok.now)
            return response

    return wrapper


def _store(db: Any, scope: tuple[str, str, str], digest: str, response: Response, now: Any) -> None:
    contract_id, client_id, key = scope
    insert(
        db,
        "idempotency_keys",
        {
            "contract_id": contract_id,
            "client_id": client_id,
            "key": key,
            "method": request.method,
            "path": request.path,
            "body_digest": digest,
            "status": response.status_code,
            "headers": {name: response.headers[name] for name in KEPT_HEADERS if name in response.headers},
            "body": response.get_data(as_text=True),
            "created_at": clock.to_db(now),
        },
    )


def _replay(found: dict[str, Any]) -> Response:
    headers = {**json.loads(found["headers"]), REPLAYED: "true"}
    return Response(found["body"], status=found["status"], headers=headers)
