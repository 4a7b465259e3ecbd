"""The read API (参照系): accounts, balances and statements, paging, dates on the contract clock,
parent/child visibility (§4(6))."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sandbox.bank import accounts, statements
from sandbox.store import connect, transaction
from tests.conftest import START
from tests.oauth_helpers import bearer, mint_tokens

API = "/corporation/v1"


@pytest.fixture
def viewer(client, control):
    return mint_tokens(client, control, "C0003", "c0003-viewer")


def get(client, tokens, path, **params):
    return client.get(f"{API}{path}", headers=bearer(tokens), query_string=params)


def first_account(client, tokens):
    return get(client, tokens, "/accounts").get_json()["accounts"][0]["accountId"]


def test_accounts_follow_the_conventions(client, viewer):
    body = get(client, viewer, "/accounts").get_json()
    assert body["baseDate"] == "2026-04-01" and body["baseTime"] == "10:00:00+09:00"
    assert body["count"] == len(body["accounts"]) == 2 and body["hasNext"] is False
    first = body["accounts"][0]
    assert first["accountId"] == first["branchCode"] + "0" + first["accountTypeCode"] + first["accountNumber"]
    assert first["accountTypeName"] in ("普通", "当座") and first["currencyCode"] == "JPY"


def test_balances_are_strings_and_match_the_statement(client, viewer):
    balances = get(client, viewer, "/accounts/balances").get_json()["balances"]
    assert all(b["balance"].isdigit() and b["withdrawableAmount"] == b["balance"] for b in balances)
    one = balances[0]
    lines = get(
        client, viewer, "/accounts/transactions", accountId=one["accountId"], dateFrom="2026-03-01"
    ).get_json()
    assert lines["transactions"][-1]["balance"] == one["balance"]
    single = get(client, viewer, "/accounts/balances", accountId=one["accountId"]).get_json()
    assert single["count"] == 1 and single["balances"][0] == one


def test_balance_history_fields(client, control, viewer):
    account_id = first_account(client, viewer)
    before = get(client, viewer, "/accounts/balances", accountId=account_id).get_json()["balances"][0]
    control("POST", "/contracts/C0003/deposits", {"accountId": account_id, "amount": 1234}, status=201)
    after = get(client, viewer, "/accounts/balances", accountId=account_id).get_json()["balances"][0]
    assert int(after["balance"]) == int(before["balance"]) + 1234
    assert after["previousDayBalance"] == before["previousDayBalance"]
    control.advance("C0003", "1d")
    viewer = mint_tokens(client, control, "C0003", "c0003-viewer")  # the first token expired overnight
    next_day = get(client, viewer, "/accounts/balances", accountId=account_id).get_json()["balances"][0]
    assert next_day["previousDayBalance"] == after["balance"]


def test_transactions_show_type_remarks_and_edi(client, control, viewer):
    account_id = first_account(client, viewer)
    control(
        "POST",
        "/contracts/C0003/deposits",
        {"accountId": account_id, "amount": 50000, "remitterName": "ｶ)ﾃｽﾄ", "edi": "INV0001"},
        status=201,
    )
    body = get(client, viewer, "/accounts/transactions", accountId=account_id).get_json()
    assert body["dateFrom"] == body["dateTo"] == "2026-04-01"
    line = body["transactions"][-1]
    assert line == {
        "transactionDate": "2026-04-01",
        "valueDate": "2026-04-01",
        "transactionType": "1",
        "amount": "50000",
        "balance": line["balance"],
        "remarks": "ﾌﾘｺﾐ ｶ)ﾃｽﾄ",
        "ediInfo": "INV0001",
        "itemKey": line["itemKey"],
    }
    month = get(
        client, viewer, "/accounts/transactions", accountId=account_id, dateFrom="2026-03-01"
    ).get_json()
    assert {t["transactionType"] for t in month["transactions"]} == {"1", "2"}


def test_paging_500_at_a_time(client, viewer, db_path):
    account_id = first_account(client, viewer)
    already = get(client, viewer, "/accounts/transactions", accountId=account_id).get_json()["count"]
    db = connect(db_path)
    with transaction(db):
        for n in range(620):
            accounts.deposit(
                db,
                contract_id="C0003",
                acct_id=account_id,
                amount=n + 1,
                remitter_kana="ﾃｽﾄ",
                edi=None,
                at=START,
            )
    db.conn.close()
    first = get(client, viewer, "/accounts/transactions", accountId=account_id).get_json()
    assert first["count"] == 500 and first["hasNext"] is True
    second = get(
        client, viewer, "/accounts/transactions", accountId=account_id, nextItemKey=first["nextItemKey"]
    ).get_json()
    assert second["count"] == already + 120 and second["hasNext"] is False and "nextItemKey" not in second
    lines = first["transactions"] + second["transactions"]
    amounts = [int(t["amount"]) for t in lines]
    assert amounts[already:] == list(range(1, 621))
    # 620 postings in the same microsecond: 20-digit keys from their time, ties one microsecond apart
    keys = [t["itemKey"] for t in lines]
    assert all(len(k) == 20 and k.isdigit() for k in keys) and keys == sorted(set(keys))
    assert keys[already] == "20260401100000000000" and keys[-1] == "20260401100000000619"
    assert first["nextItemKey"] == keys[499] and int(first["nextItemKey"]) > 2**63


@pytest.mark.parametrize(
    "params, field",
    [
        ({}, "accountId"),
        ({"dateFrom": "2026-4-1"}, "dateFrom"),
        ({"dateFrom": "2026-02-30"}, "dateFrom"),
        ({"dateTo": "yesterday"}, "dateTo"),
        ({"dateFrom": "2026-03-31", "dateTo": "2026-03-01"}, "dateFrom"),
        ({"dateTo": "2026-04-02"}, "dateTo"),
    ],
)
def test_transactions_bad_input(client, viewer, params, field):
    if field != "accountId":
        params = {"accountId": first_account(client, viewer), **params}
    answer = get(client, viewer, "/accounts/transactions", **params)
    assert answer.status_code == 400
    body = answer.get_json()
    assert body["errorCode"] == "invalid_parameter" and body["errorDetails"][0]["errorDetailsCode"] == field


@pytest.mark.parametrize("key", ["abc", "9" * 40, "709", "20260401100000000", "2026040110000000000x"])
def test_keys_that_are_not_20_digit_item_keys_are_refused(client, viewer, key):
    """An integer cursor of an older sandbox, a key cut short or rounded: ``item_key_invalid``, never a page."""
    answer = get(
        client, viewer, "/accounts/transactions", accountId=first_account(client, viewer), nextItemKey=key
    )
    assert answer.status_code == 400
    body = answer.get_json()
    assert (
        body["errorCode"] == "item_key_invalid"
        and body["errorDetails"][0]["errorDetailsCode"] == "nextItemKey"
    )


def test_lines_run_in_contract_time_with_the_balance_following(client, viewer, db_path):
    """A line written after another but stamped earlier (another contract's clock running behind) comes after
    it, one microsecond on: order, keys and running balance agree, and keys do not depend on the range."""
    account_id = first_account(client, viewer)
    db = connect(db_path)
    with transaction(db):
        for at, amount in ((START, 100), (START - timedelta(hours=1), 7), (START + timedelta(seconds=1), 5)):
            accounts.deposit(
                db,
                contract_id="C0003",
                acct_id=account_id,
                amount=amount,
                remitter_kana="ﾃｽﾄ",
                edi=None,
                at=at,
            )
    db.conn.close()
    body = get(
        client, viewer, "/accounts/transactions", accountId=account_id, dateFrom="2026-03-01"
    ).get_json()
    tail = body["transactions"][-3:]
    assert [(t["amount"], t["itemKey"]) for t in tail] == [
        ("100", "20260401100000000000"),
        ("7", "20260401100000000001"),
        ("5", "20260401100001000000"),
    ]
    lines = body["transactions"]
    for before, line in zip(lines, lines[1:], strict=False):
        signed = int(line["amount"]) * (1 if line["transactionType"] == "1" else -1)
        assert int(line["balance"]) == int(before["balance"]) + signed
    today = get(client, viewer, "/accounts/transactions", accountId=account_id).get_json()["transactions"]
    assert [t["itemKey"] for t in today[-3:]] == [t["itemKey"] for t in tail]


def test_unknown_account(client, viewer):
    for path in ("/accounts/balances", "/accounts/transactions"):
        answer = get(client, viewer, path, accountId="000000000000")
        assert answer.status_code == 404 and answer.get_json()["errorCode"] == "account_not_found"


def test_future_dates_follow_the_contract_clock(client, control, viewer):
    account_id = first_account(client, viewer)
    assert (
        get(client, viewer, "/accounts/transactions", accountId=account_id, dateTo="2026-04-02").status_code
        == 400
    )
    control.advance("C0003", "1d")
    viewer = mint_tokens(client, control, "C0003", "c0003-viewer")
    body = get(client, viewer, "/accounts/transactions", accountId=account_id, dateTo="2026-04-02").get_json()
    assert body["baseDate"] == "2026-04-02"


def test_parent_sees_children_but_not_the_reverse(client, control):
    parent = mint_tokens(client, control, "C0001", "c0001-viewer")
    child = mint_tokens(client, control, "C0002", "c0002-viewer")
    seen = get(client, parent, "/accounts").get_json()["accounts"]
    assert {a["contractId"] for a in seen} == {"C0001", "C0002"}
    child_accounts = [a["accountId"] for a in seen if a["contractId"] == "C0002"]
    assert get(client, parent, "/accounts/balances", accountId=child_accounts[0]).status_code == 200
    own = get(client, child, "/accounts").get_json()["accounts"]
    assert {a["contractId"] for a in own} == {"C0002"}
    parent_account = next(a["accountId"] for a in seen if a["contractId"] == "C0001")
    assert get(client, child, "/accounts/balances", accountId=parent_account).status_code == 404


def test_unicode_digits_in_the_paging_key_are_rejected(client, viewer):
    answer = get(
        client,
        viewer,
        "/accounts/transactions",
        accountId=first_account(client, viewer),
        dateFrom="2026-03-01",
        dateTo="2026-03-31",
        nextItemKey="²",
    )
    assert answer.status_code == 400 and answer.get_json()["errorCode"] == "item_key_invalid"
    assert answer.get_json()["errorDetails"][0]["errorDetailsCode"] == "nextItemKey"


def test_only_date_to_runs_from_the_first_transaction(client, viewer):
    """Only ``dateTo``: from the account's first transaction to ``dateTo`` (the seed history starts earlier)."""
    account_id = first_account(client, viewer)
    body = get(client, viewer, "/accounts/transactions", accountId=account_id, dateTo="2026-03-31").get_json()
    assert body["dateFrom"] < "2026-03-31" and body["dateTo"] == "2026-03-31"
    assert body["transactions"] and body["transactions"][0]["valueDate"] == body["dateFrom"]
    empty = get(client, viewer, "/accounts/transactions", accountId=account_id, dateFrom="2026-04-01")
    assert empty.status_code == 200 and empty.get_json()["dateTo"] == "2026-04-01"


def test_history_window_refuses_older_dates(client, control, viewer):
    """``statementHistoryMonths`` 1 (the previous-month plan): from 2026-03-01 on, today being 2026-04-01."""
    account_id = first_account(client, viewer)
    control("PATCH", "/contracts/C0003/settings", {"statementHistoryMonths": 1}, status=200)
    inside = get(client, viewer, "/accounts/transactions", accountId=account_id, dateFrom="2026-03-01")
    assert inside.status_code == 200 and inside.get_json()["dateFrom"] == "2026-03-01"
    for params in ({"dateFrom": "2026-02-28"}, {"dateTo": "2026-02-28"}):
        answer = get(client, viewer, "/accounts/transactions", accountId=account_id, **params)
        body = answer.get_json()
        assert answer.status_code == 400 and body["errorCode"] == "statement_history_exceeded"
        assert body["errorDetails"][0]["errorDetailsCode"] == next(iter(params))
    only_to = get(
        client, viewer, "/accounts/transactions", accountId=account_id, dateTo="2026-03-31"
    ).get_json()
    assert only_to["dateFrom"] == "2026-03-01"  # from the first transaction, but within the window


@pytest.mark.parametrize(
    "months, start", [(0, None), (1, "2026-03-01"), (12, "2025-04-01"), (15, "2025-01-01")]
)
def test_history_start(months, start):
    found = statements.history_start(date(2026, 4, 30), months)
    assert (found.isoformat() if found else None) == start


@pytest.mark.parametrize("value", [-1, 121, "12", True, 1.5])
def test_history_months_setting_is_checked(control, value):
    answer = control("PATCH", "/contracts/C0003/settings", {"statementHistoryMonths": value}, status=400)
    assert answer["errorCode"] == "invalid_parameter"
