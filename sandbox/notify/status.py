"""A contract's notifications as the control API shows them: its URL, the credentials the bank issued for
it, its subscriptions, how many messages are in each state, and the latest messages."""

from __future__ import annotations

import json
from typing import Any

from sandbox import clock, events
from sandbox.bank import contracts, notices
from sandbox.store import Database, rows, transaction


def show(db: Database, contract_id: str, limit: int = 50) -> dict[str, Any]:
    """``GET /sandbox/v1/contracts/{id}/notifications`` (issues the credentials on first call)."""
    contract, now = events.touch(db, contract_id)
    with transaction(db):
        creds = notices.credentials(db, contract_id, now)
    counts = {
        r["state"]: r["n"]
        for r in rows(
            db,
            "SELECT state, count(*) AS n FROM notifications WHERE contract_id = ? GROUP BY state",
            (contract_id,),
        )
    }
    latest = rows(
        db,
        "SELECT message_id, event_type, state, attempts, due_at, last_status, last_outcome, body"
        " FROM notifications WHERE contract_id = ? ORDER BY id DESC LIMIT ?",
        (contract_id, limit),
    )
    return {
        "contractId": contract_id,
        "notificationUrl": contracts.settings(contract)["notificationUrl"],
        "credentials": {
            "username": creds["username"],
            "password": creds["password"],
            "signatureSecret": creds["signature_secret"],
            "signatureHeader": "X-Web21-Signature",
        },
        "subscriptions": [
            {"eventType": t, "active": on} for t, on in notices.subscriptions(db, contract_id).items()
        ],
        "counts": {state: counts.get(state, 0) for state in ("pending", "delivered", "fetched", "abandoned")},
        "messages": [_message(m) for m in latest],
        "now": clock.to_api(now),
    }


def _message(found: dict[str, Any]) -> dict[str, Any]:
    body = json.loads(found["body"])
    transaction_ = body.get("vaTransaction") or body.get("depositTransaction") or {}
    view = {
        "messageId": found["message_id"],
        "eventType": found["event_type"],
        "state": found["state"],
        "attempts": found["attempts"],
        "dueAt": clock.to_api(clock.from_db(found["due_at"])),
        "lastStatus": found["last_status"],
        "lastOutcome": found["last_outcome"],
        "amount": transaction_.get("amount"),
        "accountId": body.get("account", {}).get("raId"),
    }
    return {k: v for k, v in view.items() if v is not None}
