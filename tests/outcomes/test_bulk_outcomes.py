"""Bulk transfers (総合振込) whose items meet the receiving banks: one total debit, refused items coming back
as their own lines, the request ending 30 不能・組戻あり with per-item ``unableDetailInfos``, retries,
returns and recalls per item; and concurrent recalls of one item resolved once.

Demo world at START (Wed 2026-04-01 10:00 JST): a 総合振込 for Friday 2026-04-03, executed at 09:00 Friday.
"""

from __future__ import annotations

import threading

import pytest

from sandbox.bank.transfers.outcomes import recall
from sandbox.bank.transfers.outcomes.errors import RecallNotPossible
from sandbox.store import connect
from tests.openapi_helpers import assert_conforms
from tests.outcomes.helpers import balanced, lines, magic_item

FRIDAY = "2026-04-03"


@pytest.fixture
def doc(client):
    return client.get("/openapi.json").get_json()


def month_end(bank, items: list[dict]) -> tuple[str, str]:
    """Request and approve a 総合振込 for Friday from C0001's second account."""
    body = bank.body("C0001", items, account=1, transferDesignatedDate=FRIDAY, transferDataName="4月末支払")
    body["totalCount"], body["totalAmount"] = (
        str(len(items)),
        str(sum(int(i["transferAmount"]) for i in items)),
    )
    created = bank.post("/bulktransfer/request", body, bank.token("C0001"))
    assert created.status_code == 201, created.get_data(as_text=True)
    apply_no = created.get_json()["applyNo"]
    decided = bank.post(
        "/bulktransfer/approval",
        {"accountId": body["accountId"], "applyNo": apply_no, "decision": "approve"},
        bank.token("C0001", "transfer-approval"),
    )
    assert decided.status_code == 200, decided.get_data(as_text=True)
    return apply_no, body["accountId"]


def status(bank, doc, account_id: str, apply_no: str) -> dict:
    bank.forget_tokens()
    response = bank.get("/bulktransfer/status", bank.token("C0001"), accountId=account_id, applyNo=apply_no)
    assert_conforms(doc, "/corporation/v1/bulktransfer/status", "get", response)
    return response.get_json()["bulkTransferDetails"][0]


def test_month_end_with_refused_retried_and_returned_items(bank, control, doc, db_path):
    items = [bank.to_account("C0003", 0, 10_000, item_id=1)]
    items += [magic_item("1234567", 20_000, 2), magic_item("9990001", 30_000, 3)]
    items += [
        magic_item("9990003", 40_000, 4),
        magic_item("9990004", 50_000, 5),
        magic_item("9990006", 60_000, 6),
    ]
    apply_no, account_id = month_end(bank, items)
    control.advance("C0001", "PT47H30M")  # Friday 09:30: executed at 09:00, item 5 waits for its retry
    retrying = status(bank, doc, account_id, apply_no)
    assert retrying["transferStatus"] == "13" and retrying["transferStatusName"] == "リトライ中"
    control.advance("C0001", "30m")  # 10:00: the retry is answered
    shown = status(bank, doc, account_id, apply_no)
    assert shown["transferStatus"] == "30" and shown["transferStatusName"] == "不能・組戻あり"
    unable = {i["itemId"]: i for i in shown["unableDetailInfos"]}
    assert set(unable) == {"3", "4"}
    assert unable["3"]["unableReason"] == "no_account" and unable["4"]["unableReason"] == "name_mismatch"
    assert all(i["transferDetailStatus"] == "2" and i["repaymentDate"] == FRIDAY for i in unable.values())
    friday = lines(bank, "C0001", account_id, FRIDAY, FRIDAY)
    assert [x["amount"] for x in friday if x["transactionType"] == "2" and "ﾃｽｳﾘﾖｳ" not in x["remarks"]] == [
        "210000"
    ]  # one total debit
    refunds = [x["amount"] for x in friday if "ﾌﾘｺﾐﾌﾉｳ" in x["remarks"]]
    assert sorted(refunds) == ["30000", "40000"]  # each refused item its own line
    control.advance("C0001", "4d")  # Tuesday 7 April: item 6 came back two business days later
    shown = status(bank, doc, account_id, apply_no)
    unable = {i["itemId"]: i for i in shown["unableDetailInfos"]}
    assert unable["6"]["transferDetailStatus"] == "1" and unable["6"]["repaymentDate"] == "2026-04-07"
    assert shown["transferStatus"] == "30"
    assert not balanced(db_path)


def test_all_paid_ends_20_and_a_recall_ends_30(bank, control, doc, db_path):
    apply_no, account_id = month_end(
        bank, [magic_item("1234567", 20_000, 1), magic_item("9990007", 25_000, 2)]
    )
    control.advance("C0001", "2d")
    assert status(bank, doc, account_id, apply_no)["transferStatus"] == "20"
    asked = control("POST", f"/contracts/C0001/transfers/{apply_no}/recall", {"itemIds": [2]}, status=201)
    assert asked["kind"] == "bulk" and asked["transferStatus"] == "24" and asked["itemIds"] == [2]
    control.advance("C0001", "3d")  # Monday 6 April 10:00: answered at 09:00
    shown = status(bank, doc, account_id, apply_no)
    assert shown["transferStatus"] == "30"
    [info] = shown["unableDetailInfos"]
    assert info["itemId"] == "2" and info["refundStatus"] == "2" and info["isRepayment"] is True
    assert not balanced(db_path)


def test_processing_until_the_clearing_step(bank, control, doc):
    control("PATCH", "/contracts/C0001/settings", {"clearingDelaySeconds": 600}, status=200)
    apply_no, account_id = month_end(bank, [magic_item("1234567", 20_000, 1)])
    control.advance("C0001", "PT47H5M")  # Friday 09:05: executed at 09:00, clearing at 09:10
    assert status(bank, doc, account_id, apply_no)["transferStatus"] == "12"
    control.advance("C0001", "10m")
    assert status(bank, doc, account_id, apply_no)["transferStatus"] == "20"


def test_incident_refuses_a_chosen_item_of_a_bulk_request(bank, control, doc):
    apply_no, account_id = month_end(bank, [magic_item("1234567", 20_000, n) for n in (1, 2, 3)])
    chosen = {"type": "item-outcome", "applyNo": apply_no, "itemId": 2, "reason": "closed"}
    control("POST", "/contracts/C0001/incidents", chosen, status=201)
    control.advance("C0001", "2d")
    shown = status(bank, doc, account_id, apply_no)
    assert shown["transferStatus"] == "30"
    assert [(i["itemId"], i["unableReason"]) for i in shown["unableDetailInfos"]] == [("2", "closed")]


def test_concurrent_recalls_of_one_item_resolve_once(bank, control, db_path):
    apply_no, _ = month_end(bank, [magic_item("1234567", 20_000, 1)])
    control.advance("C0001", "2d")
    results: list[str] = []
    start = threading.Barrier(4)

    def ask() -> None:
        db = connect(db_path)
        try:
            start.wait()
            recall.request_recall(db, "C0001", apply_no, [1])
            results.append("ok")
        except RecallNotPossible:
            results.append("refused")
        finally:
            db.conn.close()

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "refused", "refused", "refused"]
    db = connect(db_path)
    try:
        fees = db.conn.execute(
            "SELECT COUNT(*) FROM journals WHERE kind = 'recall_fee' AND ref = ?", (apply_no,)
        )
        assert fees.fetchone()[0] == 1
    finally:
        db.conn.close()
    assert not balanced(db_path)


def test_the_result_names_each_refused_item_and_why(bank, control):
    """The 総合振込 result (control API, CLI ``bulk result``, file uploads) reads each item's own outcome."""
    items = [bank.to_account("C0003", 0, 10_000, item_id=1), magic_item("9990001", 30_000, 2)]
    items += [magic_item("9990004", 40_000, 3)]  # retried, then paid
    apply_no, _account_id = month_end(bank, items)
    control.advance("C0001", "PT47H30M")  # Friday 09:30: executed, item 3 waits for its retry
    waiting = control("GET", f"/contracts/C0001/bulk-transfers/{apply_no}/result")
    assert [i["outcome"] for i in waiting["items"]] == ["paid", "not_paid", "pending"]
    control.advance("C0001", "30m")
    shown = control("GET", f"/contracts/C0001/bulk-transfers/{apply_no}/result")
    assert [i["outcome"] for i in shown["items"]] == ["paid", "not_paid", "paid"]
    assert "口座なし" in shown["items"][1]["reason"] and shown["transferStatus"] == "30"
    assert (shown["paidCount"], shown["paidAmount"], shown["unpaidCount"], shown["unpaidAmount"]) == (
        2,
        50_000,
        1,
        30_000,
    )
