"""How a transfer request looks from outside: camelCase, amounts as strings, times ``+09:00``.

Under ``fieldEncryption: required`` the banking API answers with the beneficiary fields sealed in
``encryptedBeneficiary`` (the caller's client key), as they came in; the control API shows them in clear.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox import clock
from sandbox.bank import beneficiaries
from sandbox.bank.transfers import lifecycle as transfers
from sandbox.http import outcome_shapes
from sandbox.store import Database

Sealer = Callable[[dict[str, str]], dict[str, str]]


def api_time(stamp: str | None) -> str | None:
    """A stored time as the API shows it (None stays None)."""
    return clock.to_api(clock.from_db(stamp)) if stamp else None


def result_code(status: str) -> str:
    """request-result's code: 2 未完了 (awaiting approval), 8 期限切れ, 1 完了 (decided one way or another)."""
    return {"2": "2", "5": "8"}.get(status, "1")


def apply_end(req: dict[str, Any]) -> str | None:
    """``applyEndDatetime`` (振込依頼完了日時): only once ``resultCode`` is 1 完了, as GMO Aozora's API
    sets it — when the request last changed state (decided, withdrawn, cancelled or executed); else None."""
    return api_time(req["updated_at"]) if result_code(req["status"]) == "1" else None


def status_fields(req: dict[str, Any]) -> dict[str, Any]:
    return {
        "accountId": req["account_id"],
        "applyNo": req["apply_no"],
        "transferStatus": req["status"],
        "transferStatusName": transfers.STATUS_NAMES[req["status"]],
    }


def item(found: dict[str, Any], seal: Sealer | None = None, *, internal: bool = False) -> dict[str, Any]:
    ben = beneficiaries.public(found)
    shown = {
        "itemId": str(found["item_id"]),
        "transferAmount": str(found["amount"]),
        "transferFee": str(found["fee"]),
        "feeTier": found["fee_tier"],
        **({"ediInfo": found["edi"]} if found["edi"] else {}),
        **(seal(ben) if seal else ben),
    }
    if internal and found["beneficiary_account_id"]:
        shown["beneficiaryAccountId"] = found["beneficiary_account_id"]  # the sandbox account credited
    return shown


def transition(found: dict[str, Any]) -> dict[str, Any]:
    shown = {
        "transferStatus": found["to_status"],
        "transferStatusName": transfers.STATUS_NAMES[found["to_status"]],
        "datetime": api_time(found["at"]),
        "actor": found["actor"],
        "userId": found["login_id"],
        "reason": found["reason"],
        "comment": found["comment"],
    }
    return {k: v for k, v in shown.items() if v is not None}


def detail(
    db: Database, req: dict[str, Any], seal: Sealer | None = None, *, internal: bool = False
) -> dict[str, Any]:
    """One request with its items and its history; ``internal`` (control API) adds the sandbox account credited."""
    shown = {
        **status_fields(req),
        "transferDesignatedDate": req["designated_date"],
        "transferDateHolidayCode": req["holiday_code"],
        "executionDate": req["execution_date"],
        "totalCount": str(req["total_count"]),
        "totalAmount": str(req["total_amount"]),
        "totalFee": str(req["total_fee"]),
        "totalDebitAmount": str(req["total_amount"] + req["total_fee"]),
        "feeAccountId": req["fee_account_id"],
        "remitterName": req["remitter_name"],
        "applyDatetime": api_time(req["applied_at"]),
        "applyUser": req["applicant_login_id"],
        "applyComment": req["apply_comment"],
        "applyEndDatetime": apply_end(req),
        "approvalDeadline": api_time(req["expires_at"]),
        "approvalUser": req["approver_login_id"],
        "approvalComment": req["approval_comment"],
        "approvalDatetime": api_time(req["decided_at"]),
        "executedDatetime": api_time(req["executed_at"]),
        "failureReason": req["failure_reason"],
        "fundsReturnedDatetime": api_time(req["returned_at"]),
        "unableDetailInfos": outcome_shapes.unable(db, "transfer", req["id"]),
        "transfers": [item(i, seal, internal=internal) for i in transfers.items_of(db, req["id"])],
        "history": [transition(t) for t in transfers.transitions_of(db, req["id"])],
    }
    return {k: v for k, v in shown.items() if v is not None}
