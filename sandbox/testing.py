"""The sandbox inside a team's own tests: a real server on a free loopback port, fresh isolated contracts.

For pytest, the plugin (:mod:`sandbox.pytest_plugin`) hands these out as fixtures. Any other code uses the
context manager, in the spirit of moto's ``mock_aws``::

    from sandbox.testing import running

    with running() as bank:
        contract = bank.contract()
        tokens = contract.token("viewer")
        answer = contract.api("GET", "/accounts/balances", tokens)

The server is ``web21-sandbox serve`` (gunicorn) over its own temporary database with a random admin key,
so a client under test talks real HTTP to it exactly as it would to the bank. Each :meth:`Sandbox.contract`
is a fresh copy of the demo world's contract (its own users, accounts, history, clients and clock,
§4(6) isolation between contracts), made in milliseconds, so tests never share state.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from sandbox.client import ControlClient, ControlError

START_TIMEOUT = 30.0  # seconds for the server to answer /healthz


@dataclass
class Contract:
    """One fresh contract of a running sandbox, with the demo client registered for it."""

    sandbox: Sandbox
    id: str
    detail: dict[str, Any]
    client_id: str
    client_secret: str

    @property
    def accounts(self) -> list[dict[str, Any]]:
        """The contract's accounts as the control API shows them (``accountId``, balance, kind…)."""
        return self.detail["accounts"]

    def user(self, role: str) -> str:
        """The user id of ``role`` (``viewer``, ``approver``, ``applicant``…): ``c0004-viewer`` and so on."""
        return f"{self.id.lower()}-{role}"

    def token(self, role: str = "viewer", scope: str = "account offline_access") -> dict[str, Any]:
        """Consent headlessly as the user of ``role`` and exchange the code: the token endpoint's answer."""
        granted = self.control(
            "POST",
            "/authorizations",
            {"userId": self.user(role), "clientId": self.client_id, "scope": scope},
        )
        response = requests.post(
            f"{self.sandbox.url}/auth/v1/token",
            data={"grant_type": "authorization_code", "code": granted["code"]},
            auth=(self.client_id, self.client_secret),
            timeout=30,
        )
        response.raise_for_status()
        return response.json()

    def api(self, method: str, path: str, tokens: dict[str, Any], **kwargs: Any) -> requests.Response:
        """Call the banking API ``/corporation/v1{path}`` with the access token of ``tokens``."""
        headers = {"Authorization": f"Bearer {tokens['access_token']}", **kwargs.pop("headers", {})}
        url = f"{self.sandbox.url}/corporation/v1{path}"
        return requests.request(method, url, headers=headers, timeout=30, **kwargs)

    def control(self, method: str, path: str = "", body: dict[str, Any] | None = None) -> Any:
        """Call ``/sandbox/v1/contracts/{id}{path}`` with the admin key; the JSON answer."""
        return self.sandbox.control.call(method, f"/contracts/{self.id}{path}", body)

    def advance(self, by: str) -> dict[str, Any]:
        """Move this contract's clock forward (``"1d"``, ``"2h30m"``), running what falls due on the way."""
        return self.control("POST", "/clock/advance", {"by": by})

    def set_clock(self, to: str, *, frozen: bool | None = None) -> dict[str, Any]:
        """Move this contract's clock to ``to`` (ISO 8601, forward only); ``frozen`` stops or starts it."""
        body: dict[str, Any] = {"at": to}
        if frozen is not None:
            body["mode"] = "frozen" if frozen else "running"
        return self.control("PUT", "/clock", body)

    def fault(
        self,
        effect: str | dict[str, Any],
        *,
        match: dict[str, Any] | None = None,
        trigger: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Add a fault rule limited to this contract: ``effect`` is a name (``"reset"``) or
        ``{"type": "http_error", "status": 503}``; ``match`` and ``trigger`` as in ``POST /sandbox/v1/faults``."""
        body: dict[str, Any] = {"effect": effect, "match": {**(match or {}), "contractId": self.id}}
        if trigger:
            body["trigger"] = trigger
        return self.sandbox.control.call("POST", "/faults", body)

    def incident(self, kind: str, **params: Any) -> dict[str, Any]:
        """Raise a bank-side incident (``suspend``, ``revoke-tokens``, ``maintenance``…) on this contract."""
        return self.control("POST", "/incidents", {"type": kind, **params})

    def deposit(self, account_id: str, amount: int, remitter: str = "ﾃｽﾄ ﾀﾛｳ") -> dict[str, Any]:
        """Credit an incoming transfer from another bank to one of this contract's accounts."""
        body = {"accountId": account_id, "amount": amount, "remitterName": remitter}
        return self.control("POST", "/deposits", body)


@dataclass
class Sandbox:
    """A running sandbox server: its URL, admin key and control API client."""

    url: str
    admin_key: str
    database: Path
    process: subprocess.Popen[bytes] | None = None
    control: ControlClient = field(init=False)

    def __post_init__(self) -> None:
        self.control = ControlClient(db=str(self.database), url=self.url, key=self.admin_key)

    def contract(self, **create: Any) -> Contract:
        """A fresh isolated contract (body of ``POST /sandbox/v1/contracts``: ``settings``, ``parentId``…)."""
        answer = self.control.call("POST", "/contracts", {"count": 1, **create})
        detail = answer["contracts"][0]
        clients = self.control.call("GET", f"/contracts/{detail['contractId']}/clients")["clients"]
        demo = next(c for c in clients if c.get("demoClientSecret"))
        return Contract(self, detail["contractId"], detail, demo["clientId"], demo["demoClientSecret"])

    def stop(self) -> None:
        """Stop the server (it is also stopped when the ``running`` block ends)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


@contextmanager
def running(*, workers: int = 1, threads: int = 8, folder: str | Path | None = None) -> Iterator[Sandbox]:
    """Start a sandbox server on a free loopback port over a temporary database; stop it afterwards."""
    with tempfile.TemporaryDirectory(prefix="web21-sandbox-") as scratch:
        database = Path(folder or scratch) / "sandbox.db"
        sandbox = start(database, workers=workers, threads=threads)
        try:
            yield sandbox
        finally:
            sandbox.stop()


def start(database: Path, *, workers: int = 1, threads: int = 8) -> Sandbox:
    """Seed ``database`` if missing and serve it on a free loopback port; wait until it answers."""
    port, key = _free_port(), secrets.token_urlsafe(24)
    command = [sys.executable, "-m", "sandbox", "--db", str(database), "serve", "--port", str(port)]
    command += ["--workers", str(workers), "--threads", str(threads)]
    env = {**os.environ, "WEB21_SANDBOX_ADMIN_KEY": key}
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sandbox = Sandbox(f"http://127.0.0.1:{port}", key, database, process)
    try:
        _wait_until_up(sandbox)
    except Exception:
        sandbox.stop()
        raise
    return sandbox


def _wait_until_up(sandbox: Sandbox) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        assert sandbox.process is not None
        if sandbox.process.poll() is not None:
            output = sandbox.process.stderr.read().decode() if sandbox.process.stderr else ""
            raise ControlError(None, None, f"the sandbox server exited: {output.strip()[-500:]}")
        try:
            if requests.get(f"{sandbox.url}/healthz", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise ControlError(None, None, f"the sandbox server did not answer within {START_TIMEOUT:.0f} s")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
