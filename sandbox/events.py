"""The clock's event queue: due work (transfer execution, fee charges, scheduled incidents...) run in
time order when a contract's clock moves and whenever a contract is touched.

The queue knows no kind: each kind's handler is written out in one table, :mod:`sandbox.timetable`,
at the top of the domain. A handler receives the event's due time as "now", so work that was due at 09:00 happens at 09:00 on the contract clock even when the clock
jumps a year. Moving a clock costs O(events due), never O(time elapsed).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple

from sandbox import clock
from sandbox.errors import ClockBackwards, InvalidParameter
from sandbox.store import Database, insert, row, rows, transaction

logger = logging.getLogger(__name__)
Handler = Callable[[Database, dict[str, Any], dict[str, Any], datetime], Any]
BatchHandler = Callable[[Database, dict[str, Any], list[dict[str, Any]], datetime], list[Any]]


class Table(NamedTuple):
    """What the queue needs from the domain: each kind's handler, the batch handlers (several events of
    one kind due at the same instant at once, each with the effect and result its handler would give it
    run alone, in id order; such a handler neither schedules events nor changes the contract row), and
    how to read a contract row (by id, and decoding one already read)."""

    handlers: dict[str, Handler]
    batch_handlers: dict[str, BatchHandler]
    load_contract: Callable[[Database, str], dict[str, Any]]
    decode_contract: Callable[[dict[str, Any]], dict[str, Any]]


@cache
def table() -> Table:
    """The domain's event table (:mod:`sandbox.timetable`).

    Imported here, at first use, and not at the top: the queue sits below the domain whose handlers it
    runs (the layers contract in ``pyproject.toml`` names this one import as its only exception).
    """
    from sandbox.timetable import TABLE

    return TABLE


def schedule(
    db: Database, contract_id: str, due_at: datetime, kind: str, payload: dict[str, Any] | None = None
) -> int:
    """Queue an event for ``due_at`` on the contract's clock."""
    if kind not in table().handlers:
        raise ValueError(f"no handler for event kind {kind!r}")
    return insert(
        db,
        "events",
        {
            "contract_id": contract_id,
            "due_at": clock.to_db(due_at),
            "kind": kind,
            "payload": payload or {},
            "created_at": clock.to_db(clock.wall_now()),
        },
    )


def record(
    db: Database,
    contract_id: str | None,
    at: datetime,
    kind: str,
    summary: str,
    data: dict[str, Any] | None = None,
) -> None:
    """Note something that happened to a contract, for its timeline."""
    insert(
        db,
        "activity",
        {
            "contract_id": contract_id,
            "at": clock.to_db(at),
            "kind": kind,
            "summary": summary,
            "data": data or {},
        },
    )


def _next_due(db: Database, contract_id: str, until: datetime) -> dict[str, Any] | None:
    return row(
        db,
        "SELECT * FROM events WHERE contract_id = ? AND status = 'pending' AND due_at <= ? ORDER BY due_at, id LIMIT 1",
        (contract_id, clock.to_db(until)),
    )


def run_due(db: Database, contract: dict[str, Any], until: datetime) -> int:
    """Run every pending event due at or before ``until``, in order; return how many ran.

    Runs inside the caller's transaction. Events queued by a handler run too when they fall due.
    """
    count = 0
    while (event := _next_due(db, contract["id"], until)) is not None:
        run = _same_instant(db, event) if event["kind"] in table().batch_handlers else [event]
        if len(run) > 1 and _run_batch(db, contract, run):
            count += len(run)
            continue
        for one in run:
            _run_one(db, contract, one)
        count += len(run)
    return count


def _run_one(db: Database, contract: dict[str, Any], event: dict[str, Any]) -> None:
    at = clock.from_db(event["due_at"])
    if isinstance(event["payload"], str):
        event["payload"] = json.loads(event["payload"])
    fn = table().handlers.get(event["kind"])
    status, result = "done", None
    if fn is None:
        status, result = "failed", f"no handler for {event['kind']}"
    else:
        try:
            with db.atomic():
                result = fn(db, contract, event, at)
        except Exception as exc:  # a failed event must not stop the clock; it is recorded instead
            logger.exception("event %s (%s) failed", event["id"], event["kind"])
            status, result = "failed", f"{type(exc).__name__}: {exc}"
        contract.update(table().load_contract(db, contract["id"]))
    db.conn.execute(_DONE_SQL, (status, _result(result), event["due_at"], event["id"]))


_DONE_SQL = "UPDATE events SET status = ?, result = ?, ran_at = ? WHERE id = ?"
BATCH = 500  # events of one batch at most


_JSON = json.JSONEncoder(ensure_ascii=False, default=str).encode  # json.dumps makes an encoder per call


def _result(result: Any) -> str | None:
    return _JSON(result) if result is not None else None


def _same_instant(db: Database, first: dict[str, Any]) -> list[dict[str, Any]]:
    """``first`` and the pending events of its kind right after it (by id) due at the same instant."""
    found = rows(
        db,
        "SELECT * FROM events WHERE contract_id = ? AND status = 'pending' AND due_at = ? AND id >= ?"
        " ORDER BY id LIMIT ?",
        (first["contract_id"], first["due_at"], first["id"], BATCH),
    )
    run = []
    for event in found:
        if event["kind"] != first["kind"]:
            break
        run.append(event)
    return run


def _run_batch(db: Database, contract: dict[str, Any], run: list[dict[str, Any]]) -> bool:
    """Run events with their kind's batch handler; False (nothing done) when it raised, so that the
    caller runs them one by one and only the failing one is recorded as failed."""
    for event in run:
        event["payload"] = json.loads(event["payload"])
    try:
        with db.atomic():
            results = table().batch_handlers[run[0]["kind"]](
                db, contract, run, clock.from_db(run[0]["due_at"])
            )
    except Exception:
        logger.info("batch of %d %s events fell back to one by one", len(run), run[0]["kind"], exc_info=True)
        return False
    db.conn.executemany(
        _DONE_SQL, [("done", _result(r), e["due_at"], e["id"]) for e, r in zip(run, results, strict=True)]
    )
    return True


def touch(db: Database, contract_id: str) -> tuple[dict[str, Any], datetime]:
    """The contract and its current time, after running whatever fell due on its clock."""
    contract, now, _ran = catch_up(db, contract_id)
    return contract, now


# The contract and when its next pending event is due, in one read (touch is on every request's path).
_CONTRACT_AND_NEXT = (
    "SELECT c.*, (SELECT min(e.due_at) FROM events e WHERE e.contract_id = c.id AND e.status = 'pending')"
    " AS next_due_at FROM contracts c WHERE c.id = ?"
)


def catch_up(
    db: Database, contract_id: str, known: tuple[dict[str, Any], str | None] | None = None
) -> tuple[dict[str, Any], datetime, bool]:
    """:func:`touch`, also saying whether events were due (False: nothing on the clock changed state).

    ``known`` is the contract's row (JSON undecoded) and its earliest pending ``due_at``, when this
    request has just read them (``oauth/bearer.py``): then nothing is read unless events are due.
    """
    if known is None:
        found = row(db, _CONTRACT_AND_NEXT, (contract_id,))
        if found is None:
            table().load_contract(db, contract_id)  # raises ContractNotFound
        assert found is not None
        next_due = found.pop("next_due_at")
    else:
        found, next_due = dict(known[0]), known[1]
    contract = table().decode_contract(found)
    now = clock.contract_now(contract)
    if next_due is None or next_due > clock.to_db(now):
        return contract, now, False
    with transaction(db):
        contract = table().load_contract(db, contract_id)
        now = clock.contract_now(contract)
        run_due(db, contract, now)
    return contract, now, True


def move_clock(
    db: Database, contract_id: str, target: datetime | None, *, mode: str | None = None
) -> dict[str, Any]:
    """Move a contract's clock forward to ``target`` (running the events due on the way).

    ``mode`` switches the clock to ``running`` or ``frozen`` at the same time; ``target`` None keeps the
    current time. Moving backwards raises ``ClockBackwards``.
    """
    with transaction(db):
        contract = table().load_contract(db, contract_id)
        before = clock.contract_now(contract)
        target = before if target is None else target
        _check_target(before, target)
        ran = run_due(db, contract, target)
        columns = clock.clock_columns(mode or contract["clock_mode"], target)
        db.conn.execute(
            "UPDATE contracts SET clock_mode = :clock_mode, clock_offset_us = :clock_offset_us,"
            " clock_frozen_at = :clock_frozen_at WHERE id = :id",
            {**columns, "id": contract_id},
        )
        if target > before:
            record(
                db,
                contract_id,
                target,
                "clock",
                f"clock moved from {clock.to_api(before)} to {clock.to_api(target)}",
                {"from": clock.to_db(before), "events": ran},
            )
        return {"from": before, "to": target, "eventsRun": ran}


def _check_target(before: datetime, target: datetime) -> None:
    """A clock moves forward only, and not past the sandbox's horizon."""
    if target < before:
        raise ClockBackwards(
            f"{clock.to_api(target)} is before the contract's current time {clock.to_api(before)}",
            field="to",
        )
    if target >= clock.HORIZON:  # every caller is held to it, not only the control API
        raise InvalidParameter(f"{clock.to_api(target)} is past the sandbox's horizon", field="to")
