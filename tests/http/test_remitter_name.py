"""``remitterName`` (振込依頼人名) on single and bulk requests, and ``applyEndDatetime`` only with resultCode 1.

Demo world at START (Wed 2026-04-01 10:00 JST); every answer checked against the OpenAPI document.
"""

from __future__ import annotations

import pytest

from tests.openapi_helpers import assert_conforms

FRIDAY = "2026-04-03"


@pytest.fixture
def doc(client):
    return client.get("/openapi.json").get_json()


def _incoming(bank, contract_id, account_id):
    return [line for line in bank.statement(contract_id, account_id) if line["transactionType"] == "1"]


def test_the_payee_sees_the_remitter_name_given(bank, doc):
    target = bank.accounts("C0003")[0]["accountId"]
    body = bank.body("C0001", [bank.to_account("C0003", 0, 12_345)], remitterName="ｶ)ｻﾝﾌﾟﾙｼﾖｳｼﾞ")
    created = bank.post("/transfer/request", body, bank.token("C0001"))
    assert_conforms(doc, "/corporation/v1/transfer/request", "post", created)
    bank.approve("C0001", created.get_json()["applyNo"])
    names = [line.get("remarks", "") for line in _incoming(bank, "C0003", target)]
    assert any("ｶ)ｻﾝﾌﾟﾙｼﾖｳｼﾞ" in text for text in names), names
    shown = bank.status("C0001", created.get_json()["applyNo"])
    assert shown["remitterName"] == "ｶ)ｻﾝﾌﾟﾙｼﾖｳｼﾞ"


def test_without_remitter_name_the_account_holder_pays(bank):
    holder = bank.accounts("C0001")[0]["accountName"]
    apply_no = bank.request("C0001", [bank.to_account("C0003", 0, 1_000)])
    assert bank.status("C0001", apply_no)["remitterName"] == holder


@pytest.mark.parametrize(
    ("value", "why"),
    [("ｱｲｳ" * 14, "longer than 40"), ("ｶﾌﾞｼｷｶﾞｲｼﾔｰ", "ｰ"), ("山田", "Zengin"), (12, "half-width kana")],
)
def test_a_bad_remitter_name_is_refused_naming_the_field(bank, doc, value, why):
    body = bank.body("C0001", [bank.to_account("C0003", 0, 1_000)], remitterName=value)
    response = bank.post("/transfer/request", body, bank.token("C0001"))
    assert_conforms(doc, "/corporation/v1/transfer/request", "post", response)
    error = response.get_json()
    assert response.status_code == 400 and error["errorCode"] == "invalid_parameter"
    assert error["errorDetails"][0]["errorDetailsCode"] == "remitterName"
    assert why in error["errorDetails"][0]["errorDetailsMessage"]


def test_bulk_requests_take_a_remitter_name_too(bank):
    items = [bank.to_account("C0003", 0, 2_000, item_id=1), bank.to_other_bank(3_000, item_id=2)]
    body = bank.body("C0001", items, account=1, transferDesignatedDate=FRIDAY, remitterName="ｷﾕｳﾖ ﾀﾝﾄｳ")
    created = bank.post("/bulktransfer/request", body, bank.token("C0001"))
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["remitterName"] == "ｷﾕｳﾖ ﾀﾝﾄｳ"
    bad = bank.post("/bulktransfer/request", {**body, "remitterName": "x" * 41}, bank.token("C0001"))
    assert bad.status_code == 400 and bad.get_json()["errorDetails"][0]["errorDetailsCode"] == "remitterName"


def test_apply_end_datetime_only_once_the_request_is_complete(bank, control, doc):
    account_id = bank.accounts("C0001")[0]["accountId"]
    apply_no = bank.request("C0001", [bank.to_account("C0003", 0, 1_000)])

    def result():
        response = bank.get(
            "/transfer/request-result", bank.token("C0001"), accountId=account_id, applyNo=apply_no
        )
        assert_conforms(doc, "/corporation/v1/transfer/request-result", "get", response)
        return response.get_json()

    def detail():
        response = bank.get("/transfer/status", bank.token("C0001"), accountId=account_id, applyNo=apply_no)
        assert_conforms(doc, "/corporation/v1/transfer/status", "get", response)
        return response.get_json()["transferDetails"][0]

    assert result()["resultCode"] == "2" and "applyEndDatetime" not in result()
    assert "applyEndDatetime" not in detail()
    control.advance("C0001", "30m")
    bank.approve("C0001", apply_no)
    done = result()
    assert done["resultCode"] == "1" and done["applyEndDatetime"] == "2026-04-01T10:30:00+09:00"
    assert detail()["applyEndDatetime"] == "2026-04-01T10:30:00+09:00"


def test_an_expired_request_has_no_apply_end_datetime(bank, control):
    account_id = bank.accounts("C0001")[0]["accountId"]
    apply_no = bank.request("C0001", [bank.to_account("C0003", 0, 1_000)])
    control.advance("C0001", "6h")  # past the 15:00 cut-off: 期限切れ
    bank.forget_tokens()
    found = bank.get(
        "/transfer/request-result", bank.token("C0001"), accountId=account_id, applyNo=apply_no
    ).get_json()
    assert found["resultCode"] == "8" and "applyEndDatetime" not in found
