"""The fault layer: WSGI middleware around ``/corporation/v1`` and ``/auth/v1`` (DESIGN §2).

For each request it attributes the caller, refuses it when an incident blocks it (maintenance window,
double login), asks the rule engine for an effect, applies it and writes the request log.

Connection effects are real on the wire under gunicorn (``environ["gunicorn.socket"]``) and Werkzeug's
dev server: ``reset`` and ``response_lost`` close the socket with ``SO_LINGER`` 0 (the client gets a
TCP RST: ECONNRESET), ``timeout`` holds the connection and then closes it, ``truncated`` sends the
headers and part of the body and closes. The socket is closed by swapping a spare socket into its file
descriptor (``dup2``), so the server's own later close touches only the spare, then the layer raises
``ConnectionResetError``, which both servers treat as a dropped client. Under Flask's test client (no
socket) the same exception reaches the caller instead; ``timeout`` raises ``TimeoutError`` without
waiting, and ``truncated`` returns the short body with the full ``Content-Length``.
"""

from __future__ import annotations

import errno
import io
import json
import logging
import math
import os
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from flask import Flask

from sandbox import calendar, clock, store
from sandbox.errors import BankError
from sandbox.incidents import lifecycle as incidents
from sandbox.incidents.errors import (
    Maintenance,
    OutsideServiceHours,
    RateLimited,
    RequestRejected,
    ServiceUnavailable,
)
from sandbox.oauth import bearer
from sandbox.wire import requestlog
from sandbox.wire import rules as faults
from sandbox.wire.identify import Who, identify

logger = logging.getLogger(__name__)
StartResponse = Callable[..., Any]
OAUTH_ERRORS = {503: "temporarily_unavailable", 429: "temporarily_unavailable"}


class FaultLayer:
    """Wraps ``app.wsgi_app``; everything outside the two API prefixes passes straight through."""

    def __init__(self, app: Flask) -> None:
        self.app, self.inner = app, app.wsgi_app
        self._local = threading.local()

    def db(self) -> store.Database:
        """A connection per thread and process (gunicorn forks after the app is built): the thread's own
        application connection, so that the rows read here stay in one page cache with the app's."""
        if self.app.config.get("REUSE_CONNECTIONS", True):
            return store.thread_db(str(self.app.config["DATABASE"]))
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            local.db, local.pid = store.connect(self.app.config["DATABASE"]), os.getpid()
        return local.db

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if not environ.get("PATH_INFO", "").startswith(faults.PREFIXES):
            return self.inner(environ, start_response)
        return Exchange(self, environ, start_response).run()


class Exchange:
    """One request through the fault layer."""

    def __init__(self, layer: FaultLayer, environ: dict[str, Any], start_response: StartResponse) -> None:
        self.layer, self.environ, self.start_response = layer, environ, start_response
        self.started = time.perf_counter()
        self.entry: dict[str, Any] = {}
        self.status_line = ""

    # -- deciding --------------------------------------------------------------------------------

    def run(self) -> Iterable[bytes]:
        body = self._read_body()
        db = self.layer.db()
        who = identify(db, self.environ, body)
        if who.bearer is not None:  # the protector takes these rows instead of reading them again
            contract = who.bearer.contract
            self.environ[bearer.ENVIRON_KEY] = who.bearer
        else:
            contract = _contract_row(db, who.contract_id)
        now = clock.contract_now(contract) if contract else None
        self.entry = _entry(self.environ, who, now, body)
        windows, rules = _configured(db, who.contract_id)
        blocked = _closed(contract, now) or (
            incidents.blocking(db, who.contract_id, who.user_id, now) if windows else None
        )
        if blocked is not None:
            error, label = blocked
            self.entry["fault"] = label
            return self.refuse(error)
        facts = faults.Facts(
            self.environ["REQUEST_METHOD"],
            self.environ["PATH_INFO"],
            who.contract_id,
            who.client_id,
            who.user_id,
            now,
        )
        chosen = faults.decide(db, facts) if rules else None
        if chosen is None:
            return self.passthrough()
        rule, hit = chosen
        self.entry.update(fault_id=rule["id"], fault=rule["effect"])
        return getattr(self, f"_{rule['effect']}")(rule["params"], rule, hit)

    def _read_body(self) -> bytes:
        """Read the body once (for the digest and the token endpoint) and hand the app a fresh copy.

        Only a declared length, or a chunked body the server has already delimited, is read: a bare
        socket stream (Werkzeug's dev server) would block until the client hangs up.
        """
        limit = self.layer.app.config.get("MAX_CONTENT_LENGTH") or 1024 * 1024
        length = self.environ.get("CONTENT_LENGTH") or ""
        declared = int(length) if length.isascii() and length.isdigit() else None
        chunked = "chunked" in self.environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if declared is not None and declared > limit:
            return b""  # the application answers 413 without reading it
        if declared is None and not (chunked and self.environ.get("wsgi.input_terminated")):
            return b""
        body = self.environ["wsgi.input"].read(declared if declared is not None else limit + 1)
        self.environ["wsgi.input"] = io.BytesIO(body)
        self.environ["CONTENT_LENGTH"] = str(len(body))
        return body

    # -- effects before processing ------------------------------------------------------------------

    def _latency(self, params: dict[str, Any], rule: dict[str, Any], hit: int) -> Iterable[bytes]:
        self.environ.pop(bearer.ENVIRON_KEY, None)  # the rows may change while we wait: read them after
        jitter = round(faults.draw(rule["seed"], hit, "jitter") * params.get("jitterMs", 0))
        time.sleep((params["ms"] + jitter) / 1000)
        return self.passthrough()

    def _http_error(self, params: dict[str, Any], rule: dict[str, Any], hit: int) -> Iterable[bytes]:
        status = params["status"]
        cls = {503: ServiceUnavailable, 429: RateLimited}.get(
            status, RequestRejected if status < 500 else BankError
        )
        return self.refuse(
            cls(), status=status, code=params.get("errorCode"), retry_after=params.get("retryAfter")
        )

    def _maintenance(self, params: dict[str, Any], rule: dict[str, Any], hit: int) -> Iterable[bytes]:
        return self.refuse(Maintenance(), retry_after=params["retryAfter"])

    def _rate_limit(self, params: dict[str, Any], rule: dict[str, Any], hit: int) -> Iterable[bytes]:
        return self.refuse(RateLimited(), retry_after=params["retryAfter"])

    def _reset(self, params: dict[str, Any], rule: dict[str, Any], hit: int) -> Iterable[bytes]:
        self.log(None, None, "reset")
        raise _drop(self.environ, abort=True)

    def _timeout(self, params: dict[str, Any], rule: dict[str, Any], hit: int) -> Iterable[bytes]:
        if _socket(self.environ) is None:
            self.log(None, None, "timeout")
            raise TimeoutError(
                errno.ETIMEDOUT, "fault: the sandbox held the connection (test client: no wait)"
            )
        time.sleep(params["holdMs"] / 1000)
        self.log(None, None, "timeout")
        raise _drop(self.environ, abort=False)

    # -- effects after processing (the request is committed) ---------------------------------------------

    def _response_lost(self, params: dict[str, Any], rule: dict[str, Any], hit: int) -> Iterable[bytes]:
        status, _headers, _body = self.process()
        self.log(status, None, "reset_after_commit")
        raise _drop(self.environ, abort=True)

    def _commit_then_error(self, params: dict[str, Any], rule: dict[str, Any], hit: int) -> Iterable[bytes]:
        status, _headers, _body = self.process()
        self.entry["status"] = status
        return self.refuse(BankError(), status=params["status"], code=params.get("errorCode"), processed=True)

    def _truncated(self, params: dict[str, Any], rule: dict[str, Any], hit: int) -> Iterable[bytes]:
        status, headers, body = self.process()
        keep = min(params.get("bytes", len(body) // 2), max(len(body) - 1, 0))
        self.start_response(self.status_line, headers)
        if _socket(self.environ) is None:
            self.log(status, status, "truncated")
            return [body[:keep]]
        return self._cut(status, body[:keep])

    def _cut(self, status: int, part: bytes) -> Iterator[bytes]:
        yield part
        self.log(status, status, "truncated")
        raise _drop(self.environ, abort=False)

    def _slow_body(self, params: dict[str, Any], rule: dict[str, Any], hit: int) -> Iterable[bytes]:
        status, headers, body = self.process()
        self.start_response(self.status_line, headers)
        return self._trickle(status, body, params["bytesPerSecond"])

    def _trickle(self, status: int, body: bytes, rate: int) -> Iterator[bytes]:
        step = max(1, rate // 10)
        for offset in range(0, len(body), step):
            if offset:
                time.sleep(step / rate)
            yield body[offset : offset + step]
        self.log(status, status, "response", requestlog.error_code(status, body))

    # -- plumbing ------------------------------------------------------------------------------------------

    def passthrough(self) -> Iterable[bytes]:
        """Run the application and pass its answer on. API answers are small JSON documents, so
        buffering costs nothing and lets the log be written before the server sends the answer."""
        status, headers, body = self.process()
        self.start_response(self.status_line, headers)
        replayed = any(k.lower() == "idempotency-replayed" and v == "true" for k, v in headers)
        self.log(status, status, "replayed" if replayed else "response", requestlog.error_code(status, body))
        return [body]

    def process(self) -> tuple[int, list[tuple[str, str]], bytes]:
        """Run the application to completion (committing whatever it does) and keep its answer."""
        seen: dict[str, Any] = {}
        chunks: list[bytes] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen.update(status=int(status[:3]), headers=headers)
            self.status_line = status
            return chunks.append

        result = self.layer.inner(self.environ, capture)
        try:
            chunks.extend(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        return seen["status"], seen["headers"], b"".join(chunks)

    def refuse(
        self,
        error: BankError,
        *,
        status: int | None = None,
        code: str | None = None,
        retry_after: int | None = None,
        processed: bool = False,
    ) -> Iterable[bytes]:
        """Answer with an error without running the application (or after, for commit_then_error)."""
        status = status or error.status
        code = code or error.code
        if self.environ["PATH_INFO"].startswith("/auth/v1"):
            data: dict[str, Any] = {
                "error": OAUTH_ERRORS.get(status, code),
                "error_description": error.message_en,
            }
        else:
            data = {**error.body(), "errorCode": code}
        payload = json.dumps(data, ensure_ascii=False).encode()
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))]
        if retry_after is not None:
            headers.append(("Retry-After", str(retry_after)))
        headers.extend(error.headers.items())
        self.start_response(_status_line(status), headers)
        self.log(
            self.entry.get("status") if processed else None,
            status,
            "error_after_commit" if processed else "response",
            code,
        )
        return [payload]

    def log(self, status: int | None, sent: int | None, outcome: str, code: str | None = None) -> None:
        """Write the request log entry (never fails the request)."""
        self.entry.update(
            status=status,
            sent_status=sent,
            outcome=outcome,
            error_code=code,
            latency_ms=(time.perf_counter() - self.started) * 1000,
        )
        try:
            requestlog.write(self.layer.db(), self.entry, self.layer.app.config["REQUEST_LOG_MAX_ROWS"])
        except Exception:  # the log must not break the API it observes
            logger.exception("request log write failed")


def _entry(environ: dict[str, Any], who: Who, now: Any, body: bytes) -> dict[str, Any]:
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
        "body_digest": requestlog.digest(body, environ.get("CONTENT_TYPE")),
        "body_size": len(body),
    }


# Whether the contract has an incident in force and whether any fault rule exists, in one read: usually
# neither, and then the two queries that would find nothing are not made.
_CONFIGURED = (
    "SELECT EXISTS (SELECT 1 FROM incidents WHERE contract_id = ? AND status = 'active'),"
    " EXISTS (SELECT 1 FROM fault_rules)"
)


def _configured(db: store.Database, contract_id: str | None) -> tuple[bool, bool]:
    windows, rules = db.conn.execute(_CONFIGURED, (contract_id,)).fetchone()
    return bool(windows), bool(rules)


def _contract_row(db: store.Database, contract_id: str | None) -> dict[str, Any] | None:
    if contract_id is None:
        return None
    return store.row(
        db,
        "SELECT clock_mode, clock_frozen_at, clock_offset_us, settings FROM contracts WHERE id = ?",
        (contract_id,),
    )


def _closed(contract: dict[str, Any] | None, now: Any) -> tuple[OutsideServiceHours, str] | None:
    """Outside the contract's service hours (§2(4)): 503 with Retry-After until they open again."""
    if contract is None or now is None or "serviceHours" not in (contract.get("settings") or ""):
        return None  # the default hours are the whole day: nothing to decode on the hot path
    hours = json.loads(contract["settings"])["serviceHours"]
    opens = calendar.service_reopens(now, hours["start"], hours["end"])
    if opens is None:
        return None
    wait = max(1, math.ceil((opens - now).total_seconds()))
    detail = f"service hours are {hours['start']}-{hours['end']}; open again at {clock.to_api(opens)} (contract clock)"
    return OutsideServiceHours(detail, headers={"Retry-After": str(wait)}), "serviceHours"


def _status_line(status: int) -> str:
    from http import HTTPStatus

    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Error"


def _socket(environ: dict[str, Any]) -> socket.socket | None:
    return environ.get("gunicorn.socket") or environ.get("werkzeug.socket")


def _drop(environ: dict[str, Any], *, abort: bool) -> ConnectionResetError:
    """Close the client connection now: a TCP RST when ``abort``, else a plain FIN.

    Returns the exception to raise, which the servers take for a client that went away.
    """
    sock = _socket(environ)
    if sock is not None:
        if abort:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        # The spare is one end of a socket pair whose other end is closed at once: whatever the server
        # still does with the descriptor (flush, shutdown, close) finds a connected, finished socket.
        spare, other = socket.socketpair()
        try:
            os.dup2(spare.fileno(), sock.fileno())  # the last reference to the connection goes: it closes
        finally:
            spare.close()
            other.close()
    return ConnectionResetError(errno.ECONNRESET, "fault: connection closed by the sandbox")


def init_app(app: Flask) -> None:
    app.wsgi_app = FaultLayer(app)  # type: ignore[method-assign]
