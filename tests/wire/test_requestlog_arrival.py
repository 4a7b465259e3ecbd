"""The request log records arrival order (issue 14 item 8): a request held by a ``timeout`` fault is in
the log while it is held, before the retry that overtook it, and on the timeline where it happened."""

from __future__ import annotations

import json
import threading
import time

import pytest
import requests

from tests.conftest import LiveServer
from tests.oauth_helpers import bearer, mint_tokens_live

pytestmark = pytest.mark.live
BALANCES = "/corporation/v1/accounts/balances"


def _log(live: LiveServer) -> list[dict]:
    return live.control("GET", f"/requests?contractId=C0001&path={BALANCES}&limit=50").json()["requests"]


def _until(found, what: str, seconds: float = 10.0):
    """Poll until ``found()`` is truthy (a deadline, not a timed assert)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = found()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"never saw {what}")


def test_a_held_request_is_logged_on_arrival_and_before_the_retry_that_overtook_it(live_server):
    viewer = bearer(mint_tokens_live(live_server, "C0001", "c0001-viewer"))
    rule = {"match": {"contractId": "C0001", "path": BALANCES}, "effect": {"type": "timeout", "holdMs": 2500}}
    assert live_server.control("POST", "/faults", {**rule, "trigger": {"nth": 1}}).status_code == 201
    held = threading.Thread(
        target=lambda: pytest.raises(
            requests.RequestException,
            requests.get,
            live_server.url + BALANCES,
            headers={**viewer, "Idempotency-Key": "held"},
            timeout=10,
        ),
    )
    held.start()
    pending = _until(
        lambda: [e for e in _log(live_server) if e.get("idempotencyKey") == "held"], "the held request"
    )
    assert pending[0]["outcome"] == "pending" and "status" not in pending[0] and "endedAt" not in pending[0]
    retry = requests.get(
        live_server.url + BALANCES, headers={**viewer, "Idempotency-Key": "retry"}, timeout=10
    )
    assert retry.status_code == 200
    held.join()
    entries = {e["idempotencyKey"]: e for e in _log(live_server)}
    first, second = entries["held"], entries["retry"]
    assert first["requestId"] < second["requestId"]  # arrival order, though the retry ended first
    assert first["outcome"] == "timeout" and first["endedAt"] > second["endedAt"]
    assert first["wallAt"] < second["wallAt"]
    timeline = live_server.control("GET", "/contracts/C0001/timeline?limit=500").json()["entries"]
    ids = [e["data"].get("requestId") for e in timeline if e["source"] == "request"]
    assert ids.index(first["requestId"]) < ids.index(second["requestId"])


class _Pages:
    """A control client whose ``GET /requests`` answers from a script, noting each ``afterId`` asked."""

    def __init__(self, pages: list[list[dict]]) -> None:
        self.pages, self.asked = pages, []

    def call(self, method: str, path: str, params: dict) -> dict:
        self.asked.append(params["afterId"])
        found = [e for e in self.pages.pop(0) if e["requestId"] > params["afterId"]]
        return {"requests": found, "lastId": found[-1]["requestId"] if found else None}


def test_requests_follow_prints_a_held_request_on_arrival_and_again_when_it_ends(capsys):
    from sandbox.cli.logs import _follow

    def entry(ident: int, outcome: str) -> dict:
        return {"requestId": ident, "outcome": outcome}

    pages = _Pages(
        [
            [entry(1, "pending"), entry(2, "response")],
            [entry(1, "timeout"), entry(2, "response"), entry(3, "response")],
            [entry(3, "response")],
        ]
    )
    _follow(pages, {}, (0, set()), 0, 3, True)
    printed = [(e["requestId"], e["outcome"]) for e in map(json.loads, capsys.readouterr().out.splitlines())]
    assert printed == [(1, "pending"), (2, "response"), (1, "timeout"), (3, "response")]
    assert pages.asked == [0, 0, 3]  # re-read from the held one until it ended, then from the newest
