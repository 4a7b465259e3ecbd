"""Two figures of issue 13: one tenant's held requests and slow clients must not starve the others.

``fairness``: participant B's balance reads, unloaded and while participant A holds 64 requests under a
``timeout`` rule and 16 under ``slow_body`` (target: >= 90 % of the unloaded throughput, p99 <= 3x).
``slowClients``: ``GET /healthz``, unloaded and while 4 clients send one header line every 2 s and 8
send a token request's body one byte every 2 s (target: >= 90 %, no other request failing).
Each is measured unloaded, loaded, unloaded, loaded; the figure is the medians and their ratio.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress

import requests

from benchmarks import api, report
from benchmarks.api import Client
from benchmarks.job import Job, LoadResult
from benchmarks.report import Figure

PARTICIPANT_A, PARTICIPANT_B = "B0050", "B0051"
HELD_TIMEOUT, HELD_SLOW_BODY = 64, 16
SLOW_HEADERS, SLOW_BODIES, DRIP_SECONDS = 4, 8, 2.0
FAIRNESS_TARGET = ">= 90 % of unloaded, p99 <= 3x unloaded"
SLOW_TARGET = ">= 90 % of unloaded, 0 failed"


class Trickle:
    """Connections that send a little every ``DRIP_SECONDS`` from one thread, until closed."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.socks: list[tuple[socket.socket, bytes]] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._drip, daemon=True)

    def open(self, head: bytes, drip: bytes, count: int) -> None:
        for _ in range(count):
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            sock.sendall(head)
            self.socks.append((sock, drip))

    def _drip(self) -> None:
        while not self.stop.wait(DRIP_SECONDS):
            for sock, drip in self.socks:
                if drip:
                    with suppress(OSError):
                        sock.sendall(drip)

    def close(self) -> None:
        self.stop.set()
        for sock, _ in self.socks:
            sock.close()


@contextmanager
def trickling(port: int, openers: list[tuple[bytes, bytes, int]]) -> Iterator[Trickle]:
    trickle = Trickle(port)
    try:
        for head, drip, count in openers:
            trickle.open(head, drip, count)
        trickle.thread.start()
        time.sleep(1)  # every connection reaches the server (and its fault) before the load starts
        yield trickle
    finally:
        trickle.close()


def get(path: str, token: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {token}\r\n\r\n".encode()


def compare(
    key: str,
    label: str,
    target: str,
    job: Job,
    loaded: Callable[[], AbstractContextManager[object]],
    run: Callable[[Job], LoadResult],
) -> Figure:
    """Unloaded, loaded, unloaded, loaded: the loaded medians as the value, the unloaded as the baseline."""
    quiet, busy = [], []
    for _ in range(2):
        quiet.append(run(job))
        with loaded():
            busy.append(run(job))
    mine, ceiling = report.median_runs(busy), report.median_runs(quiet)
    figure = Figure(
        key,
        label,
        mine["rps"],
        "req/s",
        baseline=ceiling["rps"],
        target=target,
        ceiling="the same, unloaded",
        detail={"loaded": mine, "unloaded": ceiling},
    )
    return figure


def fairness(client: Client, run: Callable[[Job], LoadResult]) -> Figure:
    """Participant B's balance reads beside participant A's held and trickled requests."""
    a_token = client.bearer(PARTICIPANT_A, "clerk", "account")["Authorization"]
    b_headers = client.bearer(PARTICIPANT_B, "clerk", "account")
    rules = [
        {
            "match": {"contractId": PARTICIPANT_A, "path": "/corporation/v1/accounts"},
            "effect": {"type": "timeout", "holdMs": 30_000},
        },
        {
            "match": {"contractId": PARTICIPANT_A, "path": "/corporation/v1/accounts/balances"},
            "effect": {"type": "slow_body", "bytesPerSecond": 10},
        },
    ]
    ids = [client.control("POST", "/faults", rule)["faultId"] for rule in rules]
    openers = [
        (get("/corporation/v1/accounts", a_token), b"", HELD_TIMEOUT),
        (get("/corporation/v1/accounts/balances", a_token), b"", HELD_SLOW_BODY),
    ]
    job = Job("fairness", client.port, "/corporation/v1/accounts/balances", headers=b_headers)
    try:
        figure = compare(
            "fairness",
            f"B's balances while A holds {HELD_TIMEOUT} timeout + {HELD_SLOW_BODY} slow_body",
            FAIRNESS_TARGET,
            job,
            lambda: trickling(client.port, openers),
            run,
        )
    finally:
        left = _clear(client, ids)
    p99, base = figure.detail["loaded"]["p99Ms"], figure.detail["unloaded"]["p99Ms"]
    figure.met = bool(figure.ratio and figure.ratio >= 0.9 and p99 <= 3 * base)
    figure.note = f"p99 {p99:.1f} ms loaded, {base:.1f} ms unloaded" + _failures(figure) + left
    return figure


def slow_clients(port: int, run: Callable[[Job], LoadResult]) -> Figure:
    """``/healthz`` beside clients that send their headers, or a token request's body, a drip at a time."""
    headers = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    body = (
        b"POST /auth/v1/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\ng"
    )
    openers = [(headers, b"X-Slow: 1\r\n", SLOW_HEADERS), (body, b"r", SLOW_BODIES)]
    figure = compare(
        "slowClients",
        f"GET /healthz beside {SLOW_HEADERS} slow-header + {SLOW_BODIES} slow-body clients",
        SLOW_TARGET,
        api.healthz_job(port),
        lambda: trickling(port, openers),
        run,
    )
    failed = _failed(figure)
    figure.met = bool(figure.ratio and figure.ratio >= 0.9 and failed == 0)
    figure.note = f"p99 {figure.detail['loaded']['p99Ms']:.1f} ms loaded" + _failures(figure)
    return figure


def _clear(client: Client, ids: list[int]) -> str:
    """Delete A's rules; a starved server may not answer (the figure then says so)."""
    try:
        for rule_id in ids:
            client.control("DELETE", f"/faults/{rule_id}")
    except requests.RequestException:
        return "; the server did not answer the rules' deletion within 60 s"
    return ""


def _failed(figure: Figure) -> int:
    return sum(r["non2xx"] + r["errors"] for r in figure.detail["loaded"]["runs"])


def _failures(figure: Figure) -> str:
    failed = _failed(figure)
    return f"; {failed} failed requests while loaded" if failed else ""
