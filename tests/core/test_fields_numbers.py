"""JSON has one number type: an integral number is an integer wherever a body is parsed (RFC 8259 §6)."""

from __future__ import annotations

import pytest

from sandbox.fields import parse_json


@pytest.mark.parametrize(("raw", "wanted"), [(b"1.0", 1), (b"1e3", 1000), (b"-2.000", -2), (b"7", 7)])
def test_integral_numbers_are_integers(raw: bytes, wanted: int) -> None:
    value = parse_json(b'{"n": ' + raw + b"}")["n"]
    assert value == wanted and type(value) is int


@pytest.mark.parametrize("raw", [b"1.5", b"1e400", b"1e300"])
def test_other_numbers_stay_floats(raw: bytes) -> None:
    assert type(parse_json(b'{"n": ' + raw + b"}")["n"]) is float


def test_an_integral_float_setting_is_accepted(control) -> None:
    shown = control("PATCH", "/contracts/C0001/settings", {"bulkSalaryLeadDays": 2.0})
    assert shown["settings"]["bulkSalaryLeadDays"] == 2
