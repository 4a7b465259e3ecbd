"""Seed hook (listed in sandbox/seeding/worlds.py, HOOKS): a month of invoices and their payments, so that
reconciliation (消込) can be practised from the first start.

The payments are the month of incoming transfers the history already holds (from the trading partners):
each becomes the payment of an invoice the contract issued to that partner — most for the exact amount,
some short-paid (the partner deducted the transfer fee), some over-paid, some split in two, some paid under
another name but with the invoice number as EDI. Two invoices stay unpaid. Nothing is scheduled: moving a
seeded clock brings no money by itself (add payers for that, ``POST …/payers``).
Everything comes from a generator seeded by the world's seed and the contract id: other hooks never change
these invoices, nor they theirs.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from sandbox import clock
from sandbox.seeding.model import World
from sandbox.store import Database, insert, rows

WINDOW_DAYS = 30  # the month of payments before the start that invoices are made for
FEES = (440, 660, 880)  # what a partner deducts when it pays short (振込手数料)
_DEPOSITS = (
    "SELECT p.journal_id, p.account_id, p.amount, p.value_date, p.counterparty_kana, p.edi FROM postings p"
    " JOIN journals j ON j.id = p.journal_id JOIN accounts a ON a.id = p.account_id"
    " WHERE j.kind = 'deposit' AND a.contract_id = ? AND p.amount > 0 AND p.value_date >= ? AND p.value_date < ?"
    " ORDER BY p.item_key"
)


def seed_invoices(world: World) -> None:
    """Every contract's month of invoices, paid by its history's incoming transfers (two left unpaid)."""
    names = {kana: name for name, kana in world.extras.get("partners", [])}
    for built in world.contracts:
        rng = random.Random(f"invoices/{world.seed}/{built['id']}")
        _Month(world.db, built["id"], world.start, rng, names).make()


class _Month:
    """One contract's invoices being drawn: numbered in issue order, each written with its payments."""

    def __init__(
        self, db: Database, contract_id: str, start: datetime, rng: random.Random, names: dict[str, str]
    ):
        self.db, self.contract_id, self.rng, self.names = db, contract_id, rng, names
        self.today = start.astimezone(clock.JST).date()
        self.start, self.count, self.numbers = start, 0, set()

    def make(self) -> None:
        since = self.today - timedelta(days=WINDOW_DAYS)
        deposits = rows(self.db, _DEPOSITS, (self.contract_id, since.isoformat(), self.today.isoformat()))
        used: set[int] = set()
        for index, deposit in enumerate(deposits):
            if deposit["journal_id"] in used:
                continue
            used.add(deposit["journal_id"])
            partner = self._split_partner(deposits[index + 1 :], deposit, used)
            if partner is not None:
                used.add(partner["journal_id"])
                self._invoice([deposit, partner], "split", deposit["amount"] + partner["amount"])
            else:
                self._paid(deposit)
        for _ in range(2):
            self._unpaid(deposits)

    def _split_partner(
        self, later: list[dict[str, Any]], first: dict[str, Any], used: set[int]
    ) -> dict[str, Any] | None:
        """Another payment of the same partner to the same account, without EDI, taken as a split's second part."""
        if first["edi"] or self.rng.random() >= 0.5:
            return None
        return next(
            (
                d
                for d in later
                if d["journal_id"] not in used
                and not d["edi"]
                and d["counterparty_kana"] == first["counterparty_kana"]
                and d["account_id"] == first["account_id"]
            ),
            None,
        )

    def _paid(self, deposit: dict[str, Any]) -> None:
        """An invoice the deposit pays: exact, short (a fee deducted), over, or (with an EDI) under another name."""
        draw, amount = self.rng.random(), deposit["amount"]
        if draw < 0.2:
            self._invoice([deposit], "short", amount + self.rng.choice(FEES))
        elif draw < 0.3 and amount > 2000:
            self._invoice([deposit], "over", amount - 1000)
        elif draw < 0.4 and deposit["edi"] and deposit["edi"] not in self.numbers:  # the EDI names it
            others = sorted(k for k in self.names if k != deposit["counterparty_kana"]) or ["ｶ)ﾍﾞﾂﾒｲｼﾖｳｼﾞ"]
            self._invoice([deposit], "other-name", amount, customer=self.rng.choice(others))
        else:
            self._invoice([deposit], "exact", amount)

    def _invoice(
        self, paid_by: list[dict[str, Any]], pattern: str, amount: int, customer: str | None = None
    ) -> int:
        first = paid_by[0]
        paid_on = date.fromisoformat(first["value_date"])
        due = min(paid_on + timedelta(days=self.rng.randrange(0, 6)), self.today)
        number = (
            first["edi"]
            if first["edi"] and first["edi"] not in self.numbers
            else self._number(due - timedelta(days=30))
        )
        kana = customer or first["counterparty_kana"]
        invoice_id = self._write(number, kana, amount, due, first["account_id"], pattern)
        for deposit in paid_by:
            self.db.conn.execute(
                "INSERT INTO invoice_payments (invoice_id, journal_id) VALUES (?, ?)",
                (invoice_id, deposit["journal_id"]),
            )
        return invoice_id

    def _number(self, issued: date) -> str:
        self.count += 1
        return f"INV{issued:%Y%m}-{self.count:03d}"

    def _write(self, number: str, kana: str, amount: int, due: date, account_id: str, pattern: str) -> int:
        self.numbers.add(number)
        return insert(
            self.db,
            "invoices",
            {
                "contract_id": self.contract_id,
                "invoice_no": number,
                "customer_name": self.names.get(kana, kana),
                "customer_kana": kana,
                "amount": amount,
                "issued_on": (due - timedelta(days=30)).isoformat(),
                "due_on": due.isoformat(),
                "account_id": account_id,
                "va_id": None,
                "pattern": pattern,
            },
        )

    def _unpaid(self, deposits: list[dict[str, Any]]) -> None:
        """An invoice due in the past month that nobody paid (a reminder is due, not a match)."""
        if not deposits or not self.names:
            return
        kana = self.rng.choice(sorted(self.names))
        due = self.today - timedelta(days=self.rng.randrange(1, WINDOW_DAYS))
        amount = self.rng.randrange(8_000, 280_000) * 10
        self._write(
            self._number(due - timedelta(days=30)), kana, amount, due, deposits[0]["account_id"], "unpaid"
        )
