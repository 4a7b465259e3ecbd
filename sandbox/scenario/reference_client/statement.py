"""Reading a whole statement (入出金明細), page by page, the way a careful integration does.

The bank pages a statement (500 lines a page at the bank; fewer when a rehearsal sets
``statementPageSize``) and each page but the last ends with ``hasNext: true`` and a ``nextItemKey``. That
key is **20 digits** — beyond a signed 64-bit integer and beyond a JavaScript number's exact range (2^53) —
so it is an opaque string: the next request carries it back exactly as it came, never parsed, rounded
or reformatted. A client that parses it as a number sends back a different key and pages from the wrong
place (lines repeated or skipped) or in circles.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)
PATH = "/corporation/v1/accounts/transactions"
MAX_PAGES = 10_000  # a statement longer than 5 million lines is a bug, not a statement


class PagingBroken(LookupError):
    """The bank sent the same ``nextItemKey`` twice: paging would never end."""


class StatementReader:
    """Reads every page of one account's statement with ``get(path, **params) -> answer``."""

    def __init__(self, get: Callable[..., dict[str, Any]]) -> None:
        self.get = get

    def follow(self, answer: dict[str, Any]) -> str | None:
        """The key the next page starts after: the answer's ``nextItemKey``, untouched (None: last page)."""
        return answer.get("nextItemKey") if answer.get("hasNext") else None

    def read(self, account: str, date_from: str | None = None) -> dict[str, Any]:
        """Every line of the account's statement from ``date_from`` (default: today) to today."""
        params = {"accountId": account, **({"dateFrom": date_from} if date_from else {})}
        lines: list[dict[str, Any]] = []
        answer = self.get(PATH, **params)
        lines += answer.get("transactions", [])
        pages, seen = 1, set()
        key = self.follow(answer)
        while key is not None and pages < MAX_PAGES:
            if key in seen:
                raise PagingBroken(f"the bank sent nextItemKey {key!r} twice; paging stopped")
            seen.add(key)
            answer = self.get(PATH, **params, nextItemKey=key)
            lines += answer.get("transactions", [])
            pages += 1
            key = self.follow(answer)
        logger.info("statement of %s: %d lines in %d pages", account, len(lines), pages)
        return summary(account, answer, lines, pages)


def summary(account: str, last: dict[str, Any], lines: list[dict[str, Any]], pages: int) -> dict[str, Any]:
    """What the ``statement`` command answers: the lines counted, the closing balance and the totals."""
    credits = sum(int(line["amount"]) for line in lines if line.get("transactionType") == "1")
    debits = sum(int(line["amount"]) for line in lines if line.get("transactionType") != "1")
    return {
        "accountId": account,
        "dateFrom": last.get("dateFrom"),
        "dateTo": last.get("dateTo"),
        "count": len(lines),
        "pages": pages,
        "closingBalance": lines[-1]["balance"] if lines else None,
        "credits": str(credits),
        "debits": str(debits),
        "lastItemKey": lines[-1]["itemKey"] if lines else None,
    }
