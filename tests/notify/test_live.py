"""The delivery worker of a real server (gunicorn): a deposit is delivered with nothing but a clock move or
the deposit itself, and a receiver that hangs holds up neither the API nor the contract's later clock."""

from __future__ import annotations

import threading

import pytest
import requests

from tests.notify.receiver import Receiver
from tests.oauth_helpers import mint_tokens_live

pytestmark = pytest.mark.live


def _subscribe(server, contract_id: str, url: str) -> str:
    answer = server.control("PATCH", f"/contracts/{contract_id}/settings", {"notificationUrl": url})
    assert answer.status_code == 200, answer.text
    token = mint_tokens_live(server, contract_id, f"{contract_id.lower()}-viewer", "account")["access_token"]
    body = {"subscribeStatus": "1", "eventTypes": [{"eventType": "deposit-transaction"}]}
    headers = {"Authorization": f"Bearer {token}"}
    done = requests.post(f"{server.url}/webhooks/v1/subscribe", json=body, headers=headers, timeout=10)
    assert done.status_code == 200, done.text
    return token


def _deposit(server, contract_id: str, amount: int) -> None:
    account = server.control("GET", f"/contracts/{contract_id}").json()["accounts"][0]["accountId"]
    answer = server.control(
        "POST", f"/contracts/{contract_id}/deposits", {"accountId": account, "amount": amount}
    )
    assert answer.status_code == 201, answer.text


def test_the_server_delivers_by_itself_and_a_hanging_receiver_blocks_no_request(live_server):
    release = threading.Event()
    hanging, healthy = Receiver(hang=release), Receiver()
    try:
        token = _subscribe(live_server, "C0001", hanging.url)
        _subscribe(live_server, "C0003", healthy.url)
        _deposit(live_server, "C0001", 100)
        assert hanging.arrived.wait(15), "the worker never delivered"
        # the receiver hangs; the API answers, and the other contract's payment is delivered meanwhile
        headers = {"Authorization": f"Bearer {token}"}
        assert requests.get(f"{live_server.url}/corporation/v1/accounts", headers=headers, timeout=5).ok
        _deposit(live_server, "C0003", 200)
        assert healthy.arrived.wait(15) and not release.is_set()
        assert healthy.received[0]["body"]["depositTransaction"]["amount"] == "200"
    finally:
        release.set()
        hanging.close()
        healthy.close()
