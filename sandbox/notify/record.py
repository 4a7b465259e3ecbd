"""Each delivery attempt in the request log (method ``NOTIFY``, the receiver's URL as the path, the
``messageId`` as the idempotency key) and on the contract's timeline (status, latency, the answer)."""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import urlsplit

from sandbox import clock, events, store
from sandbox.notify.outbox import Job
from sandbox.notify.sender import Sent
from sandbox.store import Database, transaction
from sandbox.wire import logfile, requestlog

METHOD = "NOTIFY"


def target(url: str) -> str:
    """The receiver's URL as logged: without its query (which may carry a token of the client's)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path or '/'}"


def attempt(
    db: Database,
    job: Job,
    sent: Sent | None,
    body: bytes,
    fault: dict[str, Any] | None,
    result: str,
    max_rows: int = 50_000,
) -> None:
    """Note one attempt (``sent`` None: a dropped one, nothing reached the receiver). ``result`` is how
    the bank counts it: delivered, retry, abandoned, duplicate. ``max_rows``: the request log's bound."""
    now = _now(db, job)
    status = sent.status if sent else None
    outcome = sent.outcome if sent else "dropped"
    latency = round(sent.latency_ms, 1) if sent else 0.0
    requestlog.write(db, logfile.beside(db), _entry(job, sent, body, fault, now), max_rows)
    shown = status if status is not None else outcome
    summary = f"notification {job.message_id} attempt {job.attempt} → {shown} ({result})"
    data = {
        "messageId": job.message_id,
        "eventType": job.event_type,
        "attempt": job.attempt,
        "status": status,
        "outcome": outcome,
        "latencyMs": latency,
        "response": sent.excerpt if sent else None,
        "result": result,
        "fault": fault["effect"] if fault else None,
        "amount": _amount(job.body),
    }
    with transaction(db):
        events.record(db, job.contract_id, now, "notification", summary, data)


def _entry(
    job: Job, sent: Sent | None, body: bytes, fault: dict[str, Any] | None, now: Any
) -> dict[str, Any]:
    """The attempt as a request-log row."""
    status = sent.status if sent else None
    return {
        "at": clock.to_db(now),
        "wall_at": clock.to_db(clock.wall_now()),
        "contract_id": job.contract_id,
        "method": METHOD,
        "path": target(job.url),
        "status": status,
        "sent_status": status,
        "outcome": sent.outcome if sent else "dropped",
        "latency_ms": round(sent.latency_ms, 1) if sent else 0.0,
        "idempotency_key": job.message_id,
        "fault_id": fault["id"] if fault else None,
        "fault": fault["effect"] if fault else None,
        "body_digest": "sha256:" + hashlib.sha256(body).hexdigest()[:32],
        "body_size": len(body),
    }


def hold(db: Database, job: Job, fault: dict[str, Any], until: Any) -> None:
    """A fault held a message back (delay, stop, reorder): on the timeline, not an attempt."""
    now = _now(db, job)
    summary = f"notification {job.message_id} held by {fault['effect']} until {clock.to_api(until)}"
    data = {
        "messageId": job.message_id,
        "fault": fault["effect"],
        "faultId": fault["id"],
        "until": clock.to_api(until),
    }
    with transaction(db):
        events.record(db, job.contract_id, now, "notification", summary, data)


def _amount(body: str) -> str | None:
    """The amount the message notifies (timeline data, so a scenario can wait for one payment)."""
    message = json.loads(body)
    return (message.get("depositTransaction") or message.get("vaTransaction") or {}).get("amount")


def _now(db: Database, job: Job) -> Any:
    found = store.row(db, "SELECT * FROM contracts WHERE id = ?", (job.contract_id,))
    return clock.contract_now(found) if found else job.now
