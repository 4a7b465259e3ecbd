"""振込限度額: ``transferLimitAmount`` (each account, per day) and ``dailyTransferLimit`` (the contract, per
day) refuse single and bulk transfers with their own codes, at request and again at approval; nothing is
written by a refusal.

Demo world at START (Wed 2026-04-01 10:00 JST); C0001 has three accounts. The demo's own transfers fall on
1–3 April, so single transfers here are for Monday 6 April unless a test says otherwise.
"""

from __future__ import annotations

from datetime import date

import pytest

from sandbox.bank import limits
from sandbox.store import connect
from tests.openapi_helpers import assert_conforms

COUNTED = ("11", "12", "20", "22")
FRIDAY, MONDAY, TUESDAY = "2026-04-03", "2026-04-06", "2026-04-07"


@pytest.fixture
def doc(client):
    return client.get("/openapi.json").get_json()


def limit(control, **settings):
    control("PATCH", "/contracts/C0001/settings", settings, status=200)


def count(db_path, table):
    db = connect(db_path)
    try:
        return db.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    finally:
        db.conn.close()


def request(bank, amount, *, account=0, day=MONDAY, **extra):
    items = [bank.to_account("C0003", 0, amount)]
    body = bank.body("C0001", items, account=account, transferDesignatedDate=day, **extra)
    return bank.post("/transfer/request", body, bank.token("C0001"))


def refused(response, code):
    error = response.get_json()
    assert response.status_code == 400, error
    assert error["errorCode"] == code and error["errorDetails"][0]["errorDetailsCode"] == "totalAmount"
    return error


def test_an_account_may_not_send_more_than_its_limit_in_a_day(bank, control, doc, db_path):
    limit(control, transferLimitAmount=100_000)
    first = request(bank, 60_000)
    assert first.status_code == 201, first.get_json()
    assert bank.approve("C0001", first.get_json()["applyNo"])["transferStatus"] == "11"  # 60,000 to send
    before = count(db_path, "transfer_requests")
    over = request(bank, 50_000)
    assert_conforms(doc, "/corporation/v1/transfer/request", "post", over)
    assert (
        "60000 already" in refused(over, "transfer_limit_exceeded")["errorDetails"][0]["errorDetailsMessage"]
    )
    assert count(db_path, "transfer_requests") == before  # nothing written
    assert request(bank, 40_000).status_code == 201  # exactly up to the limit
    assert request(bank, 50_000, account=1).status_code == 201  # another account has its own limit
    assert request(bank, 50_000, day=TUESDAY).status_code == 201  # another day


def test_the_accounts_list_shows_the_limit(bank, control, doc):
    token = bank.token("C0001", "account")
    unlimited = bank.get("/accounts", token).get_json()["accounts"]
    assert all("transferLimitAmount" not in a for a in unlimited)
    limit(control, transferLimitAmount=2_500_000)
    response = bank.get("/accounts", token)
    assert_conforms(doc, "/corporation/v1/accounts", "get", response)
    shown = {a["contractId"]: a.get("transferLimitAmount") for a in response.get_json()["accounts"]}
    assert shown == {"C0001": "2500000", "C0002": None}  # the parent sees its child's, which has no limit


def test_approval_checks_the_limit_again(bank, control, doc):
    limit(control, transferLimitAmount=100_000)
    first, second = (request(bank, 60_000).get_json()["applyNo"] for _ in range(2))  # neither approved yet
    bank.approve("C0001", first)
    response = bank.decide("C0001", second)
    assert_conforms(doc, "/corporation/v1/transfer/approval", "post", response)
    refused(response, "transfer_limit_exceeded")
    assert bank.status("C0001", second)["transferStatus"] == "2"  # still awaiting approval


def test_cancelled_reservations_do_not_count(bank, control):
    limit(control, transferLimitAmount=100_000)
    account_id = bank.accounts("C0001")[0]["accountId"]
    reserved = request(bank, 80_000).get_json()["applyNo"]
    assert bank.approve("C0001", reserved)["transferStatus"] == "11"
    refused(request(bank, 30_000), "transfer_limit_exceeded")
    cancel = {"accountId": account_id, "applyNo": reserved}
    assert bank.post("/transfer/cancel", cancel, bank.token("C0001")).status_code == 200
    assert request(bank, 30_000).status_code == 201


def test_what_counts_toward_a_day(db_path):
    """Approved, executing, executed and returned requests count; awaiting, returned to the applicant,
    withdrawn, expired, cancelled and failed ones do not (the demo world has each kind on 1–3 April)."""
    db = connect(db_path)
    try:
        found = db.conn.execute(
            "SELECT account_id, execution_date, status, total_amount FROM transfer_requests"
            " WHERE contract_id = 'C0001'"
        ).fetchall()
        assert {r[2] for r in found} >= {"2", "8", "11", "20", "22", "40"}
        for account_id, day in {(r[0], r[1]) for r in found}:
            expected = sum(r[3] for r in found if (r[0], r[1]) == (account_id, day) and r[2] in COUNTED)
            assert limits.sent_on(db, "C0001", date.fromisoformat(day), account_id) == expected
    finally:
        db.conn.close()


def test_the_contract_daily_total_spans_its_accounts(bank, control, doc):
    limit(control, dailyTransferLimit=100_000)
    bank.approve("C0001", request(bank, 60_000).get_json()["applyNo"])
    over = request(bank, 50_000, account=1)
    assert_conforms(doc, "/corporation/v1/transfer/request", "post", over)
    refused(over, "daily_transfer_limit_exceeded")
    assert request(bank, 40_000, account=2).status_code == 201


def test_bulk_transfers_count_and_are_limited(bank, control, doc, db_path):
    limit(control, transferLimitAmount=100_000)
    items = [bank.to_account("C0003", 0, 40_000, item_id=1), bank.to_other_bank(30_000, item_id=2)]
    body = bank.body("C0001", items, account=1, transferDesignatedDate=FRIDAY)
    first = bank.post("/bulktransfer/request", body, bank.token("C0001")).get_json()["applyNo"]
    second = bank.post("/bulktransfer/request", body, bank.token("C0001")).get_json()["applyNo"]
    approval = {"accountId": body["accountId"], "decision": "approve"}
    approver = bank.token("C0001", "transfer-approval")
    assert bank.post("/bulktransfer/approval", {**approval, "applyNo": first}, approver).status_code == 200
    late = bank.post("/bulktransfer/approval", {**approval, "applyNo": second}, approver)
    assert_conforms(doc, "/corporation/v1/bulktransfer/approval", "post", late)
    refused(late, "transfer_limit_exceeded")
    before = count(db_path, "bulk_requests")
    over = bank.post("/bulktransfer/request", body, bank.token("C0001"))
    assert_conforms(doc, "/corporation/v1/bulktransfer/request", "post", over)
    refused(over, "transfer_limit_exceeded")
    assert count(db_path, "bulk_requests") == before
    # the approved bulk request (70,000 on Friday) leaves room for 30,000 of single transfers that day
    refused(request(bank, 30_001, account=1, day=FRIDAY), "transfer_limit_exceeded")
    assert request(bank, 30_000, account=1, day=FRIDAY).status_code == 201


@pytest.mark.parametrize("value", [-1, True, "100000", 1_000_000_000_000])
@pytest.mark.parametrize("name", ["transferLimitAmount", "dailyTransferLimit"])
def test_limit_settings_are_checked(control, name, value):
    error = control("PATCH", "/contracts/C0001/settings", {name: value}, status=400)
    assert error["errorCode"] == "invalid_parameter" and error["errorDetails"][0]["errorDetailsCode"] == name
