"""Bulk transfers (総合振込) over ``/corporation/v1/bulktransfer`` with real tokens, in-process: request (201),
approval with the transfer-approval token, status pages of items, cancel classes, the clock executing it,
and a 9,999-item request; every answer checked against the OpenAPI document.

Demo world at START (Wed 2026-04-01 10:00 JST): a 総合振込 for Friday 2026-04-03 may be approved until Thursday.
"""

from __future__ import annotations

import pytest

from sandbox.store import connect
from tests.openapi_helpers import assert_conforms

FRIDAY = "2026-04-03"
BULK = "/corporation/v1/bulktransfer"


@pytest.fixture
def doc(client):
    return client.get("/openapi.json").get_json()


def bulk_body(bank, items, **extra):
    body = bank.body("C0001", items, account=1, **{"transferDesignatedDate": FRIDAY, **extra})
    body["totalCount"] = str(len(items))
    body["totalAmount"] = str(sum(int(i["transferAmount"]) for i in items))
    return body


def post(bank, doc, path, body, scope="transfer"):
    response = bank.post(f"/bulktransfer/{path}", body, bank.token("C0001", scope))
    assert_conforms(doc, f"{BULK}/{path}", "post", response)
    return response


def get(bank, doc, path, scope="transfer", **params):
    response = bank.get(f"/bulktransfer/{path}", bank.token("C0001", scope), **params)
    assert_conforms(doc, f"{BULK}/{path}", "get", response)
    return response


def count_bulk(db_path) -> int:
    db = connect(db_path)
    try:
        return db.conn.execute("SELECT COUNT(*) FROM bulk_requests").fetchone()[0]
    finally:
        db.conn.close()


def test_request_approve_page_and_execute(bank, control, doc):
    items = [bank.to_account("C0003", 0, 1_000 + n, item_id=n, ediInfo=f"INV{n}") for n in range(1, 4)]
    items += [bank.to_other_bank(2_000, item_id=n) for n in range(4, 6)]
    body = bulk_body(bank, items, identification="Y", transferDataName="4月支払")
    fee = post(bank, doc, "transferfee", body).get_json()
    created = post(bank, doc, "request", body)
    assert created.status_code == 201 and created.get_json()["resultCode"] == "2"
    apply_no, account_id = created.get_json()["applyNo"], body["accountId"]
    assert created.get_json()["totalFee"] == fee["totalFee"] and apply_no[8] == "9"
    pending = get(bank, doc, "request-result", accountId=account_id, applyNo=apply_no).get_json()
    assert pending["resultCode"] == "2" and "applyEndDatetime" not in pending
    assert (
        post(
            bank, doc, "approval", {"accountId": account_id, "applyNo": apply_no, "decision": "approve"}
        ).status_code
        == 403
    )
    approval = {"accountId": account_id, "applyNo": apply_no, "decision": "approve"}
    decided = post(bank, doc, "approval", approval, scope="transfer-approval").get_json()
    assert decided["transferStatus"] == "11"
    target = bank.accounts("C0003")[0]["accountId"]
    before = bank.balances()[target]
    control.advance("C0001", "2d")  # Friday 10:00, past the 09:00 opening
    bank.forget_tokens()
    page = get(
        bank, doc, "status", accountId=account_id, applyNo=apply_no, detailInfoNecessity="true"
    ).get_json()
    shown = page["bulkTransferDetails"][0]
    assert shown["transferStatus"] == "20" and len(shown["bulkTransferInfos"]) == 5
    assert "encryptedBeneficiary" in shown["bulkTransferInfos"][0]  # sealed under fieldEncryption required
    assert bank.balances()[target] == before + 1_001 + 1_002 + 1_003
    done = get(bank, doc, "request-result", accountId=account_id, applyNo=apply_no).get_json()
    assert done["resultCode"] == "1" and done["applyEndDatetime"].startswith("2026-04-03T09:00")
    timeline = str(control("GET", "/contracts/C0001/timeline", status=200))
    assert f"bulk transfer {apply_no} 予約中 → 手続中" in timeline and f"bulk_transfer {apply_no}" in timeline


def test_one_bad_item_creates_nothing_and_names_it(bank, doc, db_path):
    items = [bank.to_other_bank(100, item_id=n) for n in range(1, 30)]
    items[6] = {**items[6], "transferAmount": "-5"}
    response = post(bank, doc, "request", bulk_body(bank, items))
    assert response.status_code == 400
    assert [d["itemId"] for d in response.get_json()["transferErrorDetails"]] == ["7"]
    assert count_bulk(db_path) == 0


def test_late_request_and_cancel_classes(bank, doc):
    late = post(bank, doc, "request", bulk_body(bank, [bank.to_other_bank(100)], typeCode="11"))
    assert late.status_code == 400 and late.get_json()["errorCode"] == "bulk_transfer_too_late"
    created = post(bank, doc, "request", bulk_body(bank, [bank.to_other_bank(100)])).get_json()
    cancel = {"accountId": created["accountId"], "applyNo": created["applyNo"], "cancelTargetKeyClass": "4"}
    refused = post(bank, doc, "cancel", cancel)
    assert refused.status_code == 409 and refused.get_json()["errorCode"] == "bulk_transfer_not_cancellable"
    done = post(bank, doc, "cancel", {**cancel, "cancelTargetKeyClass": "3"}).get_json()
    assert done["transferStatus"] == "4" and done["cancelDatetime"]
    assert post(bank, doc, "cancel", {**cancel, "cancelTargetKeyClass": "5"}).status_code == 400
    missing = get(bank, doc, "status", accountId=created["accountId"], applyNo="2026040199999999")
    assert missing.status_code == 404 and missing.get_json()["errorCode"] == "bulk_transfer_not_found"


def test_9999_items_through_the_api(bank, control, doc, db_path):
    control("PATCH", "/contracts/C0001/settings", {"fieldEncryption": "off"}, status=200)
    items = [bank.to_other_bank(1, item_id=n) for n in range(1, 10_000)]
    created = bank.post("/bulktransfer/request", bulk_body(bank, items, clear=True), bank.token("C0001"))
    assert created.status_code == 201, created.get_data(as_text=True)
    apply_no, account_id = created.get_json()["applyNo"], created.get_json()["accountId"]
    approval = {"accountId": account_id, "applyNo": apply_no, "decision": "approve"}
    assert (
        bank.post("/bulktransfer/approval", approval, bank.token("C0001", "transfer-approval")).status_code
        == 200
    )
    control.advance("C0001", "2d")
    bank.forget_tokens()
    keys = []
    key = "1"
    while key:
        page = get(
            bank,
            doc,
            "status",
            accountId=account_id,
            applyNo=apply_no,
            detailInfoNecessity="true",
            bulktransferItemKey=key,
        )
        shown = page.get_json()["bulkTransferDetails"][0]
        keys.append(key)
        key = shown.get("nextBulktransferItemKey")
    assert shown["transferStatus"] == "20" and shown["totalCount"] == "9999"
    assert (
        keys[:3] == ["1", "501", "1001"]
        and len(keys) == 20
        and shown["bulkTransferInfos"][-1]["itemId"] == "9999"
    )


def test_a_childs_bulk_fees_are_paid_by_the_parent(bank, control, db_path):
    child, parent_fee = bank.accounts("C0002")[0]["accountId"], bank.accounts("C0001")[0]["accountId"]
    items = [bank.to_other_bank(10_000, item_id=n) for n in (1, 2)]
    body = {**bank.body("C0002", items), "transferDesignatedDate": FRIDAY}
    created = bank.post("/bulktransfer/request", body, bank.token("C0002")).get_json()
    assert created["feeAccountId"] == parent_fee
    approval = {"accountId": child, "applyNo": created["applyNo"], "decision": "approve"}
    assert (
        bank.post("/bulktransfer/approval", approval, bank.token("C0002", "transfer-approval")).status_code
        == 200
    )
    control.advance("C0002", "2d")
    db = connect(db_path)
    try:
        legs = db.conn.execute(
            "SELECT p.account_id, p.amount FROM postings p JOIN journals j ON j.id = p.journal_id WHERE j.ref = ?"
            " ORDER BY p.id",
            (created["applyNo"],),
        ).fetchall()
    finally:
        db.conn.close()
    fee = int(created["totalFee"])
    assert [tuple(leg) for leg in legs] == [
        (child, -20_000),
        ("BANK-CLEARING", 20_000),
        (parent_fee, -fee),
        ("BANK-FEES", fee),
    ] and fee > 0
