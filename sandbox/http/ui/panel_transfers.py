"""The contract's transfers tab: every transfer request (振込依頼) with its status, items and history."""

from __future__ import annotations

from typing import Any

from flask import request
from markupsafe import Markup

from sandbox.bank.transfers import lifecycle as transfers
from sandbox.http.api.transfer_shapes import detail
from sandbox.http.ui import helpers
from sandbox.http.ui.messages import t
from sandbox.http.ui.views import bp, load_contract, render
from sandbox.store import get_db, rows

PAGE_SIZE = 50
# DESIGN §3 status codes: waiting on someone, ended without money moving, moving or moved, failed
TONES = {"2": "warn", "11": "info", "12": "info", "20": "ok", "22": "bad", "40": "bad"}
helpers.add_tab("transfers", "ui.transfers_page")


@bp.get("/contracts/<contract_id>/transfers")
def transfers_page(contract_id: str) -> tuple[str, int]:
    """Newest first, PAGE_SIZE a page, optionally one status; shaped as the control API shows them."""
    c, _now = load_contract(contract_id)
    status = request.args.get("status") or None
    if status not in (None, *transfers.STATUS_NAMES):
        status = None
    before = request.args.get("before", "")
    sql, params = "SELECT * FROM transfer_requests WHERE contract_id = ?", [contract_id]
    if status:
        sql, params = sql + " AND status = ?", [*params, status]
    if before.isascii() and before.isdigit() and len(before) <= 16:
        sql, params = sql + " AND id < ?", [*params, int(before)]
    db = get_db()
    found = rows(db, sql + " ORDER BY id DESC LIMIT ?", [*params, PAGE_SIZE + 1])
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


bp.context_processor(context)
