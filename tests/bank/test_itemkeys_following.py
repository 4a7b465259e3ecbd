"""Item keys strictly increase per account: a line at the same instant as the last is a microsecond later."""

from __future__ import annotations

from sandbox.bank.itemkeys import following

STAMP = "2026-04-01T09:00:00.000000+09:00"


def test_a_later_posting_takes_its_own_time() -> None:
    assert following(STAMP, None) == "20260401090000000000"
    assert following("2026-04-01T09:00:01.000000+09:00", "20260401090000000007") == "20260401090001000000"


def test_the_same_instant_is_a_microsecond_later_even_across_a_second() -> None:
    assert following(STAMP, "20260401090000000005") == "20260401090000000006"
    assert following(STAMP, "20260401090000999999") == "20260401090001000000"
    assert following(STAMP, "20260401235959999999") == "20260402000000000000"
