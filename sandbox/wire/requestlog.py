"""The request log: every ``/corporation/v1`` and ``/auth/v1`` request, who made it, what the client saw.

Nothing secret is stored: no ``Authorization`` header, token, password or client secret; the body only as
a digest (form fields that carry secrets are blanked before hashing, so a weak password cannot be found
from its digest). The log is bounded: beyond ``REQUEST_LOG_MAX_ROWS`` the oldest rows roll off.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlencode

from sandbox import clock
from sandbox.store import Database, rows, transaction
from sandbox.wire import logfile
from sandbox.wire.identify import Who

logger = logging.getLogger(__name__)

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
    "ended_wall_at",
    "apply_no",
    "next_item_key",
    "answered_item_key",
)
# What a request's end adds to the row its arrival opened (open_entry, then complete).
ENDING = (
    "status",
    "sent_status",
    "outcome",
    "error_code",
    "latency_ms",
    "fault_id",
    "fault",
    "retry_after",
    "ended_wall_at",
    "apply_no",
    "answered_item_key",
)
PENDING = "pending"  # the outcome of a request that has arrived and not ended yet
KEY_LIMIT = 40  # characters of a nextItemKey kept (a key is 20 digits; a mangled one is shown, cut short)
# The answer's own nextItemKey: the document's top-level member (a remark quoting it is escaped, \"), the last
_ANSWERED_KEY = re.compile(rb'"nextItemKey"\s*:\s*"([^"\\]{0,40})"')
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
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
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
        "account_id": (query.get("accountId") or [""])[0][:40] or None,
        "next_item_key": (query.get("nextItemKey") or [""])[0][:KEY_LIMIT] or None,
    }


def write(db: Database, log: Database, entry: dict[str, Any], max_rows: int) -> int:
    """Append one entry to ``log`` (one transaction: visible to every reader once it returns), marked with
    ``db``'s last activity (a read: no bank lock), and now and then trim the oldest rows.

    The fault layer writes the entry this way when the request arrives (``outcome`` ``pending``) and
    completes it with :func:`complete`: ids are arrival order."""
    mark = db.conn.execute("SELECT max(id) FROM activity").fetchone()[0]
    values = {"outcome": PENDING, "latency_ms": 0.0, **entry}
    with transaction(log):  # the write lock taken as every other (under gevent: without stopping the worker)
        cursor = log.conn.execute(_INSERT, [*(values.get(c) for c in COLUMNS), mark])
        new_id = cursor.lastrowid or 0
        if new_id % PRUNE_EVERY == 0 or max_rows < PRUNE_EVERY:
            log.conn.execute("DELETE FROM request_log WHERE id <= ?", (new_id - max_rows,))
    return new_id


def arrive(db: Database, database: str | Path, entry: dict[str, Any], max_rows: int) -> int | None:
    """Open the request's row in the log file beside ``database`` as it arrives (:func:`write`); None
    when that failed: the log never breaks the API it observes."""
    try:
        return write(db, logfile.open_for(database), entry, max_rows)
    except Exception:
        logger.exception("request log write failed")
        return None


def end(db: Database, database: str | Path, row_id: int, entry: dict[str, Any]) -> None:
    """Complete the row :func:`arrive` opened (:func:`complete`); a failure is logged, never raised."""
    try:
        complete(db, logfile.open_for(database), row_id, entry)
    except Exception:
        logger.exception("request log write failed")


def complete(db: Database, log: Database, row_id: int, entry: dict[str, Any]) -> None:
    """End the row :func:`write` opened: what the client got, and when. A request the application
    processed is re-marked with the bank's last activity (it follows the changes it caused on the
    timeline); one it never reached keeps its arrival mark (it stays where it happened)."""
    entry = {**entry, "ended_wall_at": clock.to_db(clock.wall_now())}
    sets = ", ".join(f"{c} = ?" for c in ENDING)
    values = [entry.get(c) for c in ENDING]
    if entry.get("status") is not None:
        mark = db.conn.execute("SELECT max(id) FROM activity").fetchone()[0]
        sets, values = sets + ", activity_mark = ?", [*values, mark]
    log.conn.execute(f"UPDATE request_log SET {sets} WHERE id = ?", [*values, row_id])


def apply_no(status: int, body: bytes) -> str | None:
    """The ``applyNo`` a successful answer carried (a transfer request's number), whether or not the
    client received it: the bank's side of "which transfer did this request make"."""
    if status >= 300 or b'"applyNo"' not in body:
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None
    found = data.get("applyNo") if isinstance(data, dict) else None
    return str(found) if found else None


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
        "endedAt": entry.get("ended_wall_at"),  # wall time the request ended (absent while pending)
        "applyNo": entry.get("apply_no"),
        "nextItemKey": entry.get("next_item_key"),  # the key the client sent (query), as text
        "answeredNextItemKey": entry.get("answered_item_key"),  # the key the bank's answer gave
    }
    return {k: v for k, v in view.items() if v is not None}


def answered(headers: list[tuple[str, str]], status: int, body: bytes) -> dict[str, Any]:
    """What the log keeps of an answer the client received: its ``Retry-After`` and, on a page of a paged
    read (statement, deposit statement), the ``nextItemKey`` it gave, exactly as sent."""
    return {"retry_after": retry_after(headers), "answered_item_key": answered_item_key(status, body)}


def answered_item_key(status: int, body: bytes) -> str | None:
    """The ``nextItemKey`` of a successful JSON answer, as the text it was sent as (None when absent)."""
    if status >= 300 or b'"nextItemKey"' not in body:
        return None
    found = _ANSWERED_KEY.findall(body)
    return found[-1].decode("ascii", "replace") if found else None


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
