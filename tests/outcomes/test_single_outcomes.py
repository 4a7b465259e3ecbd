"""Single transfers to other banks meet the receiving bank: refused (不能), retried (13), returned later
(資金返却), 組戻 (24 → 25/26), and 12 手続中 while the clearing step waits — each reached with the documented
magic beneficiaries, the ledger balanced after each, and the statement showing the money coming back.

Demo world at START (Wed 2026-04-01 10:00 JST), clocks frozen.
"""

from __future__ import annotations

import pytest

from sandbox.bank.transfers.outcomes import magic
from tests.conftest import ADMIN_KEY
from tests.openapi_helpers import assert_conforms
from tests.outcomes.helpers import balanced, lines, magic_item

TODAY = "2026-04-01"


@pytest.fixture
def doc(client):
    return client.get("/openapi.json").get_json()


def pay(bank, number: str, amount: int = 50_000) -> tuple[str, dict]:
    apply_no = bank.request("C0001", [magic_item(number, amount)])
    return apply_no, bank.approve("C0001", apply_no)


def api_status(bank, doc, apply_no: str) -> dict:
    account_id = bank.accounts("C0001")[0]["accountId"]
    response = bank.get("/transfer/status", bank.token("C0001"), accountId=account_id, applyNo=apply_no)
    assert_conforms(doc, "/corporation/v1/transfer/status", "get", response)
    return response.get_json()["transferDetails"][0]


@pytest.mark.parametrize(
    ("number", "reason"), [("9990001", "no_account"), ("9990002", "closed"), ("9990003", "name_mismatch")]
)
def test_refused_item_comes_back_as_its_own_line(bank, doc, db_path, number, reason):
    account_id = bank.accounts("C0001")[0]["accountId"]
    before = bank.balances()[account_id]
    apply_no, decided = pay(bank, number)
    assert decided["transferStatus"] == "40"
    shown = api_status(bank, doc, apply_no)
    assert shown["transferStatus"] == "40"
    assert shown["failureReason"] == f"item 1: {magic.reason_name(reason)}"
    [info] = shown["unableDetailInfos"]
    assert info["transferDetailStatus"] == "2" and info["unableReason"] == reason
    assert info["isRepayment"] is True and info["repaymentDate"] == TODAY
    fee = int(shown["totalFee"])
    assert bank.balances()[account_id] == before - fee  # the amount came back; the fee is kept
    mine = [x for x in lines(bank, "C0001", account_id, TODAY, TODAY) if x["amount"] == "50000"]
    assert [x["transactionType"] for x in mine][-2:] == ["2", "1"]  # the debit, then the refund line
    assert "ﾌﾘｺﾐﾌﾉｳ" in mine[-1]["remarks"]
    assert not balanced(db_path)


def test_retried_then_paid_and_retried_then_failed(bank, control, db_path):
    account_id = bank.accounts("C0001")[0]["accountId"]
    paid, first = pay(bank, "9990004")
    failed, second = pay(bank, "9990005")
    assert first["transferStatus"] == second["transferStatus"] == "13"
    assert bank.status("C0001", paid)["transferStatusName"] == "リトライ中"
    before = bank.balances()[account_id]
    control.advance("C0001", "1h")
    assert bank.status("C0001", paid)["transferStatus"] == "20"
    assert "unableDetailInfos" not in bank.status("C0001", paid)
    gone = bank.status("C0001", failed)
    assert gone["transferStatus"] == "40" and gone["unableDetailInfos"][0]["unableReason"] == "retry_failed"
    assert bank.balances()[account_id] == before + 50_000
    assert [h["transferStatus"] for h in gone["history"]] == ["2", "12", "13", "40"]
    assert not balanced(db_path)


def test_returned_after_two_business_days(bank, control, db_path):
    apply_no, decided = pay(bank, "9990006")
    assert decided["transferStatus"] == "20"
    control.advance("C0001", "1d")  # Thursday: not yet
    assert bank.status("C0001", apply_no)["transferStatus"] == "20"
    control.advance("C0001", "1d")  # Friday 10:00, past 09:00 of the second business day
    shown = bank.status("C0001", apply_no)
    assert shown["transferStatus"] == "22" and shown["fundsReturnedDatetime"].startswith("2026-04-03T09:00")
    [info] = shown["unableDetailInfos"]
    assert (
        info["transferDetailStatus"] == "1" and info["isRepayment"] and info["repaymentDate"] == "2026-04-03"
    )
    assert not balanced(db_path)


def test_processing_is_visible_until_the_clearing_step(bank, control, doc):
    control("PATCH", "/contracts/C0001/settings", {"clearingDelaySeconds": 120}, status=200)
    apply_no, decided = pay(bank, "1234567")
    assert decided["transferStatus"] == "12"
    assert api_status(bank, doc, apply_no)["transferStatus"] == "12"  # a poll meets 手続中
    control.advance("C0001", "3m")
    assert api_status(bank, doc, apply_no)["transferStatus"] == "20"


def test_clearing_delay_then_refusal(bank, control, db_path):
    control("PATCH", "/contracts/C0001/settings", {"clearingDelaySeconds": 60}, status=200)
    apply_no, decided = pay(bank, "9990001")
    assert decided["transferStatus"] == "12"
    control.advance("C0001", "1m")
    assert bank.status("C0001", apply_no)["transferStatus"] == "40"
    assert not balanced(db_path)


def test_recall_accepted_brings_the_money_back(bank, control, db_path):
    account_id = bank.accounts("C0001")[0]["accountId"]
    apply_no, _ = pay(bank, "9990007", 120_000)
    before = bank.balances()[account_id]
    asked = control("POST", f"/contracts/C0001/transfers/{apply_no}/recall", {}, status=201)
    assert asked["transferStatus"] == "24" and asked["recallFee"] == "880" and asked["itemIds"] == [1]
    assert asked["unableDetailInfos"][0]["refundStatus"] == "1"
    assert bank.balances()[account_id] == before - 880  # fee account of C0001 is its first account
    control.advance("C0001", "1d")  # Thursday 10:00: the receiving bank answered at 09:00
    shown = bank.status("C0001", apply_no)
    assert shown["transferStatus"] == "25" and shown["transferStatusName"] == "組戻済"
    [info] = shown["unableDetailInfos"]
    assert info["refundStatus"] == "2" and info["isRepayment"] and info["repaymentDate"] == "2026-04-02"
    back = lines(bank, "C0001", account_id, "2026-04-02", "2026-04-02")
    assert any(x["amount"] == "120000" and "ｸﾐﾓﾄﾞｼ" in x["remarks"] for x in back)
    assert not balanced(db_path)


def test_recall_refused_keeps_the_money_with_the_payee(bank, control, db_path):
    account_id = bank.accounts("C0001")[0]["accountId"]
    apply_no, _ = pay(bank, "9990008")
    control("POST", f"/contracts/C0001/transfers/{apply_no}/recall", None, status=201)
    control.advance("C0001", "1d")
    shown = bank.status("C0001", apply_no)
    assert shown["transferStatus"] == "26"
    assert shown["unableDetailInfos"][0]["refundStatus"] == "3"
    assert shown["unableDetailInfos"][0]["isRepayment"] is False
    back = lines(bank, "C0001", account_id, "2026-04-02", "2026-04-02")
    assert not any("ｸﾐﾓﾄﾞｼ" in x["remarks"] and "ﾃｽｳﾘﾖｳ" not in x["remarks"] for x in back)
    assert not balanced(db_path)


RECALL = "/sandbox/v1/contracts/{contractId}/transfers/{applyNo}/recall"


def test_recall_answers_conform_to_the_openapi_document(bank, client, doc):
    apply_no, _ = pay(bank, "1234567")
    path = f"/sandbox/v1/contracts/C0001/transfers/{apply_no}/recall"
    for expected in (201, 409):
        response = client.post(path, json={}, headers={"X-Sandbox-Key": ADMIN_KEY})
        assert response.status_code == expected
        assert_conforms(doc, RECALL, "post", response)
    missing = client.post(path.replace(apply_no, "2026040199999999"), headers={"X-Sandbox-Key": ADMIN_KEY})
    assert missing.status_code == 404
    assert_conforms(doc, RECALL, "post", missing)


def test_recall_refused_when_nothing_to_recall(bank, control):
    refused, _ = pay(bank, "9990001")
    answer = control("POST", f"/contracts/C0001/transfers/{refused}/recall", {}, status=409)
    assert answer["errorCode"] == "recall_not_possible"
    paid, _ = pay(bank, "1234567")
    control("POST", f"/contracts/C0001/transfers/{paid}/recall", {}, status=201)
    again = control("POST", f"/contracts/C0001/transfers/{paid}/recall", {}, status=409)
    assert again["errorCode"] == "recall_not_possible"
    assert control("POST", f"/contracts/C0002/transfers/{paid}/recall", {}, status=404)
    bad = control("POST", f"/contracts/C0001/transfers/{paid}/recall", {"itemIds": "1"}, status=400)
    assert bad["errorCode"] == "invalid_parameter"


def test_item_outcome_incident_refuses_a_reserved_item_then_returns_a_paid_one(bank, control, db_path):
    account_id = bank.accounts("C0001")[0]["accountId"]
    reserved = bank.request(
        "C0001",
        [magic_item("1234567", 30_000), magic_item("7654321", 40_000, 2)],
        transferDesignatedDate="2026-04-02",
    )
    assert bank.approve("C0001", reserved)["transferStatus"] == "11"
    planned = {
        "type": "item-outcome",
        "applyNo": reserved,
        "itemId": 2,
        "outcome": "refuse",
        "reason": "closed",
    }
    control("POST", "/contracts/C0001/incidents", planned, status=201)
    control.advance("C0001", "1d")  # executes at 09:00 Thursday
    shown = bank.status("C0001", reserved)
    assert shown["transferStatus"] == "20"  # one item paid, one refused
    [info] = shown["unableDetailInfos"]
    assert info["itemId"] == "2" and info["unableReason"] == "closed" and info["transferDetailStatus"] == "2"
    back = {"type": "item-outcome", "applyNo": reserved, "itemId": 1, "outcome": "return"}
    control("POST", "/contracts/C0001/incidents", back, status=201)
    shown = bank.status("C0001", reserved)
    assert shown["transferStatus"] == "22"
    assert {i["itemId"] for i in shown["unableDetailInfos"]} == {"1", "2"}
    again = control("POST", "/contracts/C0001/incidents", back, status=409)
    assert again["errorCode"] == "incident_not_applicable"
    assert bank.balances()[account_id] > 0 and not balanced(db_path)
