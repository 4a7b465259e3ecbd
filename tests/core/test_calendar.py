from datetime import date, datetime, timedelta

import jpholiday
import pytest

from sandbox import calendar
from sandbox.clock import JST


@pytest.mark.parametrize(
    ("day", "open_"),
    [
        ("2026-12-29", True),  # Tuesday
        ("2026-12-30", True),  # last business day of the year
        ("2026-12-31", False),  # year-end closure
        ("2027-01-01", False),  # New Year's Day (national holiday and closure)
        ("2027-01-02", False),  # Saturday and closure
        ("2027-01-03", False),  # Sunday and closure
        ("2027-01-04", True),  # first business day
        ("2026-05-06", False),  # substitute holiday for 5/3 (Sunday)
        ("2026-09-22", False),  # 国民の休日 sandwiched between two holidays
        ("2026-11-23", False),  # 勤労感謝の日
        ("2026-11-28", False),  # Saturday
        ("2026-11-27", True),  # Friday
    ],
)
def test_business_days(day, open_):
    assert calendar.is_business_day(date.fromisoformat(day)) is open_


def test_holiday_names():
    assert calendar.holiday_name(date(2026, 12, 31)) == "年末年始休業日"
    assert "振替休日" in calendar.holiday_name(date(2026, 5, 6))
    assert calendar.holiday_name(date(2026, 11, 28)) == "土曜日"
    assert calendar.holiday_name(date(2026, 11, 27)) is None


def test_next_and_previous_business_day_across_new_year():
    assert calendar.next_business_day(date(2026, 12, 30)) == date(2027, 1, 4)
    assert calendar.previous_business_day(date(2027, 1, 4)) == date(2026, 12, 30)
    assert calendar.next_business_day(date(2026, 12, 30), include=True) == date(2026, 12, 30)


def test_cutoff():
    before = datetime(2026, 12, 30, 14, 59, 59, tzinfo=JST)
    at = datetime(2026, 12, 30, 15, 0, tzinfo=JST)
    assert calendar.before_cutoff(before)
    assert not calendar.before_cutoff(at)
    assert calendar.execution_day(before) == date(2026, 12, 30)
    assert calendar.execution_day(at) == date(2027, 1, 4)
    assert calendar.execution_day(datetime(2026, 5, 2, 10, 0, tzinfo=JST)) == date(2026, 5, 7)  # Golden Week
    assert not calendar.before_cutoff(datetime(2026, 4, 1, 16, 0, tzinfo=JST), "16:00")
    assert calendar.before_cutoff(datetime(2026, 4, 1, 15, 30, tzinfo=JST), "16:00")


def test_service_hours():
    assert calendar.within_hours(datetime(2026, 4, 1, 23, 59, tzinfo=JST), "00:00", "24:00")
    assert not calendar.within_hours(datetime(2026, 4, 1, 7, 59, tzinfo=JST), "08:00", "21:00")


def test_holidays_per_year_agree_with_jpholiday_day_by_day():
    """The per-year holiday sets give what jpholiday.is_holiday says for each day (substitute holidays,
    citizens' holidays and moved holidays included)."""
    day = date(2019, 1, 1)  # the 2019 imperial-transition holidays and 2020-21's Olympic moves
    while day < date(2022, 1, 1):
        assert (day in calendar._holidays(day.year)) == jpholiday.is_holiday(day), day
        day += timedelta(days=1)
