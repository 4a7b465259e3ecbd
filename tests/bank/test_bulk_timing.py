"""The bulk transfer timing rule: request and approval by N business days before the designated date."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from sandbox.bank import contracts
from sandbox.bank.bulk import timing
from sandbox.bank.bulk.errors import BulkTransferTooLate, BulkTransferTooManyItems
from sandbox.clock import JST
from sandbox.errors import InvalidParameter

CONTRACT: dict = {"settings": {}}
SALARY = {"settings": {"bulkSalaryLeadDays": 3}}


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=JST)


# 2026-12-07 is a Monday; 12-11 a Friday; 12-14 the next Monday.
def test_request_on_the_business_day_before_is_in_time_and_the_designated_day_is_late():
    timing.check_in_time(CONTRACT, "21", date(2026, 12, 14), at(date(2026, 12, 11), 23), step="approval")
    with pytest.raises(BulkTransferTooLate) as caught:
        timing.check_in_time(CONTRACT, "21", date(2026, 12, 14), at(date(2026, 12, 12)), step="approval")
    assert caught.value.code == "bulk_transfer_too_late"
    assert "2026-12-11" in caught.value.detail


def test_salary_needs_three_business_days_across_the_weekend():
    assert timing.last_day(date(2026, 12, 14), 3) == date(2026, 12, 9)
    timing.check_in_time(SALARY, "11", date(2026, 12, 14), at(date(2026, 12, 9)), step="request")
    with pytest.raises(BulkTransferTooLate):
        timing.check_in_time(SALARY, "12", date(2026, 12, 14), at(date(2026, 12, 10)), step="request")
    # the same day is in time for 総合振込 (種別 21)
    timing.check_in_time(SALARY, "21", date(2026, 12, 14), at(date(2026, 12, 10)), step="request")


def test_year_end_closure_is_skipped():
    # 2027-01-04 (Mon) after the 12/31–1/3 closure: the business day before is 2026-12-30
    assert timing.last_day(date(2027, 1, 4), 1) == date(2026, 12, 30)
    assert timing.earliest_designated(CONTRACT, "21", at(date(2026, 12, 30))) == date(2027, 1, 4)


@pytest.mark.parametrize(
    ("lead", "now", "earliest"),
    [
        (1, date(2026, 12, 7), date(2026, 12, 8)),
        (1, date(2026, 12, 13), date(2026, 12, 15)),
        (0, date(2026, 12, 11), date(2026, 12, 14)),
    ],
)
def test_earliest_designated_date_agrees_with_the_check(lead, now, earliest):
    contract = {"settings": {"bulkTransferLeadDays": lead}}
    assert timing.earliest_designated(contract, "21", at(now)) == earliest
    timing.check_in_time(contract, "21", earliest, at(now), step="request")
    with pytest.raises(BulkTransferTooLate):
        timing.check_in_time(
            contract, "21", timing.calendar.previous_business_day(earliest), at(now), step="request"
        )


def test_item_cap_is_the_contract_setting():
    timing.check_count(CONTRACT, 9999)
    with pytest.raises(BulkTransferTooManyItems):
        timing.check_count(CONTRACT, 10_000)
    with pytest.raises(BulkTransferTooManyItems):
        timing.check_count({"settings": {"bulkTransferMaxItems": 30}}, 31)


def test_settings_are_bounded():
    contracts.validate_settings({"bulkTransferMaxItems": 20_000, "bulkSalaryLeadDays": 0})
    with pytest.raises(InvalidParameter):
        contracts.validate_settings({"bulkTransferMaxItems": 20_001})
    with pytest.raises(InvalidParameter):
        contracts.validate_settings({"bulkTransferLeadDays": -1})
