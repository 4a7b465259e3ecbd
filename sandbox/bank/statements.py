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
    # A key is never earlier than its posting's time, so dateFrom bounds the key range too (index range scan).
    return rows(
        db,
        f"SELECT {_COLUMNS} FROM postings WHERE account_id = ? AND item_key > ? AND item_key >= ?"
        " AND value_date >= ? AND value_date <= ? ORDER BY item_key LIMIT ?",
        (account_id, after, date_from.replace("-", ""), date_from, date_to, limit),
    )


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


def date_range(
    db: Database, account_id: str, today: date, date_from: date | None, date_to: date | None
) -> tuple[date, date]:
    """The value-date range a request means: nothing = today; only ``dateFrom`` = to today; only ``dateTo`` =
    from the account's first transaction (as at the bank). Refuses reversed ranges and future ``dateTo``."""
    if date_from is None:
        first = ledger.first_value_date(db, account_id) if date_to is not None else None
        date_from = min(date_to, date.fromisoformat(first)) if date_to and first else (date_to or today)
    date_to = date_to or today
    if date_from > date_to:
        raise InvalidParameter("dateFrom must not be after dateTo", field="dateFrom")
    if date_to > today:
        raise InvalidParameter(
            f"dateTo must not be after today ({today}) on the contract clock", field="dateTo"
        )
    return date_from, date_to


def api_page(db: Database, account_id: str, span: tuple[date, date], after: str) -> dict[str, Any]:
    """One page of the read API's statement: its lines, whether more follow, and the next page's key."""
    found = lines(db, account_id, span[0].isoformat(), span[1].isoformat(), after=after, limit=PAGE + 1)
    page, more = found[:PAGE], len(found) > PAGE
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
