"""The ``rateLimit`` contract setting: a token bucket per client over ``/corporation/v1``, refused with 429
``rate_limited`` and ``Retry-After``, state shared by every worker (the request log's file), wall time."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from freezegun import freeze_time

from sandbox.store import connect
from sandbox.wire import logfile, ratelimit
from tests.conftest import LiveServer, start_server, stop_server
from tests.oauth_helpers import bearer, mint_tokens, mint_tokens_live

BALANCES = "/corporation/v1/accounts/balances"
REDIRECT = "https://erp.example.jp/callback"


def limit(control, contract_id="C0001", rate=1, burst=2):
    body = {"rateLimit": {"requestsPerSecond": rate, "burst": burst}}
    control("PATCH", f"/contracts/{contract_id}/settings", body, status=200)


@pytest.fixture
def log() -> Iterator:
    db = connect(":memory:")
    logfile.migrate(db)
    yield db
    db.conn.close()


def test_a_bucket_gives_its_burst_then_refills_at_the_rate(log):
    take = lambda at: ratelimit.take(log, "C0001", "cli", 2.0, 3, at)  # noqa: E731
    assert [take(100.0) for _ in range(3)] == [None, None, None]
    assert take(100.0) == pytest.approx(0.5)  # a token every half second
    assert take(100.2) == pytest.approx(0.3)  # a refused call takes nothing
    assert take(100.5) is None and take(100.5) == pytest.approx(0.5)
    assert [take(1000.0) for _ in range(4)][-1] == pytest.approx(0.5)  # idle: full again, never above burst
    assert ratelimit.take(log, "C0001", "other", 2.0, 3, 1000.0) is None  # each client its own bucket


def test_over_the_limit_the_api_answers_429_with_retry_after(client, control):
    token = bearer(mint_tokens(client, control, "C0001", "c0001-viewer"))
    other = bearer(mint_tokens(client, control, "C0003", "c0003-viewer"))
    limit(control, rate=0.5, burst=2)
    with freeze_time("2026-12-06T00:00:00Z") as wall:
        assert [client.get(BALANCES, headers=token).status_code for _ in range(2)] == [200, 200]
        refused = client.get(BALANCES, headers=token)
        assert refused.status_code == 429 and refused.headers["Retry-After"] == "2"
        error = refused.get_json()
        assert error["errorCode"] == "rate_limited"
        assert "0.5 requests a second" in error["errorDetails"][0]["errorDetailsMessage"]
        assert client.get(BALANCES, headers=other).status_code == 200  # another contract: no limit
        wall.tick(1.0)
        assert client.get(BALANCES, headers=token).status_code == 429
        wall.tick(1.0)
        assert client.get(BALANCES, headers=token).status_code == 200
    logged = control("GET", "/requests?contractId=C0001", status=200)["requests"]
    hits = [r for r in logged if r.get("errorCode") == "rate_limited"]
    assert hits and hits[0]["fault"] == "rateLimit" and hits[0]["retryAfter"] == 2


def test_each_client_has_its_own_bucket_and_tokens_are_not_limited(client, control):
    second = control("POST", "/contracts/C0001/clients", {"redirectUri": REDIRECT}, status=201)
    limit(control, rate=0.01, burst=1)
    with freeze_time("2026-12-06T00:00:00Z"):
        first = bearer(mint_tokens(client, control, "C0001", "c0001-viewer"))
        assert client.get(BALANCES, headers=first).status_code == 200
        assert client.get(BALANCES, headers=first).status_code == 429
        # the token endpoint is not limited, and the other client's bucket is full
        other = mint_tokens(
            client,
            control,
            "C0001",
            "c0001-viewer",
            client_id=second["clientId"],
            client_secret=second["clientSecret"],
        )
        assert client.get(BALANCES, headers=bearer(other)).status_code == 200


def test_switched_off_again_it_no_longer_limits(client, control):
    token = bearer(mint_tokens(client, control, "C0001", "c0001-viewer"))
    limit(control, rate=0.01, burst=1)
    with freeze_time("2026-12-06T00:00:00Z"):
        assert [client.get(BALANCES, headers=token).status_code for _ in range(2)] == [200, 429]
        limit(control, rate=0, burst=1)
        assert client.get(BALANCES, headers=token).status_code == 200


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ({"requestsPerSecond": 5}, "rateLimit"),
        ({"requestsPerSecond": -1, "burst": 5}, "rateLimit.requestsPerSecond"),
        ({"requestsPerSecond": True, "burst": 5}, "rateLimit.requestsPerSecond"),
        ({"requestsPerSecond": 5, "burst": 0}, "rateLimit.burst"),
        ({"requestsPerSecond": 5, "burst": 2.5}, "rateLimit.burst"),
        ({"requestsPerSecond": 5, "burst": 10, "window": 1}, "rateLimit"),
        (5, "rateLimit"),
    ],
)
def test_the_setting_is_checked(control, value, field):
    error = control("PATCH", "/contracts/C0001/settings", {"rateLimit": value}, status=400)
    assert error["errorCode"] == "invalid_parameter" and error["errorDetails"][0]["errorDetailsCode"] == field


@pytest.fixture
def server(template_db: Path, tmp_path: Path) -> Iterator[LiveServer]:
    path = tmp_path / "sandbox.db"
    shutil.copyfile(template_db, path)
    live = start_server(path)
    yield live
    stop_server(live)


@pytest.mark.live
def test_workers_share_one_bucket(server):
    """Two gunicorn workers, twelve concurrent calls, a burst of five and almost no refill: exactly five
    pass, whichever worker took each call — the bucket is in the database, not in a process."""
    token = bearer(mint_tokens_live(server, "C0001", "c0001-viewer"))
    body = {"rateLimit": {"requestsPerSecond": 0.001, "burst": 5}}
    assert server.control("PATCH", "/contracts/C0001/settings", body).status_code == 200

    def call(_: int) -> int:
        return requests.get(server.url + BALANCES, headers=token, timeout=30).status_code

    with ThreadPoolExecutor(6) as pool:
        statuses = list(pool.map(call, range(12)))
    assert sorted(statuses) == [200] * 5 + [429] * 7
