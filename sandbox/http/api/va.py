"""``/corporation/v1/va/*``: virtual accounts (振込入金口座) — issue (201, 1–1,000 a call), list (paged),
status change (停止/再開/削除, ≤ 100 a call), close-request (effective at month end) and the VA deposit
statement (≤ 6 months back). GMO-style field names (``../shared/BANKS.md`` §2).

Scope ``account``: the bank's public model names no service of its own for VAs, so the read service of the
Web21 server connection service terms (§2(2)②) covers them. Issuing, like every call, is refused during a
maintenance window (the fault layer's gate): clients keep a pool of spare VAs.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, Response, request

from sandbox import clock
from sandbox.bank import accounts
from sandbox.bank.statements import cursor
from sandbox.bank.va import lifecycle, records
from sandbox.bank.va import statement as va_statement
from sandbox.dates import parse_day
from sandbox.errors import InvalidParameter
from sandbox.fields import field
from sandbox.http.api import api_reply
from sandbox.http.api.idempotency import idempotent
from sandbox.http.web import json_body
from sandbox.oauth.protect import current_token, require_scope
from sandbox.store import get_db

bp = Blueprint("va", __name__)


@bp.post("/va/issue")
@require_scope("account")
@idempotent
def issue() -> Response:
    """振込入金口座発行: ``issueRequestCount`` VAs of ``vaTypeCode`` under ``raId`` (201)."""
    tok, data = current_token(), json_body()
    count = _count(data.get("issueRequestCount"))
    expiry = data.get("expireDate")
    expires_on = parse_day(expiry, "expireDate") if expiry is not None else None
    type_code = field(data, "vaTypeCode")
    new = lifecycle.issue(
        get_db(), tok.contract_id, field(data, "raId"), type_code, count, expires_on, tok.now
    )
    body = {
        "raId": new[0]["ra_id"],
        "vaTypeCode": type_code,
        "vaTypeName": records.TYPES[type_code],
        "expireDate": new[0]["expires_on"],
        "vaHolderNameKana": new[0]["holder_kana"],
        "count": len(new),
        "vaList": [records.brief(va) for va in new],
    }
    return api_reply(body, tok.now, 201)


def _count(value: Any) -> int:
    """``issueRequestCount``: a whole number from 1 (JSON integer or digits); above 1,000 is ``va_too_many``."""
    text = str(value) if isinstance(value, int | str) and not isinstance(value, bool) else ""
    if not (text.isascii() and text.isdigit()) or int(text) < 1 or len(text) > 9:
        raise InvalidParameter(
            "issueRequestCount must be a whole number from 1 to 1000", field="issueRequestCount"
        )
    return int(text)


@bp.post("/va/list")
@require_scope("account")
def list_vas() -> Response:
    """振込入金口座一覧照会: filters (raId, vaStatusCode, vaTypeCode, vaId, issueDateFrom/To), 500 a page."""
    tok, data = current_token(), json_body(required=False)
    filters: dict[str, Any] = {
        k: field(data, k, required=False) for k in ("raId", "vaStatusCode", "vaTypeCode", "vaId")
    }
    for name in ("issueDateFrom", "issueDateTo"):
        filters[name] = parse_day(data[name], name) if data.get(name) is not None else None
    after = _va_cursor(field(data, "nextItemKey", required=False))
    page = lifecycle.list_page(get_db(), tok.contract_id, filters, after)
    body = {
        "vaList": [records.view(va) for va in page["vas"]],
        "count": len(page["vas"]),
        "totalCount": page["total"],
        "hasNext": page["more"],
        "nextItemKey": page["next"],
    }
    return api_reply(body, tok.now)


def _va_cursor(value: str | None) -> str:
    if value is None or value == "":
        return ""
    if not (len(value) == 10 and value.isascii() and value.isdigit()):
        raise InvalidParameter("nextItemKey must be the vaId a previous page gave", field="nextItemKey")
    return value


@bp.post("/va/status-change")
@require_scope("account")
@idempotent
def status_change() -> Response:
    """振込入金口座状態変更: 1 停止 / 2 再開 / 3 削除 of up to 100 VAs, all or none."""
    tok, data = current_token(), json_body()
    code = field(data, "vaStatusChangeCode")
    ids = _va_ids(field(data, "vaIdList", list))
    changed = lifecycle.change_status(get_db(), tok.contract_id, code, ids, tok.now)
    items = [
        {
            "vaId": va["va_id"],
            "vaStatusCode": va["status_code"],
            "vaStatusName": records.STATUSES[va["status_code"]],
        }
        for va in changed
    ]
    body = {
        "vaStatusChangeCode": code,
        "vaStatusChangeName": lifecycle.CHANGES[code][0],
        "count": len(items),
        "vaList": items,
    }
    return api_reply(body, tok.now)


def _va_ids(value: list[Any]) -> list[str]:
    """``vaIdList`` as ``[{"vaId": …}]`` (GMO style) or plain strings; at least one, no repeats."""
    ids = [item.get("vaId") if isinstance(item, dict) else item for item in value]
    if not ids or not all(isinstance(v, str) and v for v in ids):
        raise InvalidParameter("vaIdList must list one or more vaId strings", field="vaIdList")
    if len(set(ids)) != len(ids):
        raise InvalidParameter("vaIdList names a vaId twice", field="vaIdList")
    return ids


@bp.post("/va/close-request")
@require_scope("account")
@idempotent
def close_request() -> Response:
    """振込入金口座解約申込: every VA of ``raId`` closes at the end of this month (contract clock)."""
    tok, data = current_token(), json_body()
    done = lifecycle.close_request(get_db(), tok.contract_id, field(data, "raId"), tok.now)
    last_day = (done["effective"] - timedelta(days=1)).astimezone(clock.JST).date()
    body = {
        "raId": done["raId"],
        "closeRequestDateTime": clock.to_api(done["requested"]),
        "closeDate": last_day.isoformat(),
        "count": done["count"],
    }
    return api_reply(body, tok.now)


@bp.get("/va/deposit-transactions")
@require_scope("account")
def deposit_transactions() -> Response:
    """振込入金口座入金明細照会: credits through the VAs of ``raId`` (one VA with ``vaId``), ≤ 6 months back."""
    tok, db = current_token(), get_db()
    ra_id = request.args.get("raId")
    if not ra_id:
        raise InvalidParameter("raId is required", field="raId")
    account = accounts.get(db, [tok.contract_id], ra_id)
    va_id = request.args.get("vaId") or None
    if va_id is not None:
        records.get(db, tok.contract_id, va_id)  # raises VaNotFound
    asked = tuple(
        parse_day(request.args[n], n) if request.args.get(n) else None for n in ("dateFrom", "dateTo")
    )
    span = va_statement.date_range(tok.now.date(), asked)  # type: ignore[arg-type]
    page = va_statement.page(
        db, tok.contract_id, account["id"], span, cursor(request.args.get("nextItemKey")), va_id
    )
    body = {
        "raId": account["id"],
        "dateFrom": span[0].isoformat(),
        "dateTo": span[1].isoformat(),
        "vaTransactions": page["lines"],
        "count": len(page["lines"]),
        "hasNext": page["more"],
        "nextItemKey": page["next"],
    }
    return api_reply(body, tok.now)
