"""A contract's clock as operators move it: to an instant, by a duration, frozen or running, every contract
at once; and the clock as the control API and the dashboard show it. Each move runs the events due on the way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sandbox import calendar, clock, events
from sandbox.bank import contracts
from sandbox.errors import ClockBackwards, InvalidParameter
from sandbox.store import Database, row, transaction

# The target of a move as a function of the contract's current time ("2h from now", "at 10:00").
Target = Callable[[datetime], datetime]


def view(db: Database, contract: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The clock, the business day, the cutoff and the next pending event, as ``GET …/clock`` shows them."""
    cut = contracts.settings(contract)["cutoffTime"]
    result = {
        "contractId": contract["id"],
        "now": clock.to_api(now),
        "mode": contract["clock_mode"],
        "businessDay": calendar.is_business_day(now.date()),
        "beforeCutoff": calendar.before_cutoff(now, cut),
        "cutoffTime": cut,
        "pendingEvents": _pending(db, contract["id"]),
    }
    if not result["businessDay"]:
        result["holidayName"] = calendar.holiday_name(now.date())
    nxt = row(
        db,
        "SELECT due_at, kind FROM events WHERE contract_id = ? AND status = 'pending' ORDER BY due_at, id LIMIT 1",
        (contract["id"],),
    )
    if nxt:
        result["nextEvent"] = {"at": clock.to_api(clock.from_db(nxt["due_at"])), "kind": nxt["kind"]}
    return result


def _pending(db: Database, contract_id: str) -> int:
    sql = "SELECT COUNT(*) FROM events WHERE contract_id = ? AND status = 'pending'"
    return db.conn.execute(sql, (contract_id,)).fetchone()[0]


def later(delta: Any) -> Target:
    """The target ``delta`` (a duration from :func:`clock.parse_duration`) after the current time."""

    def target(now: datetime) -> datetime:
        try:
            return clock.shift(now, delta)
        except ValueError as exc:
            raise InvalidParameter(str(exc), field="by") from exc

    return target


def catch_up(db: Database, contract_id: str) -> tuple[dict[str, Any], datetime]:
    """The contract and its time now, after running the events that fell due on its clock (before a read)."""
    return events.touch(db, contract_id)


def current(db: Database, contract_id: str) -> dict[str, Any]:
    """The clock view now, after the events that fell due have run."""
    contract, now = events.touch(db, contract_id)
    return view(db, contract, now)


def move(
    db: Database, contract_id: str, target: Target | datetime | None, mode: str | None = None
) -> dict[str, Any]:
    """Move one clock forward to ``target`` (an instant, or a function of the current time; None: stay)
    and/or switch it to ``mode`` (``running``/``frozen``). Return the move: ``from``, ``to``, ``eventsRun``.
    """
    _contract, now = events.touch(db, contract_id)
    instant = target(now) if callable(target) else target
    return events.move_clock(db, contract_id, instant, mode=mode)


def advance_all(db: Database, target: Target) -> list[dict[str, Any]]:
    """Move every contract's clock, all or none: each target is checked before any clock moves."""
    moved = []
    with transaction(db):
        for contract_id, instant in _plan(db, target):
            result = events.move_clock(db, contract_id, instant)
            moved.append(
                {
                    "contractId": contract_id,
                    "now": clock.to_api(result["to"]),
                    "eventsRun": result["eventsRun"],
                }
            )
    return moved


def _plan(db: Database, target: Target) -> list[tuple[str, datetime]]:
    """Each contract with the instant its clock moves to; ``ClockBackwards`` if any would go back."""
    plan = []
    for contract in contracts.list_all(db):
        contract, now = events.touch(db, contract["id"])
        instant = target(now)
        if instant < now:
            raise ClockBackwards(
                f"{clock.to_api(instant)} is before contract {contract['id']}'s time {clock.to_api(now)};"
                " no clock was moved",
                field="to",
            )
        plan.append((contract["id"], instant))
    return plan
