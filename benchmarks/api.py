"""The HTTP figures: what each sends, how its credentials are obtained, what it must satisfy.

Tokens come the way a real client gets them: the headless consent endpoint
(``POST /sandbox/v1/contracts/{id}/authorizations``) gives a code, ``POST /auth/v1/token`` trades it.
Transfer beneficiaries are sealed as JWE with the client's key, as field encryption requires (§5(2)②).
"""

from __future__ import annotations

import base64
import importlib.util
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from benchmarks import servers
from benchmarks.job import Job, LoadResult
from benchmarks.report import Figure

BALANCES, TRANSACTIONS = "B0001", "B0001"  # contracts each figure uses (B0001 has the padded statement)
REFRESH, TRANSFER = "B0002", "B0003"
FORM = "application/x-www-form-urlencoded"


@dataclass
class Spec:
    """One HTTP figure. ``jobs`` makes the sandbox job of each round (pools are used up per round)."""

    key: str
    label: str
    target: str = ""
    jobs: Callable[[], Job] | None = None
    check: Callable[[Figure, list[LoadResult]], None] | None = None
    why: str = ""
    ceiling: str = "floor"  # which of api.CEILINGS the figure is set beside
    _first: Job | None = field(default=None, repr=False)

    @property
    def job(self) -> Job | None:
        if self.jobs is None:
            return None
        if self._first is None:
            self._first = self.jobs()
        return self._first

    def next_job(self) -> Job:
        job, self._first = self._first, None
        return job if job is not None else self.jobs()  # type: ignore[misc]

    def finish(self, figure: Figure, runs: list[LoadResult]) -> None:
        failed = sum(r.non2xx + r.errors for r in runs)
        if failed:
            figure.note = (figure.note + "; " if figure.note else "") + f"{failed} failed requests"
        if self.check:
            self.check(figure, runs)


class Client:
    """What a real client does before it calls the API: consent, token, client key (over HTTP)."""

    def __init__(self, port: int) -> None:
        self.port, self.url = port, f"http://127.0.0.1:{port}"
        self.http = requests.Session()

    def control(self, method: str, path: str, body: Any = None) -> Any:
        answer = self.http.request(
            method,
            f"{self.url}/sandbox/v1{path}",
            json=body,
            headers={"X-Sandbox-Key": servers.ADMIN_KEY},
            timeout=60,
        )
        if answer.status_code >= 400:
            raise RuntimeError(f"{method} {path}: {answer.status_code} {answer.text[:300]}")
        return answer.json()

    def demo_client(self, contract_id: str) -> dict[str, Any]:
        found = self.control("GET", f"/contracts/{contract_id}/clients")["clients"]
        return next(c for c in found if c.get("demoClientSecret"))

    def basic(self, contract_id: str) -> str:
        demo = self.demo_client(contract_id)
        raw = f"{demo['clientId']}:{demo['demoClientSecret']}".encode()
        return "Basic " + base64.b64encode(raw).decode()

    def mint(self, contract_id: str, user: str, scope: str) -> dict[str, Any]:
        """Headless consent, then the code exchanged with HTTP Basic client auth: the token response."""
        demo = self.demo_client(contract_id)
        code = self.control(
            "POST",
            f"/contracts/{contract_id}/authorizations",
            {"userId": user, "clientId": demo["clientId"], "scope": scope},
        )["code"]
        answer = self.http.post(
            f"{self.url}/auth/v1/token",
            data={"grant_type": "authorization_code", "code": code},
            auth=(demo["clientId"], demo["demoClientSecret"]),
            timeout=60,
        )
        if answer.status_code != 200:
            raise RuntimeError(f"token for {user}: {answer.status_code} {answer.text[:300]}")
        return answer.json()

    def bearer(self, contract_id: str, role: str, scope: str) -> dict[str, str]:
        token = self.mint(contract_id, f"{contract_id.lower()}-{role}", scope)["access_token"]
        return {"Authorization": f"Bearer {token}"}

    def get(self, path: str, headers: dict[str, str]) -> Any:
        answer = self.http.get(f"{self.url}{path}", headers=headers, timeout=60)
        if answer.status_code != 200:
            raise RuntimeError(f"GET {path}: {answer.status_code} {answer.text[:300]}")
        return answer.json()

    def account(self, contract_id: str) -> str:
        """The contract's first account (its operating account in the bench world)."""
        return self.control("GET", f"/contracts/{contract_id}")["accounts"][0]["accountId"]


CEILINGS = {  # the baseline each figure is set beside (benchmarks.baseline), and what it does
    "floor": "1-row read",
    "balances": "3-row read",
    "statement": "500-row read",
    "insert": "1-row insert",
}


def baseline_jobs(port: int, db: Path, dates: tuple[str, str]) -> dict[str, Job]:
    """The ceilings, by name: the same storage work as each figure (``dates``: the statement page's range)."""
    conn = sqlite3.connect(db)
    account = conn.execute(
        "SELECT id FROM accounts WHERE kind = 'deposit' AND contract_id = ? ORDER BY id LIMIT 1",
        (TRANSACTIONS,),
    ).fetchone()[0]
    conn.close()
    return {
        "floor": Job("baseline floor", port, f"/row/{account}"),
        "balances": Job("baseline balances", port, f"/balances/{BALANCES}"),
        "statement": Job("baseline statement", port, f"/statement/{account}?from={dates[0]}&to={dates[1]}"),
        "insert": Job("baseline insert", port, "/insert", "POST", headers={"Content-Type": FORM}, body="x=1"),
    }


def healthz_job(port: int) -> Job:
    return Job("healthz", port, "/healthz")


def available(*modules: str) -> str:
    """Empty when every module exists, else why the figure cannot be measured yet."""
    absent = [m for m in modules if importlib.util.find_spec(m) is None]
    return f"not built yet ({', '.join(absent)} missing)" if absent else ""


def routed(client: Client, path: str) -> bool:
    """Whether the running sandbox serves ``path`` at all (a module may exist before it is wired)."""
    answer = client.http.post(f"{client.url}{path}", data=b"{}", timeout=30)
    return answer.status_code != 404
