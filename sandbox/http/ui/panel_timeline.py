"""The contract's timeline tab: requests, faults applied, clock moves, incidents and state changes in one line,
built by the same :func:`sandbox.wire.timeline.build` as ``GET /sandbox/v1/contracts/{id}/timeline``.
"""

from __future__ import annotations

from datetime import datetime
from itertools import groupby

from flask import request

from sandbox.http.ui import localize, session
from sandbox.http.ui.common import load_contract, render
from sandbox.http.ui.messages import t
from sandbox.store import get_db
from sandbox.wire import timeline

LIMITS = (50, 200, 1000)
SOURCES = ("request", "activity", "event", "posting", "incident")


def timeline_page(contract_id: str) -> tuple[str, int]:
    """The latest entries, newest first and grouped by contract date; optionally one source only."""
    c, now = load_contract(contract_id)
    limit = int(request.args["limit"]) if request.args.get("limit") in map(str, LIMITS) else LIMITS[0]
    since = _since()
    source = request.args.get("source") if request.args.get("source") in SOURCES else None
    entries = timeline.build(get_db(), contract_id, now, since, None, limit)
    if source:
        entries = [e for e in entries if e["source"] == source]
    days = [(day, list(group)) for day, group in groupby(reversed(entries), key=lambda e: e["at"][:10])]
    return render(
        "timeline.html",
        c=c,
        tab="timeline",
        days=days,
        count=len(entries),
        limit=limit,
        limits=LIMITS,
        sources=SOURCES,
        source=source,
        since=since,
    )


def _since() -> datetime | None:
    """``?since=`` as an instant; a date that does not parse is flashed and ignored."""
    if not request.args.get("since"):
        return None
    try:
        return localize.parse_field(request.args["since"])
    except ValueError:
        session.flash("error", t("bad_date", value=request.args["since"]))
        return None
