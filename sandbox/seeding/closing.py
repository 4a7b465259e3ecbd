"""A seeded world's balances do not depend on its start date (issue 15: the README's figures reproduce).

Each account's balance where its history ends is drawn from the seed alone. The history's movements are
drawn forward over the calendar before the start (how many business days, paydays and fee days that holds
depends on the date); then they are walked **backwards** from those balances: each movement is undone, a
credit that would leave a negative balance before it is left out, and what remains at the first day is the
opening balance (繰越). Played forward again, no balance is ever negative and each ends where it was drawn.
"""

from __future__ import annotations

import random

from sandbox.bank import ledger
from sandbox.seeding.history import Movement


def closing_balance(seed: int, contract_id: str, index: int, size: int) -> int:
    """The balance of the contract's ``index``-th account where the history ends: 60–140 % of its
    ``opening`` size in the world file, in tens of yen, drawn from the seed and the contract alone."""
    rng = random.Random(f"closing/{seed}/{contract_id}/{index}")
    return rng.randrange(size * 6 // 100, size * 14 // 100 + 1) * 10


def settle(
    movements: list[Movement], fee_accounts: dict[str, str], closing: dict[str, int]
) -> list[Movement]:
    """``movements`` (in time order) with the fee legs on their EB fee accounts, the credits that cannot be
    undone left out, and each ``opening`` movement carrying the balance that ends at ``closing``.

    A movement before the openings (a payroll funded the day before the first day) is left out too.
    """
    openings = [m for m in movements if m[3] == "opening"]
    first = min((m[0] for m in openings), default=None)
    balances = dict(closing)
    kept: list[Movement] = []
    for at, order, cid, kind, legs in reversed(movements):
        legs = [_on_fee_account(leg, fee_accounts) for leg in legs]
        if kind != "opening" and first is not None and at >= first and _undoable(legs, balances):
            for leg in legs:
                if leg.account_id in balances:
                    balances[leg.account_id] -= leg.amount
            kept.append((at, order, cid, kind, legs))
    for at, order, cid, kind, (equity, opened) in openings:
        amount = balances[opened.account_id]
        kept.append((at, order, cid, kind, [equity._replace(amount=-amount), opened._replace(amount=amount)]))
    return sorted(kept, key=lambda m: (m[0], m[1]))


def _on_fee_account(leg: ledger.Leg, fee_accounts: dict[str, str]) -> ledger.Leg:
    """A leg on ``FEE:<contract>`` moved to that contract's EB fee account."""
    if leg.account_id.startswith("FEE:"):
        return leg._replace(account_id=fee_accounts[leg.account_id[4:]])
    return leg


def _undoable(legs: list[ledger.Leg], balances: dict[str, int]) -> bool:
    """Whether every customer account credited held at least the credit after it (its balance before >= 0)."""
    return all(
        balances[leg.account_id] >= leg.amount
        for leg in legs
        if leg.amount > 0 and leg.account_id in balances
    )
