"""In-process figures: seeding the bench world, and a year of clock over 10,000 scheduled events."""

from __future__ import annotations

import shutil
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.report import Figure
from benchmarks.servers import ADMIN_KEY
from sandbox import create_app, events, seeding
from sandbox.bank import accounts, ledger
from sandbox.clock import JST
from sandbox.store import Database, connect, transaction

# A business day before the cut-off, as in the tests: every bench contract clock is frozen here.
START = datetime(2026, 4, 1, 10, 0, tzinfo=JST)
CLOCK_EVENTS = 10_000
BENCH_KIND = "bench.deposit"


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
        target="100,000 lines <= 10 s",
        met=lines / seconds >= 10_000,
        detail={
            "rows": total,
            "rowsPerSecond": round(total / seconds),
            "statementLines": lines,
            "statementLinesPerSecond": round(lines / seconds),
            "tables": counted,
        },
        note=f"{total:,} rows ({total / seconds:,.0f} rows/s), {lines:,} statement lines ({lines / seconds:,.0f} lines/s)",
    )


@events.handler(BENCH_KIND)
def _bench_deposit(db: Database, contract: dict[str, Any], event: dict[str, Any], at: datetime) -> Any:
    """A stand-in for a scheduled transfer: one balanced journal, as executing a transfer writes."""
    payload = event["payload"]
    return accounts.deposit(
        db,
        contract_id=contract["id"],
        acct_id=payload["accountId"],
        amount=payload["amount"],
        remitter_kana="ﾍﾞﾝﾁ",
        edi=None,
        at=at,
    )


def event_times(start: datetime, count: int) -> list[datetime]:
    """``count`` instants spread over the year after ``start``, at 09:00–15:00 like banking work."""
    days = 365
    return [
        start + timedelta(days=1 + n * days // count, seconds=(n * 7919) % (6 * 3600)) for n in range(count)
    ]


def clock_year(source: Path, work: Path, contract_id: str = "B0001") -> Figure:
    """Move one contract's clock a year forward over 10,000 scheduled events (queued untimed)."""
    shutil.copyfile(source, work)
    app, db = open_db(work)
    with app.app_context():
        account = accounts.for_contracts(db, [contract_id])[0]["id"]
        day0 = START.replace(hour=9, minute=0)
        with transaction(db):
            for at in event_times(day0, CLOCK_EVENTS):
                events.schedule(db, contract_id, at, BENCH_KIND, {"accountId": account, "amount": 1000})
        began = time.perf_counter()
        moved = events.move_clock(db, contract_id, START + timedelta(days=366))
        seconds = time.perf_counter() - began
        problems = ledger.check(db)
    db.conn.close()
    ok = moved["eventsRun"] == CLOCK_EVENTS and not problems
    return Figure(
        "clockYear",
        f"clock +1 year over {CLOCK_EVENTS:,} events",
        seconds,
        "s",
        target="<= 2 s",
        met=seconds <= 2 and ok,
        detail={"eventsRun": moved["eventsRun"], "eventKind": BENCH_KIND, "ledgerProblems": problems[:5]},
        note=f"events are benchmark deposits ({BENCH_KIND}), one journal each; ledger "
        + ("balanced" if not problems else "BROKEN"),
    )
