"""The virtual-account figure (issue 12): a month of a 1,000-VA contract's incoming payments, run by one
clock move. In-process over a copy of the bench world; issuing the VAs and scheduling the payers is untimed.

Each VA has a weekly payer (patterns in turn: exact, short, over, split, other-name, wrong-edi), and one VA
in a hundred is stopped, so its payments are returned (資金返却) rather than credited.
"""

from __future__ import annotations

import shutil
import time
from datetime import timedelta
from pathlib import Path

from benchmarks.local import START, open_db
from benchmarks.report import Figure
from sandbox import events
from sandbox.bank import accounts, ledger
from sandbox.bank.payers import patterns, simulator
from sandbox.bank.va import lifecycle
from sandbox.store import transaction

CONTRACT = "B0005"  # no other figure uses it
VAS = 1_000


def month_of_payments(source: Path, work: Path) -> Figure:
    """Issue 1,000 VAs with a weekly payer each (untimed), then time the clock move a month on."""
    shutil.copyfile(source, work)
    app, db = open_db(work)
    with app.app_context():
        parent = accounts.for_contracts(db, [CONTRACT])[0]["id"]
        issued = lifecycle.issue(db, CONTRACT, parent, "2", VAS, None, START)
        with transaction(db):
            for n, va in enumerate(issued):
                spec = {"vaId": va["va_id"], "amount": 10_000 + n * 10, "every": "weekly"}
                spec |= {"pattern": patterns.PATTERNS[n % len(patterns.PATTERNS)], "edi": f"INV{n:06d}"}
                simulator.create(db, CONTRACT, spec, START + timedelta(minutes=n % 300))
        stopped = [va["va_id"] for va in issued[::100]]
        lifecycle.change_status(db, CONTRACT, "1", stopped, START)
        began = time.perf_counter()
        moved = events.move_clock(db, CONTRACT, START + timedelta(days=31))
        seconds = time.perf_counter() - began
        outcomes = dict(
            db.conn.execute(
                "SELECT outcome, COUNT(*) FROM va_payments WHERE contract_id = ? GROUP BY outcome",
                (CONTRACT,),
            ).fetchall()
        )
        problems = ledger.check(db)
    db.conn.close()
    ok = outcomes.get("credited", 0) > 4 * VAS and outcomes.get("returned", 0) > 0 and not problems
    return Figure(
        "vaMonth",
        f"clock +1 month over {VAS:,} VAs' weekly payers",
        seconds,
        "s",
        target="<= 2 s",
        met=seconds <= 2 and ok,
        detail={"eventsRun": moved["eventsRun"], "vaPayments": outcomes, "ledgerProblems": problems[:5]},
        note=f"{moved['eventsRun']:,} events run; {outcomes.get('credited', 0):,} credited, "
        f"{outcomes.get('returned', 0):,} returned; ledger " + ("balanced" if not problems else "BROKEN"),
    )
