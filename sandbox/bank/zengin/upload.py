"""An uploaded 総合振込 / 給与振込 file becomes a bulk request through the same domain as
``POST /corporation/v1/bulktransfer/request``: :func:`sandbox.bank.bulk.input.parse_request` reads the items
and :func:`sandbox.bank.bulk.lifecycle.create` accepts the request as 申請中 (approved later, like any other).

Before that, the file is checked as a whole: its records and fields (:mod:`sandbox.bank.zengin.transferfile`),
then what needs the bank: the remitter's account in the header, each bank and branch code, the designated
date (MMDD, the next such day on the contract's clock) on the bank calendar and by the lead-day rule, the item
cap. Every problem is reported at once as :class:`ZenginFileInvalid`; nothing is created when there is one.
A file travels over the bank's file channel, not the API: its beneficiaries are in clear, so the contract's
field encryption (§5(2)② of the Web21 server-connection service terms) does not apply to it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sandbox import calendar, clock
from sandbox.bank import accounts, beneficiaries
from sandbox.bank.bulk import input as bulk_input
from sandbox.bank.bulk import lifecycle, timing
from sandbox.bank.bulk.errors import BulkTransferTooLate, BulkTransferTooManyItems
from sandbox.bank.transfers.records import Actor
from sandbox.bank.zengin import layouts
from sandbox.bank.zengin.codec import Problem
from sandbox.bank.zengin.errors import ZenginFileInvalid
from sandbox.bank.zengin.parse import Record, number
from sandbox.bank.zengin.transferfile import DATA, TransferFile, read_transfer
from sandbox.errors import BankError
from sandbox.store import Database

HEADER = layouts.TRANSFER_HEADER
DEFAULT_NAME = "ｾﾞﾝｷﾞﾝﾌｱｲﾙ"  # transferDataName of a request made from a file, unless one is given
# API field of an item → the data record's field, to name a problem the domain found
ITEM_FIELDS = {
    "beneficiaryBankCode": "bankCode",
    "beneficiaryBranchCode": "branchCode",
    "accountTypeCode": "accountType",
    "accountNumber": "accountNumber",
    "beneficiaryName": "beneficiaryName",
    "transferAmount": "amount",
    "newCode": "newCode",
    "ediInfo": "customerCodes",
}
HEADER_FIELDS = {
    "transferDesignatedDate": "designatedDate",
    "remitterCode": "remitterCode",
    "typeCode": "typeCode",
    "remitterName": "remitterName",
}


def _at(rec: Record | None, layout: layouts.Layout, key: str, code: str, message: str) -> Problem:
    f = layout.field(key)
    return Problem(rec.number if rec else None, f.start, f.name, code, message)


def remitter_account(
    db: Database, contract: dict[str, Any], header: Record, account_id: str | None
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The contract's account the header names (仕向銀行 0009, branch, type, number), matching ``account_id``."""
    values = header.values
    if {"bankCode", "branchCode", "accountType", "accountNumber"} & header.bad:
        return None, []
    if values["bankCode"] != accounts.BANK_CODE:
        why = f"{values['bankCode']} is not this bank ({accounts.BANK_CODE})"
        return None, [_at(header, HEADER, "bankCode", "unknown_account", why)]
    found = accounts.find_by_number(
        db, values["bankCode"], values["branchCode"], values["accountType"], values["accountNumber"]
    )
    if found is None or found["contract_id"] != contract["id"]:
        why = f"no account {values['branchCode']}-{values['accountType']}-{values['accountNumber']} in {contract['id']}"
        return None, [_at(header, HEADER, "accountNumber", "unknown_account", why)]
    if account_id is not None and found["id"] != account_id:
        why = f"the header names account {found['id']}, not {account_id}"
        return None, [_at(header, HEADER, "accountNumber", "account_mismatch", why)]
    return found, []


def designated_date(
    contract: dict[str, Any], header: Record, type_code: str, now: datetime
) -> tuple[date | None, list[Problem]]:
    """振込指定日 MMDD as the next such day from today (contract clock), a business day, still in time."""
    mmdd = header.values["designatedDate"]
    if "designatedDate" in header.bad or not mmdd.isdigit():
        return None, []
    today = now.astimezone(clock.JST).date()
    day = None
    for year in (today.year, today.year + 1):
        try:
            day = date(year, int(mmdd[:2]), int(mmdd[2:]))
        except ValueError:
            continue
        if day >= today:
            break
    if day is None or day < today:
        return None, [_at(header, HEADER, "designatedDate", "value", f"{mmdd!r} is not a date MMDD")]
    if not calendar.is_business_day(day):
        why = f"{day.isoformat()} is not a business day ({calendar.holiday_name(day) or 'weekend'})"
        return None, [_at(header, HEADER, "designatedDate", "not_business_day", why)]
    try:
        timing.check_in_time(contract, type_code, day, now, step="request")
    except BulkTransferTooLate as exc:
        return None, [_at(header, HEADER, "designatedDate", "too_late", exc.detail or exc.message_en)]
    return day, []


def bank_problems(items: list[Record]) -> list[Problem]:
    """Each data record's bank and branch codes against the Zengin data (the domain's own lookup)."""
    problems = []
    for rec in items:
        bank_code, branch_code = rec.values["bankCode"], rec.values["branchCode"]
        if "bankCode" in rec.bad:
            continue
        found = beneficiaries.bank(bank_code)
        if found is None:
            problems.append(_at(rec, DATA, "bankCode", "unknown_bank", f"no bank with code {bank_code}"))
        elif "branchCode" not in rec.bad and branch_code not in found.branches:
            why = f"bank {bank_code} has no branch {branch_code}"
            problems.append(_at(rec, DATA, "branchCode", "unknown_branch", why))
    return problems


def check(
    db: Database, contract: dict[str, Any], data: bytes, account_id: str | None, now: datetime
) -> tuple[TransferFile, dict[str, Any] | None, date | None]:
    """The file read and checked against the bank: every problem in ``file.problems``."""
    file = read_transfer(data)
    account, day = None, None
    if file.header is None:
        return file, None, None
    account, found = remitter_account(db, contract, file.header, account_id)
    file.problems += found
    day, found = designated_date(contract, file.header, file.header.values["typeCode"], now)
    file.problems += found
    file.problems += bank_problems(file.items)
    try:
        timing.check_count(contract, len(file.items))
    except BulkTransferTooManyItems as exc:
        file.problems.append(Problem(None, None, None, "too_many_items", exc.detail or exc.message_en))
    return file, account, day


def body(file: TransferFile, account: dict[str, Any], day: date, name: str | None) -> dict[str, Any]:
    """The file as the JSON body of ``/bulktransfer/request`` (itemId n is record n + 1)."""
    assert file.header is not None
    header = file.header.values
    identification = any(i.values["identification"] == "Y" for i in file.items)
    return {
        "accountId": account["id"],
        "transferDataName": name or DEFAULT_NAME,
        "typeCode": header["typeCode"],
        "remitterCode": header["remitterCode"],
        "remitterName": header["remitterName"],  # 依頼人名: what the payees' statements show
        "transferDesignatedDate": day.isoformat(),
        "transferDesignatedType": "7",
        "identification": "Y" if identification else "N",
        "totalCount": str(len(file.items)),
        "totalAmount": str(sum(number(i.values, "amount") for i in file.items)),
        "transfers": [_item(n, rec.values) for n, rec in enumerate(file.items, start=1)],
    }


def _item(item_id: int, values: dict[str, str]) -> dict[str, Any]:
    item = {
        "itemId": str(item_id),
        "transferAmount": str(int(values["amount"])),
        "newCode": values["newCode"],
        "beneficiaryBankCode": values["bankCode"],
        "beneficiaryBranchCode": values["branchCode"],
        "accountTypeCode": values["accountType"],
        "accountNumber": values["accountNumber"],
        "beneficiaryName": values["beneficiaryName"],
    }
    if values["identification"] == "Y" and values["customerCodes"]:
        item["ediInfo"] = values["customerCodes"]
    return item


def upload(
    db: Database, contract: dict[str, Any], data: bytes, actor: Actor, now: datetime, **opts: Any
) -> dict[str, Any]:
    """The file as a new bulk request 申請中, or :class:`ZenginFileInvalid` with every problem and nothing made.

    ``opts``: ``account_id`` the header must name (optional) and ``name`` (transferDataName).
    """
    file, account, day = check(db, contract, data, opts.get("account_id"), now)
    if file.problems:
        raise ZenginFileInvalid(file.problems)
    assert account is not None and day is not None
    sent = body(file, account, day, opts.get("name"))
    clear = {**contract, "settings": {**contract["settings"], "fieldEncryption": "off"}}
    try:
        draft = bulk_input.parse_request(db, sent, contract=clear, client_id=None, now=now)
        req, _now = lifecycle.create(db, [contract["id"]], account["id"], draft, actor)
    except BankError as exc:
        if exc.status != 400:  # not about the file: the contract is not active, the store is busy…
            raise
        raise ZenginFileInvalid(translate(exc, file)) from exc
    return req


def translate(exc: BankError, file: TransferFile) -> list[Problem]:
    """A refusal of the domain as problems of the file (an item's field → its record and byte position)."""
    problems = []
    for detail in exc.transfer_details:
        rec = file.items[int(detail["itemId"]) - 1]
        for found in detail["errorDetails"]:
            key = ITEM_FIELDS.get(found["errorDetailsCode"])
            f = DATA.field(key) if key else None
            name = f.name if f else found["errorDetailsCode"]
            problems.append(
                Problem(rec.number, f.start if f else None, name, exc.code, found["errorDetailsMessage"])
            )
    if not problems:
        key = HEADER_FIELDS.get(exc.details[0]["errorDetailsCode"] if exc.details else "")
        f = HEADER.field(key) if key else None
        record = file.header.number if f and file.header else None
        problems.append(Problem(record, f.start if f else None, f.name if f else None, exc.code, str(exc)))
    return problems
