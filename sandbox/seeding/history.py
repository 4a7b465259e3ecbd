"""A seeded world's past: opening balances, then months of believable movements, written in bulk.

Incoming 振込 from trading partners (some with EDI), payments to suppliers, 給与 on the 25th (funded from the
operating account the day before), 口座振替 for utilities and pensions after the 26th, and the monthly 手数料.
Everything is computed in memory in time order, fitted to balances that do not depend on the start date
(:mod:`sandbox.seeding.closing`) and written with ``executemany``; balances never go negative.
"""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sandbox import calendar, clock, config
from sandbox.bank import itemkeys, ledger
from sandbox.seeding.days import morning as demo_morning
from sandbox.seeding.model import World

Movement = tuple[datetime, int, str | None, str, list[ledger.Leg]]

DIRECT_DEBITS = [  # 口座振替: (payee kana, low, high)
    ("ﾄｳｷﾖｳﾃﾞﾝﾘﾖｸ", 80_000, 420_000),
    ("NTTﾌｱｲﾅﾝｽ", 20_000, 90_000),
    ("ﾄｳｷﾖｳｶﾞｽ", 15_000, 60_000),
    ("ﾆﾎﾝﾈﾝｷﾝｷｺｳ", 300_000, 2_400_000),
    ("ﾘ-ｽｼﾔ)ｵﾘｺ", 50_000, 250_000),
]


def _at(world: World, day: date, low: int = 9, high: int = 17) -> datetime:
    seconds = world.rng.randrange(low * 3600, high * 3600)
    return datetime.combine(day, time(), clock.JST) + timedelta(seconds=seconds)


def _amount(world: World, low: int, high: int) -> int:
    return world.rng.randrange(low // 10, high // 10) * 10


@dataclass
class _Drawing:
    """One contract's past being drawn: its accounts by role, and the movements drawn so far."""

    world: World
    order: int
    contract_id: str
    operating: str
    settlement: str
    payroll: str | None
    payroll_total: int
    out: list[Movement] = field(default_factory=list)

    def add(self, at: datetime, kind: str, legs: list[ledger.Leg]) -> None:
        self.out.append((at, self.order, self.contract_id, kind, legs))


def history(
    world: World,
    order: int,
    contract: dict[str, Any],
    cspec: dict[str, Any],
    accts: list[dict[str, Any]],
    partners: list[tuple[str, str]],
) -> list[Movement]:
    """The contract's past: opening balances, then daily movements over ``historyDays``.

    Drawn from a random stream of its own: how many business days the window holds depends on the start
    date, and must not shift the names, accounts and clients drawn after it (the same seed, the same world).
    """
    shared, world.rng = world.rng, random.Random(f"history/{world.seed}/{contract['id']}")
    try:
        return _history(world, order, contract, cspec, accts, partners)
    finally:
        world.rng = shared


def _history(
    world: World,
    order: int,
    contract: dict[str, Any],
    cspec: dict[str, Any],
    accts: list[dict[str, Any]],
    partners: list[tuple[str, str]],
) -> list[Movement]:
    days = world.spec["historyDays"]
    first_day = world.start.date() - timedelta(days=days)
    drawing = _drawing(world, order, contract["id"], cspec, accts)
    opening_at = datetime.combine(first_day, time(0, 0), clock.JST)
    for acct in accts:
        legs = [ledger.Leg(ledger.EQUITY, -acct["opening"]), ledger.Leg(acct["id"], acct["opening"], "ｸﾘｺｼ")]
        drawing.add(opening_at, "opening", legs)
    last_day = demo_morning(world.start).date()  # the demo requests' morning: the history ends before it
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        if day < last_day and calendar.is_business_day(day):
            _business_day(drawing, day, partners)
    return drawing.out


def _drawing(
    world: World, order: int, contract_id: str, cspec: dict[str, Any], accts: list[dict[str, Any]]
) -> _Drawing:
    """The contract's accounts by role (the first of each; operating falls back to the first account)."""
    by_role = {a["role"]: a["id"] for a in reversed(accts)}
    operating = by_role.get("operating", accts[0]["id"])
    return _Drawing(
        world,
        order,
        contract_id,
        operating,
        settlement=by_role.get("settlement", operating),
        payroll=by_role.get("payroll"),
        payroll_total=int(cspec.get("employees", 20)) * 310_000,
    )


def _business_day(drawing: _Drawing, day: date, partners: list[tuple[str, str]]) -> None:
    """One business day: customers' and suppliers' 振込, then 給与, 口座振替 and 手数料 on their days."""
    _incoming(drawing, day, partners)
    _outgoing(drawing, day, partners)
    if day == calendar.previous_business_day(day.replace(day=25), include=True):
        _payroll(drawing, day)
    if day == calendar.next_business_day(day.replace(day=26), include=True):
        _direct_debits(drawing, day)
    if day == calendar.next_business_day(day.replace(day=10), include=True):
        fee = int(config.CONTRACT_SETTINGS["monthlyFee"])
        legs = [
            ledger.Leg(f"FEE:{drawing.contract_id}", -fee, "ﾃｽｳﾘﾖｳ"),
            ledger.Leg(ledger.FEE_INCOME, fee, "ﾃｽｳﾘﾖｳ"),
        ]
        drawing.add(datetime.combine(day, time(8, 0), clock.JST), "fee", legs)


def _incoming(drawing: _Drawing, day: date, partners: list[tuple[str, str]]) -> None:
    """振込入金 from customers: none to two a day, some with EDI, to the settlement or operating account."""
    world = drawing.world
    for _ in range(world.rng.choice((0, 1, 1, 2))):
        name = world.rng.choice(partners)[1]
        edi = f"INV{day:%Y%m}{world.rng.randrange(1000, 9999)}" if world.rng.random() < 0.4 else None
        amount = _amount(world, 80_000, 2_800_000)
        target = drawing.settlement if world.rng.random() < 0.35 else drawing.operating
        legs = [
            ledger.Leg(ledger.CLEARING, -amount, "ﾌﾘｺﾐ", name, edi),
            ledger.Leg(target, amount, "ﾌﾘｺﾐ", name, edi),
        ]
        drawing.add(_at(world, day), "deposit", legs)


def _outgoing(drawing: _Drawing, day: date, partners: list[tuple[str, str]]) -> None:
    """振込 to a supplier on about half the business days."""
    world = drawing.world
    if world.rng.random() >= 0.55:
        return
    name = world.rng.choice(partners)[1]
    amount = _amount(world, 30_000, 1_600_000)
    source = drawing.settlement if world.rng.random() < 0.3 else drawing.operating
    legs = [ledger.Leg(source, -amount, "ﾌﾘｺﾐ", name), ledger.Leg(ledger.CLEARING, amount, "ﾌﾘｺﾐ", name)]
    drawing.add(_at(world, day), "transfer", legs)


def _payroll(drawing: _Drawing, day: date) -> None:
    """給与 at 09:30 on pay day, from the payroll account funded from the operating one the day before."""
    total, payroll = drawing.payroll_total, drawing.payroll
    if payroll:
        legs = [ledger.Leg(drawing.operating, -total, "ﾌﾘｶｴ"), ledger.Leg(payroll, total, "ﾌﾘｶｴ")]
        drawing.add(datetime.combine(day, time(9, 0), clock.JST) - timedelta(days=1), "internal", legs)
    legs = [
        ledger.Leg(payroll or drawing.operating, -total, "ｷﾕｳﾖ"),
        ledger.Leg(ledger.CLEARING, total, "ｷﾕｳﾖ"),
    ]
    drawing.add(datetime.combine(day, time(9, 30), clock.JST), "payroll", legs)


def _direct_debits(drawing: _Drawing, day: date) -> None:
    """口座振替 for utilities and pensions (three to five payees, by contract) from the operating account."""
    world = drawing.world
    for payee, low, high in DIRECT_DEBITS[: 3 + drawing.order % 3]:
        amount = _amount(world, low, high)
        legs = [
            ledger.Leg(drawing.operating, -amount, "ｺｳｻﾞﾌﾘｶｴ", payee),
            ledger.Leg(ledger.CLEARING, amount, "ｺｳｻﾞﾌﾘｶｴ", payee),
        ]
        drawing.add(_at(world, day, 10, 12), "direct_debit", legs)


def write_movements(world: World, movements: list[Movement]) -> None:
    """Write the history in time order with ``executemany``, skipping debits the account cannot cover."""
    conn = world.db.conn
    fee_accounts = {c["id"]: c["fee_account_id"] for c in world.contracts}
    balances = {r[0]: r[1] for r in conn.execute("SELECT id, balance FROM accounts")}
    next_journal = (conn.execute("SELECT COALESCE(MAX(id), 0) FROM journals").fetchone()[0] or 0) + 1
    keys = ledger.last_keys(world.db)
    journals: list[tuple[Any, ...]] = []
    postings: list[tuple[Any, ...]] = []
    for at, _order, cid, kind, legs in movements:
        legs = [
            _on_fee_account(leg, fee_accounts) if leg.account_id.startswith("FEE:") else leg for leg in legs
        ]
        if not _covered(legs, balances):
            continue
        stamp, value_date = clock.to_db(at), at.date().isoformat()
        journals.append((next_journal, cid, kind, stamp, None, stamp))
        for leg in legs:
            balances[leg.account_id] += leg.amount
            # a posting row: the leg's account and amount, the balance after, dates, then its texts
            key = keys[leg.account_id] = itemkeys.following(stamp, keys.get(leg.account_id))
            postings.append(
                (next_journal, *leg[:2], balances[leg.account_id], value_date, stamp, *leg[2:], key)
            )
        next_journal += 1
    _insert(conn, journals, postings, balances)


def _on_fee_account(leg: ledger.Leg, fee_accounts: dict[str, str]) -> ledger.Leg:
    """A leg on ``FEE:<contract>`` moved to that contract's EB fee account (known once all are built)."""
    return leg._replace(account_id=fee_accounts[leg.account_id[4:]])


def _covered(legs: list[ledger.Leg], balances: dict[str, int]) -> bool:
    """Whether every customer account debited can pay (the bank's own accounts always can)."""
    return not any(
        balances[leg.account_id] + leg.amount < 0
        for leg in legs
        if leg.amount < 0 and not leg.account_id.startswith("BANK-")
    )


def _insert(
    conn: sqlite3.Connection,
    journals: list[tuple[Any, ...]],
    postings: list[tuple[Any, ...]],
    balances: dict[str, int],
) -> None:
    conn.executemany(
        "INSERT INTO journals (id, contract_id, kind, occurred_at, ref, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        journals,
    )
    conn.executemany(
        f"INSERT INTO postings ({ledger.COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", postings
    )
    conn.executemany("UPDATE accounts SET balance = ? WHERE id = ?", [(v, k) for k, v in balances.items()])
