"""Fault effects on the wire: a real gunicorn server (2 workers), real HTTP clients, what the client sees."""

from __future__ import annotations

import shutil
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from sandbox.bank import ledger
from sandbox.store import connect
from sandbox.wire.engine import draw
from tests.conftest import LiveServer, start_server, stop_server
from tests.oauth_helpers import bearer, mint_tokens, mint_tokens_live
from tests.transfer_helpers import OTHER_BANK, seal

pytestmark = pytest.mark.live
ACCOUNTS = "/corporation/v1/accounts"


@pytest.fixture(scope="module")
def server(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server for the module (starting one costs a second); each test clears the rules first."""
    path = tmp_path_factory.mktemp("wire") / "sandbox.db"
    shutil.copyfile(template_db, path)
    live = start_server(path)
    yield live
    stop_server(live)
    errors = live.process.stderr.read().decode() if live.process.stderr else ""
    assert "Traceback" not in errors, errors
    db = connect(path)
    problems = ledger.check(db)
    db.conn.close()
    assert not problems


@pytest.fixture
def live(server: LiveServer) -> LiveServer:
    assert server.control("DELETE", "/faults").status_code == 200
    return server


@pytest.fixture(scope="module")
def viewer(server: LiveServer) -> dict[str, str]:
    return bearer(mint_tokens_live(server, "C0001", "c0001-viewer"))


def rule(live: LiveServer, effect: Any, path: str = ACCOUNTS, **trigger: Any) -> dict[str, Any]:
    body = {"match": {"contractId": "C0001", "path": path}, "effect": effect, "trigger": trigger}
    answer = live.control("POST", "/faults", body)
    assert answer.status_code == 201, answer.text
    return answer.json()


def last_request(live: LiveServer) -> dict[str, Any]:
    return live.control("GET", "/requests?limit=1").json()["requests"][-1]


def raw_get(live: LiveServer, headers: dict[str, str], timeout: float = 5) -> bytes:
    """A GET over a bare socket; everything received until the server closes (or the error)."""
    host, port = live.url.removeprefix("http://").split(":")
    lines = [f"GET {ACCOUNTS} HTTP/1.1", f"Host: {host}", *(f"{k}: {v}" for k, v in headers.items())]
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\nConnection: close\r\n\r\n").encode())
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
        return received


def test_reset_is_a_connection_reset_before_processing(live, viewer):
    rule(live, "reset", times=1)
    with pytest.raises(requests.ConnectionError) as caught:
        requests.get(live.url + ACCOUNTS, headers=viewer, timeout=5)
    assert "Connection reset by peer" in str(caught.value) or "ECONNRESET" in str(caught.value)
    entry = last_request(live)
    assert (entry["outcome"], entry["fault"], "status" in entry) == ("reset", "reset", False)
    rule(live, "reset", times=1)
    with pytest.raises(ConnectionResetError):
        raw_get(live, viewer)
    assert requests.get(live.url + ACCOUNTS, headers=viewer, timeout=5).status_code == 200


def test_timeout_holds_the_connection_then_closes_it_unprocessed(live, viewer):
    rule(live, {"type": "timeout", "holdMs": 1500}, times=1)
    started = time.monotonic()
    with pytest.raises(requests.ReadTimeout):
        requests.get(live.url + ACCOUNTS, headers=viewer, timeout=0.5)
    assert time.monotonic() - started < 1.4
    rule(live, {"type": "timeout", "holdMs": 600}, times=1)
    started = time.monotonic()
    assert raw_get(live, viewer) == b""  # held, then closed without a byte
    assert time.monotonic() - started >= 0.55
    assert last_request(live)["outcome"] == "timeout"


def test_truncated_sends_headers_and_part_of_the_body(live, viewer):
    rule(live, {"type": "truncated", "bytes": 40}, times=1)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        requests.get(live.url + ACCOUNTS, headers=viewer, timeout=5)
    rule(live, {"type": "truncated", "bytes": 40}, times=1)
    head, _, body = raw_get(live, viewer).partition(b"\r\n\r\n")
    length = int(
        next(h for h in head.split(b"\r\n") if h.lower().startswith(b"content-length")).split(b":")[1]
    )
    assert head.startswith(b"HTTP/1.1 200") and len(body) == 40 < length
    assert last_request(live)["outcome"] == "truncated"


def test_slow_body_and_latency_slow_the_answer_but_deliver_it(live, viewer):
    whole = requests.get(live.url + ACCOUNTS, headers=viewer, timeout=5).content
    rule(live, {"type": "slow_body", "bytesPerSecond": len(whole) * 2}, times=1)
    started = time.monotonic()
    assert requests.get(live.url + ACCOUNTS, headers=viewer, timeout=5).content == whole
    assert time.monotonic() - started >= 0.4
    rule(live, {"type": "latency", "ms": 300}, times=1)
    started = time.monotonic()
    assert requests.get(live.url + ACCOUNTS, headers=viewer, timeout=5).status_code == 200
    assert time.monotonic() - started >= 0.3


@pytest.mark.parametrize(
    ("effect", "status", "code", "retry_after"),
    [
        ({"type": "http_error", "status": 502, "errorCode": "bad_gateway"}, 502, "bad_gateway", None),
        ({"type": "http_error", "status": 503, "retryAfter": 7}, 503, "service_unavailable", "7"),
        ({"type": "maintenance", "retryAfter": 120}, 503, "maintenance", "120"),
        ({"type": "rate_limit"}, 429, "rate_limited", "60"),
    ],
)
def test_http_effects(live, viewer, effect, status, code, retry_after):
    rule(live, effect, times=1)
    answer = requests.get(live.url + ACCOUNTS, headers=viewer, timeout=5)
    assert (answer.status_code, answer.json()["errorCode"], answer.headers.get("Retry-After")) == (
        status,
        code,
        retry_after,
    )


def test_oauth_endpoint_faults_answer_in_rfc6749_shape_and_commit_then_error_consumes_the_code(live):
    clients = live.control("GET", "/contracts/C0001/clients").json()["clients"]
    demo = next(c for c in clients if c.get("demoClientSecret"))
    auth = (demo["clientId"], demo["demoClientSecret"])
    code = live.control(
        "POST",
        "/contracts/C0001/authorizations",
        {"userId": "c0001-approver", "clientId": demo["clientId"], "scope": "account"},
    ).json()["code"]
    rule(live, "commit_then_error", path="/auth/v1/token", times=1)
    form = {"grant_type": "authorization_code", "code": code}
    first = requests.post(f"{live.url}/auth/v1/token", data=form, auth=auth, timeout=5)
    assert first.status_code == 500 and first.json()["error"] == "internal_error"
    again = requests.post(f"{live.url}/auth/v1/token", data=form, auth=auth, timeout=5)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"  # the code was used
    rule(live, "rate_limit", path="/auth/v1/*", times=1)
    limited = requests.post(f"{live.url}/auth/v1/token", data=form, auth=auth, timeout=5)
    assert (limited.status_code, limited.json()["error"]) == (429, "temporarily_unavailable")


def transfer_body(live: LiveServer) -> dict[str, Any]:
    contract = live.control("GET", "/contracts/C0001").json()
    demo = next(
        c
        for c in live.control("GET", "/contracts/C0001/clients").json()["clients"]
        if c.get("demoClientSecret")
    )
    sealed = seal(demo["keyId"], demo["encryptionKey"], OTHER_BANK)
    item = {"itemId": "1", "transferAmount": "12345", "encryptedBeneficiary": sealed}
    return {"accountId": contract["accounts"][0]["accountId"], "transfers": [item]}


def test_response_lost_on_transfer_request_leaves_exactly_one_request_found_by_request_result(live):
    clerk = bearer(mint_tokens_live(live, "C0001", "c0001-clerk", "transfer"))
    body = transfer_body(live)
    before = live.control("GET", "/contracts/C0001/transfers").json()["count"]
    rule(live, "response_lost", path="/corporation/v1/transfer/request", times=1)
    key = {"Idempotency-Key": "lost-response-1"}
    with pytest.raises(requests.ConnectionError):
        requests.post(
            f"{live.url}/corporation/v1/transfer/request", json=body, headers={**clerk, **key}, timeout=5
        )
    entry = last_request(live)
    assert (entry["status"], entry["outcome"], entry["idempotencyKey"]) == (
        201,
        "reset_after_commit",
        "lost-response-1",
    )
    # the client retries with the same key: the stored answer comes back, nothing is created twice
    retry = requests.post(
        f"{live.url}/corporation/v1/transfer/request", json=body, headers={**clerk, **key}, timeout=5
    )
    assert retry.status_code == 201 and retry.headers.get("Idempotency-Replayed") == "true"
    apply_no = retry.json()["applyNo"]
    assert live.control("GET", "/contracts/C0001/transfers").json()["count"] == before + 1
    found = requests.get(
        f"{live.url}/corporation/v1/transfer/request-result",
        params={"accountId": body["accountId"], "applyNo": apply_no},
        headers=clerk,
        timeout=5,
    )
    assert found.status_code == 200 and found.json()["resultCode"] == "2"


def get_many(live: LiveServer, headers: dict[str, str], count: int, parallel: int = 1) -> list[int]:
    """``count`` GETs, each on a new connection (so both workers serve them); their statuses in order."""

    def one(_: int) -> int:
        return requests.get(live.url + ACCOUNTS, headers=headers, timeout=10).status_code

    if parallel == 1:
        return [one(i) for i in range(count)]
    with ThreadPoolExecutor(parallel) as pool:
        return list(pool.map(one, range(count)))


def test_times_holds_across_both_workers_under_concurrency(live, viewer):
    rule(live, {"type": "http_error", "status": 503}, times=3)
    statuses = get_many(live, viewer, 24, parallel=8)
    assert statuses.count(503) == 3 and statuses.count(200) == 21
    stored = live.control("GET", "/faults").json()["faults"][0]
    assert (stored["hits"], stored["fired"]) == (24, 3)


def test_nth_and_after_count_hits_in_the_store(live, viewer):
    rule(live, {"type": "http_error", "status": 500}, nth=4)
    assert get_many(live, viewer, 6) == [200, 200, 200, 500, 200, 200]
    live.control("DELETE", "/faults")
    rule(live, {"type": "http_error", "status": 500}, after=3)
    assert get_many(live, viewer, 5) == [200, 200, 200, 500, 500]


def test_seeded_probability_replays_the_same_sequence(live, viewer):
    expected = [500 if draw(7, hit) < 0.5 else 200 for hit in range(1, 17)]
    assert 500 in expected and 200 in expected
    rule(live, {"type": "http_error", "status": 500}, probability=0.5, seed=7)
    first = get_many(live, viewer, 16)
    live.control("DELETE", "/faults")
    rule(live, {"type": "http_error", "status": 500}, probability=0.5, seed=7)
    assert first == get_many(live, viewer, 16) == expected


def test_window_is_contract_time(live, viewer):
    base = datetime.fromisoformat(live.control("GET", "/contracts/C0001/clock").json()["now"])
    window = {
        "start": (base + timedelta(minutes=30)).isoformat(),
        "end": (base + timedelta(minutes=40)).isoformat(),
    }
    rule(live, {"type": "http_error", "status": 503}, window=window)
    assert get_many(live, viewer, 2) == [200, 200]
    live.control("POST", "/contracts/C0001/clock/advance", {"by": "30m"})
    fresh = bearer(mint_tokens_live(live, "C0001", "c0001-viewer"))
    assert get_many(live, fresh, 2) == [503, 503]
    live.control("POST", "/contracts/C0001/clock/advance", {"by": "10m"})
    assert get_many(live, fresh, 2) == [200, 200]


def test_the_dev_server_gets_the_same_effects(app, client, control):
    """``serve --dev`` (Werkzeug): bodiless requests are not read to EOF, resets are real, no noise."""
    import threading

    from werkzeug.serving import make_server

    viewer = bearer(mint_tokens(client, control, "C0001", "c0001-viewer"))
    dev = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=dev.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{dev.server_port}{ACCOUNTS}"
    try:
        assert requests.get(url, headers=viewer, timeout=5).status_code == 200
        control(
            "POST",
            "/faults",
            {"match": {"path": ACCOUNTS}, "effect": "reset", "trigger": {"times": 1}},
            status=201,
        )
        with pytest.raises(requests.ConnectionError, match="reset by peer"):
            requests.get(url, headers=viewer, timeout=5)
        assert requests.get(url, headers=viewer, timeout=5).status_code == 200
    finally:
        dev.shutdown()
