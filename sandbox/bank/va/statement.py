"""The virtual accounts' deposit statement (``GET /va/deposit-transactions``): the money a parent account
(``raId``) received through its VAs, with the VA, the remitter and the paying bank, paged by the parent
account's item keys like every statement. It reaches back at most 6 months (the first day of the month six
months before today, on the contract clock).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sandbox.bank import remitters
from sandbox.bank.statements import PAGE, history_start, lower_bound
from sandbox.bank.va.errors import VaDateRangeInvalid
from sandbox.store import Database, rows

MONTHS = 6
_SQL = (
    "SELECT p.amount, p.value_date, p.posted_at, p.counterparty_kana, p.edi, p.item_key,"
    " v.va_id, v.branch_code, v.branch_name, v.account_number, v.holder_kana,"
    " r.bank_code, r.bank_name, r.branch_code AS paying_branch_code, r.branch_name AS paying_branch_name"
    " FROM va_payments vp JOIN virtual_accounts v ON v.contract_id = vp.contract_id AND v.va_id = vp.va_id"
    " JOIN postings p ON p.journal_id = vp.journal_id AND p.account_id = ?"
    " LEFT JOIN remitters r ON r.journal_id = vp.journal_id"
    " WHERE vp.contract_id = ? AND vp.outcome = 'credited' AND p.item_key > ?"
    " AND p.value_date >= ? AND p.value_date <= ?"
)


def date_range(today: date, asked: tuple[date | None, date | None]) -> tuple[date, date]:
    """Nothing = today; only ``dateFrom`` = to today; only ``dateTo`` = from the window's start. A reversed
    range, a future ``dateTo`` or a date before the 6-month window is ``VaDateRangeInvalid``."""
    oldest = history_start(today, MONTHS)
    assert oldest is not None
    date_from, date_to = asked
    if date_from is None:
        date_from = oldest if date_to is not None else today
    date_to = date_to or today
    for name, value in (("dateFrom", date_from), ("dateTo", date_to)):
        if value < oldest:
            raise VaDateRangeInvalid(f"{name} must not be before {oldest} (6 months)", field=name)
    if date_to > today:
        raise VaDateRangeInvalid(f"dateTo must not be after today ({today})", field="dateTo")
    if date_from > date_to:
        raise VaDateRangeInvalid("dateFrom must not be after dateTo", field="dateFrom")
    return date_from, date_to


def page(
    db: Database, contract_id: str, ra_id: str, span: tuple[date, date], after: str, va_id: str | None
) -> dict[str, Any]:
    """One page of VA credits to ``ra_id`` (of one VA with ``va_id``) after the key ``after``."""
    start, end = span[0].isoformat(), span[1].isoformat()
    sql, params = _SQL, [ra_id, contract_id, lower_bound(after, start), start, end]
    if va_id is not None:
        sql, params = sql + " AND vp.va_id = ?", [*params, va_id]
    found = rows(db, sql + " ORDER BY p.item_key LIMIT ?", [*params, PAGE + 1])
    lines = [view(line) for line in found[:PAGE]]
    more = len(found) > PAGE
    return {"lines": lines, "more": more, "next": lines[-1]["itemKey"] if more else None}


def view(line: dict[str, Any]) -> dict[str, Any]:
    """One line: the VA paid, when, how much, who paid and from which bank; ``remarks`` as the bank writes."""
    if line["bank_code"]:
        paying = remitters.PayingBank(
            line["bank_code"], line["bank_name"], line["paying_branch_code"], line["paying_branch_name"]
        )
    else:
        paying = remitters.usual(line["counterparty_kana"])
    remitter = line["counterparty_kana"] or ""
    found = {
        "vaId": line["va_id"],
        "vaBranchCode": line["branch_code"],
        "vaBranchNameKana": line["branch_name"],
        "vaAccountNumber": line["account_number"],
        "vaHolderNameKana": line["holder_kana"],
        "transactionDate": line["posted_at"][:10],
        "valueDate": line["value_date"],
        "depositAmount": str(line["amount"]),
        "remitterNameKana": remitter,
        "paymentBankName": paying.bank_name,
        "paymentBranchName": paying.branch_name,
        "ediInfo": line["edi"],
        "remarks": " ".join(part for part in ("振込", line["edi"], remitter) if part),
        "itemKey": line["item_key"],
    }
    return {k: v for k, v in found.items() if v is not None}
