"""``Idempotency-Key`` on the POSTs of /corporation/v1: replay, conflict, scope and lifetime."""

from __future__ import annotations

import json

import pytest

from sandbox.store import connect


def requests_in(db_path) -> int:
    db = connect(db_path)
    try:
        return db.conn.execute("SELECT COUNT(*) FROM transfer_requests").fetchone()[0]
    finally:
        db.conn.close()


def test_same_key_same_body_replays_the_first_answer(bank, db_path):
    body = bank.body("C0003", [bank.to_other_bank(4_000)])
    key = {"Idempotency-Key": "order-4711"}
    first = bank.post("/transfer/request", body, bank.token("C0003"), key)
    assert first.status_code == 201 and "Idempotency-Replayed" not in first.headers
    count = requests_in(db_path)
    # the same body re-serialised with other spacing and key order is the same request
    same = json.loads(json.dumps(body, indent=2, sort_keys=True))
    again = bank.post("/transfer/request", same, bank.token("C0003"), key)
    assert again.status_code == 201 and again.headers["Idempotency-Replayed"] == "true"
    assert again.get_json() == first.get_json() and again.headers["Location"] == first.headers["Location"]
    assert requests_in(db_path) == count


def test_same_key_other_body_is_a_conflict(bank, db_path):
    key = {"Idempotency-Key": "order-4712"}
    token = bank.token("C0003")
    assert (
        bank.post(
            "/transfer/request", bank.body("C0003", [bank.to_other_bank(4_000)]), token, key
        ).status_code
        == 201
    )
    count = requests_in(db_path)
    other = bank.post("/transfer/request", bank.body("C0003", [bank.to_other_bank(4_001)]), token, key)
    assert (other.status_code, other.get_json()["errorCode"]) == (409, "idempotency_key_conflict")
    cancel = bank.post("/transfer/cancel", {"accountId": "x", "applyNo": "y"}, token, key)
    assert (cancel.status_code, cancel.get_json()["errorCode"]) == (409, "idempotency_key_conflict")
    assert requests_in(db_path) == count


def test_approval_replay_does_not_approve_twice(bank):
    apply_no = bank.request("C0003", [bank.to_other_bank(4_000)])
    key = {"Idempotency-Key": "approve-1"}
    body = {"accountId": bank.accounts("C0003")[0]["accountId"], "applyNo": apply_no, "decision": "approve"}
    token = bank.token("C0003", "transfer-approval")
    first = bank.post("/transfer/approval", body, token, key)
    assert first.get_json()["transferStatus"] == "20"
    replay = bank.post("/transfer/approval", body, token, key)
    assert replay.status_code == 200 and replay.headers["Idempotency-Replayed"] == "true"
    without_key = bank.post("/transfer/approval", body, token)
    assert without_key.get_json()["errorCode"] == "transfer_already_approved"


def test_errors_are_not_stored_so_a_corrected_retry_runs(bank):
    key = {"Idempotency-Key": "retry-me"}
    token = bank.token("C0003")
    bad = {**bank.body("C0003", [bank.to_other_bank(4_000)]), "transferDesignatedDate": "2020-01-01"}
    assert bank.post("/transfer/request", bad, token, key).status_code == 400
    good = bank.post("/transfer/request", bank.body("C0003", [bank.to_other_bank(4_000)]), token, key)
    assert good.status_code == 201 and "Idempotency-Replayed" not in good.headers


def test_keys_belong_to_a_contract_and_client(bank):
    key = {"Idempotency-Key": "shared-name"}
    assert (
        bank.post(
            "/transfer/request", bank.body("C0003", [bank.to_other_bank(1)]), bank.token("C0003"), key
        ).status_code
        == 201
    )
    other = bank.post(
        "/transfer/request", bank.body("C0001", [bank.to_other_bank(2)]), bank.token("C0001"), key
    )
    assert other.status_code == 201 and "Idempotency-Replayed" not in other.headers


def test_keys_live_a_day_of_contract_time(bank, control):
    key = {"Idempotency-Key": "daily"}
    body = bank.body("C0003", [bank.to_other_bank(5)], transferDesignatedDate="2026-04-03")
    first = bank.post("/transfer/request", body, bank.token("C0003"), key).get_json()
    control("POST", "/contracts/C0003/clock/advance", {"by": "24h"}, status=200)
    bank.forget_tokens()
    later = bank.post("/transfer/request", body, bank.token("C0003"), key)
    assert later.status_code == 201 and "Idempotency-Replayed" not in later.headers
    assert later.get_json()["applyNo"] != first["applyNo"]


@pytest.mark.parametrize("value", ["", " ", "x" * 256, "ключ"])
def test_bad_keys(bank, value):
    response = bank.client.post(
        "/corporation/v1/transfer/request",
        data=json.dumps(bank.body("C0003", [bank.to_other_bank(1)])),
        headers={
            "Authorization": f"Bearer {bank.token('C0003')}",
            "Content-Type": "application/json",
            "Idempotency-Key": value.encode().decode("latin-1"),
        },
    )
    assert (response.status_code, response.get_json()["errorCode"]) == (400, "idempotency_key_invalid")


def test_fee_quote_and_cancel_take_keys_too(bank):
    token = bank.token("C0003")
    body = bank.body("C0003", [bank.to_other_bank(9)])
    first = bank.post("/transfer/transferfee", body, token, {"Idempotency-Key": "q1"})
    again = bank.post("/transfer/transferfee", body, token, {"Idempotency-Key": "q1"})
    assert again.headers["Idempotency-Replayed"] == "true" and again.get_json() == first.get_json()
    apply_no = bank.request("C0003", [bank.to_other_bank(9)])
    cancel = {"accountId": bank.accounts("C0003")[0]["accountId"], "applyNo": apply_no}
    assert (
        bank.post("/transfer/cancel", cancel, token, {"Idempotency-Key": "c1"}).get_json()["transferStatus"]
        == "4"
    )
    replay = bank.post("/transfer/cancel", cancel, token, {"Idempotency-Key": "c1"})
    assert replay.status_code == 200 and replay.headers["Idempotency-Replayed"] == "true"
