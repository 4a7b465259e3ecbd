"""Dates in the banking API are strictly ``YYYY-MM-DD``: one parser for statements, transfer status and the
designated date of a transfer request (ISO week dates, basic format, full-width digits, impossible days refused)."""

from __future__ import annotations

from datetime import date

import pytest

from sandbox.dates import parse_day
from sandbox.errors import InvalidParameter

NOT_DATES = [
    "2026-W10-1",
    "2026-4-1",
    "20260401",
    "２０２６-０４-０１",
    "2026-02-30",
    "2026-092",
    "2026-04-01\n",
]


def test_the_parser_takes_calendar_days_only():
    assert parse_day("2026-04-01", "d") == date(2026, 4, 1)
    assert parse_day("2024-02-29", "d") == date(2024, 2, 29)
    for value in [*NOT_DATES, "", 20260401, None]:
        with pytest.raises(InvalidParameter) as caught:
            parse_day(value, "dateFrom")
        assert caught.value.details[0]["errorDetailsCode"] == "dateFrom"


@pytest.mark.parametrize("value", NOT_DATES)
@pytest.mark.parametrize("name", ["dateFrom", "dateTo"])
@pytest.mark.parametrize("path", ["/transfer/status", "/accounts/transactions"])
def test_read_endpoints_refuse_what_is_not_yyyy_mm_dd(bank, path, name, value):
    account_id = bank.accounts("C0001")[0]["accountId"]
    answer = bank.get(path, bank.token("C0001", "account"), accountId=account_id, **{name: value})
    assert answer.status_code == 400, answer.get_json()
    body = answer.get_json()
    assert body["errorCode"] == "invalid_parameter" and body["errorDetails"][0]["errorDetailsCode"] == name


def test_transfer_status_compares_days_not_strings(bank):
    account_id = bank.accounts("C0001")[0]["accountId"]
    token = bank.token("C0001", "account")
    ranged = bank.get(
        "/transfer/status", token, accountId=account_id, dateFrom="2026-03-02", dateTo="2026-04-01"
    )
    assert ranged.status_code == 200 and int(ranged.get_json()["count"]) > 0
    backwards = bank.get(
        "/transfer/status", token, accountId=account_id, dateFrom="2026-04-01", dateTo="2026-03-02"
    )
    assert backwards.status_code == 400 and backwards.get_json()["errorCode"] == "invalid_parameter"


@pytest.mark.parametrize("value", NOT_DATES)
def test_a_transfer_request_refuses_such_a_designated_date(bank, value):
    body = bank.body("C0001", [bank.to_other_bank(1_000)], transferDesignatedDate=value)
    answer = bank.post("/transfer/request", body, bank.token("C0001"))
    body = answer.get_json()
    assert answer.status_code == 400 and body["errorCode"] == "invalid_parameter"
    assert body["errorDetails"][0]["errorDetailsCode"] == "transferDesignatedDate"
