"""Transfers against a real server (gunicorn, 2 workers × 4 threads) over HTTP with real tokens:
the whole life of a transfer, and concurrent approvals / retries that must move money once."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import requests

from sandbox.store import connect
from tests.oauth_helpers import bearer, mint_tokens_live
from tests.transfer_helpers import OTHER_BANK, seal

pytestmark = pytest.mark.live


class Live:
    def __init__(self, server: Any, contract_id: str = "C0003") -> None:
        self.server, self.contract_id = server, contract_id
        self.clerk = mint_tokens_live(server, contract_id, f"{contract_id.lower()}-clerk", "transfer")
        self.approver = mint_tokens_live(
            server, contract_id, f"{contract_id.lower()}-approver", "transfer-approval"
        )
        self.viewer = mint_tokens_live(server, contract_id, f"{contract_id.lower()}-viewer", "account")
        demo = next(c for c in server.control("GET", f"/contracts/{contract_id}/clients").json()["clients"])
        self.kid, self.key = demo["keyId"], demo["encryptionKey"]
        self.account = server.control("GET", f"/contracts/{contract_id}").json()["accounts"][1]["accountId"]

    def post(self, path: str, body: dict, tokens: dict, headers: dict | None = None) -> requests.Response:
        url = f"{self.server.url}/corporation/v1{path}"
        return requests.post(url, json=body, headers={**bearer(tokens), **(headers or {})}, timeout=30)

    def body(self, amount: int) -> dict:
        item = {
            "itemId": "1",
            "transferAmount": str(amount),
            "encryptedBeneficiary": seal(self.kid, self.key, OTHER_BANK),
        }
        return {"accountId": self.account, "transfers": [item]}

    def balance(self) -> int:
        url = f"{self.server.url}/corporation/v1/accounts/balances"
        answer = requests.get(
            url, params={"accountId": self.account}, headers=bearer(self.viewer), timeout=30
        )
        return int(answer.json()["balances"][0]["balance"])


def together(count: int, call: Any) -> list[requests.Response]:
    """Run ``call`` in ``count`` threads released at the same instant."""
    barrier, answers = threading.Barrier(count), [None] * count

    def run(n: int) -> None:
        barrier.wait()
        answers[n] = call()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers  # type: ignore[return-value]


def journals_for(db_path, apply_no: str) -> int:
    db = connect(db_path)
    try:
        return db.conn.execute("SELECT COUNT(*) FROM journals WHERE ref = ?", (apply_no,)).fetchone()[0]
    finally:
        db.conn.close()


def test_a_transfer_over_http_and_concurrent_approvals_execute_once(live_server):
    live = Live(live_server)
    before = live.balance()
    created = live.post("/transfer/request", live.body(60_000), live.clerk)
    assert created.status_code == 201
    apply_no = created.json()["applyNo"]
    decision = {"accountId": live.account, "applyNo": apply_no, "decision": "approve"}
    answers = together(8, lambda: live.post("/transfer/approval", decision, live.approver))
    codes = sorted((a.status_code, a.json().get("transferStatus") or a.json()["errorCode"]) for a in answers)
    assert codes == [(200, "20")] + [(409, "transfer_already_approved")] * 7
    assert live.balance() == before - 60_000
    assert journals_for(live_server.db_path, apply_no) == 1
    status = requests.get(
        f"{live_server.url}/corporation/v1/transfer/status",
        params={"accountId": live.account, "applyNo": apply_no},
        headers=bearer(live.viewer),
        timeout=30,
    ).json()
    assert [h["transferStatus"] for h in status["transferDetails"][0]["history"]] == ["2", "12", "20"]


def test_concurrent_retries_with_one_idempotency_key_create_one_request(live_server):
    live = Live(live_server)
    body, key = live.body(7_000), {"Idempotency-Key": "lost-answer-1"}
    answers = together(6, lambda: live.post("/transfer/request", body, live.clerk, key))
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["applyNo"] for a in answers}) == 1
    assert sum(a.headers.get("Idempotency-Replayed") == "true" for a in answers) == 5
