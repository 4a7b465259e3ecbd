"""The contract's transfers tab: every transfer request (振込依頼) with its status, items and history."""

from __future__ import annotations

from typing import Any

from flask import request
from markupsafe import Markup

from sandbox.bank.transfers import lifecycle as transfers
from sandbox.bank.transfers import listing
from sandbox.http.transfer_shapes import detail
from sandbox.http.ui.common import load_contract, render
from sandbox.http.ui.messages import t
from sandbox.store import get_db

PAGE_SIZE = 50
# DESIGN §3 status codes: waiting on someone, ended without money moving, moving or moved, failed
TONES = {"2": "warn", "11": "info", "12": "info", "20": "ok", "22": "bad", "40": "bad"}


def transfers_page(contract_id: str) -> tuple[str, int]:
    """Newest first, PAGE_SIZE a page, optionally one status; shaped as the control API shows them."""
    c, _now = load_contract(contract_id)
    status = request.args.get("status") or None
    if status not in (None, *transfers.STATUS_NAMES):
        status = None
    before = request.args.get("before", "")
    older_than = int(before) if before.isascii() and before.isdigit() and len(before) <= 16 else None
    db = get_db()
    found = listing.for_contract(
        db, contract_id, status, before=older_than, limit=PAGE_SIZE + 1, newest_first=True
    )
    shown = [{**detail(db, r), "id": r["id"]} for r in found[:PAGE_SIZE]]
    return render(
        "transfers.html",
        c=c,
        tab="transfers",
        transfers=shown,
        status=status,
        statuses=list(transfers.STATUS_NAMES),
        older=found[PAGE_SIZE - 1]["id"] if len(found) > PAGE_SIZE else None,
        paged=before.isdigit(),
    )


def transfer_badge(code: str) -> Markup:
    return Markup('<span class="badge badge-{}" title="{}">{} <span class="code">{}</span></span>').format(
        TONES.get(code, "muted"), transfers.STATUS_NAMES.get(code, code), t("tstatus_" + code), code
    )


def context() -> dict[str, Any]:
    return {"transfer_badge": transfer_badge}
