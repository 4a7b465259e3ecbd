"""The transfers tab's 全銀 file form: upload a 総合振込 / 給与振込 file as the control API's
``POST /contracts/{id}/bulk-files`` does (the same domain: a bulk request 申請中, or every problem and nothing
made). The problems are flashed one a line, the first few of them (the session cookie is small)."""

from __future__ import annotations

from flask import Response, redirect, request, url_for

from sandbox.bank import clocks
from sandbox.bank.zengin import upload
from sandbox.bank.zengin.errors import ZenginFileInvalid
from sandbox.errors import BankError
from sandbox.http.control.zengin import applicant
from sandbox.http.ui import session
from sandbox.http.ui.common import load_contract
from sandbox.http.ui.messages import error_text, t
from sandbox.store import get_db

SHOWN = 6  # problems flashed; the rest are counted


def upload_bulk_file(contract_id: str) -> Response:
    """The file of the form becomes a bulk request 申請中, or its problems are shown."""
    load_contract(contract_id)
    sent = request.files.get("file")
    data = sent.read() if sent else b""
    try:
        session.flash("ok", _upload(contract_id, data))
    except ZenginFileInvalid as error:
        session.flash("error", error_text(error))
        _flash_problems(error)
    except BankError as error:
        session.flash("error", error_text(error))
    return redirect(url_for("ui.transfers_page", contract_id=contract_id))


def _upload(contract_id: str, data: bytes) -> str:
    db = get_db()
    contract, now = clocks.catch_up(db, contract_id)
    actor = applicant(db, contract_id, request.form.get("user") or None)
    req = upload.upload(db, contract, data, actor, now)
    return t("zengin_uploaded", apply_no=req["apply_no"], n=req["total_count"], date=req["designated_date"])


def _flash_problems(error: ZenginFileInvalid) -> None:
    for p in error.problems[:SHOWN]:
        where = t("zengin_where", record=p.record, position=p.position) if p.record else ""
        session.flash("error", f"{where} {p.field or ''} {p.code}: {p.message}".strip())
    if len(error.problems) > SHOWN:
        session.flash("error", t("zengin_more", n=len(error.problems) - SHOWN))
