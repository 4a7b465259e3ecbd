"""Notifications (webhooks, ``/webhooks/v1``), scope ``account``: start or stop the deposit notifications,
and fetch the undelivered ones (fetched counts as delivered). BANKS.md §2; docs/reconciliation.md."""

from __future__ import annotations

from flask import Blueprint, Response

from sandbox.bank import contracts, notices
from sandbox.http.api import api_reply
from sandbox.http.web import json_body
from sandbox.oauth.protect import current_token, require_scope
from sandbox.store import get_db

bp = Blueprint("api_webhooks", __name__)


@bp.post("/subscribe")
@require_scope("account")
def subscribe() -> Response:
    """``{subscribeStatus: 0 stop | 1 start, eventTypes: [{eventType}]}``; starting needs the contract's
    notification URL (setting ``notificationUrl``)."""
    ctx = current_token()
    url = contracts.settings(ctx.contract)["notificationUrl"]
    done = notices.subscribe(get_db(), ctx.contract_id, json_body(), ctx.now, url)
    return api_reply(done, ctx.now)


@bp.get("/unsentlist/<event_type>")
@require_scope("account")
def unsent_list(event_type: str) -> Response:
    """Up to 500 undelivered messages, oldest first; call again until 404 ``no_unsent_notifications``."""
    ctx = current_token()
    return api_reply(notices.unsent(get_db(), ctx.contract_id, event_type, ctx.now), ctx.now)
