"""A 総合振込 / 給与振込 file's own rules, before the bank looks anything up: its kind (種別), the values
each data record may hold, and the trailer's totals against the data records.

What needs the bank (the remitter's account, bank and branch codes, the designated date on the contract's
calendar and clock) is in :mod:`sandbox.bank.zengin.upload`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.bank.beneficiaries import ACCOUNT_TYPES
from sandbox.bank.bulk.input import NEW_CODES
from sandbox.bank.bulk.timing import KINDS
from sandbox.bank.zengin import layouts
from sandbox.bank.zengin.codec import Problem
from sandbox.bank.zengin.parse import Parsed, Record, number, read

DATA = layouts.TRANSFER_DATA
DESIGNATED_TYPES = ("7",)  # 振込指定区分 7 電信; 8 文書 is not a sandbox service


@dataclass
class TransferFile:
    header: Record | None
    items: list[Record]
    problems: list[Problem]


def read_transfer(data: bytes) -> TransferFile:
    """The file's records with every problem of its shape, its fields and its totals."""
    parsed = read(data, layouts.TRANSFER)
    headers = parsed.of_kind("1")
    header = headers[0] if headers else None
    found = TransferFile(header, parsed.of_kind("2"), parsed.problems)
    if header is not None:
        found.problems += _header(header)
    for item in found.items:
        found.problems += _item(item)
    if not found.items and not any(p.code in ("record_length", "empty_file") for p in found.problems):
        found.problems.append(Problem(None, None, None, "file_shape", "the file has no data records (2)"))
    found.problems += _totals(parsed)
    return found


def _bad(rec: Record, layout: layouts.Layout, key: str, code: str, message: str) -> Problem:
    f = layout.field(key)
    return Problem(rec.number, f.start, f.name, code, message)


def _header(rec: Record) -> list[Problem]:
    """種別コード 21, 11 or 12 and a 振込依頼人名 (振込指定日 is checked on the calendar by the upload)."""
    layout, values, problems = layouts.TRANSFER_HEADER, rec.values, []
    if "typeCode" not in rec.bad and values["typeCode"] not in KINDS:
        message = f"{values['typeCode']!r} is not 21 (総合振込), 11 (給与振込) or 12 (賞与振込)"
        problems.append(_bad(rec, layout, "typeCode", "value", message))
    if "remitterName" not in rec.bad and not values["remitterName"]:
        problems.append(_bad(rec, layout, "remitterName", "value", "振込依頼人名 is blank"))
    return problems


def _item(rec: Record) -> list[Problem]:
    """One data record's values: account type, a positive amount, 新規コード, 振込指定区分, 識別表示."""
    values, problems = rec.values, []
    checks = (
        ("accountType", values["accountType"] in ACCOUNT_TYPES, "must be 1 普通, 2 当座, 4 貯蓄 or 9 その他"),
        ("amount", number(values, "amount") > 0, "must be more than 0 yen"),
        ("newCode", values["newCode"] in NEW_CODES, "must be 0, 1 (first transfer) or 2 (changed)"),
        ("designatedType", values["designatedType"] in DESIGNATED_TYPES, "must be 7 (電信振込)"),
        ("identification", values["identification"] in ("Y", ""), "must be Y (EDI) or a space"),
        ("beneficiaryName", bool(values["beneficiaryName"]), "受取人名 is blank"),
    )
    for key, ok, why in checks:
        if not ok and key not in rec.bad:
            problems.append(_bad(rec, DATA, key, "value", f"{values[key]!r} {why}" if values[key] else why))
    codes = values["customerCodes"]
    if (
        "customerCodes" not in rec.bad
        and values["identification"] != "Y"
        and codes
        and not codes.replace(" ", "").isdigit()
    ):
        problems.append(
            _bad(rec, DATA, "customerCodes", "value", "顧客コード1・2 are digits unless 識別表示 is Y (EDI)")
        )
    return problems


def _totals(parsed: Parsed) -> list[Problem]:
    """合計件数 and 合計金額 of the trailer against the data records as read."""
    trailers = [r for r in parsed.of_kind("8") if r.ok]
    if not trailers:
        return []
    trailer, items = trailers[0], parsed.of_kind("2")
    layout, problems = layouts.TRANSFER_TRAILER, []
    count, amount = len(items), sum(number(i.values, "amount") for i in items)
    for key, actual, what in (("totalCount", count, "data records"), ("totalAmount", amount, "yen")):
        sent = number(trailer.values, key)
        if sent != actual:
            message = f"the trailer says {sent} but the data records give {actual} {what}"
            problems.append(_bad(trailer, layout, key, "totals_mismatch", message))
    return problems
