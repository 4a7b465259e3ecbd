"""Bulk transfer requests (総合振込/給与振込) from request to reservation (§2(2)③④ of the Web21
server-connection service terms): 申請中 2 → 差戻 3 | 取下げ 4 (cancelTargetKeyClass 3) | 期限切れ 5 (still
unapproved at the designated date's opening) → 予約中 11 → 予約取消 8 (cancelTargetKeyClass 4); execution
at the designated date's opening is in :mod:`sandbox.bank.bulk.execution`.

The ``*_at`` functions are the domain at an instant; the others take the write lock and bring the owning
contract's clock up to date first, so concurrent approvals and cancels resolve once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sandbox import calendar, clock, events
from sandbox.bank import accounts, contracts, fees, limits
from sandbox.bank.bulk import records, timing
from sandbox.bank.bulk.errors import BulkTransferNotCancellable
from sandbox.bank.bulk.execution import EVENT, opening
from sandbox.bank.bulk.input import BulkDraft
from sandbox.bank.transfers import pricing
from sandbox.bank.transfers.dates import HORIZON
from sandbox.bank.transfers.errors import (
    SelfApprovalForbidden,
    TransferAlreadyApproved,
    TransferDateHoliday,
    TransferDateInvalid,
    TransferNotAwaitingApproval,
)
from sandbox.bank.transfers.records import Actor, Item
from sandbox.store import Database, transaction

CANCEL_CLASSES = {"3": "2", "4": "11"}  # cancelTargetKeyClass → the status it cancels
APPROVED = ("11", "12", "13", "20", "24", "30", "40")


def create_at(
    db: Database,
    contract: dict[str, Any],
    account: dict[str, Any],
    draft: BulkDraft,
    actor: Actor,
    now: datetime,
) -> dict[str, Any]:
    """Accept a request as 申請中 with all its items, and queue its designated date's opening."""
    _check_day(draft, now)
    limits.check(db, contract, account["id"], draft.designated_date, sum(i.amount for i in draft.items))
    priced = pricing.price(contract, account, draft.items)
    request_id = records.next_id(db)
    req = _request_row(request_id, contract, account, draft, actor, now, priced)
    records.write(db, req, priced)
    event_id = events.schedule(
        db, contract["id"], opening(draft.designated_date), EVENT, {"bulkId": request_id}
    )
    req["status"] = None  # the first move is from nothing to 申請中
    records.move(db, req, "2", now, actor, event_id=event_id)
    return req


def _request_row(
    request_id: int,
    contract: dict[str, Any],
    account: dict[str, Any],
    draft: BulkDraft,
    actor: Actor,
    now: datetime,
    priced: list[tuple[Item, str, int]],
) -> dict[str, Any]:
    """The ``bulk_requests`` row of a new request 申請中."""
    return {
        "id": request_id,
        "apply_no": records.apply_no(request_id, now),
        "contract_id": contract["id"],
        "account_id": account["id"],
        "status": "2",
        "type_code": draft.type_code,
        "data_name": draft.data_name,
        "remitter_code": draft.remitter_code,
        "identification": int(draft.identification),
        "designated_date": draft.designated_date.isoformat(),
        "total_count": len(priced),
        "total_amount": sum(item.amount for item, _t, _f in priced),
        "total_fee": sum(fee for _i, _t, fee in priced),
        "fee_account_id": fees.fee_account(contract, account["id"]),
        "remitter_name": draft.remitter_name or account["holder_kana"],
        "applicant_user_id": actor.user_id,
        "applicant_login_id": actor.login_id,
        "client_id": actor.client_id,
        "encrypted": int(draft.encrypted),
        "applied_at": clock.to_db(now),
        "updated_at": clock.to_db(now),
    }


def _check_day(draft: BulkDraft, now: datetime) -> None:
    """The designated date is a business day within the year ahead (no holiday shift for bulk data)."""
    day = draft.designated_date
    if day > now.astimezone(clock.JST).date() + HORIZON:
        raise TransferDateInvalid(f"{day} is more than a year ahead", field="transferDesignatedDate")
    if not calendar.is_business_day(day):
        raise TransferDateHoliday(
            f"{day} is a bank holiday ({calendar.holiday_name(day)})", field="transferDesignatedDate"
        )


def decide_at(
    db: Database,
    contract: dict[str, Any],
    req: dict[str, Any],
    decision: str,
    actor: Actor,
    comment: str | None,
    now: datetime,
) -> dict[str, Any]:
    """Approve (→ 予約中, refused when late by the timing rule) or return (→ 差戻) a request 申請中."""
    _require_awaiting(req)
    decided = {
        "approver_user_id": actor.user_id,
        "approver_login_id": actor.login_id,
        "approval_comment": comment,
        "decided_at": clock.to_db(now),
    }
    if decision == "return":
        records.cancel_event(db, req["event_id"])
        records.move(db, req, "3", now, actor, **decided)
        return req
    if (
        actor.user_id is not None
        and actor.user_id == req["applicant_user_id"]
        and not (contracts.settings(contract)["selfApproval"])
    ):
        raise SelfApprovalForbidden(f"{actor.login_id} applied for {req['apply_no']}", field="applyNo")
    designated = datetime.fromisoformat(req["designated_date"]).date()
    timing.check_in_time(contract, req["type_code"], designated, now, step="approval")
    limits.check(db, contract, req["account_id"], designated, req["total_amount"])
    records.move(db, req, "11", now, actor, **decided)
    return req


def _require_awaiting(req: dict[str, Any]) -> None:
    if req["status"] in APPROVED:
        raise TransferAlreadyApproved(
            f"{req['apply_no']} is already {records.STATUS_NAMES[req['status']]} ({req['status']})",
            field="applyNo",
        )
    if req["status"] != "2":
        raise TransferNotAwaitingApproval(
            f"{req['apply_no']} is {records.STATUS_NAMES[req['status']]} ({req['status']})", field="applyNo"
        )


def cancel_at(
    db: Database, req: dict[str, Any], key_class: str, actor: Actor, now: datetime
) -> dict[str, Any]:
    """Class 3 withdraws a request 申請中 (→ 取下げ 4); class 4 cancels a reservation 予約中 (→ 予約取消 8)."""
    if CANCEL_CLASSES.get(key_class) != req["status"]:
        raise BulkTransferNotCancellable(
            f"{req['apply_no']} is {records.STATUS_NAMES[req['status']]} ({req['status']}); cancelTargetKeyClass"
            " 3 cancels a request 申請中 (2), 4 one 予約中 (11)",
            field="cancelTargetKeyClass",
        )
    records.cancel_event(db, req["event_id"])
    records.move(db, req, "4" if key_class == "3" else "8", now, actor, cancelled_at=clock.to_db(now))
    return req


# -- now, under the write lock ---------------------------------------------------------------------


def create(
    db: Database, visible: list[str], account_id: str, draft: BulkDraft, actor: Actor
) -> tuple[dict[str, Any], datetime]:
    """Accept a request on an account of ``visible`` contracts, on its owner's clock; nothing on error."""
    account = accounts.get(db, visible, account_id)
    with transaction(db):
        contract, now = events.touch(db, account["contract_id"])
        contracts.require_active(contract)
        timing.check_in_time(contract, draft.type_code, draft.designated_date, now, step="request")
        return create_at(db, contract, account, draft, actor, now), now


def decide(
    db: Database,
    visible: list[str],
    account_id: str,
    number: str,
    decision: str,
    actor: Actor,
    comment: str | None,
) -> tuple[dict[str, Any], datetime]:
    """Approve or return; concurrent decisions serialise on the write lock and one wins."""
    owner = records.find(db, visible, number, account_id)
    with transaction(db):
        contract, now = events.touch(db, owner["contract_id"])
        contracts.require_active(contract)
        return decide_at(db, contract, records.load(db, owner["id"]), decision, actor, comment, now), now


def cancel(
    db: Database, visible: list[str], account_id: str, number: str, key_class: str, actor: Actor
) -> tuple[dict[str, Any], datetime]:
    owner = records.find(db, visible, number, account_id)
    with transaction(db):
        contract, now = events.touch(db, owner["contract_id"])
        contracts.require_active(contract)
        return cancel_at(db, records.load(db, owner["id"]), key_class, actor, now), now
