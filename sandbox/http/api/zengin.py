"""全銀 files over the banking API, scope ``account`` (a read, §2(2)②): an account's 入出金取引明細 (種別 03)
and 振込入金通知 (種別 01) for a value-date range, and the result of a 総合振込 item by item.

``GET /corporation/v1/accounts/transactions/zengin`` and ``/accounts/deposit-transactions/zengin`` take the
same ``accountId``, ``dateFrom`` and ``dateTo`` as their JSON siblings (the same history window) and answer
the whole range as one Shift_JIS file of 200-byte records with CRLF. ``GET /bulktransfer/result`` answers
JSON. Errors are the usual JSON errors.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Blueprint, Response, request

from sandbox.bank import accounts, contracts, statements
from sandbox.bank.bulk import records
from sandbox.bank.zengin import render, result
from sandbox.dates import parse_day
from sandbox.errors import InvalidParameter
from sandbox.http.api import base
from sandbox.http.web import reply
from sandbox.oauth.protect import current_token, require_scope
from sandbox.store import Database, get_db

bp = Blueprint("api_zengin", __name__)
MIMETYPE = "text/plain; charset=Shift_JIS"


def file_response(data: bytes, name: str, now: datetime) -> Response:
    """A 全銀 file as an attachment, with the contract clock's ``baseDate``/``baseTime`` as headers."""
    stamp = base(now)
    headers = {
        "Content-Disposition": f'attachment; filename="{name}"',
        "X-Base-Date": stamp["baseDate"],
        "X-Base-Time": stamp["baseTime"],
    }
    return Response(data, status=200, headers=headers, content_type=MIMETYPE)


def required(name: str) -> str:
    value = request.args.get(name)
    if not value:
        raise InvalidParameter(f"{name} is required", field=name)
    return value


def asked_span() -> tuple[date | None, date | None]:
    """``dateFrom`` and ``dateTo`` of the query (each None when absent)."""
    found = []
    for name in ("dateFrom", "dateTo"):
        value = request.args.get(name)
        found.append(None if not value else parse_day(value, name))
    return found[0], found[1]


def span_of(
    db: Database, account: dict[str, Any], contract: dict[str, Any], now: datetime
) -> tuple[date, date]:
    """The value-date range asked for, as the statement API means it, within the contract's history window."""
    months = contracts.settings(contract)["statementHistoryMonths"]
    return statements.date_range(db, account["id"], now.date(), asked_span(), months)


def _file(kind: str) -> Response:
    ctx, db = current_token(), get_db()
    account = accounts.get(db, ctx.visible_contract_ids, required("accountId"))
    span = span_of(db, account, ctx.contract, ctx.now)
    data = render.download(db, account, kind, span, ctx.now)
    return file_response(data, render.file_name(kind, account, span), ctx.now)


@bp.get("/accounts/transactions/zengin")
@require_scope("account")
def statement_file() -> Response:
    """入出金取引明細 (種別 03) as a 全銀 file: the lines of ``/accounts/transactions`` over the range."""
    return _file("03")


@bp.get("/accounts/deposit-transactions/zengin")
@require_scope("account")
def notice_file() -> Response:
    """振込入金通知 (種別 01) as a 全銀 file: the lines of ``/accounts/deposit-transactions`` over the range."""
    return _file("01")


@bp.get("/bulktransfer/result")
@require_scope("transfer", "account", "transfer-approval")
def bulk_result() -> Response:
    """総合振込 result: which items were paid, which not (不能) and why."""
    ctx, db = current_token(), get_db()
    found = records.find(db, ctx.visible_contract_ids, required("applyNo"), required("accountId"))
    data = result.result(db, records.load(db, found["id"]))
    return reply({**base(ctx.now), **data})
