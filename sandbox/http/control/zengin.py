"""全銀 files on the control API (``/sandbox/v1``, X-Sandbox-Key: admin or the contract's key).

- ``POST /contracts/{id}/bulk-files``: upload a 総合振込 / 給与振込 file (the raw bytes as the body) → a bulk
  request 申請中 (201), approved afterwards like any other (``/corporation/v1/bulktransfer/approval``); or
  ``zengin_file_invalid`` (400) with every problem in ``fileErrorDetails`` and nothing created.
- ``GET /contracts/{id}/bulk-files/sample``: a valid file to start from.
- ``GET /contracts/{id}/accounts/{accountId}/zengin/{03|01}``: the 入出金取引明細 or 振込入金通知 file.
- ``GET /contracts/{id}/bulk-transfers/{applyNo}/result``: which items were paid, which not and why.

Uploading is the bank's file channel (Web21's file transmission), not the banking API: it takes the
control key, like the dashboard, and the applicant is a user of the contract (``?user=``).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from sandbox.bank import accounts, clocks, users
from sandbox.bank.bulk import records
from sandbox.bank.transfers.records import Actor
from sandbox.bank.zengin import render, result, sample, upload
from sandbox.errors import InvalidParameter
from sandbox.http.api import base
from sandbox.http.api.bulk import summary
from sandbox.http.api.zengin import file_response, span_of
from sandbox.http.control import auth
from sandbox.http.web import int_arg, reply
from sandbox.store import Database, get_db

bp = Blueprint("zengin_control", __name__)
bp.before_request(auth.authenticate)
KINDS = ("03", "01")


def applicant(db: Database, contract_id: str, login: str | None) -> Actor:
    """Who applies: the user named (with the ``transfer`` privilege), else one with ``transfer`` but not
    ``transfer-approval`` (so an approver can approve it), else the file channel itself."""
    if login:
        user = users.get(db, contract_id, login)
        if "transfer" not in user["privileges"]:
            raise InvalidParameter(f"{user['login_id']} has no transfer privilege", field="user")
        return Actor("user", user["id"], user["login_id"])
    people = [u for u in users.for_contract(db, contract_id) if "transfer" in u["privileges"]]
    people.sort(key=lambda u: "transfer-approval" in u["privileges"])
    return Actor("user", people[0]["id"], people[0]["login_id"]) if people else Actor("user", None, "file")


@bp.post("/contracts/<contract_id>/bulk-files")
def upload_file(contract_id: str) -> Response:
    """A 総合振込 / 給与振込 file becomes a bulk request 申請中, or nothing at all."""
    auth.allow_contract(contract_id)
    db = get_db()
    contract, now = clocks.catch_up(db, contract_id)
    actor = applicant(db, contract_id, request.args.get("user"))
    data = request.get_data(cache=False)
    opts = {"account_id": request.args.get("accountId") or None, "name": request.args.get("name") or None}
    req = upload.upload(db, contract, data, actor, now, **opts)
    shown = {**summary(req), "resultCode": "2"}
    return reply({**base(now), "applicantLoginId": actor.login_id, "bulkTransfer": shown}, 201)


def _account(db: Database, contract_id: str, account_id: str | None) -> dict[str, Any]:
    if not account_id:
        raise InvalidParameter("accountId is required", field="accountId")
    return accounts.get(db, [contract_id], account_id)


@bp.get("/contracts/<contract_id>/bulk-files/sample")
def sample_file(contract_id: str) -> Response:
    """A valid 総合振込 file from the contract's payees, designated on the first day still allowed."""
    auth.allow_contract(contract_id)
    db = get_db()
    contract, now = clocks.catch_up(db, contract_id)
    account = _account(db, contract_id, request.args.get("accountId"))
    crlf = request.args.get("crlf", "true")
    if crlf not in ("true", "false"):
        raise InvalidParameter("crlf must be true or false", field="crlf")
    opts = {"items": int_arg("items", None, 1, 20_000), "type_code": request.args.get("typeCode")}
    data = sample.sample_file(db, contract, account, now, crlf=crlf == "true", **opts)
    return file_response(data, f"sogo-{account['id']}.txt", now)


@bp.get("/contracts/<contract_id>/accounts/<account_id>/zengin/<kind>")
def download(contract_id: str, account_id: str, kind: str) -> Response:
    """The 入出金取引明細 (03) or 振込入金通知 (01) file of an account over ``dateFrom``..``dateTo``."""
    auth.allow_contract(contract_id)
    if kind not in KINDS:
        raise InvalidParameter("the file kind must be 03 (入出金取引明細) or 01 (振込入金通知)", field="kind")
    db = get_db()
    contract, now = clocks.catch_up(db, contract_id)
    account = accounts.get(db, [contract_id], account_id)
    span = span_of(db, account, contract, now)
    return file_response(
        render.download(db, account, kind, span, now), render.file_name(kind, account, span), now
    )


@bp.get("/contracts/<contract_id>/bulk-transfers/<apply_no>/result")
def bulk_result(contract_id: str, apply_no: str) -> Response:
    """Which items of a bulk request were paid, which not (不能) and why."""
    auth.allow_contract(contract_id)
    db = get_db()
    _contract, now = clocks.catch_up(db, contract_id)
    found = records.find(db, [contract_id], apply_no)
    return reply({**base(now), **result.result(db, records.load(db, found["id"]))})
