"""A seeded world's past: opening balances, then months of believable movements, written in bulk.

Incoming 振込 from trading partners (some with EDI), payments to suppliers, 給与 on the 25th (funded from the
operating account the day before), 口座振替 for utilities and pensions after the 26th, and the monthly 手数料.
Everything is computed in memory in time order and written with ``executemany``; a debit the account cannot
cover is skipped, so balances never go negative.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from sandbox import calendar, clock, config
from sandbox.bank import ledger

if TYPE_CHECKING:
    from sandbox.seeding.worlds import World

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


def history(
    world: World,
    order: int,
    contract: dict[str, Any],
    cspec: dict[str, Any],
    accts: list[dict[str, Any]],
    partners: list[tuple[str, str]],
) -> list[Movement]:
    """The contract's past: opening balances, then daily movements over ``historyDays``."""
    out: list[tuple[datetime, int, str | None, str, list[ledger.Leg]]] = []
    cid, days = contract["id"], world.spec["historyDays"]
    first_day = world.start.date() - timedelta(days=days)
    opening_at = datetime.combine(first_day, time(0, 0), clock.JST)
    for acct in accts:
        legs = [ledger.Leg(ledger.EQUITY, -acct["opening"]), ledger.Leg(acct["id"], acct["opening"], "ｸﾘｺｼ")]
        out.append((opening_at, order, cid, "opening", legs))
    by_role = {a["role"]: a["id"] for a in reversed(accts)}
    operating = by_role.get("operating", accts[0]["id"])
    settlement = by_role.get("settlement", operating)
    payroll = by_role.get("payroll")
    payroll_total = int(cspec.get("employees", 20)) * 310_000
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        if not calendar.is_business_day(day):
            continue
        for _ in range(world.rng.choice((0, 1, 1, 2))):  # 振込入金 from customers
            name = world.rng.choice(partners)[1]
            edi = f"INV{day:%Y%m}{world.rng.randrange(1000, 9999)}" if world.rng.random() < 0.4 else None
            amount = _amount(world, 80_000, 2_800_000)
            target = settlement if world.rng.random() < 0.35 else operating
            out.append(
                (
                    _at(world, day),
                    order,
                    cid,
                    "deposit",
                    [
                        ledger.Leg(ledger.CLEARING, -amount, "ﾌﾘｺﾐ", name, edi),
                        ledger.Leg(target, amount, "ﾌﾘｺﾐ", name, edi),
                    ],
                )
            )
        if world.rng.random() < 0.55:  # 振込 to suppliers
            name = world.rng.choice(partners)[1]
            amount = _amount(world, 30_000, 1_600_000)
            source = settlement if world.rng.random() < 0.3 else operating
            out.append(
                (
                    _at(world, day),
                    order,
                    cid,
                    "transfer",
                    [
                        ledger.Leg(source, -amount, "ﾌﾘｺﾐ", name),
                        ledger.Leg(ledger.CLEARING, amount, "ﾌﾘｺﾐ", name),
                    ],
                )
            )
        pay_day = calendar.previous_business_day(day.replace(day=25), include=True)
        if day == pay_day:
            source = payroll or operating
            if payroll:
                at = datetime.combine(day, time(9, 0), clock.JST) - timedelta(days=1)
                out.append(
                    (
                        at,
                        order,
                        cid,
                        "internal",
                        [
                            ledger.Leg(operating, -payroll_total, "ﾌﾘｶｴ"),
                            ledger.Leg(payroll, payroll_total, "ﾌﾘｶｴ"),
                        ],
                    )
                )
            out.append(
                (
                    datetime.combine(day, time(9, 30), clock.JST),
                    order,
                    cid,
                    "payroll",
                    [
                        ledger.Leg(source, -payroll_total, "ｷﾕｳﾖ"),
                        ledger.Leg(ledger.CLEARING, payroll_total, "ｷﾕｳﾖ"),
                    ],
                )
            )
        if day == calendar.next_business_day(day.replace(day=26), include=True):
            for payee, low, high in DIRECT_DEBITS[: 3 + order % 3]:
                amount = _amount(world, low, high)
                out.append(
                    (
                        _at(world, day, 10, 12),
                        order,
                        cid,
                        "direct_debit",
                        [
                            ledger.Leg(operating, -amount, "ｺｳｻﾞﾌﾘｶｴ", payee),
                            ledger.Leg(ledger.CLEARING, amount, "ｺｳｻﾞﾌﾘｶｴ", payee),
                        ],
                    )
                )
        if day == calendar.next_business_day(day.replace(day=10), include=True):
            fee = int(config.CONTRACT_SETTINGS["monthlyFee"])
            out.append(
                (
                    datetime.combine(day, time(8, 0), clock.JST),
                    order,
                    cid,
                    "fee",
                    [ledger.Leg(f"FEE:{cid}", -fee, "ﾃｽｳﾘﾖｳ"), ledger.Leg(ledger.FEE_INCOME, fee, "ﾃｽｳﾘﾖｳ")],
                )
            )
    return out


def write_movements(world: World, movements: list[Movement]) -> None:
    """Write the history in time order with ``executemany``, skipping debits the account cannot cover."""
    conn = world.db.conn
    fee_accounts = {c["id"]: c["fee_account_id"] for c in world.contracts}
    balances = {r[0]: r[1] for r in conn.execute("SELECT id, balance FROM accounts")}
    next_journal = (conn.execute("SELECT COALESCE(MAX(id), 0) FROM journals").fetchone()[0] or 0) + 1
    journals, postings = [], []
    for at, _order, cid, kind, legs in movements:
        legs = [
            ledger.Leg(fee_accounts[leg.account_id[4:]], *_rest(leg))
            if leg.account_id.startswith("FEE:")
            else leg
            for leg in legs
        ]
        if any(
            balances[leg.account_id] + leg.amount < 0
            for leg in legs
            if leg.amount < 0 and not leg.account_id.startswith("BANK-")
        ):
            continue
        stamp, value_date = clock.to_db(at), at.date().isoformat()
        journals.append((next_journal, cid, kind, stamp, None, stamp))
        for leg in legs:
            balances[leg.account_id] += leg.amount
            postings.append(
                (
                    next_journal,
                    leg.account_id,
                    leg.amount,
                    balances[leg.account_id],
                    value_date,
                    stamp,
                    leg.description,
                    leg.counterparty_kana,
                    leg.edi,
                )
            )
        next_journal += 1
    conn.executemany(
        "INSERT INTO journals (id, contract_id, kind, occurred_at, ref, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        journals,
    )
    conn.executemany(
        "INSERT INTO postings (journal_id, account_id, amount, balance_after, value_date, posted_at, description,"
        " counterparty_kana, edi) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        postings,
    )
    conn.executemany("UPDATE accounts SET balance = ? WHERE id = ?", [(v, k) for k, v in balances.items()])


def _rest(leg: ledger.Leg) -> tuple[Any, ...]:
    return (leg.amount, leg.description, leg.counterparty_kana, leg.edi)
