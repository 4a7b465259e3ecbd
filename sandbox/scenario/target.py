"""The sandbox a scenario plays on: a remote one (``--url``) or a local server started for the run,
reached through the control API; and the watcher that follows the contract's request log.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from sandbox.client import ControlClient, ControlError

PENDING = "pending"  # the request log's outcome for a request that has not ended yet
STALE_PENDING = 300.0  # seconds after which a still-pending entry is no longer re-read


class RunAbort(Exception):
    """The run cannot go on (the sandbox refused a step, a wait never came, the client went away)."""


# Endpoints that tell whether a subsystem is installed: a 404 ``not_found`` means it is not.
PROBES: dict[str, tuple[str, str]] = {
    "oauth": ("GET", "/.well-known/oauth-authorization-server"),
    "transfers": ("POST", "/corporation/v1/transfer/transferfee"),
    "faults": ("GET", "/sandbox/v1/faults"),
    "incidents": ("GET", "/sandbox/v1/contracts/{contract}/incidents"),
    "request-log": ("GET", "/sandbox/v1/requests"),
    "timeline": ("GET", "/sandbox/v1/contracts/{contract}/timeline"),
}


class Sandbox:
    """Control calls that raise :class:`RunAbort` with the sandbox's own message."""

    def __init__(self, control: ControlClient) -> None:
        if not control.url:
            raise ValueError("a scenario runs against a served sandbox: give its URL")
        self.control, self.url = control, control.url

    @property
    def key(self) -> str:
        return self.control.key

    def call(self, method: str, path: str, body: Any = None, params: dict[str, Any] | None = None) -> Any:
        try:
            return self.control.call(method, path, body, params)
        except ControlError as exc:
            raise RunAbort(f"{method} /sandbox/v1{path}: {exc}") from exc
        except requests.RequestException as exc:  # a timeout or a dropped connection mid-run
            raise RunAbort(
                f"{method} /sandbox/v1{path}: the sandbox stopped answering ({exc.__class__.__name__})"
            ) from exc

    def missing(self, needs: list[str], contract_id: str) -> list[str]:
        """The subsystems among ``needs`` that this sandbox does not serve."""
        absent = []
        for need in needs:
            method, path = PROBES[need]
            try:
                answer = requests.request(
                    method,
                    self.url + path.format(contract=contract_id),
                    headers={"X-Sandbox-Key": self.key},
                    timeout=10,
                )
            except requests.RequestException as exc:
                raise RunAbort(f"cannot reach the sandbox at {self.url}: {exc.__class__.__name__}") from exc
            if answer.status_code == 404 and _code(answer) == "not_found":
                absent.append(need)
        return absent


def _code(answer: requests.Response) -> str | None:
    try:
        return answer.json().get("errorCode")
    except (ValueError, AttributeError):
        return None


def check_reachable(url: str) -> None:
    """Fail early, with a clear message, when nothing answers at ``url``."""
    try:
        requests.get(url.rstrip("/") + "/healthz", timeout=5)
    except requests.RequestException as exc:
        raise RunAbort(
            f"cannot reach the sandbox at {url}: is it running? ({exc.__class__.__name__})"
        ) from exc


class LocalServer:
    """``web21-sandbox serve`` on a free loopback port over the local database, for one run."""

    def __init__(self, db: str, key: str) -> None:
        self.db, self.key = str(Path(db).resolve()), key
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""

    def __enter__(self) -> str:
        port = _free_port()
        command = ["-m", "sandbox", "--db", self.db, "serve", "--port", str(port), "--workers", "2"]
        self.process = subprocess.Popen(
            [sys.executable, *command],
            env={**os.environ, "WEB21_SANDBOX_ADMIN_KEY": self.key},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # Ctrl-C reaches the runner only: it still needs the server to clean up
        )
        self.url = f"http://127.0.0.1:{port}"
        self._wait_ready()
        return self.url

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                err = self.process.stderr.read().decode(errors="replace") if self.process.stderr else ""
                raise RunAbort(f"the local sandbox did not start: {err.strip()[-500:]}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        self.__exit__()
        raise RunAbort("the local sandbox did not answer within 30 s")

    def __exit__(self, *_exc: Any) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def observed(entry: dict[str, Any]) -> None:
    """Grade what the client saw: ``status`` becomes the status it was sent (absent when it got no
    answer), and what the sandbox's application answered moves to ``processedStatus``."""
    processed = entry.pop("status", None)
    if processed is not None:
        entry["processedStatus"] = processed
    if entry.get("sentStatus") is not None:
        entry["status"] = entry["sentStatus"]


class Watcher:
    """Follows one contract's request log; every entry gets ``_seen`` (wall time first seen).

    The log writes a request when it arrives (``outcome: pending``) and completes it when it ends, so
    the watcher keeps reading from the earliest entry still pending: a held request is shown (and
    placed in its step's window) when it arrives, and shown again, in place, with what the client got.
    """

    def __init__(
        self, sandbox: Sandbox, contract_id: str, on_entry: Callable[[dict[str, Any]], None]
    ) -> None:
        self.sandbox, self.contract_id, self.on_entry = sandbox, contract_id, on_entry
        self.entries: list[dict[str, Any]] = []
        self.by_id: dict[int, dict[str, Any]] = {}
        self.pending: dict[int, float] = {}  # id -> when first seen pending
        self.last_id = 0

    def start(self) -> None:
        """Skip what the contract's log already holds (an existing contract's history)."""
        answer = self.sandbox.call("GET", "/requests", params={"contractId": self.contract_id, "limit": 1})
        found = answer.get("requests", [])
        self.last_id = found[-1]["requestId"] if found else 0

    def poll(self) -> list[dict[str, Any]]:
        """Read what is new (and what ended of what was pending); return the new or changed entries."""
        now = time.monotonic()  # elapsed time only: how long an entry has been pending
        for ident in [i for i, seen in self.pending.items() if now - seen > STALE_PENDING]:
            del self.pending[ident]  # a worker that died mid-request never completes its row
        cursor = min(self.pending) - 1 if self.pending else self.last_id
        fresh: list[dict[str, Any]] = []
        while True:
            answer = self.sandbox.call(
                "GET",
                "/requests",
                params={"contractId": self.contract_id, "afterId": cursor, "limit": 500},
            )
            batch = answer.get("requests", [])
            fresh += [e for e in (self._take(entry, now) for entry in batch) if e is not None]
            if batch:
                cursor = batch[-1]["requestId"]
            if len(batch) < 500:
                break
        self.last_id = max(self.last_id, cursor)
        return fresh

    def _take(self, entry: dict[str, Any], now: float) -> dict[str, Any] | None:
        """Add a new entry or complete a pending one in place; None when nothing changed."""
        ident = entry["requestId"]
        known = self.by_id.get(ident)
        if known is not None and (ident not in self.pending or entry.get("outcome") == PENDING):
            return None
        entry["_seen"] = known["_seen"] if known else now
        observed(entry)
        if known is None:
            self.entries.append(entry)
            self.by_id[ident] = entry
        else:
            known.clear()
            known.update(entry)
            entry = known
        if entry.get("outcome") == PENDING:
            self.pending[ident] = now
        else:
            self.pending.pop(ident, None)
        self.on_entry(entry)
        return entry

    def window(self, after: int, until: int | None = None) -> list[dict[str, Any]]:
        """Entries with ids in ``(after, until]``: ids are arrival order."""
        return [
            e for e in self.entries if e["requestId"] > after and (until is None or e["requestId"] <= until)
        ]
