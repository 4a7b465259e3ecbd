"""``/corporation/v1/transfer/*``: fee quote, request, request-result, status, cancel and approval
(§2(2)③④, DESIGN §4). Thin views: parse → domain (sandbox/bank/transfers/lifecycle.py) → reply.

Request and cancel need ``transfer``; approval needs ``transfer-approval`` (only ever in a token of its
own); status reads work with any of the three services. Every POST takes an ``Idempotency-Key``.
A parent contract's token reads its children's transfers (§4(6) gives it their information, DESIGN §4);
fee quotes, requests, cancels and approvals act only on the token's own contract.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, request, url_for

from sandbox import events
from sandbox.bank import accounts, contracts, keys
from sandbox.bank.beneficiaries import digits
from sandbox.bank.transfers import crypto, pricing
from sandbox.bank.transfers import input as transfer_input
from sandbox.bank.transfers import lifecycle as transfers
from sandbox.dates import parse_day
from sandbox.errors import InvalidParameter
from sandbox.fields import field
from sandbox.http import transfer_shapes
from sandbox.http.api import api_reply
from sandbox.http.api.idempotency import idempotent
from sandbox.http.web import json_body
from sandbox.oauth.protect import current_token, require_scope
from sandbox.store import get_db

bp = Blueprint("transfers", __name__)
PAGE = 500  # requests per page of /transfer/status (DESIGN §4)
READ_SCOPES = ("transfer", "account", "transfer-approval")


def _actor() -> transfers.Actor:
    tok = current_token()
    return transfers.Actor("user", tok.user_id, tok.login_id, tok.client_id)


def _sealer(contract: dict[str, Any]) -> transfer_shapes.Sealer | None:
    """Answer with sealed beneficiaries when the contract requires field encryption (§5(2)②)."""
    if contracts.settings(contract)["fieldEncryption"] != "required":
        return None
    key = keys.current_key(get_db(), current_token().client_id)
    return (lambda fields: {"encryptedBeneficiary": crypto.encrypt(key, fields)}) if key else None


def _own() -> list[str]:
    """The contracts a write may touch: the token's own, never a child's (§4(6) is about information)."""
    return [current_token().contract_id]


def _draft_for(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], Any, transfers.Draft]:
    """The debited account (the token's own contract's), its contract and time, and the parsed body."""
    tok, db = current_token(), get_db()
    account = accounts.get(db, _own(), field(data, "accountId"))
    if account["contract_id"] == tok.contract_id:  # the protector has just brought this clock up to date
        contract, now = tok.contract, tok.now
    else:
        contract, now = events.touch(db, account["contract_id"])
    draft = transfer_input.parse_request(db, data, contract=contract, client_id=tok.client_id, now=now)
    return account, contract, now, draft


@bp.post("/transfer/transferfee")
@require_scope("transfer")
@idempotent
def transfer_fee() -> Response:
    """振込手数料事前照会: the fee of each item, as the request would be charged."""
    data = json_body()
    account, contract, now, draft = _draft_for(data)
    priced = pricing.price(contract, account, draft.items)
    return api_reply(
        {
            "accountId": account["id"],
            "totalFee": str(sum(fee for _i, _t, fee in priced)),
            "transferFeeDetails": [
                {"itemId": str(item.item_id), "transferFee": str(fee), "feeTier": tier}
                for item, tier, fee in priced
            ],
        },
        now,
    )


@bp.post("/transfer/request")
@require_scope("transfer")
@idempotent
def request_transfer() -> Response:
    """振込依頼: accepted as 申請中, waiting for approval (resultCode 2, 未完了)."""
    data = json_body()
    account, _contract, _now, draft = _draft_for(data)
    req, now = transfers.create(get_db(), _own(), account["id"], draft, _actor())
    status_url = url_for("transfers.transfer_status")
    location = f"{status_url}?accountId={req['account_id']}&applyNo={req['apply_no']}"
    return api_reply(
        {
            "accountId": req["account_id"],
            "resultCode": "2",
            "applyNo": req["apply_no"],
            "transferStatus": req["status"],
            "transferStatusName": transfers.STATUS_NAMES[req["status"]],
            "executionDate": req["execution_date"],
            "approvalDeadline": transfer_shapes.api_time(req["expires_at"]),
            "totalCount": str(req["total_count"]),
            "totalAmount": str(req["total_amount"]),
            "totalFee": str(req["total_fee"]),
        },
        now,
        201,
        {"Location": location},
    )


def _lookup() -> tuple[dict[str, Any], dict[str, Any], Any]:
    """The request named by ``accountId`` and ``applyNo`` in the query, its contract and time."""
    tok, db = current_token(), get_db()
    account_id = request.args.get("accountId") or _missing("accountId")
    apply_no = request.args.get("applyNo") or _missing("applyNo")
    owner = transfers.find(db, tok.visible_contract_ids, apply_no, account_id)
    contract, now = events.touch(db, owner["contract_id"])
    return transfers.load(db, owner["id"]), contract, now


def _missing(name: str) -> str:
    raise InvalidParameter(f"{name} is required", field=name)


@bp.get("/transfer/request-result")
@require_scope(*READ_SCOPES)
def request_result() -> Response:
    """振込依頼結果照会: whether a request was accepted, and where it stands (resultCode 1/2/8);
    ``applyEndDatetime`` only with resultCode 1 (完了)."""
    req, _contract, now = _lookup()
    return api_reply(
        {
            **transfer_shapes.status_fields(req),
            "resultCode": transfer_shapes.result_code(req["status"]),
            "applyEndDatetime": transfer_shapes.apply_end(req),
        },
        now,
    )


@bp.get("/transfer/status")
@require_scope(*READ_SCOPES)
def transfer_status() -> Response:
    """振込状況照会: one request by applyNo (key class 1), or a date range paged by nextItemKey (class 2)."""
    tok, db = current_token(), get_db()
    if request.args.get("applyNo"):
        req, contract, now = _lookup()
        found, key_class, has_next = [req], "1", False
    else:
        account = accounts.get(
            db, tok.visible_contract_ids, request.args.get("accountId") or _missing("accountId")
        )
        contract, now = events.touch(db, account["contract_id"])
        found, has_next = _range(account, now)
        key_class = "2"
    seal = _sealer(contract)
    data = {
        "acceptanceKeyClass": key_class,
        "count": str(len(found)),
        "hasNext": has_next,
        "nextItemKey": str(found[-1]["id"]) if has_next else None,
        "transferDetails": [transfer_shapes.detail(db, r, seal) for r in found],
    }
    return api_reply(data, now)


def _range(account: dict[str, Any], now: Any) -> tuple[list[dict[str, Any]], bool]:
    args = request.args
    date_from = _date_arg("dateFrom", now.date())
    date_to = _date_arg("dateTo", date_from if "dateFrom" in args else now.date())
    if date_from > date_to:
        raise InvalidParameter("dateFrom is after dateTo", field="dateFrom")
    term = args.get("requestTransferTerm", "1")
    if term not in ("1", "2"):
        raise InvalidParameter(
            "requestTransferTerm must be 1 (applied date) or 2 (designated date)", field="requestTransferTerm"
        )
    after = args.get("nextItemKey", "0")
    if not digits(after) or len(after) > 18:
        raise InvalidParameter("nextItemKey must be the value a previous page gave", field="nextItemKey")
    found = transfers.search(
        get_db(),
        [account["contract_id"]],
        account_id=account["id"],
        date_from=date_from.isoformat(),
        date_to=date_to.isoformat(),
        by="applied" if term == "1" else "designated",
        after_id=int(after),
        limit=PAGE + 1,
    )
    return found[:PAGE], len(found) > PAGE


def _date_arg(name: str, default: date) -> date:
    value = request.args.get(name)
    return default if value is None else parse_day(value, name)


@bp.post("/transfer/cancel")
@require_scope("transfer")
@idempotent
def cancel_transfer() -> Response:
    """振込取消: 申請中 → 取下げ (4), 予約中 → 予約取消 (8)."""
    data = json_body()
    req, now = transfers.cancel(
        get_db(),
        _own(),
        field(data, "accountId"),
        field(data, "applyNo"),
        _actor(),
    )
    return api_reply(
        {**transfer_shapes.status_fields(req), "cancelDatetime": transfer_shapes.api_time(req["updated_at"])},
        now,
    )


@bp.post("/transfer/approval")
@require_scope("transfer-approval")
@idempotent
def approve_transfer() -> Response:
    """承認 / 差戻 (§2(2)④): approve executes now or reserves; return sends it back to the applicant."""
    data = json_body()
    decision = field(data, "decision")
    if decision not in ("approve", "return"):
        raise InvalidParameter('decision must be "approve" or "return"', field="decision")
    comment = field(data, "comment", required=False)
    if comment is not None and len(comment) > transfer_input.COMMENT_MAX:
        raise InvalidParameter(
            f"comment is longer than {transfer_input.COMMENT_MAX} characters", field="comment"
        )
    req, now = transfers.decide(
        get_db(),
        _own(),
        field(data, "accountId"),
        field(data, "applyNo"),
        decision,
        _actor(),
        comment,
    )
    shown = {
        **transfer_shapes.status_fields(req),
        "decision": decision,
        "approvalDatetime": transfer_shapes.api_time(req["decided_at"]),
        "executionDate": req["execution_date"],
        "executedDatetime": transfer_shapes.api_time(req["executed_at"]),
        "failureReason": req["failure_reason"],
    }
    return api_reply(shown, now)
