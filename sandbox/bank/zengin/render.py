"""Writing 全銀 files: the 入出金取引明細 (種別 03) and 振込入金通知 (種別 01) of an account over a date range,
in 200-byte records with era-calendar dates, and 総合振込 files (120 bytes) from values.

The 03 file holds the same lines as ``/corporation/v1/accounts/transactions`` (the ledger's postings in
item-key order, running balance and all); the 01 file the same lines as the deposit statement (振込入金明細).
Text is written in the Zengin half-width set: anything else in a name is replaced by a space, and names
longer than their field are cut, as banks print them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sandbox import clock
from sandbox.bank import accounts, beneficiaries, deposit_statement, kana
from sandbox.bank.zengin import codec, layouts
from sandbox.store import Database, row, rows

CRLF = b"\r\n"
REIWA, HEISEI = date(2019, 5, 1), date(1989, 1, 8)
INCOMING = ("deposit", "transfer", "bulk_transfer", "transfer_return")  # 取引区分 11 振込; the rest 18 その他
_LINES = (
    "SELECT p.amount, p.balance_after, p.value_date, p.description, p.counterparty_kana, p.edi, j.kind"
    " FROM postings p JOIN journals j ON j.id = p.journal_id"
    " WHERE p.account_id = ? AND p.value_date >= ? AND p.value_date <= ? ORDER BY p.item_key"
)


def era(day: date) -> str:
    """A date as the era calendar's YYMMDD (令和 from 2019-05-01, 平成 before): 2026-04-01 → 080401."""
    year = day.year - 2018 if day >= REIWA else day.year - 1988
    if day < HEISEI:
        raise ValueError(f"{day} is before 平成")
    return f"{year:02d}{day:%m%d}"


def text(value: str | None) -> str:
    """A name or 摘要 in the Zengin half-width set (readable kana converted, anything else a space)."""
    half = kana.to_zengin(value or "")
    return "".join(" " if kana.invalid_characters(c) else c for c in half)


def join(records: Iterable[bytes], crlf: bool = True) -> bytes:
    """Records as a file: each followed by CRLF (the default), or back to back."""
    return b"".join(r + CRLF if crlf else r for r in records)


def transfer_file(header: dict[str, Any], items: list[dict[str, Any]], crlf: bool = True) -> bytes:
    """A 総合振込 file from header and data values (keys of the layouts); trailer totals computed."""
    total = sum(int(i["amount"]) for i in items)
    return join(
        [
            codec.encode(layouts.TRANSFER_HEADER, header),
            *(codec.encode(layouts.TRANSFER_DATA, item) for item in items),
            codec.encode(layouts.TRANSFER_TRAILER, {"totalCount": len(items), "totalAmount": total}),
            codec.encode(layouts.TRANSFER_END, {}),
        ],
        crlf,
    )


def _account_header(account: dict[str, Any], span: tuple[date, date], now: datetime) -> dict[str, Any]:
    """The header fields both 200-byte files share: dates, the bank, branch and account."""
    bank = beneficiaries.bank(accounts.BANK_CODE)
    branch = bank.branches.get(account["branch_code"]) if bank else None
    return {
        "createdOn": era(now.astimezone(clock.JST).date()),
        "dateFrom": era(span[0]),
        "dateTo": era(span[1]),
        "bankCode": accounts.BANK_CODE,
        "bankName": text(bank.kana if bank else ""),
        "branchCode": account["branch_code"],
        "branchName": text(branch.kana if branch else ""),
        "accountType": account["account_type"],
        "accountNumber": account["account_number"],
        "accountName": text(account["holder_kana"]),
    }


def _opening_balance(db: Database, account_id: str, first: date) -> int:
    """The balance before the first day: the last posting's balance before it, else 0."""
    found = row(
        db,
        "SELECT balance_after FROM postings WHERE account_id = ? AND value_date < ? ORDER BY item_key DESC LIMIT 1",
        (account_id, first.isoformat()),
    )
    return found["balance_after"] if found else 0


def statement_file(db: Database, account: dict[str, Any], span: tuple[date, date], now: datetime) -> bytes:
    """入出金取引明細 (03): header with the opening balance, one data record per line, totals, end."""
    opening = _opening_balance(db, account["id"], span[0])
    found = rows(db, _LINES, (account["id"], span[0].isoformat(), span[1].isoformat()))
    header = {**_account_header(account, span, now), "overdraft": _sign(opening), "passbook": 0}
    records = [codec.encode(layouts.STATEMENT_HEADER, {**header, "openingBalance": abs(opening)})]
    records += [codec.encode(layouts.STATEMENT_DATA, _statement_line(n, p)) for n, p in enumerate(found, 1)]
    closing = found[-1]["balance_after"] if found else opening
    credits = [p["amount"] for p in found if p["amount"] > 0]
    debits = [-p["amount"] for p in found if p["amount"] < 0]
    trailer = {
        "creditCount": len(credits),
        "creditTotal": sum(credits),
        "debitCount": len(debits),
        "debitTotal": sum(debits),
        "overdraft": _sign(closing),
        "closingBalance": abs(closing),
        "recordCount": len(found),
    }
    records += [codec.encode(layouts.STATEMENT_TRAILER, trailer), codec.encode(layouts.STATEMENT_END, {})]
    return join(records)


def _sign(balance: int) -> int:
    """貸越区分: 1 a positive balance, 2 an overdraft."""
    return 1 if balance >= 0 else 2


def _statement_line(number: int, posting: dict[str, Any]) -> dict[str, Any]:
    day = era(date.fromisoformat(posting["value_date"]))
    return {
        "inquiryNumber": number,
        "bookedOn": day,
        "valueOn": day,
        "direction": 1 if posting["amount"] > 0 else 2,
        "transactionType": 11 if posting["kind"] in INCOMING else 18,
        "amount": abs(posting["amount"]),
        "counterparty": text(posting["counterparty_kana"]),
        "description": text(posting["description"]),
        "edi": text(posting["edi"]),
    }


def notice_file(db: Database, account: dict[str, Any], span: tuple[date, date], now: datetime) -> bytes:
    """振込入金通知 (01): the deposit statement's lines (incoming transfers) with their paying bank."""
    lines, after = [], ""
    while True:
        page = deposit_statement.page(db, account["id"], span, after)
        lines += page["lines"]
        if not page["more"]:
            break
        after = page["next"]
    records = [codec.encode(layouts.NOTICE_HEADER, _account_header(account, span, now))]
    records += [codec.encode(layouts.NOTICE_DATA, _notice_line(n, line)) for n, line in enumerate(lines, 1)]
    trailer = {"count": len(lines), "total": sum(line["amount"] for line in lines)}
    records += [codec.encode(layouts.NOTICE_TRAILER, trailer), codec.encode(layouts.NOTICE_END, {})]
    return join(records)


def _notice_line(number: int, line: dict[str, Any]) -> dict[str, Any]:
    day = era(date.fromisoformat(line["value_date"]))
    return {
        "inquiryNumber": number,
        "bookedOn": day,
        "valueOn": day,
        "amount": line["amount"],
        "remitterName": text(line["counterparty_kana"]),
        "payingBank": text(line["paying"].bank_name),
        "payingBranch": text(line["paying"].branch_name),
        "edi": text(line["edi"]),
    }


DOWNLOADS = {"03": statement_file, "01": notice_file}  # 種別コード → the file's writer
FILE_NAMES = {"03": "nyushukkin", "01": "furikomi-nyukin"}


def download(
    db: Database, account: dict[str, Any], kind: str, span: tuple[date, date], now: datetime
) -> bytes:
    """The 03 or 01 file of ``account`` over ``span`` (value dates, both included)."""
    return DOWNLOADS[kind](db, account, span, now)


def file_name(kind: str, account: dict[str, Any], span: tuple[date, date]) -> str:
    """The name a download is offered under, e.g. ``nyushukkin-791011571600-20260301-20260331.txt``."""
    return f"{FILE_NAMES[kind]}-{account['id']}-{span[0]:%Y%m%d}-{span[1]:%Y%m%d}.txt"
