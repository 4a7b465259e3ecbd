"""Issue 13, items 6 and 7 on a real server (gunicorn, 2 workers, threaded and gevent) over loopback:
slow clients and one tenant's held requests leave the server to the others, and a tenant's requests in
flight are bounded. No timing is asserted: a request that would wait behind the held ones times out."""

from __future__ import annotations

import json
import selectors
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.conftest import LiveServer, start_server, stop_server
from tests.oauth_helpers import bearer, mint_tokens_live

pytestmark = pytest.mark.live
LIMIT = 6  # requests of one contract a worker admits at once (2 workers: at most 12 in flight)
HELD = 20  # more than the threads the server had before issue 13 (2 workers x 4)
BALANCES = "/corporation/v1/accounts/balances"


@pytest.fixture(scope="module", params=["gthread", "gevent"])
def server(
    request: pytest.FixtureRequest, template_db: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The default threaded server (2 workers x 32 threads) and the gevent one."""
    path = tmp_path_factory.mktemp("fair") / "sandbox.db"
    shutil.copyfile(template_db, path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WEB21_SANDBOX_MAX_IN_FLIGHT_PER_CONTRACT", str(LIMIT))
        patch.setenv("WEB21_SANDBOX_WORKER_CLASS", request.param)
        patch.setenv("WEB21_SANDBOX_COMPUTING_PER_WORKER", "1")  # held and slow requests must wait outside it
        live = start_server(path)
    yield live
    stop_server(live)


def connect(live: LiveServer) -> socket.socket:
    host, port = live.url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=30)


def answers(socks: list[socket.socket], wanted: int) -> list[bytes]:
    """Whole answers (each ends when the server closes: ``Connection: close``), once ``wanted`` have come."""
    received = {sock: b"" for sock in socks}
    done: list[bytes] = []
    with selectors.DefaultSelector() as sel:
        for sock in socks:
            sel.register(sock, selectors.EVENT_READ)
        while len(done) < wanted:
            ready = sel.select(timeout=30)
            assert ready, f"only {len(done)} of {wanted} answers came"
            for key, _ in ready:
                sock: socket.socket = key.fileobj  # type: ignore[assignment]
                chunk = sock.recv(65536)
                received[sock] += chunk
                if not chunk:
                    sel.unregister(sock)
                    done.append(received[sock])
    return done


def test_another_tenant_is_served_while_one_holds_many_requests(server: LiveServer) -> None:
    a = bearer(mint_tokens_live(server, "C0001", "c0001-viewer"))["Authorization"]
    b = bearer(mint_tokens_live(server, "C0003", "c0003-viewer"))
    rule = {
        "match": {"contractId": "C0001", "path": BALANCES},
        "effect": {"type": "timeout", "holdMs": 60_000},
    }
    assert server.control("POST", "/faults", rule).status_code == 201
    socks = [connect(server) for _ in range(HELD)]
    try:
        request = f"GET {BALANCES} HTTP/1.1\r\nHost: x\r\nAuthorization: {a}\r\nConnection: close\r\n\r\n"
        for sock in socks:
            sock.sendall(request.encode())
        refused = answers(socks, HELD - 2 * LIMIT)  # the bound answers at once: the rest are held
        for raw in refused:
            head, _, body = raw.partition(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 429"), raw[:200]
            assert b"\r\nRetry-After: 1\r\n" in head + b"\r\n"
            assert json.loads(body)["errorCode"] == "too_many_in_flight"
        answer = requests.get(f"{server.url}{BALANCES}", headers=b, timeout=20)  # B is not behind A
        assert answer.status_code == 200 and answer.json()["count"] >= 1
        assert server.control("GET", "/contracts").status_code == 200  # nor is the control API
    finally:
        for sock in socks:
            sock.close()
        server.control("DELETE", "/faults")


def test_slow_clients_leave_the_server_to_others(server: LiveServer, request: pytest.FixtureRequest) -> None:
    """Clients stalled in their headers or in a token request's body hold nothing others need: the issue's
    4 slow-header and 8 slow-body clients for the threaded server (each holds one of a worker's threads
    while it stalls, and the kernel may hand all of them to one worker), 16 and 16 for gevent."""
    gevent = request.node.callspec.params["server"] == "gevent"
    stalled = 16 if gevent else 4
    heads = [b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n"] * stalled
    token = (
        b"POST /auth/v1/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: 1000\r\n\r\ngrant_type="
    )
    starts = heads + [token] * (stalled if gevent else 8)
    socks = [connect(server) for _ in starts]
    try:
        for sock, start in zip(socks, starts, strict=True):
            sock.sendall(start)
        assert requests.get(f"{server.url}/healthz", timeout=20).status_code == 200
        b = bearer(mint_tokens_live(server, "C0003", "c0003-viewer"))  # a token request of its own
        assert requests.get(f"{server.url}{BALANCES}", headers=b, timeout=20).status_code == 200
    finally:
        for sock in socks:
            sock.close()
