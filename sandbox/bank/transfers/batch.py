"""Reserved transfers (予約中) that fall due at the same instant, executed together: the clock's hot path.

A year of clock on a busy contract executes thousands of reserved transfers, dozens at 09:00 of each
business day. :func:`execute_many` gives each request exactly the effect :func:`execution.execute_at`
gives it, in order (each sees the balances the earlier ones left; insufficient funds → 手続不成立 for that
one only), but writes the status changes, transitions, timeline entries and postings of all of them
with a few statements instead of about twenty each.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sandbox import clock
from sandbox.bank import contracts, ledger
from sandbox.bank.transfers import execution, records
from sandbox.bank.transfers.outcomes import clearing
from sandbox.bank.transfers.records import CLOCK, Actor
from sandbox.store import Database, rows


def execute_many(db: Database, reqs: list[dict[str, Any]], at: datetime, actor: Actor) -> None:
    """:func:`execution.execute_at` for each of ``reqs`` (予約中, of one contract) in order, at ``at``."""
    stamp = clock.to_db(at)
    items = records.items_for(db, [req["id"] for req in reqs])
    legs = {req["id"]: execution.legs_of(req, items[req["id"]]) for req in reqs}
    touched = {req["account_id"] for req in reqs} | {req["fee_account_id"] for req in reqs}
    book = ledger.Book(db, touched | {leg.account_id for found in legs.values() for leg in found})
    contract = contracts.get(db, reqs[0]["contract_id"])
    at_once = clearing.paid_at_once(db, contract, "transfer", reqs, items)
    moves, done, failed, clearing_later = [], [], [], []
    for req in reqs:
        moves.append(records.move_rows(req, "12", stamp, actor, None, None))
        req["status"] = "12"
        reason = execution.cannot_execute(contract, req, book.balance)
        if reason:
            moves.append(records.move_rows(req, "40", stamp, actor, reason, None))
            req.update(status="40", updated_at=stamp, failure_reason=reason)
            failed.append((reason, stamp, req["id"]))
            continue
        journal = book.post(
            contract_id=req["contract_id"], kind="transfer", at=at, legs=legs[req["id"]], ref=req["apply_no"]
        )
        if req["id"] not in at_once:  # 手続中 until the clearing step decides its other-bank items
            req.update(updated_at=stamp, executed_at=stamp, journal_id=journal)
            clearing_later.append(req)
            continue
        moves.append(records.move_rows(req, "20", stamp, actor, None, None))
        req.update(status="20", updated_at=stamp, executed_at=stamp, journal_id=journal)
        done.append((stamp, stamp, journal, req["id"]))
    _write(db, book, moves, done, failed)
    for req in clearing_later:
        db.conn.execute(
            "UPDATE transfer_requests SET status = '12', updated_at = ?, executed_at = ?, journal_id = ? WHERE id = ?",
            (stamp, stamp, req["journal_id"], req["id"]),
        )
        clearing.after_execution(db, "transfer", req, at)


def _write(
    db: Database,
    book: ledger.Book,
    moves: list[tuple[tuple[Any, ...], tuple[Any, ...]]],
    done: list[tuple[Any, ...]],
    failed: list[tuple[Any, ...]],
) -> None:
    """Write what :func:`execute_many` decided: the journals, the transitions, then each request's status."""
    book.flush()
    records.write_moves(db, moves)
    db.conn.executemany(
        "UPDATE transfer_requests SET status = '20', updated_at = ?, executed_at = ?, journal_id = ? WHERE id = ?",
        done,
    )
    db.conn.executemany(
        "UPDATE transfer_requests SET status = '40', failure_reason = ?, updated_at = ? WHERE id = ?", failed
    )


# What execute_many and the events' results read of a request (a year of them is loaded at a time).
_COLUMNS = (
    "id, apply_no, contract_id, account_id, fee_account_id, total_amount, total_fee, remitter_name, status"
)


def execute_events(
    db: Database, contract: dict[str, Any], due: list[dict[str, Any]], at: datetime
) -> list[dict[str, Any]]:
    """Several ``transfer.execute`` events due at ``at``: what :func:`execution.execute_event` does to each."""
    ids = [event["payload"]["requestId"] for event in due]
    marks = ",".join("?" for _ in ids)
    sql = f"SELECT {_COLUMNS} FROM transfer_requests WHERE id IN ({marks})"
    loaded = {r["id"]: r for r in rows(db, sql, ids)}
    ready, seen = [], set()
    for request_id in ids:
        if loaded[request_id]["status"] == "11" and request_id not in seen:
            ready.append(loaded[request_id])
            seen.add(request_id)
    if ready:
        execute_many(db, ready, at, CLOCK)
    return [{"applyNo": loaded[i]["apply_no"], "status": loaded[i]["status"]} for i in ids]
