"""Issue 13, item 17: a bounded load-and-fault soak on a real server over loopback.

16 clients send transfer requests and approvals at once, each with an ``Idempotency-Key`` and retrying
(same key) after a reset, a lost answer or a 5xx, as a careful client does, while fault rules reset
connections (before processing and after the commit) and answer errors after committing, and the
contract's clock moves. Then: the ledger balances, no key made two transfer requests, and everything a
client was told had happened (a 201 with its ``applyNo``, a 200 to its approval) is in the database.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from sandbox.bank import ledger
from sandbox.store import connect
from tests.conftest import LiveServer, start_server, stop_server
from tests.oauth_helpers import bearer, mint_tokens_live
from tests.transfer_helpers import OTHER_BANK, seal

pytestmark = pytest.mark.live
CONTRACT, CLIENTS, ROUNDS, TRIES = "C0003", 16, 5, 8
API = "/corporation/v1/transfer"
FAULTS = [  # (path, effect, probability, seed): at most one fires per request, the first in this order
    (f"{API}/request", {"type": "reset"}, 0.1, 1),
    (f"{API}/request", {"type": "response_lost"}, 0.1, 2),
    (f"{API}/approval", {"type": "commit_then_error", "status": 500}, 0.15, 3),
    (f"{API}/approval", {"type": "response_lost"}, 0.1, 4),
]


@pytest.fixture(scope="module")
def server(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    path = tmp_path_factory.mktemp("soak") / "sandbox.db"
    shutil.copyfile(template_db, path)
    live = start_server(path)
    yield live
    stop_server(live)


@dataclass
class Seen:
    """What the clients were told: acknowledged requests (key → applyNo) and approvals (applyNo)."""

    requested: dict[str, str] = field(default_factory=dict)
    approved: list[str] = field(default_factory=list)
    faults_met: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class Participant:
    def __init__(self, live: LiveServer) -> None:
        self.live = live
        user = CONTRACT.lower()
        self.clerk = bearer(mint_tokens_live(live, CONTRACT, f"{user}-clerk", "transfer"))
        self.approver = bearer(mint_tokens_live(live, CONTRACT, f"{user}-approver", "transfer-approval"))
        demo = live.control("GET", f"/contracts/{CONTRACT}/clients").json()["clients"][0]
        self.sealed = seal(demo["keyId"], demo["encryptionKey"], OTHER_BANK)
        self.account = live.control("GET", f"/contracts/{CONTRACT}").json()["accounts"][1]["accountId"]

    def post(self, http: requests.Session, path: str, body: Any, headers: dict, key: str, seen: Seen) -> Any:
        """POST until an answer that is not a fault (or TRIES run out); the last answer, or None."""
        for _ in range(TRIES):
            try:
                answer = http.post(
                    f"{self.live.url}{path}",
                    json=body,
                    headers={**headers, "Idempotency-Key": key},
                    timeout=60,
                )
            except requests.ConnectionError:
                with seen.lock:
                    seen.faults_met += 1
                continue
            if answer.status_code < 500:
                return answer
            with seen.lock:
                seen.faults_met += 1
        return None

    def work(self, n: int, seen: Seen) -> None:
        http = requests.Session()
        for k in range(ROUNDS):
            key = f"soak-{n}-{k}"
            item = {"itemId": "1", "transferAmount": str(1_000 + n), "encryptedBeneficiary": self.sealed}
            body = {"accountId": self.account, "applyComment": key, "transfers": [item]}
            made = self.post(http, f"{API}/request", body, self.clerk, key, seen)
            if made is None or made.status_code != 201:
                continue
            apply_no = made.json()["applyNo"]
            with seen.lock:
                seen.requested[key] = apply_no
            decision = {"accountId": self.account, "applyNo": apply_no, "decision": "approve"}
            done = self.post(http, f"{API}/approval", decision, self.approver, f"{key}-a", seen)
            if done is not None and done.status_code == 200:
                with seen.lock:
                    seen.approved.append(apply_no)


def move_clock(live: LiveServer, stop: threading.Event) -> None:
    """The participant's clock moves a minute at a time while the clients work (ten times at most)."""
    for _ in range(10):
        if stop.wait(0.5):
            return
        answer = live.control("POST", f"/contracts/{CONTRACT}/clock/advance", {"by": "1m"})
        assert answer.status_code == 200, answer.text


def test_transfers_and_approvals_under_faults_and_clock_moves_keep_every_invariant(server) -> None:
    for path, effect, probability, seed in FAULTS:
        rule = {"match": {"contractId": CONTRACT, "path": path, "method": "POST"}, "effect": effect}
        rule["trigger"] = {"probability": probability, "seed": seed}
        assert server.control("POST", "/faults", rule).status_code == 201
    participant, seen, stop = Participant(server), Seen(), threading.Event()
    clock = threading.Thread(target=move_clock, args=(server, stop))
    clients = [threading.Thread(target=participant.work, args=(n, seen)) for n in range(CLIENTS)]
    clock.start()
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join()
    stop.set()
    clock.join()
    server.control("DELETE", "/faults")
    assert seen.faults_met > 0 and len(seen.requested) > CLIENTS * ROUNDS // 2  # the soak did soak
    db = connect(server.db_path)
    try:
        assert ledger.check(db) == []
        per_key = db.conn.execute(
            "SELECT apply_comment, COUNT(*), MIN(apply_no) FROM transfer_requests"
            " WHERE apply_comment LIKE 'soak-%' GROUP BY apply_comment"
        ).fetchall()
        assert [row[0] for row in per_key if row[1] > 1] == []  # one transfer request per key
        stored = {row[0]: row[2] for row in per_key}
        assert {key: stored.get(key) for key in seen.requested} == seen.requested  # acknowledged: present
        statuses = dict(db.conn.execute("SELECT apply_no, status FROM transfer_requests").fetchall())
        assert [no for no in seen.approved if statuses[no] == "2"] == []  # acknowledged approvals: decided
        moved = dict(db.conn.execute("SELECT ref, COUNT(*) FROM journals GROUP BY ref").fetchall())
        assert [no for no in stored.values() if moved.get(no, 0) > 1] == []  # none moved money twice
    finally:
        db.conn.close()
