"""The HTTP figures: what each sends, how its credentials are obtained, what it must satisfy.

Tokens come the way a real client gets them: the headless consent endpoint
(``POST /sandbox/v1/contracts/{id}/authorizations``) gives a code, ``POST /auth/v1/token`` trades it.
"""

from __future__ import annotations

import importlib.util
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import load, servers
from benchmarks.report import Figure


@dataclass
class Spec:
    """One HTTP figure. ``jobs`` makes the sandbox job of each round (pools are used up per round)."""

    key: str
    label: str
    target: str = ""
    jobs: Callable[[], load.Job] | None = None
    check: Callable[[Figure, list[load.LoadResult]], None] | None = None
    why: str = ""
    _first: load.Job | None = field(default=None, repr=False)

    @property
    def job(self) -> load.Job | None:
        if self.jobs is None:
            return None
        if self._first is None:
            self._first = self.jobs()
        return self._first

    def next_job(self) -> load.Job:
        job, self._first = self._first, None
        return job if job is not None else self.jobs()  # type: ignore[misc]

    def finish(self, figure: Figure, runs: list[load.LoadResult]) -> None:
        failed = sum(r.non2xx + r.errors for r in runs)
        if failed:
            figure.note = (figure.note + "; " if figure.note else "") + f"{failed} failed requests"
        if self.check:
            self.check(figure, runs)


def baseline_job(port: int, db: Path) -> load.Job:
    """The ceiling: one account row as JSON."""
    conn = sqlite3.connect(db)
    account = conn.execute("SELECT id FROM accounts WHERE kind = 'deposit' ORDER BY id LIMIT 1").fetchone()[0]
    conn.close()
    return load.Job("baseline", port, f"/row/{account}")


def healthz_job(port: int) -> load.Job:
    return load.Job("healthz", port, "/healthz")


def available(*modules: str) -> str:
    """Empty when every module exists, else why the figure cannot be measured yet."""
    absent = [m for m in modules if importlib.util.find_spec(m) is None]
    return f"not built yet ({', '.join(absent)} missing)" if absent else ""


def figures(sandbox: servers.Server, served: Path) -> list[Spec]:
    """Every HTTP figure, in the order measured."""
    specs = [
        Spec(
            "healthz",
            "GET /healthz (no auth: framework + store floor)",
            jobs=lambda: healthz_job(sandbox.port),
        )
    ]
    oauth_missing = available("sandbox.oauth.protect", "sandbox.api.accounts")
    transfer_missing = available("sandbox.oauth.protect", "sandbox.api.transfers")
    for key, label, target, why in (
        ("balances", "GET /accounts/balances", ">= 60 % of baseline, p99 <= 10 ms", oauth_missing),
        ("transactions", "GET /accounts/transactions (500 lines)", "", oauth_missing),
        ("tokenRefresh", "POST /auth/v1/token refresh", "", oauth_missing),
        ("transferRequest", "POST /transfer/request", ">= 500 req/s", transfer_missing),
        ("transferApproval", "POST /transfer/approval", "", transfer_missing),
    ):
        specs.append(Spec(key, label, target, why=why))
    return specs
