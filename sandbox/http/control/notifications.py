"""``/sandbox/v1/contracts/{id}/notifications``: what the bank holds for a contract's notifications (URL,
the credentials it issued, subscriptions, messages), and one delivery pass run now, synchronously."""

from __future__ import annotations

from flask import Response, current_app

from sandbox.http.control import auth
from sandbox.http.web import reply
from sandbox.notify import status, worker
from sandbox.store import get_db


def show_notifications(contract_id: str) -> Response:
    auth.allow_contract(contract_id)
    return reply(status.show(get_db(), contract_id))


def deliver_notifications(contract_id: str) -> Response:
    """Deliver what is due on the contract's clock now and answer when every attempt has ended
    (the background worker would do the same within a moment)."""
    auth.allow_contract(contract_id)
    status.show(get_db(), contract_id, limit=0)  # ContractNotFound, and the clock caught up
    counts = worker.deliver_due(str(current_app.config["DATABASE"]), current_app.config, contract_id)
    return reply({"contractId": contract_id, **counts})
