"""The fault layer: WSGI middleware around ``/corporation/v1`` and ``/auth/v1`` (DESIGN §2).

For each request, in order: attribute the caller (``identify.py``), refuse it when the contract is
outside its service hours or an incident window blocks it (``gate.py``), ask the rule engine for an
effect (``engine.py``), apply it, and write the request log (``requestlog.py``).

This is step 1 of the bearer check: ``middleware`` → ``identify`` (reads the token's rows with
``oauth/bearer.py``) → the rows are left in the WSGI environ → ``oauth/protect.py`` validates the token
for the view, without reading them again.

Connection effects are real on the wire under gunicorn and Werkzeug's dev server (``connection.py``):
``reset`` and ``response_lost`` close the socket with ``SO_LINGER`` 0 (the client gets a TCP RST:
ECONNRESET), ``timeout`` holds the connection and then closes it, ``truncated`` sends the headers and
part of the body and closes. Under Flask's test client (no socket) ``ConnectionResetError`` reaches the
caller instead; ``timeout`` raises ``TimeoutError`` without waiting, and ``truncated`` returns the short
body with the full ``Content-Length``.
"""

from __future__ import annotations

import errno
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from flask import Flask

from sandbox import clock, store
from sandbox.errors import BankError
from sandbox.incidents.errors import Maintenance
from sandbox.oauth import bearer
from sandbox.wire import engine, gate, requestlog, rules
from sandbox.wire.body import read_body
from sandbox.wire.connection import client_socket, drop, status_line
from sandbox.wire.errors import (
    RateLimited,
    RequestRejected,
    ServiceUnavailable,
    TooManyInFlight,
    error_payload,
)
from sandbox.wire.identify import Who, identify
from sandbox.wire.inflight import InFlight
from sandbox.wire.slots import Slots

logger = logging.getLogger(__name__)
StartResponse = Callable[..., Any]


class FaultLayer:
    """Wraps ``app.wsgi_app``; everything outside the two API prefixes passes straight through."""

    def __init__(self, app: Flask) -> None:
        self.app, self.inner = app, app.wsgi_app
        self._local = threading.local()
        self.in_flight = InFlight(app.config["MAX_IN_FLIGHT_PER_CONTRACT"])
        self._slots: tuple[int, Slots] | None = None

    @property
    def computing(self) -> Slots:
        """The worker's slots for requests being computed, made in the worker (after gevent's patch)."""
        if self._slots is None or self._slots[0] != os.getpid():
            self._slots = (os.getpid(), Slots(self.app.config["COMPUTING_PER_WORKER"]))
        return self._slots[1]

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
        body = read_body(environ, self.app.config["MAX_CONTENT_LENGTH"])  # a slow body: before a slot
        with self.computing:  # a streamed answer (a trickle) is sent after the slot is given back
            if not environ.get("PATH_INFO", "").startswith(rules.PREFIXES):
                return self.inner(environ, start_response)
            return Exchange(self, environ, start_response).run(body)

    def pause(self, seconds: float) -> None:
        """Wait (a held or delayed answer) without holding a computing slot."""
        self.computing.__exit__()
        try:
            time.sleep(seconds)
        finally:
            self.computing.__enter__()


class Exchange:
    """One request through the fault layer."""

    def __init__(self, layer: FaultLayer, environ: dict[str, Any], start_response: StartResponse) -> None:
        self.layer, self.environ, self.start_response = layer, environ, start_response
        self.started = time.perf_counter()
        self.entry: dict[str, Any] = {}
        self.row_id: int | None = None
        self.status_line = ""

    # -- deciding --------------------------------------------------------------------------------

    def run(self, body: bytes) -> Iterable[bytes]:
        """Attribute, bound the contract's requests in flight, gate, decide, then apply the chosen
        effect (or pass the request through)."""
        db = self.layer.db()
        who, contract, now = self._attribute(db, body)
        served = self.layer.in_flight.serve(who.contract_id, lambda: self._serve(db, who, contract, now))
        return served if served is not None else self.refuse(TooManyInFlight(), retry_after=1)

    def _serve(
        self, db: store.Database, who: Who, contract: dict[str, Any] | None, now: datetime | None
    ) -> Iterable[bytes]:
        windows_open, any_rules = gate.configured(db, who.contract_id)
        blocked = gate.refusal(db, who, contract, now, windows_open, self.entry["path"])
        if blocked is not None:
            error, self.entry["fault"] = blocked
            return self.refuse(error)
        facts = engine.Facts(
            self.entry["method"], self.entry["path"], who.contract_id, who.client_id, who.user_id, now
        )
        chosen = engine.decide(db, facts) if any_rules else None
        if chosen is None:
            return self.passthrough()
        rule, hit = chosen
        self.entry.update(fault_id=rule["id"], fault=rule["effect"])
        return getattr(self, f"_{rule['effect']}")(rule["params"], rule, hit)

    def _attribute(
        self, db: store.Database, body: bytes
    ) -> tuple[Who, dict[str, Any] | None, datetime | None]:
        """Who is calling, their contract and its clock; opens the request log entry."""
        who = identify(db, self.environ, body)
        if who.bearer is not None:  # the protector takes these rows instead of reading them again
            contract = who.bearer.contract
            self.environ[bearer.ENVIRON_KEY] = who.bearer
        else:
            contract = gate.contract_row(db, who.contract_id)
        now = clock.contract_now(contract) if contract else None
        self.entry = requestlog.entry(self.environ, who, now, body)
        config = self.layer.app.config  # logged as it arrives: ids are arrival order, a held request shows
        self.row_id = requestlog.arrive(db, config["DATABASE"], self.entry, config["REQUEST_LOG_MAX_ROWS"])
        return who, contract, now

    # -- effects before processing ------------------------------------------------------------------

    def _latency(self, params: dict[str, Any], rule: dict[str, Any], hit: int) -> Iterable[bytes]:
        self.environ.pop(bearer.ENVIRON_KEY, None)  # the rows may change while we wait: read them after
        jitter = round(engine.draw(rule["seed"], hit, "jitter") * params.get("jitterMs", 0))
        self.layer.pause((params["ms"] + jitter) / 1000)
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
        raise drop(self.environ, abort=True)

    def _timeout(self, params: dict[str, Any], rule: dict[str, Any], hit: int) -> Iterable[bytes]:
        if client_socket(self.environ) is None:
            self.log(None, None, "timeout")
            raise TimeoutError(
                errno.ETIMEDOUT, "fault: the sandbox held the connection (test client: no wait)"
            )
        self.layer.pause(params["holdMs"] / 1000)
        self.log(None, None, "timeout")
        raise drop(self.environ, abort=False)

    # -- effects after processing (the request is committed) ---------------------------------------------

    def _response_lost(self, params: dict[str, Any], rule: dict[str, Any], hit: int) -> Iterable[bytes]:
        status, _headers, _body = self.process()
        self.log(status, None, "reset_after_commit")
        raise drop(self.environ, abort=True)

    def _commit_then_error(self, params: dict[str, Any], rule: dict[str, Any], hit: int) -> Iterable[bytes]:
        status, _headers, _body = self.process()
        self.entry["status"] = status
        return self.refuse(BankError(), status=params["status"], code=params.get("errorCode"), processed=True)

    def _truncated(self, params: dict[str, Any], rule: dict[str, Any], hit: int) -> Iterable[bytes]:
        status, headers, body = self.process()
        keep = min(params.get("bytes", len(body) // 2), max(len(body) - 1, 0))
        self.start_response(self.status_line, headers)
        if client_socket(self.environ) is None:
            self.log(status, status, "truncated")
            return [body[:keep]]
        return self._cut(status, body[:keep])

    def _cut(self, status: int, part: bytes) -> Iterator[bytes]:
        yield part
        self.log(status, status, "truncated")
        raise drop(self.environ, abort=False)

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
        self.entry.update(requestlog.answered(headers, status, body))
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
        body = b"".join(chunks)
        self.entry["apply_no"] = requestlog.apply_no(seen["status"], body)
        return seen["status"], seen["headers"], body

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
        payload = error_payload(self.environ["PATH_INFO"], error, status, code)
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))]
        if retry_after is not None:
            headers.append(("Retry-After", str(retry_after)))
        headers.extend(error.headers.items())
        self.entry["retry_after"] = requestlog.retry_after(headers)
        self.start_response(status_line(status), headers)
        self.log(
            self.entry.get("status") if processed else None,
            status,
            "error_after_commit" if processed else "response",
            code,
        )
        return [payload]

    def log(self, status: int | None, sent: int | None, outcome: str, code: str | None = None) -> None:
        """Complete the request's log entry (never fails the request)."""
        self.entry.update(
            status=status,
            sent_status=sent,
            outcome=outcome,
            error_code=code,
            latency_ms=(time.perf_counter() - self.started) * 1000,
        )
        if self.row_id is not None:
            requestlog.end(self.layer.db(), self.layer.app.config["DATABASE"], self.row_id, self.entry)


def init_app(app: Flask) -> None:
    """Wrap the application's WSGI callable in the fault layer (the last wrapper: it sees every request)."""
    app.wsgi_app = FaultLayer(app)  # type: ignore[method-assign]
