"""The bulk settings over HTTP: ``bulkSalaryLeadDays`` refuses a salary approval given too late (the
request itself was in time), ``bulkTransferMaxItems`` caps the items of one request.

Demo world at START (Wed 2026-04-01 10:00 JST). Salary for Tuesday 2026-04-07 must be requested and approved
by Thursday 2026-04-02 (three business days before: 6, 3, 2 April).
"""

from __future__ import annotations

PAYDAY = "2026-04-07"


def salary(bank, count=2, **extra):
    items = [bank.to_other_bank(200_000 + n, item_id=n) for n in range(1, count + 1)]
    body = bank.body(
        "C0001", items, account=1, **{"transferDesignatedDate": PAYDAY, "typeCode": "11", **extra}
    )
    return body, bank.post("/bulktransfer/request", body, bank.token("C0001"))


def test_a_salary_approval_after_the_lead_days_is_refused(bank, control):
    body, created = salary(bank)
    assert created.status_code == 201, created.get_json()
    control.advance("C0001", "2d")  # Friday 3 April: past Thursday, the last day for Tuesday's salary
    bank.forget_tokens()
    approval = {
        "accountId": body["accountId"],
        "applyNo": created.get_json()["applyNo"],
        "decision": "approve",
    }
    late = bank.post("/bulktransfer/approval", approval, bank.token("C0001", "transfer-approval"))
    error = late.get_json()
    assert late.status_code == 400 and error["errorCode"] == "bulk_transfer_too_late"
    assert "2026-04-02" in error["errorDetails"][0]["errorDetailsMessage"]
    shown = bank.get(
        "/bulktransfer/request-result",
        bank.token("C0001"),
        accountId=body["accountId"],
        applyNo=approval["applyNo"],
    ).get_json()
    assert shown["transferStatus"] == "2" and shown["resultCode"] == "2"  # still 申請中: nothing reserved
    # a 総合振込 (種別 21) for the same day is still in time: one business day ahead
    _body, general = salary(bank, typeCode="21")
    assert general.status_code == 201


def test_bulk_transfer_max_items_caps_a_request(bank, control):
    control("PATCH", "/contracts/C0001/settings", {"bulkTransferMaxItems": 2}, status=200)
    assert salary(bank, 2)[1].status_code == 201
    over = salary(bank, 3)[1]
    assert over.status_code == 400 and over.get_json()["errorCode"] == "bulk_transfer_too_many_items"
