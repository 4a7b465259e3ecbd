"""Reconciliation (消込) as a careful accounting system does it: every page of the deposit statement
(振込入金明細) of every account the invoices name, keys kept as strings, then each invoice matched in passes
from the surest to the loosest:

1. the EDI carries the invoice number (whoever paid, whatever the amount);
2. the customer's kana name and the exact amount;
3. the name and an amount off by a deducted transfer fee (short, up to 880 yen) or a small overpayment
   (up to 1,000 yen);
4. the name and two payments that add up to the amount (a split payment).

An invoice nothing matches stays open (a reminder, not a guess). The invoices come from the sandbox's control
API (a real system has them in its own books); the result is reported back there, to be graded.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations
from typing import Any

import requests

SHORT_TOLERANCE = 880  # the largest transfer fee a payer deducts
OVER_TOLERANCE = 1000

Line = dict[str, Any]


class Books:
    """The invoices (from the sandbox, standing in for the client's own books) and where results go."""

    def __init__(self, base_url: str, contract_id: str, sandbox_key: str | None) -> None:
        self.url = f"{base_url.rstrip('/')}/sandbox/v1/contracts/{contract_id}/invoices"
        self.headers = {"X-Sandbox-Key": sandbox_key or ""}

    def invoices(self) -> list[dict[str, Any]]:
        answer = requests.get(self.url, headers=self.headers, timeout=10)
        answer.raise_for_status()
        return answer.json()["invoices"]

    def report(self, matches: dict[str, list[str]]) -> dict[str, Any]:
        answer = requests.post(
            f"{self.url}/reconciliation", json={"matches": matches}, headers=self.headers, timeout=10
        )
        answer.raise_for_status()
        return answer.json()


def statement(
    get: Callable[..., dict[str, Any]], account_id: str, date_from: str, date_to: str
) -> list[Line]:
    """Every line of the account's deposit statement in the range, page after page (keys as strings)."""
    lines: list[Line] = []
    params = {"accountId": account_id, "dateFrom": date_from, "dateTo": date_to}
    while True:
        page = get("/corporation/v1/accounts/deposit-transactions", **params)
        lines += [{**line, "accountId": account_id} for line in page["depositTransactions"]]
        if not page.get("hasNext"):
            return lines
        params["nextItemKey"] = page["nextItemKey"]


def match(invoices: list[dict[str, Any]], lines: list[Line]) -> dict[str, list[str]]:
    """Invoice number → the item keys that pay it, in four passes (see the module's docstring)."""
    free = {line["itemKey"]: line for line in lines}
    found: dict[str, list[str]] = {}
    passes: list[Callable[[dict[str, Any], list[Line]], list[Line] | None]] = [_by_edi, _exact, _near, _split]
    for rule in passes:
        for invoice in invoices:
            if invoice["invoiceNo"] in found:
                continue
            candidates = [line for line in free.values() if line["accountId"] == invoice.get("accountId")]
            chosen = rule(invoice, candidates)
            if chosen:
                found[invoice["invoiceNo"]] = [line["itemKey"] for line in chosen]
                for line in chosen:
                    free.pop(line["itemKey"])
    return found


def _by_edi(invoice: dict[str, Any], lines: list[Line]) -> list[Line] | None:
    return next(([line] for line in lines if line.get("ediInfo") == invoice["invoiceNo"]), None)


def _same_name(invoice: dict[str, Any], lines: list[Line]) -> list[Line]:
    return [line for line in lines if line["applicantName"] == invoice["customerNameKana"]]


def _exact(invoice: dict[str, Any], lines: list[Line]) -> list[Line] | None:
    return next(([line] for line in _same_name(invoice, lines) if line["amount"] == invoice["amount"]), None)


def _near(invoice: dict[str, Any], lines: list[Line]) -> list[Line] | None:
    owed = int(invoice["amount"])
    for line in _same_name(invoice, lines):
        difference = owed - int(line["amount"])
        if 0 < difference <= SHORT_TOLERANCE or 0 < -difference <= OVER_TOLERANCE:
            return [line]
    return None


def _split(invoice: dict[str, Any], lines: list[Line]) -> list[Line] | None:
    owed = int(invoice["amount"])
    for first, second in combinations(_same_name(invoice, lines), 2):
        if int(first["amount"]) + int(second["amount"]) == owed:
            return [first, second]
    return None
