"""``/corporation/v1/bulktransfer/*``: 総合振込/給与振込 — fee quote, request (201), status (paged),
request-result, cancel (``cancelTargetKeyClass`` 3/4) and approval (§2(2)③④ of the Web21 server-connection
service terms). Thin views: parse → domain (sandbox/bank/bulk/lifecycle.py) → reply.

Approval is ``POST /bulktransfer/approval`` with the ``transfer-approval`` token (a bulk variant of
``/transfer/approval``: a bulk ``applyNo`` is not a single transfer's). Request, fee quote and cancel need
``transfer``; status and request-result work with any of the three transfer/account services.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request, url_for

from sandbox import events
from sandbox.bank import accounts, contracts, keys
from sandbox.bank.beneficiaries import digits
from sandbox.bank.bulk import input as bulk_input
from sandbox.bank.bulk import lifecycle as bulk
from sandbox.bank.bulk import records
from sandbox.bank.transfers import crypto, pricing
from sandbox.bank.transfers import input as transfer_input
from sandbox.bank.transfers.records import Actor
from sandbox.dates import parse_day
from sandbox.errors import InvalidParameter
from sandbox.fields import field
from sandbox.http import outcome_shapes, transfer_shapes
from sandbox.http.api import api_reply
from sandbox.http.api.idempotency import idempotent
from sandbox.http.web import json_body
from sandbox.oauth.protect import current_token, require_scope
from sandbox.store import get_db

bp = Blueprint("bulk", __name__)
PAGE = 500  # requests per page of /bulktransfer/status, as items per page with detailInfoNecessity
READ_SCOPES = ("transfer", "account", "transfer-approval")


def _actor() -> Actor:
    tok = current_token()
    return Actor("user", tok.user_id, tok.login_id, tok.client_id)


def _own() -> list[str]:
    """Writes touch only the token's own contract (a parent reads its children's, §4(6))."""
    return [current_token().contract_id]


def _draft(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], bulk_input.BulkDraft]:
    """The debited account, its contract and the parsed body (every item's problems at once)."""
    tok, db = current_token(), get_db()
    account = accounts.get(db, _own(), field(data, "accountId"))
    draft = bulk_input.parse_request(db, data, contract=tok.contract, client_id=tok.client_id, now=tok.now)
    return account, tok.contract, draft


@bp.post("/bulktransfer/transferfee")
@require_scope("transfer")
@idempotent
def bulk_fee() -> Response:
    """総合振込手数料事前照会: each item's fee and the total, as the request would be charged."""
    account, contract, draft = _draft(json_body())
    priced = pricing.price(contract, account, draft.items)
    details = [
        {"itemId": str(i.item_id), "transferFee": str(fee), "feeTier": tier} for i, tier, fee in priced
    ]
    total = str(sum(fee for _i, _t, fee in priced))
    return api_reply(
        {"accountId": account["id"], "totalFee": total, "transferFeeDetails": details}, current_token().now
    )


@bp.post("/bulktransfer/request")
@require_scope("transfer")
@idempotent
def bulk_request() -> Response:
    """総合振込依頼: accepted as 申請中 with all its items (resultCode 2, 未完了), or nothing at all."""
    account, _contract, draft = _draft(json_body())
    req, now = bulk.create(get_db(), _own(), account["id"], draft, _actor())
    location = f"{url_for('bulk.bulk_status')}?accountId={req['account_id']}&applyNo={req['apply_no']}"
    return api_reply({**summary(req), "resultCode": "2"}, now, 201, {"Location": location})


def summary(req: dict[str, Any]) -> dict[str, Any]:
    """A bulk request as every answer shows it (no items; absent values left out)."""
    shown = {
        "accountId": req["account_id"],
        "applyNo": req["apply_no"],
        "transferStatus": req["status"],
        "transferStatusName": records.STATUS_NAMES[req["status"]],
        "typeCode": req["type_code"],
        "transferDataName": req["data_name"],
        "remitterCode": req["remitter_code"],
        "remitterName": req["remitter_name"],
        "identification": "Y" if req["identification"] else "N",
        "transferDesignatedDate": req["designated_date"],
        "totalCount": str(req["total_count"]),
        "totalAmount": str(req["total_amount"]),
        "totalFee": str(req["total_fee"]),
        "feeAccountId": req["fee_account_id"],
        "applyDatetime": transfer_shapes.api_time(req["applied_at"]),
        "approvalDatetime": transfer_shapes.api_time(req.get("decided_at")),
        "cancelDatetime": transfer_shapes.api_time(req.get("cancelled_at")),
        "executedDatetime": transfer_shapes.api_time(req.get("executed_at")),
        "failureReason": req.get("failure_reason"),
    }
    return {k: v for k, v in shown.items() if v is not None}


def _missing(name: str) -> str:
    raise InvalidParameter(f"{name} is required", field=name)


def _lookup() -> tuple[dict[str, Any], dict[str, Any], Any]:
    """The bulk request named by ``accountId`` and ``applyNo`` in the query, its contract and time."""
    tok, db = current_token(), get_db()
    account_id = request.args.get("accountId") or _missing("accountId")
    number = request.args.get("applyNo") or _missing("applyNo")
    owner = records.find(db, tok.visible_contract_ids, number, account_id)
    contract, now = events.touch(db, owner["contract_id"])
    return records.load(db, owner["id"]), contract, now


@bp.get("/bulktransfer/request-result")
@require_scope(*READ_SCOPES)
def bulk_request_result() -> Response:
    """総合振込依頼結果照会: resultCode 2 未完了 (申請中), 8 期限切れ, 1 完了 with ``applyEndDatetime``."""
    req, _contract, now = _lookup()
    code = transfer_shapes.result_code(req["status"])
    ended = transfer_shapes.apply_end(req)  # only when resultCode is 1 (as GMO does)
    unable = outcome_shapes.unable(get_db(), "bulk", req["id"])
    shown = {**summary(req), "resultCode": code, "applyEndDatetime": ended, "unableDetailInfos": unable}
    return api_reply(shown, now)


@bp.get("/bulktransfer/status")
@require_scope(*READ_SCOPES)
def bulk_status() -> Response:
    """総合振込状況照会: one request by applyNo (class 1, its items 500 a page with detailInfoNecessity)
    or an applied-date range (class 2, 500 requests a page by nextItemKey)."""
    tok, db = current_token(), get_db()
    if request.args.get("applyNo"):
        req, contract, now = _lookup()
        shown = {**summary(req), **_items_page(req, contract)}
        if unable := outcome_shapes.unable(db, "bulk", req["id"]):
            shown["unableDetailInfos"] = unable
        return api_reply(
            {"acceptanceKeyClass": "1", "count": "1", "hasNext": False, "bulkTransferDetails": [shown]}, now
        )
    if request.args.get("detailInfoNecessity", "false") != "false":
        raise InvalidParameter("detailInfoNecessity=true needs an applyNo", field="detailInfoNecessity")
    account = accounts.get(
        db, tok.visible_contract_ids, request.args.get("accountId") or _missing("accountId")
    )
    _contract, now = events.touch(db, account["contract_id"])
    found, has_next = _range(account, now)
    data = {
        "acceptanceKeyClass": "2",
        "count": str(len(found)),
        "hasNext": has_next,
        "nextItemKey": str(found[-1]["id"]) if has_next else None,
        "bulkTransferDetails": [summary(r) for r in found],
    }
    return api_reply(data, now)


def _items_page(req: dict[str, Any], contract: dict[str, Any]) -> dict[str, Any]:
    """With ``detailInfoNecessity=true``: 500 items from ``bulktransferItemKey`` (1, 501, 1001…)."""
    wanted = request.args.get("detailInfoNecessity", "false")
    if wanted not in ("true", "false"):
        raise InvalidParameter("detailInfoNecessity must be true or false", field="detailInfoNecessity")
    if wanted == "false":
        return {}
    key = request.args.get("bulktransferItemKey", "1")
    if not digits(key) or len(key) > 5 or int(key) % PAGE != 1:
        raise InvalidParameter("bulktransferItemKey must be 1, 501, 1001, …", field="bulktransferItemKey")
    found = records.items(get_db(), req["id"], int(key), PAGE + 1)
    seal = _sealer(contract)
    more = len(found) > PAGE
    return {
        "bulktransferItemKey": key,
        "hasNextItems": more,
        **({"nextBulktransferItemKey": str(int(key) + PAGE)} if more else {}),
        "bulkTransferInfos": [transfer_shapes.item(i, seal) for i in found[:PAGE]],
    }


def _sealer(contract: dict[str, Any]) -> transfer_shapes.Sealer | None:
    """Answer with sealed beneficiaries when the contract requires field encryption (§5(2)②)."""
    if contracts.settings(contract)["fieldEncryption"] != "required":
        return None
    key = keys.current_key(get_db(), current_token().client_id)
    return (lambda fields: {"encryptedBeneficiary": crypto.encrypt(key, fields)}) if key else None


def _range(account: dict[str, Any], now: Any) -> tuple[list[dict[str, Any]], bool]:
    """A page of the account's requests applied from ``dateFrom`` to ``dateTo`` (today by default)."""
    args = request.args
    date_from = parse_day(args["dateFrom"], "dateFrom") if "dateFrom" in args else now.date()
    date_to = parse_day(args["dateTo"], "dateTo") if "dateTo" in args else max(date_from, now.date())
    if date_from > date_to:
        raise InvalidParameter("dateFrom is after dateTo", field="dateFrom")
    after = args.get("nextItemKey", "0")
    if not digits(after) or len(after) > 18:
        raise InvalidParameter("nextItemKey must be the value a previous page gave", field="nextItemKey")
    found = records.search(
        get_db(), account["id"], date_from.isoformat(), date_to.isoformat(), int(after), PAGE + 1
    )
    return found[:PAGE], len(found) > PAGE


@bp.post("/bulktransfer/cancel")
@require_scope("transfer")
@idempotent
def bulk_cancel() -> Response:
    """総合振込取消: class 3 申請中 → 取下げ (4); class 4 予約中 → 予約取消 (8)."""
    data = json_body()
    key_class = field(data, "cancelTargetKeyClass")
    if key_class not in bulk.CANCEL_CLASSES:
        raise InvalidParameter(
            "cancelTargetKeyClass must be 3 (総合振込申請取消) or 4 (総合振込受付取消)",
            field="cancelTargetKeyClass",
        )
    number = field(data, "applyNo")
    req, now = bulk.cancel(get_db(), _own(), field(data, "accountId"), number, key_class, _actor())
    return api_reply(summary(req), now)


@bp.post("/bulktransfer/approval")
@require_scope("transfer-approval")
@idempotent
def bulk_approval() -> Response:
    """承認 / 差戻 of a bulk request: approval reserves it for its date (refused when late by the lead rule)."""
    data = json_body()
    decision = field(data, "decision")
    if decision not in ("approve", "return"):
        raise InvalidParameter('decision must be "approve" or "return"', field="decision")
    comment = field(data, "comment", required=False)
    if comment is not None and len(comment) > transfer_input.COMMENT_MAX:
        raise InvalidParameter(
            f"comment is longer than {transfer_input.COMMENT_MAX} characters", field="comment"
        )
    number = field(data, "applyNo")
    req, now = bulk.decide(get_db(), _own(), field(data, "accountId"), number, decision, _actor(), comment)
    return api_reply({**summary(req), "decision": decision}, now)
