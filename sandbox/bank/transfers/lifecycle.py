"""Transfer requests (振込依頼) and their lifecycle (§2(2)③④), with the public status codes of DESIGN §3.

申請中 2 → 差戻 3 (returned) | 取下げ 4 (withdrawn) | 期限切れ 5 (unapproved at the cut-off of its date)
       → 予約中 11 (approved, waits for its date) → 予約取消 8 (cancelled)
       → 手続中 12 → 手続済 20 → 資金返却 22 (the receiving bank sent the money back)
                  → 手続不成立 40 (insufficient funds at execution: nothing moves)

Here: request, approval, cancel and expiry. Their days are in :mod:`~sandbox.bank.transfers.dates`, what
happens to the money once a request is approved in :mod:`~sandbox.bank.transfers.execution`, records and
data types in :mod:`~sandbox.bank.transfers.records` (the names callers use are re-exported here). The
``*_at`` functions are the domain at a given instant (the seed hook uses them to build history); the others take
the write lock, bring the owning contract's clock up to date and call them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sandbox import clock, events
from sandbox.bank import accounts, contracts, fees, limits
from sandbox.bank.transfers import dates, pricing, records
from sandbox.bank.transfers.dates import execution_date
from sandbox.bank.transfers.errors import (
    SelfApprovalForbidden,
    TransferAlreadyApproved,
    TransferNotAwaitingApproval,
    TransferNotCancellable,
)
from sandbox.bank.transfers.execution import EXECUTE_EVENT, execute_at, return_funds_at
from sandbox.bank.transfers.records import CLOCK
from sandbox.bank.transfers.records import STATUS_NAMES as STATUS_NAMES
from sandbox.bank.transfers.records import Actor as Actor
from sandbox.bank.transfers.records import Draft as Draft
from sandbox.bank.transfers.records import Item as Item
from sandbox.bank.transfers.records import find as find
from sandbox.bank.transfers.records import items_of as items_of
from sandbox.bank.transfers.records import load as load
from sandbox.bank.transfers.records import search as search
from sandbox.bank.transfers.records import transitions_of as transitions_of
from sandbox.store import Database, insert, transaction

APPROVED = ("11", "12", "13", "20", "22", "24", "25", "26", "40")
EXPIRE_EVENT = "transfer.expire"


# -- the lifecycle at a given instant --------------------------------------------------------------


def create_at(
    db: Database,
    contract: dict[str, Any],
    account: dict[str, Any],
    draft: Draft,
    actor: Actor,
    now: datetime,
) -> dict[str, Any]:
    """Accept a request as 申請中 and queue its expiry at the cut-off of its execution date."""
    day = execution_date(
        draft.designated_date, draft.holiday_code, now, contracts.settings(contract)["cutoffTime"]
    )
    limits.check(db, contract, account["id"], day, sum(item.amount for item in draft.items))
    priced = pricing.price(contract, account, draft.items)
    next_id = db.conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM transfer_requests").fetchone()[0]
    expires = dates.expires_at(contract, day)
    req = _request_row(next_id, contract, account, draft, actor, now, day, priced)
    req["expires_at"], req["status"], req["updated_at"] = clock.to_db(expires), "2", req["applied_at"]
    insert(db, "transfer_requests", req)
    for item, tier, fee in priced:
        insert(db, "transfer_items", _item_row(next_id, item, tier, fee))
    req["status"] = None  # the first transition is from nothing to 申請中
    event_id = events.schedule(db, contract["id"], expires, EXPIRE_EVENT, {"requestId": next_id})
    records.move(db, req, "2", now, actor, comment=draft.comment, expire_event_id=event_id)
    return req


def _request_row(
    request_id: int,
    contract: dict[str, Any],
    account: dict[str, Any],
    draft: Draft,
    actor: Actor,
    now: datetime,
    day: date,
    priced: list[tuple[Item, str, int]],
) -> dict[str, Any]:
    """The ``transfer_requests`` row of a new request, up to its applied time (expiry and status follow)."""
    return {
        "id": request_id,
        "apply_no": f"{now.astimezone(clock.JST):%Y%m%d}{request_id:08d}",
        "contract_id": contract["id"],
        "account_id": account["id"],
        "designated_date": (draft.designated_date or day).isoformat(),
        "holiday_code": draft.holiday_code,
        "execution_date": day.isoformat(),
        "total_count": len(priced),
        "total_amount": sum(item.amount for item, _t, _f in priced),
        "total_fee": sum(fee for _i, _t, fee in priced),
        "fee_account_id": fees.fee_account(contract, account["id"]),
        "remitter_name": draft.remitter_name or account["holder_kana"],
        "apply_comment": draft.comment,
        "applicant_user_id": actor.user_id,
        "applicant_login_id": actor.login_id,
        "client_id": actor.client_id,
        "encrypted": int(draft.encrypted),
        "applied_at": clock.to_db(now),
    }


def _item_row(request_id: int, item: Item, tier: str, fee: int) -> dict[str, Any]:
    """The ``transfer_items`` row of one priced item, its beneficiary as checked."""
    ben = item.beneficiary
    return {
        "request_id": request_id,
        "item_id": item.item_id,
        "amount": item.amount,
        "fee": fee,
        "fee_tier": tier,
        "edi": item.edi,
        "bank_code": ben.bank_code,
        "bank_name": ben.bank_name,
        "branch_code": ben.branch_code,
        "branch_name": ben.branch_name,
        "account_type": ben.account_type,
        "account_number": ben.account_number,
        "beneficiary_name": ben.name,
        "beneficiary_account_id": ben.account_id,
    }


def decide_at(
    db: Database,
    contract: dict[str, Any],
    req: dict[str, Any],
    decision: str,
    actor: Actor,
    comment: str | None,
    now: datetime,
) -> dict[str, Any]:
    """Approve (execute now or reserve) or return a request 申請中 (§2(2)④)."""
    _require_awaiting(req)
    decided = {
        "approver_user_id": actor.user_id,
        "approver_login_id": actor.login_id,
        "approval_comment": comment,
    }
    if decision == "return":
        records.cancel_event(db, req["expire_event_id"])
        records.move(db, req, "3", now, actor, comment=comment, decided_at=clock.to_db(now), **decided)
        return req
    if _own_approval(contract, req, actor):
        raise SelfApprovalForbidden(f"{actor.login_id} applied for {req['apply_no']}", field="applyNo")
    records.cancel_event(db, req["expire_event_id"])
    _approve(db, contract, req, actor, comment, now, decided)
    return req


def _require_awaiting(req: dict[str, Any]) -> None:
    """Only a request 申請中 can be decided; an approved one has its own error."""
    if req["status"] in APPROVED:
        raise TransferAlreadyApproved(
            f"{req['apply_no']} is already {STATUS_NAMES[req['status']]} ({req['status']})", field="applyNo"
        )
    if req["status"] != "2":
        raise TransferNotAwaitingApproval(
            f"{req['apply_no']} is {STATUS_NAMES[req['status']]} ({req['status']})", field="applyNo"
        )


def _own_approval(contract: dict[str, Any], req: dict[str, Any], actor: Actor) -> bool:
    """Whether the applicant would approve their own request where ``selfApproval`` is off."""
    return (
        actor.user_id is not None
        and actor.user_id == req["applicant_user_id"]
        and not contracts.settings(contract)["selfApproval"]
    )


def _approve(
    db: Database,
    contract: dict[str, Any],
    req: dict[str, Any],
    actor: Actor,
    comment: str | None,
    now: datetime,
    decided: dict[str, Any],
) -> None:
    """Record the approval; execute now when its day is today (before the cut-off), else reserve it."""
    today = now.astimezone(clock.JST).date()
    run_day = dates.run_day(
        date.fromisoformat(req["execution_date"]), now, contracts.settings(contract)["cutoffTime"]
    )
    limits.check(db, contract, req["account_id"], run_day, req["total_amount"])
    decided.update(decided_at=clock.to_db(now), execution_date=run_day.isoformat())
    db.conn.execute(
        "UPDATE transfer_requests SET approver_user_id = :approver_user_id, approver_login_id = :approver_login_id,"
        " approval_comment = :approval_comment, decided_at = :decided_at, execution_date = :execution_date"
        " WHERE id = :id",
        {**decided, "id": req["id"]},
    )
    req.update(decided)
    if run_day == today:
        execute_at(db, req, now, actor, comment=comment)
        return
    due = datetime.combine(run_day, dates.OPENING, clock.JST)
    event_id = events.schedule(db, contract["id"], due, EXECUTE_EVENT, {"requestId": req["id"]})
    records.move(db, req, "11", now, actor, comment=comment, execute_event_id=event_id)


def cancel_at(db: Database, req: dict[str, Any], actor: Actor, now: datetime) -> dict[str, Any]:
    """Withdraw a request 申請中 (→ 取下げ 4) or cancel a reservation 予約中 (→ 予約取消 8)."""
    if req["status"] == "2":
        records.cancel_event(db, req["expire_event_id"])
        records.move(db, req, "4", now, actor)
    elif req["status"] == "11":
        records.cancel_event(db, req["execute_event_id"])
        records.move(db, req, "8", now, actor)
    else:
        raise TransferNotCancellable(
            f"{req['apply_no']} is {STATUS_NAMES[req['status']]} ({req['status']})", field="applyNo"
        )
    return req


def expire_event(
    db: Database, contract: dict[str, Any], event: dict[str, Any], at: datetime
) -> dict[str, Any]:
    req = load(db, event["payload"]["requestId"])
    if req["status"] == "2":
        records.move(db, req, "5", at, CLOCK, reason="not approved by the cut-off of its date")
    return {"applyNo": req["apply_no"], "status": req["status"]}


# -- the lifecycle now, under the write lock -------------------------------------------------------


def create(
    db: Database, visible: list[str], account_id: str, draft: Draft, actor: Actor
) -> tuple[dict[str, Any], datetime]:
    """Accept a request on an account of ``visible`` contracts, on its owner's clock."""
    account = accounts.get(db, visible, account_id)
    with transaction(db):
        contract, now = events.touch(db, account["contract_id"])
        contracts.require_active(contract)
        return create_at(db, contract, account, draft, actor, now), now


def decide(
    db: Database,
    visible: list[str],
    account_id: str,
    apply_no: str,
    decision: str,
    actor: Actor,
    comment: str | None,
) -> tuple[dict[str, Any], datetime]:
    """Approve or return; concurrent approvals serialise on the write lock and execute once."""
    owner = find(db, visible, apply_no, account_id)
    with transaction(db):
        contract, now = events.touch(db, owner["contract_id"])
        contracts.require_active(contract)
        return decide_at(db, contract, load(db, owner["id"]), decision, actor, comment, now), now


def cancel(
    db: Database, visible: list[str], account_id: str, apply_no: str, actor: Actor
) -> tuple[dict[str, Any], datetime]:
    owner = find(db, visible, apply_no, account_id)
    with transaction(db):
        contract, now = events.touch(db, owner["contract_id"])
        contracts.require_active(contract)
        return cancel_at(db, load(db, owner["id"]), actor, now), now


def return_funds(
    db: Database, contract_id: str, apply_no: str, reason: str = "returned by the receiving bank"
) -> dict[str, Any]:
    """資金返却 of an executed request, now on the contract's clock (for the ``return-funds`` incident)."""
    owner = find(db, [contract_id], apply_no)
    with transaction(db):
        _contract, now = events.touch(db, contract_id)
        req = load(db, owner["id"])
        return_funds_at(db, req, now, reason)
        return req
