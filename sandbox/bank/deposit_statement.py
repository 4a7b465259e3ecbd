"""The deposit statement (振込入金明細): an account's incoming transfers only, with who paid and from where.

Lines are the account's credits from deposits (from other banks: the control API, the CLI, seeded history)
and from transfers (from sandbox accounts), in the statement's item-key order and paged by the same keys;
資金返却, internal 振替 and fees are not incoming transfers and are left out.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sandbox.bank import remitters
from sandbox.bank.statements import PAGE, lower_bound
from sandbox.store import Database, rows

_SQL = (
    "SELECT p.id, p.amount, p.value_date, p.posted_at, p.counterparty_kana, p.edi, p.item_key, j.kind,"
    " r.bank_code, r.bank_name, r.branch_code, r.branch_name, s.branch_code AS source_branch, vp.va_id"
    " FROM postings p JOIN journals j ON j.id = p.journal_id"
    " LEFT JOIN remitters r ON r.journal_id = p.journal_id"
    " LEFT JOIN va_payments vp ON vp.journal_id = p.journal_id"
    " LEFT JOIN transfer_requests t ON j.kind = 'transfer' AND t.apply_no = j.ref"
    " LEFT JOIN accounts s ON s.id = t.account_id"
    " WHERE p.account_id = ? AND p.item_key > ? AND p.value_date >= ? AND p.value_date <= ?"
    " AND p.amount > 0 AND j.kind IN ('deposit', 'transfer') ORDER BY p.item_key LIMIT ?"
)


def page(
    db: Database, account_id: str, span: tuple[date, date], after: str, size: int = PAGE
) -> dict[str, Any]:
    """One page of up to ``size`` incoming transfers after the key ``after``: lines with their paying bank,
    whether more follow, and the next page's key (the last line's)."""
    start, end = span[0].isoformat(), span[1].isoformat()
    found = rows(db, _SQL, (account_id, lower_bound(after, start), start, end, size + 1))
    lines = [_with_bank(line) for line in found[:size]]
    more = len(found) > size
    return {"lines": lines, "more": more, "next": lines[-1]["item_key"] if more else None}


def _with_bank(line: dict[str, Any]) -> dict[str, Any]:
    """The line with its paying bank: recorded, the sending sandbox account's branch, or the usual one."""
    if line["bank_code"]:
        bank = remitters.PayingBank(
            line["bank_code"], line["bank_name"], line["branch_code"], line["branch_name"]
        )
    elif line["source_branch"]:
        bank = remitters.sandbox_branch(line["source_branch"])
    else:
        bank = remitters.usual(line["counterparty_kana"])
    return {**line, "paying": bank}
