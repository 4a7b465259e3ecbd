"""The read API (参照系, §2(2)②), scope ``account``: accounts, balances and statements (入出金明細).

Shapes follow the public conventions of Japanese corporate bank APIs (camelCase, amounts as strings,
``baseDate``/``baseTime``). A parent contract's token also sees its children's accounts (§4(6)).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, request

from sandbox.bank import accounts, contracts, deposit_statement, limits, statements
from sandbox.dates import parse_day
from sandbox.errors import InvalidParameter
from sandbox.http.api import api_reply
from sandbox.oauth.protect import TokenContext, current_token, require_scope
from sandbox.store import Database, get_db, rows

bp = Blueprint("api_accounts", __name__)
CURRENCY = {"currencyCode": "JPY", "currencyName": "日本円"}


@bp.get("/accounts")
@require_scope("account")
def list_accounts() -> Response:
    ctx, db = current_token(), get_db()
    caps = {  # 振込限度額, when the account's contract sets one
        cid: limits.account_limit(ctx.contract if cid == ctx.contract_id else contracts.get(db, cid))
        for cid in ctx.visible_contract_ids
    }
    found = []
    for account in accounts.for_contracts(db, ctx.visible_contract_ids):
        cap = caps[account["contract_id"]]
        found.append({**account_view(account), **({"transferLimitAmount": str(cap)} if cap else {})})
    return api_reply({"accounts": found, "count": len(found), "hasNext": False}, ctx.now)


@bp.get("/accounts/balances")
@require_scope("account")
def balances() -> Response:
    ctx = current_token()
    wanted = request.args.get("accountId")
    today = ctx.now.date()
    found = with_balances_before(get_db(), ctx.visible_contract_ids, today, wanted)
    if wanted is not None and not found:
        accounts.get(get_db(), ctx.visible_contract_ids, wanted)  # raises AccountNotFound
    items = [balance_view(a) for a in found]
    return api_reply({"balances": items, "count": len(items), "hasNext": False}, ctx.now)


@bp.get("/accounts/transactions")
@require_scope("account")
def transactions() -> Response:
    """Statement lines between two value dates in contract-time order, 500 a page (``statementPageSize``)."""
    ctx, db = current_token(), get_db()
    account, span, after = _statement_query(ctx, db)
    page = statements.api_page(db, account["id"], span, after, _page_size(ctx))
    return api_reply(
        _page_body(account, span, "transactions", [line_view(line) for line in page["lines"]], page), ctx.now
    )


@bp.get("/accounts/deposit-transactions")
@require_scope("account")
def deposit_transactions() -> Response:
    """振込入金明細: incoming transfers only, with the remitter and paying bank, paged like statements."""
    ctx, db = current_token(), get_db()
    account, span, after = _statement_query(ctx, db)
    page = deposit_statement.page(db, account["id"], span, after, _page_size(ctx))
    return api_reply(
        _page_body(
            account, span, "depositTransactions", [deposit_view(line) for line in page["lines"]], page
        ),
        ctx.now,
    )


def _page_body(
    account: dict[str, Any],
    span: tuple[date, date],
    name: str,
    items: list[dict[str, Any]],
    page: dict[str, Any],
) -> dict[str, Any]:
    """A statement page's answer: the range used, the lines under ``name``, and the paging fields."""
    return {
        "accountId": account["id"],
        **CURRENCY,
        "dateFrom": span[0].isoformat(),
        "dateTo": span[1].isoformat(),
        name: items,
        "count": len(items),
        "hasNext": page["more"],
        "nextItemKey": page["next"],
    }


def _statement_query(ctx: TokenContext, db: Database) -> tuple[dict[str, Any], tuple[date, date], str]:
    """A statement request's account, value-date range (within the calling contract's history window) and
    the key its page resumes after."""
    account = accounts.get(db, ctx.visible_contract_ids, _required("accountId"))
    after = statements.cursor(request.args.get("nextItemKey"))
    months = contracts.settings(ctx.contract)["statementHistoryMonths"]
    asked = (_date("dateFrom"), _date("dateTo"))
    return account, statements.date_range(db, account["id"], ctx.now.date(), asked, months), after


def _page_size(ctx: TokenContext) -> int:
    """Lines a statement page holds: the calling contract's ``statementPageSize`` (the bank's 500 by default)."""
    return int(contracts.settings(ctx.contract)["statementPageSize"])


def _required(name: str) -> str:
    value = request.args.get(name)
    if not value:
        raise InvalidParameter(f"{name} is required", field=name)
    return value


def _date(name: str) -> date | None:
    value = request.args.get(name)
    return None if value is None or value == "" else parse_day(value, name)


def account_view(account: dict[str, Any]) -> dict[str, Any]:
    return {
        "accountId": account["id"],
        "branchCode": account["branch_code"],
        "branchName": account["branch_name"],
        "accountTypeCode": account["account_type"],
        "accountTypeName": accounts.ACCOUNT_TYPES.get(account["account_type"], ""),
        "accountNumber": account["account_number"],
        "accountName": account["holder_kana"],
        **({"nickname": account["nickname"]} if account.get("nickname") else {}),
        **CURRENCY,
        "contractId": account["contract_id"],
    }


_BEFORE = (
    "(SELECT balance_after FROM postings p WHERE p.account_id = a.id AND p.value_date < ?"
    " ORDER BY p.value_date DESC, p.id DESC LIMIT 1)"
)


def with_balances_before(
    db: Database, contract_ids: list[str], today: date, account_id: str | None = None
) -> list[dict[str, Any]]:
    """The deposit accounts of ``contract_ids`` (or the one named) with the balances at the end of the day
    before ``today`` and before the month's first day, in one query (a balances request's hot path)."""
    marks = ",".join("?" for _ in contract_ids)
    sql = (
        f"SELECT a.*, COALESCE({_BEFORE}, 0) AS previous_day, COALESCE({_BEFORE}, 0) AS previous_month"
        f" FROM accounts a WHERE a.kind = 'deposit' AND a.contract_id IN ({marks})"
    )
    params: list[Any] = [today.isoformat(), today.replace(day=1).isoformat(), *contract_ids]
    if account_id is not None:
        sql, params = sql + " AND a.id = ?", [*params, str(account_id)]
    return rows(db, sql + " ORDER BY a.contract_id, a.id", params)


def balance_view(account: dict[str, Any]) -> dict[str, Any]:
    """Balances as strings; in the sandbox nothing is held back, so the withdrawable amount is the balance."""
    return {
        "accountId": account["id"],
        "accountTypeCode": account["account_type"],
        "accountTypeName": accounts.ACCOUNT_TYPES.get(account["account_type"], ""),
        "balance": str(account["balance"]),
        "withdrawableAmount": str(max(0, account["balance"])),
        "previousDayBalance": str(account["previous_day"]),
        "previousMonthBalance": str(account["previous_month"]),
        **CURRENCY,
    }


def line_view(line: dict[str, Any]) -> dict[str, Any]:
    """One 入出金明細 line: ``transactionType`` 1 入金 (money in) / 2 出金 (money out)."""
    remarks = " ".join(part for part in (line["description"], line["counterparty_kana"]) if part)
    view = {
        "transactionDate": line["posted_at"][:10],
        "valueDate": line["value_date"],
        "transactionType": "1" if line["amount"] > 0 else "2",
        "amount": str(abs(line["amount"])),
        "balance": str(line["balance_after"]),
        "remarks": remarks,
        "itemKey": line["item_key"],
    }
    if line["edi"]:
        view["ediInfo"] = line["edi"]
    return view


def deposit_view(line: dict[str, Any]) -> dict[str, Any]:
    """One 振込入金明細 line; ``remarks`` reads ``振込 <EDI> <remitter>`` as the bank writes it."""
    remitter = line["counterparty_kana"] or ""
    view = {
        "transactionDate": line["posted_at"][:10],
        "valueDate": line["value_date"],
        "amount": str(line["amount"]),
        "applicantName": remitter,
        "paymentBankName": line["paying"].bank_name,
        "paymentBranchName": line["paying"].branch_name,
        "remarks": " ".join(part for part in ("振込", line["edi"], remitter) if part),
        "itemKey": line["item_key"],
    }
    if line["edi"]:
        view["ediInfo"] = line["edi"]
    if line.get("va_id"):
        view["vaId"] = line["va_id"]  # paid to a virtual account of this one
    return view
