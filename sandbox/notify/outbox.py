"""The outbox as the delivery worker sees it: which messages are due (on each contract's clock), claiming
them with a lease so that several workers never send one attempt twice, and writing down what happened.

A message is due when it is ``pending``, its subscription is started, its ``due_at`` has come on the
contract clock (or, held back by a reorder fault, a later message of the contract was delivered), and no
live lease is on it. At most :data:`PER_CONTRACT` messages of a contract are in flight at once, so a
receiver that hangs holds its own contract's deliveries back and no one else's.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sandbox import clock
from sandbox.bank import contracts, notices
from sandbox.errors import ContractNotFound
from sandbox.store import Database, rows, transaction

PER_CONTRACT = 2  # messages of one contract in flight at once
LEASE = timedelta(seconds=60)  # wall time; longer than any attempt (timeouts, duplicates)
# contract-time seconds before the next attempt after the n-th failed one; then the message is abandoned
BACKOFF = (30, 60, 120, 300, 900, 1800, 3600, 7200)
MAX_ATTEMPTS = len(BACKOFF) + 1


@dataclass
class Job:
    """One claimed message: what to send, where, with which credentials, on whose clock."""

    id: int
    contract_id: str
    message_id: str
    event_type: str
    body: str
    attempt: int
    url: str
    credentials: dict[str, Any]
    now: datetime
    owner: str
    extra: dict[str, Any] = field(default_factory=dict)


def owner_id() -> str:
    """A worker's name on its leases."""
    return uuid.uuid4().hex[:12]


_CONTRACTS = (
    "SELECT DISTINCT n.contract_id FROM notifications n JOIN notification_subscriptions s"
    " ON s.contract_id = n.contract_id AND s.event_type = n.event_type AND s.active = 1"
    " WHERE n.state = 'pending'{only} ORDER BY n.contract_id"
)
_DUE = (
    "SELECT n.* FROM notifications n JOIN notification_subscriptions s"
    " ON s.contract_id = n.contract_id AND s.event_type = n.event_type AND s.active = 1"
    " WHERE n.contract_id = ? AND n.state = 'pending' AND (n.lease_until IS NULL OR n.lease_until < ?)"
    " AND (n.due_at <= ? OR (n.held_behind = 1 AND EXISTS (SELECT 1 FROM notifications m"
    " WHERE m.contract_id = n.contract_id AND m.id > n.id AND m.state IN ('delivered', 'fetched'))))"
    " ORDER BY n.due_at, n.id LIMIT ?"
)


def claim(db: Database, owner: str, room: int, contract_id: str | None = None) -> list[Job]:
    """Lease up to ``room`` due messages (at most :data:`PER_CONTRACT` in flight per contract)."""
    only = " AND n.contract_id = ?" if contract_id else ""
    found = rows(db, _CONTRACTS.format(only=only), (contract_id,) if contract_id else ())
    jobs: list[Job] = []
    for candidate in found:
        if len(jobs) >= room:
            break
        jobs += _claim_contract(db, candidate["contract_id"], owner, room - len(jobs))
    return jobs


def _claim_contract(db: Database, contract_id: str, owner: str, room: int) -> list[Job]:
    wall = clock.to_db(clock.wall_now())
    if not _any_due(db, contract_id, wall):  # the usual turn: a read, no write lock
        return []
    with transaction(db):
        try:
            contract = contracts.get(db, contract_id)
        except ContractNotFound:
            return []
        url = contracts.settings(contract)["notificationUrl"]
        if contract["status"] == "terminated" or not url:
            return []
        now = clock.contract_now(contract)
        busy = db.conn.execute(
            "SELECT count(*) FROM notifications WHERE contract_id = ? AND state = 'pending'"
            " AND lease_until >= ?",
            (contract_id, wall),
        ).fetchone()[0]
        limit = min(room, PER_CONTRACT - busy)
        if limit <= 0:
            return []
        due = rows(db, _DUE, (contract_id, wall, clock.to_db(now), limit))
        until = clock.to_db(clock.wall_now() + LEASE)
        db.conn.executemany(
            "UPDATE notifications SET lease_until = ?, lease_owner = ?, attempts = attempts + 1 WHERE id = ?",
            [(until, owner, found["id"]) for found in due],
        )
        creds = notices.credentials(db, contract_id, now) if due else {}
    return [
        Job(
            *(f["id"], contract_id, f["message_id"], f["event_type"], f["body"], f["attempts"] + 1),
            *(url, creds, now, owner),
            extra={"released": bool(f["held_behind"])},
        )
        for f in due
    ]


def _any_due(db: Database, contract_id: str, wall: str) -> bool:
    try:
        now = clock.contract_now(contracts.get(db, contract_id))
    except ContractNotFound:
        return False
    return bool(rows(db, _DUE, (contract_id, wall, clock.to_db(now), 1)))


def contract_now(db: Database, contract_id: str) -> datetime:
    return clock.contract_now(contracts.get(db, contract_id))


def delivered(db: Database, job: Job, status: int | None, outcome: str) -> bool:
    """The receiver took it (2xx): done. False when the message was no longer this worker's."""
    now = contract_now(db, job.contract_id)
    return _finish(
        db, job, "state = 'delivered', done_at = ?, held_behind = 0", (clock.to_db(now),), status, outcome
    )


def failed(db: Database, job: Job, status: int | None, outcome: str) -> datetime | None:
    """The attempt failed: due again after the back-off on the contract clock (None: abandoned, the
    attempts are used up; the message stays in the unsent list)."""
    if job.attempt >= MAX_ATTEMPTS:
        _finish(db, job, "state = 'abandoned', held_behind = 0", (), status, outcome)
        return None
    now = contract_now(db, job.contract_id)
    again = now + timedelta(seconds=BACKOFF[job.attempt - 1])
    _finish(db, job, "due_at = ?, held_behind = 0", (clock.to_db(again),), status, outcome)
    return again


def held(db: Database, job: Job, until: datetime, behind: bool, outcome: str) -> None:
    """Not sent (a delay, stop or reorder fault): due again at ``until``; the claim was no attempt."""
    _finish(
        db,
        job,
        "due_at = ?, held_behind = ?, attempts = attempts - 1",
        (clock.to_db(until), int(behind)),
        None,
        outcome,
    )


def _finish(
    db: Database, job: Job, assignments: str, params: tuple[Any, ...], status: int | None, outcome: str
) -> bool:
    with transaction(db):
        cursor = db.conn.execute(
            f"UPDATE notifications SET {assignments}, lease_until = NULL, lease_owner = NULL,"
            " last_status = ?, last_outcome = ? WHERE id = ? AND lease_owner = ? AND state = 'pending'",
            (*params, status, outcome, job.id, job.owner),
        )
    return cursor.rowcount == 1
