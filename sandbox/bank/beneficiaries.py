"""Beneficiary rules: bank and branch codes that exist (zengin-code data), 7-digit account numbers,
account types 1/2/4/9, names and EDI in the Zengin half-width kana set.

The sandbox's own accounts use bank code ``0009`` (DESIGN §3): a beneficiary with that code that
matches a sandbox account is credited directly; every other beneficiary, including a 0009 account the
sandbox does not hold, leaves through the clearing account.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sandbox.bank import accounts, kana
from sandbox.store import Database

FIELDS = (
    "beneficiaryBankCode",
    "beneficiaryBranchCode",
    "accountTypeCode",
    "accountNumber",
    "beneficiaryName",
)
ACCOUNT_TYPES = {"1": "普通", "2": "当座", "4": "貯蓄", "9": "その他"}
NAME_MAX = 30
EDI_MAX = 20


@dataclass(frozen=True)
class Beneficiary:
    bank_code: str
    bank_name: str  # half-width kana, as a Zengin message carries it
    branch_code: str
    branch_name: str
    account_type: str
    account_number: str
    name: str
    account_id: str | None  # the sandbox account credited, or None: the money leaves through clearing


def digits(value: object, length: int | None = None) -> bool:
    """True for a string of ASCII digits (of exactly ``length`` when given); str.isdigit also takes ² and ١."""
    return (
        isinstance(value, str) and re.fullmatch(r"[0-9]+", value) is not None and length in (None, len(value))
    )


def problem(field: str, message: str) -> dict[str, str]:
    """One entry of an item's ``errorDetails``: the field and what is wrong with it."""
    return {"errorDetailsCode": field, "errorDetailsMessage": message}


@dataclass(frozen=True)
class ZenginBranch:
    code: str
    name: str
    kana: str


@dataclass(frozen=True)
class ZenginBank:
    code: str
    name: str
    kana: str
    branches: dict[str, ZenginBranch]  # by branch code, in code order


def _data_dir() -> Path:
    """zengin-code's data files, found without importing the package: its import reads every bank's
    branches (8 MB of JSON, 0.4 s and some 15 MiB per worker); the sandbox reads the banks it is asked for."""
    spec = importlib.util.find_spec("zengin_code")
    assert spec is not None and spec.submodule_search_locations, "zengin-code is not installed"
    return Path(spec.submodule_search_locations[0]) / "source-data" / "data"


@functools.cache
def _bank_rows() -> dict[str, dict[str, str]]:
    return json.loads((_data_dir() / "banks.json").read_text(encoding="utf-8"))


@functools.cache
def bank(code: str) -> ZenginBank | None:
    """A bank of the zengin-code data with its branches, or None (read once per bank code)."""
    found = _bank_rows().get(code)
    if found is None:
        return None
    path = _data_dir() / "branches" / f"{found['code']}.json"
    rows = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    branches = {c: ZenginBranch(b["code"], b["name"], b["kana"]) for c, b in sorted(rows.items())}
    return ZenginBank(found["code"], found["name"], found["kana"], branches)


def check(db: Database, data: dict[str, Any]) -> tuple[Beneficiary | None, list[dict[str, str]]]:
    """Validate the five beneficiary fields; return the beneficiary or the problems found (all of them)."""
    values, problems = _required(data)
    problems += _bank_problems(values["beneficiaryBankCode"], values["beneficiaryBranchCode"])
    account_type, number = values["accountTypeCode"], values["accountNumber"]
    if account_type and account_type not in ACCOUNT_TYPES:
        problems.append(
            problem("accountTypeCode", "accountTypeCode must be 1 普通, 2 当座, 4 貯蓄 or 9 その他")
        )
    if number and not digits(number, 7):
        problems.append(problem("accountNumber", "accountNumber must be 7 digits (pad with leading zeros)"))
    if values["beneficiaryName"]:
        problems += kana_problems("beneficiaryName", values["beneficiaryName"], NAME_MAX)
    if problems:
        return None, problems
    return _beneficiary(db, values), []


def _required(data: dict[str, Any]) -> tuple[dict[str, str], list[dict[str, str]]]:
    """Each of the five fields as a string ("" when missing or not one), and a problem for each such."""
    problems: list[dict[str, str]] = []
    values = {}
    for name in FIELDS:
        value = data.get(name)
        if not isinstance(value, str) or not value:
            problems.append(problem(name, f"{name} is required (a string)"))
        values[name] = value if isinstance(value, str) else ""
    return values, problems


def _bank_problems(bank_code: str, branch_code: str) -> list[dict[str, str]]:
    """A bank code that is not a Zengin bank, or a branch code that bank does not have."""
    if not bank_code:
        return []
    found = bank(bank_code) if digits(bank_code, 4) else None
    if found is None:
        return [problem("beneficiaryBankCode", f"no bank with code {bank_code!r} (4 digits, Zengin)")]
    if branch_code and branch_code not in found.branches:
        return [
            problem("beneficiaryBranchCode", f"bank {bank_code} has no branch {branch_code!r} (3 digits)")
        ]
    return []


def _beneficiary(db: Database, values: dict[str, str]) -> Beneficiary:
    """The checked fields with the bank's and branch's kana names, and the sandbox account they name."""
    bank_code, branch_code = values["beneficiaryBankCode"], values["beneficiaryBranchCode"]
    account_type, number = values["accountTypeCode"], values["accountNumber"]
    found_bank = bank(bank_code)
    assert found_bank is not None  # checked by _bank_problems
    sandbox_account = (
        accounts.find_by_number(db, bank_code, branch_code, account_type, number)
        if bank_code == accounts.BANK_CODE
        else None
    )
    return Beneficiary(
        bank_code=bank_code,
        bank_name=kana.to_zengin(found_bank.kana),
        branch_code=branch_code,
        branch_name=kana.to_zengin(found_bank.branches[branch_code].kana),
        account_type=account_type,
        account_number=number,
        name=values["beneficiaryName"],
        account_id=sandbox_account["id"] if sandbox_account else None,
    )


def kana_problems(field: str, value: str, max_length: int) -> list[dict[str, str]]:
    """Characters outside the Zengin set (each named, with its position) and over-long values."""
    found = [problem(field, f"{field}[{pos}]: {why}") for pos, _char, why in kana.invalid_characters(value)]
    if len(value) > max_length:
        found.append(problem(field, f"{field} is {len(value)} characters, more than {max_length}"))
    return found


def public(item: dict[str, Any]) -> dict[str, str]:
    """The beneficiary fields of a stored transfer item, as the API shows them."""
    return {
        "beneficiaryBankCode": item["bank_code"],
        "beneficiaryBankName": item["bank_name"],
        "beneficiaryBranchCode": item["branch_code"],
        "beneficiaryBranchName": item["branch_name"],
        "accountTypeCode": item["account_type"],
        "accountNumber": item["account_number"],
        "beneficiaryName": item["beneficiary_name"],
    }
