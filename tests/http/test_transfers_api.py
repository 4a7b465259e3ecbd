"""Transfers end to end over the banking API with real tokens (in-process): request → approve → money
moved, on the business calendar, with fees, statements and every transition checked.

Demo world at START (Wed 2026-04-01 10:00 JST), field encryption ``required`` (beneficiaries sealed).
"""

from __future__ import annotations

import pytest

from sandbox.bank import ledger
from sandbox.store import connect
from tests.transfer_helpers import OTHER_BANK


@pytest.fixture
def books(db_path):
    """The bank's own accounts (clearing, fee income), read straight from the ledger."""

    def read() -> dict[str, int]:
        db = connect(db_path)
        try:
            return {name: ledger.balance(db, name) for name in (ledger.CLEARING, ledger.FEE_INCOME)}
        finally:
            db.conn.close()

    return read


def count_requests(db_path) -> int:
    db = connect(db_path)
    try:
        return db.conn.execute("SELECT COUNT(*) FROM transfer_requests").fetchone()[0]
    finally:
        db.conn.close()


def test_request_approve_execute_moves_money_on_both_sides(bank, books):
    c1, c3 = bank.accounts("C0001"), bank.accounts("C0003")
    source, fee_account, target = c1[1]["accountId"], c1[0]["accountId"], c3[0]["accountId"]
    before, bank_before = bank.balances(), books()
    item = bank.to_account("C0003", 0, 50_000, ediInfo="INV202604001")
    response = bank.post("/transfer/request", bank.body("C0001", [item], account=1), bank.token("C0001"))
    assert response.status_code == 201
    created = response.get_json()
    assert created["resultCode"] == "2" and created["transferStatus"] == "2"
    assert "applyEndDatetime" not in created  # only with resultCode 1 (GMO)
    assert created["approvalDeadline"] == "2026-04-01T15:00:00+09:00"
    assert created["totalFee"] == "220"  # same bank, another branch, from 30,000 yen
    assert bank.balances() == before  # nothing moves before approval

    decided = bank.approve("C0001", created["applyNo"], account=1)
    assert decided["transferStatus"] == "20" and decided["executedDatetime"] == "2026-04-01T10:00:00+09:00"
    after, bank_after = bank.balances(), books()
    assert after[source] == before[source] - 50_000
    assert after[fee_account] == before[fee_account] - 220  # fees go to the EB fee account (§2(5))
    assert after[target] == before[target] + 50_000
    assert bank_after[ledger.FEE_INCOME] == bank_before[ledger.FEE_INCOME] + 220
    assert bank_after[ledger.CLEARING] == bank_before[ledger.CLEARING]  # stayed inside the sandbox

    out = bank.statement("C0001", source)[-1]
    assert (out["transactionType"], out["amount"], out["remarks"]) == (
        "2",
        "50000",
        f"ﾌﾘｺﾐ {item['beneficiaryName']}",
    )
    incoming = bank.statement("C0003", target)[-1]
    assert (incoming["transactionType"], incoming["amount"]) == ("1", "50000")
    assert incoming["remarks"] == f"ﾌﾘｺﾐ {c1[1]['accountName']}" and incoming["ediInfo"] == "INV202604001"
    fee_line = bank.statement("C0001", fee_account)[-1]
    assert (fee_line["amount"], fee_line["remarks"]) == ("220", "ﾌﾘｺﾐﾃｽｳﾘﾖｳ")

    shown = bank.status("C0001", created["applyNo"])
    assert [(h["transferStatus"], h.get("userId")) for h in shown["history"]] == [
        ("2", "c0001-clerk"),
        ("12", "c0001-approver"),
        ("20", "c0001-approver"),
    ]


def test_other_bank_leaves_through_clearing(bank, books):
    before, bank_before = bank.balances(), books()
    source = bank.accounts("C0003")[1]["accountId"]
    apply_no = bank.request("C0003", [bank.to_other_bank(12_000)], account=1)
    assert bank.approve("C0003", apply_no, account=1)["transferStatus"] == "20"
    assert bank.balances()[source] == before[source] - 12_000
    assert books()[ledger.CLEARING] == bank_before[ledger.CLEARING] + 12_000
    assert books()[ledger.FEE_INCOME] == bank_before[ledger.FEE_INCOME] + 440  # other bank, under 30,000


def test_a_child_contracts_fees_are_paid_by_the_parent(bank):
    child, parent_fee = bank.accounts("C0002")[0]["accountId"], bank.accounts("C0001")[0]["accountId"]
    before = bank.balances()
    apply_no = bank.request("C0002", [bank.to_other_bank(45_000)])
    assert bank.approve("C0002", apply_no)["transferStatus"] == "20"
    after = bank.balances()
    assert after[child] == before[child] - 45_000
    assert after[parent_fee] == before[parent_fee] - 660  # the parent's EB fee account (§2(5))


def test_fee_quote_by_tier_matches_what_is_charged(bank):
    items = [
        bank.to_account("C0001", 1, 500_000, 1),  # same branch: free
        bank.to_account("C0003", 0, 29_999, 2),  # same bank, under 30,000
        bank.to_other_bank(30_000, 3),  # other bank, from 30,000
    ]
    quote = bank.post("/transfer/transferfee", bank.body("C0001", items), bank.token("C0001")).get_json()
    assert [(d["feeTier"], d["transferFee"]) for d in quote["transferFeeDetails"]] == [
        ("sameBranch", "0"),
        ("sameBank", "110"),
        ("otherBank", "660"),
    ]
    assert quote["totalFee"] == "770"
    fee_account = bank.accounts("C0001")[0]["accountId"]
    before = bank.balances()[fee_account]
    apply_no = bank.request("C0001", items)
    assert bank.approve("C0001", apply_no)["transferStatus"] == "20"
    # the fee account is also the debited one here: amounts and fees both leave it
    assert bank.balances()[fee_account] == before - 500_000 - 29_999 - 30_000 - 770 + 0


def test_future_date_waits_across_a_weekend_and_holidays(bank, control):
    source = bank.accounts("C0003")[1]["accountId"]
    body = bank.body("C0003", [bank.to_other_bank(80_000)], account=1, transferDesignatedDate="2026-05-02")
    created = bank.post("/transfer/request", body, bank.token("C0003")).get_json()
    assert created["executionDate"] == "2026-05-07"  # Sat → past Sunday and the Golden Week holidays
    assert bank.approve("C0003", created["applyNo"], account=1)["transferStatus"] == "11"
    before = bank.balances()[source]
    control("POST", "/contracts/C0003/clock/advance", {"to": "2026-05-07T08:59:00+09:00"}, status=200)
    assert bank.status("C0003", created["applyNo"])["transferStatus"] == "11"
    assert bank.balances()[source] == before
    control("POST", "/contracts/C0003/clock/advance", {"by": "1m"}, status=200)
    shown = bank.status("C0003", created["applyNo"])
    assert shown["transferStatus"] == "20" and shown["executedDatetime"] == "2026-05-07T09:00:00+09:00"
    assert shown["history"][-1]["actor"] == "clock"
    assert bank.balances()[source] == before - 80_000


def test_unapproved_request_expires_at_the_cut_off(bank, control):
    apply_no = bank.request("C0003", [bank.to_other_bank(5_000)], transferDesignatedDate="2026-04-02")
    control("POST", "/contracts/C0003/clock/advance", {"to": "2026-04-02T14:59:59+09:00"}, status=200)
    assert bank.status("C0003", apply_no)["transferStatus"] == "2"
    control("POST", "/contracts/C0003/clock/advance", {"by": "1s"}, status=200)
    shown = bank.status("C0003", apply_no)
    assert shown["transferStatus"] == "5" and shown["history"][-1]["datetime"] == "2026-04-02T15:00:00+09:00"
    bank.forget_tokens()
    late = bank.decide("C0003", apply_no)
    assert (late.status_code, late.get_json()["errorCode"]) == (409, "transfer_not_awaiting_approval")
    result = bank.get(
        "/transfer/request-result", bank.token("C0003"), accountId=shown["accountId"], applyNo=apply_no
    )
    assert result.get_json()["resultCode"] == "8"


def test_return_withdraw_and_cancel_a_reservation(bank, control):
    returned = bank.request("C0003", [bank.to_other_bank(1_000)])
    body = {
        "accountId": bank.accounts("C0003")[0]["accountId"],
        "applyNo": returned,
        "decision": "return",
        "comment": "ｷﾝｶﾞｸﾁｶﾞｲ",
    }
    answer = bank.post("/transfer/approval", body, bank.token("C0003", "transfer-approval")).get_json()
    assert answer["transferStatus"] == "3"
    assert bank.status("C0003", returned)["approvalComment"] == "ｷﾝｶﾞｸﾁｶﾞｲ"

    account_id = bank.accounts("C0003")[0]["accountId"]
    withdrawn = bank.request("C0003", [bank.to_other_bank(1_000)])
    cancel = bank.post(
        "/transfer/cancel", {"accountId": account_id, "applyNo": withdrawn}, bank.token("C0003")
    )
    assert cancel.get_json()["transferStatus"] == "4"
    again = bank.post("/transfer/cancel", {"accountId": account_id, "applyNo": returned}, bank.token("C0003"))
    assert (again.status_code, again.get_json()["errorCode"]) == (409, "transfer_not_cancellable")

    settlement = bank.accounts("C0003")[1]["accountId"]
    reserved = bank.request(
        "C0003", [bank.to_other_bank(1_000)], account=1, transferDesignatedDate="2026-04-03"
    )
    assert bank.approve("C0003", reserved, account=1)["transferStatus"] == "11"
    cancel = bank.post(
        "/transfer/cancel", {"accountId": settlement, "applyNo": reserved}, bank.token("C0003")
    )
    assert cancel.get_json()["transferStatus"] == "8"
    before = bank.balances()[settlement]
    control("POST", "/contracts/C0003/clock/advance", {"to": "2026-04-03T12:00:00+09:00"}, status=200)
    assert bank.status("C0003", reserved)["transferStatus"] == "8"
    assert bank.balances()[settlement] == before


def test_insufficient_funds_fails_with_nothing_moved(bank, books):
    payroll = bank.accounts("C0001")[2]
    before, bank_before = bank.balances(), books()
    apply_no = bank.request("C0001", [bank.to_other_bank(int(payroll["balance"]) + 1)], account=2)
    answer = bank.approve("C0001", apply_no, account=2)
    assert answer["transferStatus"] == "40" and "insufficient funds" in answer["failureReason"]
    assert bank.balances() == before and books() == bank_before


def test_double_approval_self_approval_and_the_wrong_token(bank, control):
    apply_no = bank.request("C0003", [bank.to_other_bank(2_000)])
    wrong = bank.decide("C0003", apply_no, token=bank.token("C0003"))  # a `transfer` token cannot approve
    assert (wrong.status_code, wrong.get_json()["errorCode"]) == (403, "insufficient_scope")
    assert bank.approve("C0003", apply_no)["transferStatus"] == "20"
    twice = bank.decide("C0003", apply_no)
    assert (twice.status_code, twice.get_json()["errorCode"]) == (409, "transfer_already_approved")

    # a new grant by the same user for the same client revokes the earlier one: mint afresh after this
    approver_transfer = bank.token("C0003", "transfer", user="c0003-approver")
    body = bank.body("C0003", [bank.to_other_bank(2_000)])
    own = bank.post("/transfer/request", body, approver_transfer).get_json()["applyNo"]
    bank.forget_tokens()
    refused = bank.decide("C0003", own)
    assert (refused.status_code, refused.get_json()["errorCode"]) == (403, "self_approval_forbidden")
    assert bank.status("C0003", own)["transferStatus"] == "2"
    control("PATCH", "/contracts/C0003/settings", {"selfApproval": True}, status=200)
    assert bank.approve("C0003", own)["transferStatus"] == "20"


def test_after_the_cut_off_today_is_too_late_and_no_date_means_next_business_day(bank, control):
    control("POST", "/contracts/C0003/clock/advance", {"to": "2026-04-01T15:00:00+09:00"}, status=200)
    body = bank.body("C0003", [bank.to_other_bank(3_000)], transferDesignatedDate="2026-04-01")
    late = bank.post("/transfer/request", body, bank.token("C0003"))
    assert (late.status_code, late.get_json()["errorCode"]) == (400, "transfer_date_invalid")
    created = bank.post(
        "/transfer/request", bank.body("C0003", [bank.to_other_bank(3_000)]), bank.token("C0003")
    )
    assert created.get_json()["executionDate"] == "2026-04-02"


def test_holiday_codes(bank):
    token = bank.token("C0003")
    items = [bank.to_other_bank(3_000)]
    previous = bank.post(
        "/transfer/request",
        bank.body("C0003", items, transferDesignatedDate="2026-04-04", transferDateHolidayCode="2"),
        token,
    )
    assert previous.get_json()["executionDate"] == "2026-04-03"
    refused = bank.post(
        "/transfer/request",
        bank.body("C0003", items, transferDesignatedDate="2026-04-29", transferDateHolidayCode="3"),
        token,
    )
    assert (refused.status_code, refused.get_json()["errorCode"]) == (400, "transfer_date_holiday")
    assert "昭和の日" in refused.get_json()["errorDetails"][0]["errorDetailsMessage"]


def test_reads_with_an_account_token_and_by_date_range(bank):
    apply_no = bank.request("C0001", [bank.to_other_bank(7_000)])
    account_id = bank.accounts("C0001")[0]["accountId"]
    viewer = bank.token("C0001", "account")
    result = bank.get("/transfer/request-result", viewer, accountId=account_id, applyNo=apply_no).get_json()
    assert (result["resultCode"], result["transferStatus"], result["baseDate"]) == ("2", "2", "2026-04-01")
    ranged = bank.get(
        "/transfer/status", viewer, accountId=account_id, dateFrom="2026-03-31", dateTo="2026-04-01"
    ).get_json()
    assert ranged["acceptanceKeyClass"] == "2" and ranged["hasNext"] is False
    assert apply_no in [d["applyNo"] for d in ranged["transferDetails"]]
    assert {d["transferStatus"] for d in ranged["transferDetails"]} >= {
        "2",
        "3",
        "4",
        "5",
        "8",
        "11",
        "20",
        "22",
    }
    refused = bank.post("/transfer/request", bank.body("C0001", [bank.to_other_bank(1)]), viewer)
    assert (refused.status_code, refused.get_json()["errorCode"]) == (403, "insufficient_scope")


def test_status_pages(bank, monkeypatch):
    from sandbox.http.api import transfers as api

    monkeypatch.setattr(api, "PAGE", 4)
    token, account_id = bank.token("C0001", "account"), bank.accounts("C0001")[0]["accountId"]
    seen, key = [], None
    while True:
        params = {"accountId": account_id, "dateFrom": "2026-03-31", "dateTo": "2026-04-01"}
        page = bank.get(
            "/transfer/status", token, **params, **({"nextItemKey": key} if key else {})
        ).get_json()
        seen += [d["applyNo"] for d in page["transferDetails"]]
        if not page["hasNext"]:
            break
        key = page["nextItemKey"]
    assert len(seen) == len(set(seen)) == 8  # the demo requests on C0001's first account, each once


def test_a_parent_token_reads_a_childs_transfers_but_never_moves_its_money(bank, db_path):
    """§4(6) and DESIGN §4: a parent reads its children's accounts; writes stay on its own contract."""
    child_account = bank.accounts("C0002")[0]["accountId"]
    before, requests_before = bank.balances(), count_requests(db_path)
    body = {**bank.body("C0001", [bank.to_other_bank(1_000)]), "accountId": child_account}  # C0001's key
    for path in ("/transfer/request", "/transfer/transferfee"):
        refused = bank.post(path, body, bank.token("C0001"))
        assert (refused.status_code, refused.get_json()["errorCode"]) == (404, "account_not_found"), path
    apply_no = bank.request("C0002", [bank.to_other_bank(1_000)])  # the child's own request
    requests_before += 1
    decided = bank.decide("C0002", apply_no, token=bank.token("C0001", "transfer-approval"))
    cancel = {"accountId": child_account, "applyNo": apply_no}
    cancelled = bank.post("/transfer/cancel", cancel, bank.token("C0001"))
    for refused in (decided, cancelled):  # as for any other contract's request
        assert (refused.status_code, refused.get_json()["errorCode"]) == (404, "transfer_not_found")
    assert bank.status("C0002", apply_no)["transferStatus"] == "2"  # still 申請中, untouched
    assert bank.balances() == before and count_requests(db_path) == requests_before
    reader = bank.token("C0001", "account")
    status = bank.get("/transfer/status", reader, accountId=child_account, applyNo=apply_no)
    assert status.status_code == 200 and status.get_json()["transferDetails"][0]["applyNo"] == apply_no
    result = bank.get("/transfer/request-result", reader, accountId=child_account, applyNo=apply_no)
    assert result.status_code == 200 and result.get_json()["applyNo"] == apply_no
    listed = bank.get("/transfer/status", reader, accountId=child_account)
    assert apply_no in [d["applyNo"] for d in listed.get_json()["transferDetails"]]


def test_another_contracts_account_is_not_found(bank):
    foreign = {
        **bank.body("C0001", [bank.to_other_bank(1_000)]),
        "accountId": bank.accounts("C0003")[0]["accountId"],
    }
    refused = bank.post("/transfer/request", foreign, bank.token("C0001"))
    assert (refused.status_code, refused.get_json()["errorCode"]) == (404, "account_not_found")
    reader = bank.get("/transfer/status", bank.token("C0001", "account"), accountId=foreign["accountId"])
    assert (reader.status_code, reader.get_json()["errorCode"]) == (404, "account_not_found")


BAD = [
    ({"transfers": "x"}, 400, "invalid_parameter"),
    ({"transfers": []}, 400, "invalid_parameter"),
    ({"transferDesignatedDate": "2026-03-31"}, 400, "transfer_date_invalid"),
    ({"transferDesignatedDate": "2027-04-02"}, 400, "transfer_date_invalid"),
    ({"transferDesignatedDate": "01/04/2026"}, 400, "invalid_parameter"),
    ({"transferDateHolidayCode": "4"}, 400, "invalid_parameter"),
    ({"accountId": "999999999999"}, 404, "account_not_found"),
    ({"accountId": 12}, 400, "invalid_parameter"),
    ({"totalCount": "2", "totalAmount": "1000"}, 400, "transfer_totals_mismatch"),
    ({"totalCount": "1", "totalAmount": "999"}, 400, "transfer_totals_mismatch"),
    ({"applyComment": "x" * 101}, 400, "invalid_parameter"),
]


@pytest.mark.parametrize(("patch", "status", "code"), BAD)
def test_bad_requests_are_refused_with_nothing_written(bank, db_path, patch, status, code):
    before = count_requests(db_path)
    body = {**bank.body("C0001", [bank.to_other_bank(1_000)]), **patch}
    response = bank.post("/transfer/request", body, bank.token("C0001"))
    assert (response.status_code, response.get_json()["errorCode"]) == (status, code)
    assert count_requests(db_path) == before


@pytest.mark.parametrize("amount", ["0", "-5", "1e3", "10000000000", "²", "١٠٠", " 100", 1.5, True, None])
def test_bad_amounts_are_item_errors(bank, amount):
    item = {**bank.to_other_bank(1), "transferAmount": amount}
    response = bank.post("/transfer/request", bank.body("C0001", [item]), bank.token("C0001"))
    body = response.get_json()
    assert (response.status_code, body["errorCode"]) == (400, "transfer_item_invalid")
    assert body["transferErrorDetails"][0]["itemId"] == "1"
    assert body["transferErrorDetails"][0]["errorDetails"][0]["errorDetailsCode"] == "transferAmount"


def test_malformed_json_and_too_many_items(bank):
    token = bank.token("C0001")
    response = bank.client.post(
        "/corporation/v1/transfer/request",
        data="{no",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert (response.status_code, response.get_json()["errorCode"]) == (400, "malformed_json")
    items = [bank.to_other_bank(1, n) for n in range(1, 101)]
    body = {"accountId": bank.accounts("C0001")[0]["accountId"], "transfers": items}
    response = bank.post("/transfer/request", body, token)
    assert (response.status_code, response.get_json()["errorCode"]) == (400, "invalid_parameter")


def test_ninety_nine_items_in_one_journal(bank, control):
    control("PATCH", "/contracts/C0003/settings", {"fieldEncryption": "off"}, status=200)
    items = [bank.to_other_bank(100 + n, n) for n in range(1, 100)]
    apply_no = bank.request("C0003", items, clear=True)
    answer = bank.approve("C0003", apply_no)
    assert answer["transferStatus"] == "20"
    shown = bank.status("C0003", apply_no)
    assert shown["totalCount"] == "99" and shown["totalFee"] == str(99 * 440)
    assert OTHER_BANK["beneficiaryName"] == shown["transfers"][0]["beneficiaryName"]


def test_answers_match_the_openapi_document(bank, client, control):
    from tests.openapi_helpers import assert_conforms

    doc = client.get("/openapi.json").get_json()
    base = "/corporation/v1/transfer"
    token, account_id = bank.token("C0001"), bank.accounts("C0001")[0]["accountId"]
    body = bank.body("C0001", [bank.to_other_bank(1_000)])
    assert_conforms(doc, f"{base}/transferfee", "post", bank.post("/transfer/transferfee", body, token))
    created = bank.post("/transfer/request", body, token)
    assert_conforms(doc, f"{base}/request", "post", created)
    apply_no = created.get_json()["applyNo"]
    query = {"accountId": account_id, "applyNo": apply_no}
    assert_conforms(
        doc, f"{base}/request-result", "get", bank.get("/transfer/request-result", token, **query)
    )
    assert_conforms(doc, f"{base}/status", "get", bank.get("/transfer/status", token, **query))  # sealed
    approved = bank.decide("C0001", apply_no)
    assert_conforms(doc, f"{base}/approval", "post", approved)
    assert_conforms(doc, f"{base}/approval", "post", bank.decide("C0001", apply_no))  # 409
    ranged = bank.get("/transfer/status", token, accountId=account_id, dateFrom="2026-03-31")
    assert_conforms(doc, f"{base}/status", "get", ranged)
    control("PATCH", "/contracts/C0001/settings", {"fieldEncryption": "off"}, status=200)
    assert_conforms(doc, f"{base}/status", "get", bank.get("/transfer/status", token, **query))  # in clear
    pending = bank.request("C0001", [bank.to_other_bank(1_000)], clear=True)
    cancelled = bank.post("/transfer/cancel", {"accountId": account_id, "applyNo": pending}, token)
    assert_conforms(doc, f"{base}/cancel", "post", cancelled)
    bad = bank.post("/transfer/request", {**body, "totalCount": "7"}, token)
    assert_conforms(doc, f"{base}/request", "post", bad)
    listed = client.get("/sandbox/v1/contracts/C0001/transfers", headers={"X-Sandbox-Key": "test-admin-key"})
    assert_conforms(doc, "/sandbox/v1/contracts/{contractId}/transfers", "get", listed)
    shown = client.get(
        f"/sandbox/v1/contracts/C0001/transfers/{apply_no}", headers={"X-Sandbox-Key": "test-admin-key"}
    )
    assert_conforms(doc, "/sandbox/v1/contracts/{contractId}/transfers/{applyNo}", "get", shown)


def test_odd_numbers_and_keys_are_refused_not_crashed(bank):
    token, account_id = bank.token("C0001"), bank.accounts("C0001")[0]["accountId"]
    twins = [bank.to_other_bank(1, 1), {**bank.to_other_bank(1), "itemId": "01"}]
    answer = bank.post("/transfer/request", bank.body("C0001", twins), token).get_json()
    assert answer["errorCode"] == "transfer_item_invalid"
    assert answer["transferErrorDetails"][0]["errorDetails"][0]["errorDetailsCode"] == "itemId"
    arabic = bank.to_other_bank(1, accountNumber="١٢٣٤٥٦٧")
    assert bank.post("/transfer/request", bank.body("C0001", [arabic]), token).status_code == 400
    totals = {**bank.body("C0001", [bank.to_other_bank(1)]), "totalCount": "¹"}
    assert bank.post("/transfer/request", totals, token).get_json()["errorCode"] == "invalid_parameter"
    huge = bank.get("/transfer/status", token, accountId=account_id, nextItemKey="9" * 40)
    assert (huge.status_code, huge.get_json()["errorCode"]) == (400, "invalid_parameter")
    for path, body in [("/transfer/approval", [1]), ("/transfer/cancel", {"accountId": 1, "applyNo": 2})]:
        response = bank.post(
            path, body, bank.token("C0001", "transfer-approval" if "approval" in path else "transfer")
        )
        assert response.status_code == 400
