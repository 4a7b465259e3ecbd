"""In-process figures of resets for test suites: a fresh isolated contract, and a demo-world reset.

Each is timed warm (the median of several calls after one untimed call, as a test suite sees it from
its second test on), beside the same call without the shortcut (A B, interleaved) and the first call.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.local import START, open_db
from benchmarks.report import Figure
from sandbox.seeding import provisioning, templates
from sandbox.seeding import worlds as seeding
from sandbox.store import Database

CALLS = 15


def _ms(call: Callable[[], object]) -> float:
    began = time.perf_counter()
    call()
    return (time.perf_counter() - began) * 1000


def demo_reset(path: Path) -> Figure:
    """``seeding.reset`` of the demo world at a fixed start: from its template vs regenerated."""
    app, db = open_db(path)
    with app.app_context():
        templates.clear()
        first = _ms(lambda: seeding.reset(db, "demo", 21, START, frozen=True))
        copied, generated = [], []
        for _ in range(CALLS):
            copied.append(_ms(lambda: seeding.reset(db, "demo", 21, START, frozen=True)))
            generated.append(
                _ms(lambda: seeding.reset(db, "demo", 21, START, frozen=True, use_template=False))
            )
    db.conn.close()
    value, regenerated = statistics.median(copied), statistics.median(generated)
    return Figure(
        "demoReset",
        "demo-world reset (in-process)",
        value,
        "ms",
        target="<= 150 ms",
        met=value <= 150,
        detail={"regeneratedMs": round(regenerated, 2), "firstCallMs": round(first, 1), "calls": CALLS},
        note=f"from the template; regenerated {regenerated:.1f} ms; first call "
        f"(builds the template) {first:.0f} ms",
    )


def fresh_contract(path: Path) -> Figure:
    """``provisioning.create`` of one contract copied from the demo world, as the pytest plugin asks."""
    app, db = open_db(path)
    with app.app_context():
        seeding.reset(db, "demo", 21, START, frozen=True)
        first = _ms(lambda: _create(db))
        times = [_ms(lambda: _create(db)) for _ in range(CALLS)]
    db.conn.close()
    value = statistics.median(times)
    return Figure(
        "freshContract",
        "fresh isolated contract (in-process)",
        value,
        "ms",
        target="<= 50 ms",
        met=value <= 50,
        detail={"firstCallMs": round(first, 1), "calls": CALLS, "maxMs": round(max(times), 2)},
        note=f"POST /sandbox/v1/contracts' use case, 1 contract; first call {first:.0f} ms",
    )


def _create(db: Database) -> None:
    provisioning.create(db, seeding.next_contract_ids(db, 1), start=START, frozen=True)
