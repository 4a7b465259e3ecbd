"""The delivery worker: a daemon thread per server process that claims due messages (``outbox.claim``,
leased in SQLite) and sends each from a bounded pool of threads, so neither an API request nor another
contract ever waits for a receiver; and :func:`deliver_due`, one pass run synchronously (tests, the CLI,
``POST /sandbox/v1/contracts/{id}/notifications/deliver``)."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sandbox import store
from sandbox.notify import faults, outbox, record, sender, targets
from sandbox.notify.outbox import Job
from sandbox.store import Database

logger = logging.getLogger(__name__)
POLL = 0.2  # seconds between two looks at the outbox
POOL = 16  # deliveries in flight per process (each contract: at most outbox.PER_CONTRACT)
PASS_ROUNDS = 100_000  # claims of one synchronous pass at most (each ends an attempt or a hold)


def deliver(db: Database, job: Job, config: dict[str, Any]) -> str:
    """Send one claimed message, applying the outgoing fault that fires; return how it ended:
    delivered, retry, abandoned or held."""
    rule = job.extra["rule"] if "rule" in job.extra else faults.decide(db, job)
    effect = rule["effect"] if rule else None
    if rule is not None and effect in faults.HOLDS:
        until, behind = faults.hold_until(rule, job.now)
        outbox.held(db, job, until, behind, effect)
        record.hold(db, job, rule, until)
        return "held"
    body = job.body.encode()
    if effect == "drop" or not targets.allowed(job.url, config.get("NOTIFY_ALLOWED_HOSTS", "")):
        result = _failed(db, job, None, "dropped" if effect == "drop" else "not_allowed")
        record.attempt(db, job, None, body, rule, result, _max_rows(config))
        return result
    head = sender.headers(
        job.credentials, body, job.message_id, job.event_type, bad=effect == "bad_signature"
    )
    timeout = int(config.get("NOTIFY_TIMEOUT_MS", 5000)) / 1000
    sent = sender.post(job.url, body, head, timeout)
    copies = (
        [sender.post(job.url, body, head, timeout) for _ in range(rule["params"]["copies"])]
        if effect == "duplicate"
        else []
    )
    if sent.ok and effect != "report_failure":
        result = "delivered" if outbox.delivered(db, job, sent.status, sent.outcome) else "superseded"
    else:
        result = _failed(db, job, sent.status, "reported_failure" if sent.ok else sent.outcome)
    record.attempt(db, job, sent, body, rule, result, _max_rows(config))
    for copy in copies:
        record.attempt(db, job, copy, body, rule, "duplicate", _max_rows(config))
    return result


def _max_rows(config: dict[str, Any]) -> int:
    return int(config.get("REQUEST_LOG_MAX_ROWS", 50_000))


def _failed(db: Database, job: Job, status: int | None, outcome: str) -> str:
    return "retry" if outbox.failed(db, job, status, outcome) is not None else "abandoned"


def deliver_due(database: str, config: dict[str, Any], contract_id: str | None = None) -> dict[str, int]:
    """One synchronous pass: claim and send what is due (of one contract, or all) until nothing is
    left due now; return how the attempts ended, counted."""
    owner, counts = outbox.owner_id(), {"delivered": 0, "retry": 0, "abandoned": 0, "held": 0}
    with ThreadPoolExecutor(max_workers=POOL, thread_name_prefix="notify-pass") as pool:
        for _ in range(PASS_ROUNDS):
            jobs = _decided(
                store.thread_db(database), outbox.claim(store.thread_db(database), owner, POOL, contract_id)
            )
            if not jobs:
                break
            for result in pool.map(lambda job: _run(database, job, config), jobs):
                counts[result] = counts.get(result, 0) + 1
    return counts


def _decided(db: Database, jobs: list[Job]) -> list[Job]:
    """Each job with the outgoing fault that fires on it, decided in claim order (the messages' order),
    so that ``nth``/``after`` count messages as they were written, whichever thread sends first."""
    for job in jobs:  # a reordered message let go after the next one is not a new hit: it would loop
        job.extra["rule"] = None if job.extra.get("released") else faults.decide(db, job)
    return jobs


def _run(database: str, job: Job, config: dict[str, Any]) -> str:
    try:
        return deliver(store.thread_db(database), job, config)
    except Exception:  # one message's failure must not stop the others; its lease runs out
        logger.exception("delivering notification %s failed", job.message_id)
        return "error"


class Worker:
    """The background worker of one server process."""

    def __init__(self, database: str, config: dict[str, Any]) -> None:
        self.database, self.config = database, config
        self.owner, self.stop = outbox.owner_id(), threading.Event()
        self.pool = ThreadPoolExecutor(max_workers=POOL, thread_name_prefix="notify")
        self.in_flight, self.lock = 0, threading.Lock()

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.loop, name="notify-worker", daemon=True)
        thread.start()
        return thread

    def loop(self) -> None:
        while not self.stop.wait(POLL):
            try:
                self.tick()
            except Exception:  # the store busy, a migration under way...: tried again on the next turn
                logger.exception("notification worker turn failed")

    def tick(self) -> int:
        """Claim what is due and hand it to the pool without waiting; return how many were claimed."""
        with self.lock:
            room = POOL - self.in_flight
        if room <= 0:
            return 0
        db = store.thread_db(self.database)
        jobs = _decided(db, outbox.claim(db, self.owner, room))
        for job in jobs:
            with self.lock:
                self.in_flight += 1
            self.pool.submit(self._one, job)
        return len(jobs)

    def _one(self, job: Job) -> None:
        try:
            _run(self.database, job, self.config)
        finally:
            with self.lock:
                self.in_flight -= 1


def start(database: str, config: dict[str, Any]) -> Worker | None:
    """Start this process's worker (None when the config turns it off or the store is in memory)."""
    if not int(config.get("NOTIFY_WORKER", 1)) or str(database) in ("", ":memory:"):
        return None
    worker = Worker(str(database), dict(config))
    worker.start()
    return worker
