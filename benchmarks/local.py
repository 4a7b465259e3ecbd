"""In-process figures: seeding the bench world, and a year of clock over 10,000 scheduled transfers."""

from __future__ import annotations

import shutil
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.report import Figure
from benchmarks.servers import ADMIN_KEY
from sandbox import calendar, create_app, events
from sandbox.bank import accounts, beneficiaries, contracts, deposits, ledger, users
from sandbox.bank.accounts import BANK_CODE
from sandbox.bank.beneficiaries import Beneficiary
from sandbox.bank.transfers import lifecycle as transfers
from sandbox.clock import JST
from sandbox.seeding import worlds as seeding
from sandbox.store import Database, connect, transaction

# A business day before the cut-off, as in the tests: every bench contract clock is frozen here.
START = datetime(2026, 4, 1, 10, 0, tzinfo=JST)
CLOCK_EVENTS = 10_000
PAGE = 500  # statement lines per page of /accounts/transactions


def open_db(path: Path) -> tuple[Any, Database]:
    app = create_app({"DATABASE": str(path), "ADMIN_KEY": ADMIN_KEY})
    return app, connect(path)


def count_rows(db: Database) -> dict[str, int]:
    names = [r[0] for r in db.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    return {n: db.conn.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}


def statement_lines(db: Database) -> int:
    return db.conn.execute(
        "SELECT COUNT(*) FROM postings p JOIN accounts a ON a.id = p.account_id WHERE a.kind = 'deposit'"
    ).fetchone()[0]


def seed(path: Path, world: str = "bench", seed_value: int = 21) -> Figure:
    """Seed ``world`` into a new file, timed from the call to the commit."""
    app, db = open_db(path)
    with app.app_context():
        began = time.perf_counter()
        seeding.reset(db, world, seed_value, START, frozen=True)
        seconds = time.perf_counter() - began
    counted = count_rows(db)
    lines = statement_lines(db)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    total = sum(counted.values())
    contracts = counted.get("contracts", 0)
    return Figure(
        "seed",
        f"seed {contracts} contracts x 3 accounts x 1 year",
        seconds,
        "s",
        target="<= 2 s",
        met=seconds <= 2,
        detail={
            "rows": total,
            "rowsPerSecond": round(total / seconds),
            "statementLines": lines,
            "statementLinesPerSecond": round(lines / seconds),
            "tables": counted,
        },
        note=f"{total:,} rows ({total / seconds:,.0f} rows/s), {lines:,} statement lines ({lines / seconds:,.0f} lines/s)",
    )


def other_bank_beneficiary(db: Database) -> Beneficiary:
    """A real Zengin bank and branch outside the sandbox: the money leaves through clearing."""
    from zengin_code import Bank

    code = next(c for c in sorted(Bank.all) if c != BANK_CODE and Bank.all[c].branches)
    branch = sorted(Bank.all[code].branches)[0]
    fields = {
        "beneficiaryBankCode": code,
        "beneficiaryBranchCode": branch,
        "accountTypeCode": "1",
        "accountNumber": "1234567",
        "beneficiaryName": "ﾍﾞﾝﾁ(ｶ",
    }
    found, problems = beneficiaries.check(db, fields)
    assert found is not None, problems
    return found


def business_days(after: date, count: int) -> list[date]:
    """``count`` dates over the business days of the year after ``after``, in order."""
    days, day = [], after
    while len(days) < 245:
        day = calendar.next_business_day(day)
        if day > after + timedelta(days=364):
            break
        days.append(day)
    return [days[n * len(days) // count] for n in range(count)]


def _actors(db: Database, contract_id: str) -> tuple[transfers.Actor, transfers.Actor]:
    """The bench world's clerk (applies) and approver (approves) of a contract."""
    people = {u["login_id"].rsplit("-", 1)[1]: u for u in users.for_contract(db, contract_id)}
    return tuple(  # type: ignore[return-value]
        transfers.Actor(user_id=people[role]["id"], login_id=people[role]["login_id"])
        for role in ("clerk", "approver")
    )


def schedule_transfers(db: Database, contract_id: str, count: int) -> list[int]:
    """``count`` one-item transfers applied and approved now, each reserved (予約中) for a day ahead;
    returns their request ids."""
    contract = contracts.get(db, contract_id)
    account = accounts.for_contracts(db, [contract_id])[0]
    clerk, approver = _actors(db, contract_id)
    ben = other_bank_beneficiary(db)
    made = []
    for day in business_days(START.date(), count):
        draft = transfers.Draft(day, "1", [transfers.Item(1, 1000, None, ben)])
        req = transfers.create_at(db, contract, account, draft, clerk, START)
        transfers.decide_at(db, contract, req, "approve", approver, None, START)
        made.append(req["id"])
    return made


def apply_transfers(path: Path, contract_id: str, count: int) -> list[str]:
    """``count`` one-item requests for today, 申請中, written straight into ``path`` (a served file:
    SQLite's locks make that safe). They top up the approval figure's pool; returns their applyNo."""
    app, db = open_db(path)
    with app.app_context(), transaction(db):
        contract = contracts.get(db, contract_id)
        account = accounts.for_contracts(db, [contract_id])[0]
        clerk, _approver = _actors(db, contract_id)
        draft = transfers.Draft(
            START.date(), "1", [transfers.Item(1, 1000, None, other_bank_beneficiary(db))]
        )
        made = [
            transfers.create_at(db, contract, account, draft, clerk, START)["apply_no"] for _ in range(count)
        ]
    db.conn.close()
    return made


def clock_year(source: Path, work: Path, contract_id: str = "B0001") -> Figure:
    """Move one contract's clock a year forward over 10,000 reserved transfers (queued untimed)."""
    shutil.copyfile(source, work)
    app, db = open_db(work)
    with app.app_context():
        # Fund the transfers whatever the seeded balance is: the figure times execution, not refusals.
        payer = accounts.for_contracts(db, [contract_id])[0]["id"]
        deposits.receive(db, contract_id, payer, CLOCK_EVENTS * 2_000, "ﾍﾞﾝﾁ ﾌｱﾝﾄﾞ")
        with transaction(db):
            made = schedule_transfers(db, contract_id, CLOCK_EVENTS)
        began = time.perf_counter()
        moved = events.move_clock(db, contract_id, START + timedelta(days=366))
        seconds = time.perf_counter() - began
        problems = ledger.check(db)
        marks = ",".join("?" for _ in made)
        done = db.conn.execute(  # the scheduled transfers only (the world has its own executed ones)
            f"SELECT status, COUNT(*) FROM transfer_requests WHERE id IN ({marks}) GROUP BY status ORDER BY status",
            made,
        ).fetchall()
    db.conn.close()
    statuses = {status: n for status, n in done}
    ok = statuses.get("20") == CLOCK_EVENTS and not problems
    return Figure(
        "clockYear",
        f"clock +1 year over {CLOCK_EVENTS:,} transfers",
        seconds,
        "s",
        target="<= 0.8 s",
        met=seconds <= 0.8 and ok,
        detail={
            "eventsRun": moved["eventsRun"],
            "transferStatuses": statuses,
            "ledgerProblems": problems[:5],
        },
        note=f"{moved['eventsRun']:,} events run; {statuses.get('20', 0):,} of the {CLOCK_EVENTS:,} 手続済; ledger "
        + ("balanced" if not problems else "BROKEN"),
    )


def pad_statement(path: Path, contract_id: str, lines: int) -> int:
    """Give the contract's first account at least ``lines`` statement lines in the year to START.

    The bench world's busiest account has about 360 lines a year; a full 500-line page needs more,
    so incoming transfers are added on the last day. Returns how many were added.
    """
    app, db = open_db(path)
    account = accounts.for_contracts(db, [contract_id])[0]["id"]
    since = (START - timedelta(days=365)).date().isoformat()
    have = db.conn.execute(
        "SELECT COUNT(*) FROM postings WHERE account_id = ? AND value_date >= ?", (account, since)
    ).fetchone()[0]
    extra = max(0, lines - have)
    with app.app_context(), transaction(db):
        for n in range(extra):
            at = START - timedelta(seconds=extra - n)
            accounts.deposit(
                db,
                contract_id=contract_id,
                acct_id=account,
                amount=1000 + n,
                remitter_kana="ﾍﾞﾝﾁ",
                edi=None,
                at=at,
            )
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    return extra
