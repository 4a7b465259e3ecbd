"""Virtual accounts (振込入金口座) over ``/corporation/v1/va`` with real tokens, in-process: issue, list, status
change, close at month end, the VA deposit statement, payments credited to the parent or returned, and the
bad input each refuses with its own code; every answer checked against the OpenAPI document.

Demo world at START (Wed 2026-04-01 10:00 JST).
"""

from __future__ import annotations

import pytest

from sandbox.bank import ledger
from sandbox.store import connect
from tests.openapi_helpers import assert_conforms

VA = "/corporation/v1/va"


@pytest.fixture
def doc(client):
    return client.get("/openapi.json").get_json()


@pytest.fixture
def va(bank, doc):
    """Call a VA endpoint as C0001's viewer (scope account), checking the answer against the document."""

    def call(path, body=None, *, status=200, method="post", **params):
        token = bank.token("C0001", "account")
        if method == "post":
            response = bank.post(f"/va/{path}", body, token)
        else:
            response = bank.get(f"/va/{path}", token, **params)
        assert response.status_code == status, response.get_data(as_text=True)
        assert_conforms(doc, f"{VA}/{path}", method, response)
        return response.get_json()

    return call


def parent(bank):
    return bank.accounts("C0001")[0]["accountId"]


def issue(va, ra_id, count=3, **extra):
    return va("issue", {"raId": ra_id, "vaTypeCode": "2", "issueRequestCount": count, **extra}, status=201)


def pay(control, va_id, amount=10_000, **extra):
    body = {"vaId": va_id, "amount": amount, "remitterName": "ｶ)ﾄﾘﾋｷｻｷ", "edi": "INV0001", **extra}
    return control("POST", "/contracts/C0001/deposits", body, status=201)


def test_issue_list_and_pay_into_a_va(bank, control, va):
    ra_id = parent(bank)
    issued = issue(va, ra_id, 3)
    assert issued["count"] == 3 and issued["vaTypeName"] == "継続型"
    first = issued["vaList"][0]
    assert len(first["vaId"]) == 10 and len(first["vaAccountNumber"]) == 7
    before = int(bank.balances()[ra_id])
    done = pay(control, first["vaId"], 12_345)
    assert done["vaId"] == first["vaId"] and done["accountId"] == ra_id
    assert bank.balances()[ra_id] == before + 12_345
    listed = va("list", {"raId": ra_id})
    assert listed["totalCount"] == 3 and not listed["hasNext"]
    mine = next(v for v in listed["vaList"] if v["vaId"] == first["vaId"])
    assert (mine["depositCount"], mine["depositAmount"], mine["vaStatusCode"]) == ("1", "12345", "1")
    lines = va("deposit-transactions", method="get", raId=ra_id)["vaTransactions"]
    assert [(t["vaId"], t["depositAmount"], t["ediInfo"]) for t in lines] == [
        (first["vaId"], "12345", "INV0001")
    ]
    statement = bank.get("/accounts/deposit-transactions", bank.token("C0001", "account"), accountId=ra_id)
    assert statement.get_json()["depositTransactions"][-1]["vaId"] == first["vaId"]  # the VA on the line


def test_stopped_deleted_and_expired_vas_return_the_money(bank, control, va):
    ra_id = parent(bank)
    ids = [v["vaId"] for v in issue(va, ra_id, 3)["vaList"]]
    expiring = issue(va, ra_id, 1, vaTypeCode="1", expireDate="2026-04-02")["vaList"][0]["vaId"]
    va("status-change", {"vaStatusChangeCode": "1", "vaIdList": [{"vaId": ids[0]}]})
    va("status-change", {"vaStatusChangeCode": "3", "vaIdList": [ids[1]]})
    before = bank.balances()
    assert pay(control, ids[0])["reason"] == "stopped"
    assert pay(control, ids[1])["reason"] == "deleted"
    assert "journalId" in pay(control, expiring)  # still within its expiry date: credited
    assert bank.balances()[ra_id] == before[ra_id] + 10_000  # only the one within its date
    control.advance("C0001", "2d")
    bank._tokens.clear()  # the tokens minted before expired meanwhile
    after = bank.balances()[ra_id]
    back = pay(control, expiring)
    assert (back["result"], back["reason"]) == ("returned", "expired")
    assert bank.balances()[ra_id] == after
    va("status-change", {"vaStatusChangeCode": "2", "vaIdList": [ids[0]]})
    assert "journalId" in pay(control, ids[0])  # resumed: credited again


def test_close_request_takes_effect_at_month_end(bank, control, va, db_path):
    ra_id = parent(bank)
    va_id = issue(va, ra_id, 2)["vaList"][0]["vaId"]
    asked = va("close-request", {"raId": ra_id})
    assert (asked["closeDate"], asked["count"]) == ("2026-04-30", 2)
    refused = bank.post(
        "/va/issue",
        {"raId": ra_id, "vaTypeCode": "2", "issueRequestCount": 1},
        bank.token("C0001", "account"),
    )
    assert refused.status_code == 409 and refused.get_json()["errorCode"] == "va_close_requested"
    assert "journalId" in pay(control, va_id)  # still open until the month ends
    control("POST", "/contracts/C0001/clock/advance", {"to": "2026-05-01T00:00:01+09:00"}, status=200)
    bank._tokens.clear()
    assert pay(control, va_id)["reason"] == "closed"
    listed = va("list", {"raId": ra_id, "vaStatusCode": "3"})
    assert listed["totalCount"] == 2 and all("closeDateTime" in v for v in listed["vaList"])
    gone = bank.post(
        "/va/status-change", {"vaStatusChangeCode": "2", "vaIdList": [va_id]}, bank.token("C0001", "account")
    )
    assert gone.status_code == 409 and gone.get_json()["errorCode"] == "va_closed"
    db = connect(db_path)
    assert ledger.check(db) == []


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        ("issue", {"vaTypeCode": "2", "issueRequestCount": 1001}, 400, "va_too_many"),
        ("issue", {"vaTypeCode": "2", "issueRequestCount": 0}, 400, "invalid_parameter"),
        ("issue", {"vaTypeCode": "1", "issueRequestCount": 1}, 400, "invalid_parameter"),
        (
            "issue",
            {"vaTypeCode": "1", "issueRequestCount": 1, "expireDate": "2026-03-31"},
            400,
            "invalid_parameter",
        ),
        ("status-change", {"vaStatusChangeCode": "1", "vaIdList": ["9999999999"]}, 404, "va_not_found"),
        (
            "status-change",
            {"vaStatusChangeCode": "1", "vaIdList": [str(n) for n in range(101)]},
            400,
            "va_too_many",
        ),
        ("status-change", {"vaStatusChangeCode": "7", "vaIdList": ["1"]}, 400, "invalid_parameter"),
    ],
)
def test_bad_input_has_stable_codes(bank, va, path, body, status, code):
    body = {"raId": parent(bank), **body} if path == "issue" else body
    assert va(path, body, status=status)["errorCode"] == code


def test_issue_a_thousand_and_page_the_list(bank, va):
    ra_id = parent(bank)
    assert issue(va, ra_id, 1000)["count"] == 1000
    first = va("list", {"raId": ra_id})
    assert first["count"] == 500 and first["hasNext"] and first["totalCount"] == 1000
    second = va("list", {"raId": ra_id, "nextItemKey": first["nextItemKey"]})
    assert second["count"] == 500 and not second["hasNext"]
    assert first["vaList"][-1]["vaId"] < second["vaList"][0]["vaId"]


def test_deposit_statement_range_and_isolation(bank, control, va):
    ra_id = parent(bank)
    va_id = issue(va, ra_id, 1)["vaList"][0]["vaId"]
    old = va("deposit-transactions", method="get", status=400, raId=ra_id, dateFrom="2025-09-30")
    assert old["errorCode"] == "va_date_range_invalid"
    backwards = va(
        "deposit-transactions",
        method="get",
        status=400,
        raId=ra_id,
        dateFrom="2026-04-01",
        dateTo="2026-03-01",
    )
    assert backwards["errorCode"] == "va_date_range_invalid"
    assert va("deposit-transactions", method="get", raId=ra_id, dateFrom="2025-10-01")["count"] == 0
    other = bank.post(
        "/va/status-change", {"vaStatusChangeCode": "1", "vaIdList": [va_id]}, bank.token("C0003", "account")
    )
    assert other.status_code == 404 and other.get_json()["errorCode"] == "va_not_found"  # another tenant's VA
    unknown = control("POST", "/contracts/C0001/deposits", {"vaId": "0000000000", "amount": 1}, status=404)
    assert unknown["errorCode"] == "va_not_found"


def test_issuing_is_refused_during_maintenance(bank, control, va):
    ra_id, token = parent(bank), bank.token("C0001", "account")
    control("POST", "/contracts/C0001/incidents", {"type": "maintenance", "duration": "1h"}, status=201)
    body = {"raId": ra_id, "vaTypeCode": "2", "issueRequestCount": 5}
    refused = bank.post("/va/issue", body, token)
    assert refused.status_code == 503 and refused.get_json()["errorCode"] == "maintenance"
    assert "Retry-After" in refused.headers
    control.advance("C0001", "61m")
    bank._tokens.clear()
    assert va("list", {"raId": ra_id})["totalCount"] == 0  # nothing was issued meanwhile
    assert issue(va, ra_id, 5)["count"] == 5  # the window over, issuing works again
