"""An account's statement (入出金明細): the date range a request means, its history window, and its lines a
page at a time, as the read API and the dashboard page through them.

Lines come in contract-time order at the source: by item key (:mod:`sandbox.bank.itemkeys`), which follows the
posting's contract-clock time and the order the balance moved, so the running balance always agrees with the
order shown. ``nextItemKey`` is the last line's key; the next page starts just after it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sandbox.bank import itemkeys, ledger
from sandbox.errors import BankError, InvalidParameter
from sandbox.store import Database, rows

PAGE = 500  # statement lines per API page (DESIGN §4)
_COLUMNS = "id, amount, balance_after, value_date, posted_at, description, counterparty_kana, edi, item_key"


class ItemKeyInvalid(BankError):
    """``nextItemKey`` is not a 20-digit key from a previous page (e.g. an integer cursor of an older
    sandbox, or a key parsed as a number and printed back rounded)."""

    code, status = "item_key_invalid", 400
    message_ja, message_en = "明細キーに誤りがあります。", "nextItemKey is not a key this statement gave."


def lines(
    db: Database, account_id: str, date_from: str, date_to: str, *, after: str = "", limit: int = PAGE
) -> list[dict[str, Any]]:
    """Up to ``limit`` statement lines between two value dates, after the key ``after`` ("" from the start)."""
    return rows(
        db,
        f"SELECT {_COLUMNS} FROM postings WHERE account_id = ? AND item_key > ?"
        " AND value_date >= ? AND value_date <= ? ORDER BY item_key LIMIT ?",
        (account_id, lower_bound(after, date_from), date_from, date_to, limit),
    )


def lower_bound(after: str, date_from: str) -> str:
    """The key range's exclusive start: after ``after``, and from ``date_from`` on — a key is never earlier
    than its posting's time, and the 8 digits ``YYYYMMDD`` sort before every 20-digit key of that day (so the
    index scan starts at the range, not at the account's first line)."""
    return max(after, date_from.replace("-", ""))


def cursor(value: str | None) -> str:
    """The key a page resumes after: "" for the first page; anything but a 20-digit key is refused."""
    if value is None or value == "":
        return ""
    if not itemkeys.well_formed(value):
        raise ItemKeyInvalid(
            f"nextItemKey must be the 20-digit key of a previous page, not {value[:32]!r}",
            field="nextItemKey",
        )
    return value


class StatementHistoryExceeded(BankError):
    """The range starts before the contract's statement history window (``statementHistoryMonths``)."""

    code, status = "statement_history_exceeded", 400
    message_ja, message_en = (
        "照会可能期間を超えています。",
        "The range starts before the statement history the contract's plan keeps.",
    )


def history_start(today: date, months: int) -> date | None:
    """The first day a statement reaches back to: the first day of the month ``months`` before today's
    (0: no limit, None). Web21 plans keep 12 months, 6 months, or the previous month (1)."""
    if months <= 0:
        return None
    index = today.year * 12 + today.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def date_range(
    db: Database,
    account_id: str,
    today: date,
    asked: tuple[date | None, date | None],
    history_months: int = 0,
) -> tuple[date, date]:
    """The value-date range a request (``dateFrom``, ``dateTo``, each None when absent) means: nothing = today;
    only ``dateFrom`` = to today; only ``dateTo`` = from the account's first transaction (within the history
    window), as at the bank. Refuses reversed ranges, a future ``dateTo`` and dates before the window."""
    date_from, date_to = asked
    oldest = history_start(today, history_months)
    _check_window(asked, oldest, history_months)
    if date_from is None:
        date_from = _first_day(db, account_id, date_to, oldest) if date_to else today
    date_to = date_to or today
    if date_from > date_to:
        raise InvalidParameter("dateFrom must not be after dateTo", field="dateFrom")
    if date_to > today:
        raise InvalidParameter(
            f"dateTo must not be after today ({today}) on the contract clock", field="dateTo"
        )
    return date_from, date_to


def _check_window(asked: tuple[date | None, date | None], oldest: date | None, months: int) -> None:
    """Refuse a ``dateFrom`` or ``dateTo`` before the history window's first day."""
    for name, value in zip(("dateFrom", "dateTo"), asked, strict=True):
        if oldest and value and value < oldest:
            raise StatementHistoryExceeded(
                f"{name} must not be before {oldest}: the statement keeps {months} month(s)", field=name
            )


def _first_day(db: Database, account_id: str, date_to: date, oldest: date | None) -> date:
    """Only ``dateTo`` given: the account's first value date, no earlier than the history window."""
    first = ledger.first_value_date(db, account_id)
    found = min(date_to, date.fromisoformat(first)) if first else date_to
    return max(found, oldest) if oldest else found


def api_page(
    db: Database, account_id: str, span: tuple[date, date], after: str, size: int = PAGE
) -> dict[str, Any]:
    """One page of the read API's statement: up to ``size`` lines (the contract's ``statementPageSize``),
    whether more follow, and the next page's key."""
    found = lines(db, account_id, span[0].isoformat(), span[1].isoformat(), after=after, limit=size + 1)
    page, more = found[:size], len(found) > size
    return {"lines": page, "more": more, "next": page[-1]["item_key"] if more else None}


def page(
    db: Database, account_id: str, date_from: str, date_to: str, after: str, size: int
) -> dict[str, Any]:
    """The dashboard's page: up to ``size`` lines after the key ``after``, with the cursors of the next and
    previous pages (``next`` None on the last page, ``prev`` None on the first)."""
    found = lines(db, account_id, date_from, date_to, after=after, limit=size + 1)
    return {
        "lines": found[:size],
        "next": found[size - 1]["item_key"] if len(found) > size else None,
        "prev": _previous(db, account_id, date_from, date_to, found[0]["item_key"], size)
        if after and found
        else None,
        "from": date_from,
        "to": date_to,
        "after": after,
    }


def _previous(db: Database, account_id: str, date_from: str, date_to: str, first: str, size: int) -> str:
    """The ``after`` cursor of the page before the one starting at key ``first`` ("": the first page)."""
    found = rows(
        db,
        "SELECT item_key FROM postings WHERE account_id = ? AND value_date >= ? AND value_date <= ?"
        " AND item_key < ? ORDER BY item_key DESC LIMIT 1 OFFSET ?",
        (account_id, date_from, date_to, first, size),
    )
    return found[0]["item_key"] if found else ""
