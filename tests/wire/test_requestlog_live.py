"""The request log under concurrent load on the real server (gunicorn, 2 workers × 4 threads): every
request is in the log when its answer arrives, once, attributed, and in the order each client sent them."""

from __future__ import annotations

import threading

import requests

from tests.oauth_helpers import bearer, mint_tokens_live

BALANCES = "/corporation/v1/accounts/balances"
CLIENTS, EACH = 6, 12


def test_every_request_is_logged_before_its_answer_and_in_order(live_server):
    token = mint_tokens_live(live_server, "C0001", "c0001-viewer")
    missing: list[str] = []

    def client(number: int) -> None:
        with requests.Session() as session:
            for n in range(EACH):
                key = f"c{number}-{n:02d}"
                answer = session.get(
                    live_server.url + BALANCES, headers={**bearer(token), "Idempotency-Key": key}, timeout=30
                )
                if answer.status_code != 200:
                    missing.append(f"{key}: {answer.status_code}")
                logged = live_server.control("GET", f"/requests?contractId=C0001&path={BALANCES}&limit=1000")
                if key not in {e.get("idempotencyKey") for e in logged.json()["requests"]}:
                    missing.append(key)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert missing == []  # every answer was a 200 and arrived after its log entry was committed
    entries = live_server.control("GET", f"/requests?contractId=C0001&path={BALANCES}&limit=1000").json()
    keys = [e["idempotencyKey"] for e in entries["requests"]]
    assert sorted(keys) == sorted(f"c{c}-{n:02d}" for c in range(CLIENTS) for n in range(EACH))  # once each
    for number in range(CLIENTS):  # one client's requests (one after another) in the order it sent them
        own = [k for k in keys if k.startswith(f"c{number}-")]
        assert own == sorted(own)
    ids = [e["requestId"] for e in entries["requests"]]
    assert ids == sorted(ids) and all(e["userId"] == "c0001-viewer" for e in entries["requests"])
