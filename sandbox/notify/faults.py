"""Fault rules on the outgoing side: which one fires on a delivery, and how long a held message waits.

The same rules as incoming faults (``wire/rules.py``: match, trigger, the engine's deterministic hits),
with the outgoing effects only: a rule matches a delivery by ``contractId`` and by ``path`` against
``/<eventType>`` (``/deposit-transaction``, ``/va-deposit-transaction``); windows are on the contract clock.
Every claim of a message is a hit, so ``nth: 1`` breaks the first delivery and lets its retry through.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sandbox import clock
from sandbox.notify.outbox import Job
from sandbox.store import Database
from sandbox.wire import engine

HOLDS = ("delay", "reorder", "stop_delivery")  # the message is not sent now; no attempt is counted


def decide(db: Database, job: Job) -> dict[str, Any] | None:
    """The outgoing rule that fires on this delivery, its parameters decoded (None: none fires)."""
    facts = engine.Facts(
        method="POST", path=f"/{job.event_type}", contract_id=job.contract_id, now=job.now, outgoing=True
    )
    chosen = engine.decide(db, facts)
    return chosen[0] if chosen else None


def hold_until(rule: dict[str, Any], now: datetime) -> tuple[datetime, bool]:
    """When a held message is due again, and whether it also waits for a later message (reorder)."""
    params = rule["params"]
    if rule["effect"] == "delay":
        return now + timedelta(seconds=params["seconds"]), False
    if rule["effect"] == "reorder":
        return now + timedelta(seconds=params["maxSeconds"]), True
    end = clock.from_db(rule["window_end"]) if rule.get("window_end") else None
    if end is not None and end > now:  # stop_delivery: until its window closes
        return end, False
    return now + timedelta(seconds=params["holdSeconds"]), False
