"""The request log: every ``/corporation/v1`` and ``/auth/v1`` request, who made it, what the client saw.

Nothing secret is stored: no ``Authorization`` header, token, password or client secret; the body only as
a digest (form fields that carry secrets are blanked before hashing, so a weak password cannot be found
from its digest). The log is bounded: beyond ``REQUEST_LOG_MAX_ROWS`` the oldest rows roll off.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlencode

from sandbox import clock
from sandbox.store import Database, rows, transaction
from sandbox.wire.identify import Who

SECRET_FIELDS = frozenset(
    {"password", "client_secret", "code", "code_verifier", "refresh_token", "token", "otp", "access_token"}
)
PRUNE_EVERY = 256  # rows between two trims of the log: keeps the hot-path write a single INSERT
COLUMNS = (
    "at",
    "wall_at",
    "contract_id",
    "client_id",
    "user_id",
    "grant_id",
    "method",
    "path",
    "status",
    "sent_status",
    "outcome",
    "error_code",
    "latency_ms",
    "idempotency_key",
    "fault_id",
    "fault",
    "body_digest",
    "body_size",
    "retry_after",
    "account_id",
)
# The activity mark (the bank's last activity id, read just before the write) places a request after the
# state changes it caused when the contract clock is frozen and everything happens at one contract instant
# (see timeline.py).
_INSERT = f"INSERT INTO request_log ({', '.join(COLUMNS)}, activity_mark) VALUES ({', '.join('?' for _ in COLUMNS)}, ?)"


def digest(body: bytes, content_type: str | None) -> str | None:
    """``sha256:`` + 32 hex digits of the body, secret form fields blanked first; None for no body."""
    if not body:
        return None
    if (content_type or "").startswith("application/x-www-form-urlencoded"):
        pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        body = urlencode([(k, "" if k in SECRET_FIELDS else v) for k, v in pairs]).encode()
    return "sha256:" + hashlib.sha256(body).hexdigest()[:32]


def entry(environ: dict[str, Any], who: Who, now: datetime | None, body: bytes) -> dict[str, Any]:
    """The entry of a request as it arrives; the fault layer adds the outcome before :func:`write`."""
    wall = clock.wall_now()
    return {
        "at": clock.to_db(now or wall),
        "wall_at": clock.to_db(wall),
        "contract_id": who.contract_id,
        "client_id": who.client_id,
        "user_id": who.user_id,
        "grant_id": who.grant_id,
        "method": environ["REQUEST_METHOD"],
        "path": environ["PATH_INFO"],
        "idempotency_key": (environ.get("HTTP_IDEMPOTENCY_KEY") or "")[:200] or None,
        "body_digest": digest(body, environ.get("CONTENT_TYPE")),
        "body_size": len(body),
        "account_id": (parse_qs(environ.get("QUERY_STRING", "")).get("accountId") or [""])[0][:40] or None,
    }


def write(db: Database, log: Database, entry: dict[str, Any], max_rows: int) -> int:
    """Append one entry to ``log`` (one transaction: visible to every reader once it returns), marked with
    ``db``'s last activity (a read: no bank lock), and now and then trim the oldest rows."""
    mark = db.conn.execute("SELECT max(id) FROM activity").fetchone()[0]
    with transaction(log):  # the write lock taken as every other (under gevent: without stopping the worker)
        cursor = log.conn.execute(_INSERT, [*(entry.get(c) for c in COLUMNS), mark])
        new_id = cursor.lastrowid or 0
        if new_id % PRUNE_EVERY == 0 or max_rows < PRUNE_EVERY:
            log.conn.execute("DELETE FROM request_log WHERE id <= ?", (new_id - max_rows,))
    return new_id


def query(
    log: Database,
    *,
    contract_id: str | None = None,
    after_id: int | None = None,
    limit: int = 100,
    path: str | None = None,
    faulted: bool = False,
) -> list[dict[str, Any]]:
    """Entries of ``log`` (``logfile.beside(db)``) in id order: those after ``after_id``, else the latest ``limit``."""
    where, params = ["1 = 1"], []
    if contract_id is not None:
        where.append("contract_id = ?")
        params.append(contract_id)
    if path:
        where.append("path GLOB ?")
        params.append(path)
    if faulted:
        where.append("fault IS NOT NULL")
    if after_id is not None:
        sql = f"SELECT * FROM request_log WHERE {' AND '.join(where)} AND id > ? ORDER BY id LIMIT ?"
        return rows(log, sql, [*params, after_id, limit])
    sql = f"SELECT * FROM request_log WHERE {' AND '.join(where)} ORDER BY id DESC LIMIT ?"
    return list(reversed(rows(log, sql, [*params, limit])))


def public(entry: dict[str, Any]) -> dict[str, Any]:
    """An entry as ``GET /sandbox/v1/requests`` shows it (absent values omitted)."""
    view = {
        "requestId": entry["id"],
        "at": clock.to_api(clock.from_db(entry["at"])),
        "wallAt": entry["wall_at"],  # wall time of arrival, to the microsecond: graders measure waits with it
        "contractId": entry["contract_id"],
        "clientId": entry["client_id"],
        "userId": entry["user_id"],
        "grantId": entry["grant_id"],
        "method": entry["method"],
        "path": entry["path"],
        "status": entry["status"],
        "sentStatus": entry["sent_status"],
        "outcome": entry["outcome"],
        "errorCode": entry["error_code"],
        "latencyMs": round(entry["latency_ms"], 1),
        "idempotencyKey": entry["idempotency_key"],
        "faultId": entry["fault_id"],
        "fault": entry["fault"],
        "bodyDigest": entry["body_digest"],
        "bodySize": entry["body_size"],
        "retryAfter": entry.get("retry_after"),
        "accountId": entry.get("account_id"),
    }
    return {k: v for k, v in view.items() if v is not None}


def retry_after(headers: list[tuple[str, str]]) -> int | None:
    """The ``Retry-After`` seconds an answer carried (None when absent or an HTTP date)."""
    value = next((v for k, v in headers if k.lower() == "retry-after"), "").strip()
    return int(value) if value.isdigit() else None


def error_code(status: int, body: bytes) -> str | None:
    """The error code of an error answer (the bank's ``errorCode`` or RFC 6749's ``error``)."""
    if status < 400 or not body.startswith(b"{"):
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None
    code = data.get("errorCode") or data.get("error") if isinstance(data, dict) else None
    return str(code) if code else None
