"""Transfer requests (振込依頼) and their lifecycle (§2(2)③④), with the public status codes of DESIGN §3.

申請中 2 → 差戻 3 (returned) | 取下げ 4 (withdrawn) | 期限切れ 5 (unapproved at the cut-off of its date)
       → 予約中 11 (approved, waits for its date) → 予約取消 8 (cancelled)
       → 手続中 12 → 手続済 20 → 資金返却 22 (the receiving bank sent the money back)
                  → 手続不成立 40 (insufficient funds at execution: nothing moves)

Records and data types live in ``transfer_records`` (re-exported here). The ``*_at`` functions are the domain at a given instant (the seed hook uses them to build history);
the others take the write lock, bring the owning contract's clock up to date and call them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from sandbox import calendar, clock, events
from sandbox.bank import accounts, contracts, fees, ledger
from sandbox.bank.transfers import records
from sandbox.bank.transfers.errors import (
    SelfApprovalForbidden,
    TransferAlreadyApproved,
    TransferDateHoliday,
    TransferDateInvalid,
    TransferNotAwaitingApproval,
    TransferNotCancellable,
)
from sandbox.bank.transfers.records import BANK, CLOCK
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

APPROVED = ("11", "12", "20", "22", "40")
OPENING = time(9, 0)  # a reserved transfer executes at 09:00 JST on its date (sandbox choice)
HORIZON = timedelta(days=365)  # how far ahead a designated date may lie
EXECUTE_EVENT, EXPIRE_EVENT = "transfer.execute", "transfer.expire"


# -- dates -----------------------------------------------------------------------------------------


def execution_date(designated: date | None, holiday_code: str, now: datetime, cutoff_time: str) -> date:
    """The business day a request executes on: the designated date moved by ``transferDateHolidayCode``
    (1 next business day, 2 previous, 3 error); none given means today before the cut-off, else the next."""
    today = now.astimezone(clock.JST).date()
    if designated is None:
        return calendar.execution_day(now, cutoff_time)
    if designated < today:
        raise TransferDateInvalid(
            f"{designated} is in the past (today is {today})", field="transferDesignatedDate"
        )
    if designated > today + HORIZON:
        raise TransferDateInvalid(f"{designated} is more than a year ahead", field="transferDesignatedDate")
    day = designated
    if not calendar.is_business_day(day):
        if holiday_code == "3":
            raise TransferDateHoliday(
                f"{day} is a bank holiday ({calendar.holiday_name(day)})", field="transferDesignatedDate"
            )
        move = calendar.next_business_day if holiday_code == "1" else calendar.previous_business_day
        day = move(day)
    if day < today or (day == today and not calendar.before_cutoff(now, cutoff_time)):
        raise TransferDateInvalid(
            f"{day} is too late: the cut-off {cutoff_time} of {today} has passed or the day is past",
            field="transferDesignatedDate",
        )
    return day


def _expires_at(contract: dict[str, Any], day: date) -> datetime:
    settings = contracts.settings(contract)
    for _ in range(int(settings["requestExpiryDays"])):
        day = calendar.next_business_day(day)
    return calendar.cutoff(day, settings["cutoffTime"])


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
    settings = contracts.settings(contract)
    day = execution_date(draft.designated_date, draft.holiday_code, now, settings["cutoffTime"])
    priced = fees.price(contract, account, draft.items)
    next_id = db.conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM transfer_requests").fetchone()[0]
    expires = _expires_at(contract, day)
    stamp = clock.to_db(now)
    req = {
        "id": next_id,
        "apply_no": f"{now.astimezone(clock.JST):%Y%m%d}{next_id:08d}",
        "contract_id": contract["id"],
        "account_id": account["id"],
        "designated_date": (draft.designated_date or day).isoformat(),
        "holiday_code": draft.holiday_code,
        "execution_date": day.isoformat(),
        "total_count": len(priced),
        "total_amount": sum(item.amount for item, _t, _f in priced),
        "total_fee": sum(fee for _i, _t, fee in priced),
        "fee_account_id": fees.fee_account(contract, account["id"]),
        "remitter_name": account["holder_kana"],
        "apply_comment": draft.comment,
        "applicant_user_id": actor.user_id,
        "applicant_login_id": actor.login_id,
        "client_id": actor.client_id,
        "encrypted": int(draft.encrypted),
        "applied_at": stamp,
        "expires_at": clock.to_db(expires),
        "status": "2",
        "updated_at": stamp,
    }
    insert(db, "transfer_requests", req)
    for item, tier, fee in priced:
        ben = item.beneficiary
        insert(
            db,
            "transfer_items",
            {
                "request_id": next_id,
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
            },
        )
    req["status"] = None  # the first transition is from nothing to 申請中
    event_id = events.schedule(db, contract["id"], expires, EXPIRE_EVENT, {"requestId": next_id})
    records.move(db, req, "2", now, actor, comment=draft.comment, expire_event_id=event_id)
    return req


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
    if req["status"] in APPROVED:
        raise TransferAlreadyApproved(
            f"{req['apply_no']} is already {STATUS_NAMES[req['status']]} ({req['status']})", field="applyNo"
        )
    if req["status"] != "2":
        raise TransferNotAwaitingApproval(
            f"{req['apply_no']} is {STATUS_NAMES[req['status']]} ({req['status']})", field="applyNo"
        )
    decided = {
        "approver_user_id": actor.user_id,
        "approver_login_id": actor.login_id,
        "approval_comment": comment,
    }
    if decision == "return":
        records.cancel_event(db, req["expire_event_id"])
        records.move(db, req, "3", now, actor, comment=comment, decided_at=clock.to_db(now), **decided)
        return req
    settings = contracts.settings(contract)
    if (
        actor.user_id is not None
        and actor.user_id == req["applicant_user_id"]
        and not settings["selfApproval"]
    ):
        raise SelfApprovalForbidden(f"{actor.login_id} applied for {req['apply_no']}", field="applyNo")
    records.cancel_event(db, req["expire_event_id"])
    cutoff_time = settings["cutoffTime"]
    today = now.astimezone(clock.JST).date()
    run_day = date.fromisoformat(req["execution_date"])
    if run_day <= today:
        run_day = today if calendar.before_cutoff(now, cutoff_time) else calendar.next_business_day(today)
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
        return req
    due = datetime.combine(run_day, OPENING, clock.JST)
    event_id = events.schedule(db, contract["id"], due, EXECUTE_EVENT, {"requestId": req["id"]})
    records.move(db, req, "11", now, actor, comment=comment, execute_event_id=event_id)
    return req


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


def execute_at(
    db: Database, req: dict[str, Any], at: datetime, actor: Actor, comment: str | None = None
) -> None:
    """手続中, then one balanced journal (debits, credits, fees) → 手続済, or 手続不成立 with nothing moved."""
    records.move(db, req, "12", at, actor, comment=comment)
    items = items_of(db, req["id"])
    reason = cannot_execute(contracts.get(db, req["contract_id"]), req, lambda a: ledger.balance(db, a))
    if reason:
        records.move(db, req, "40", at, actor, reason=reason, failure_reason=reason)
        return
    journal = ledger.post(
        db,
        contract_id=req["contract_id"],
        kind="transfer",
        at=at,
        legs=legs_of(req, items),
        ref=req["apply_no"],
    )
    records.move(db, req, "20", at, actor, executed_at=clock.to_db(at), journal_id=journal)


def legs_of(req: dict[str, Any], items: list[dict[str, Any]]) -> list[ledger.Leg]:
    """The journal of an executed request: each item's debit and credit, and its fee."""
    legs = []
    for item in items:
        legs.append(
            ledger.Leg(req["account_id"], -item["amount"], "ﾌﾘｺﾐ", item["beneficiary_name"], item["edi"])
        )
        target = item["beneficiary_account_id"] or ledger.CLEARING
        legs.append(ledger.Leg(target, item["amount"], "ﾌﾘｺﾐ", req["remitter_name"], item["edi"]))
        if item["fee"]:
            legs.append(ledger.Leg(req["fee_account_id"], -item["fee"], "ﾌﾘｺﾐﾃｽｳﾘﾖｳ"))
            legs.append(ledger.Leg(ledger.FEE_INCOME, item["fee"], "ﾌﾘｺﾐﾃｽｳﾘﾖｳ"))
    return legs


def cannot_execute(
    contract: dict[str, Any], req: dict[str, Any], balance: Callable[[str], int]
) -> str | None:
    """Why the request cannot execute now (contract not active, funds short), or None."""
    if contract["status"] != "active":
        return f"contract {contract['id']} is {contract['status']}"
    needed = {req["account_id"]: req["total_amount"]}
    needed[req["fee_account_id"]] = needed.get(req["fee_account_id"], 0) + req["total_fee"]
    for account_id, amount in needed.items():
        if amount and balance(account_id) < amount:
            return f"insufficient funds in {account_id}: {amount} yen needed"
    return None


def return_funds_at(db: Database, req: dict[str, Any], at: datetime, reason: str) -> int:
    """資金返却: the receiving banks send back what left through clearing (fees are not refunded)."""
    if req["status"] != "20":
        raise TransferNotCancellable(f"{req['apply_no']} is not 手続済", field="applyNo")
    outbound = [i for i in items_of(db, req["id"]) if i["beneficiary_account_id"] is None]
    if not outbound:
        raise TransferNotCancellable(f"{req['apply_no']} did not leave the sandbox", field="applyNo")
    legs = []
    for item in outbound:
        legs.append(
            ledger.Leg(ledger.CLEARING, -item["amount"], "ｼｷﾝﾍﾝｷﾔｸ", item["beneficiary_name"], item["edi"])
        )
        legs.append(
            ledger.Leg(req["account_id"], item["amount"], "ｼｷﾝﾍﾝｷﾔｸ", item["beneficiary_name"], item["edi"])
        )
    journal = ledger.post(
        db, contract_id=req["contract_id"], kind="transfer_return", at=at, legs=legs, ref=req["apply_no"]
    )
    records.move(
        db, req, "22", at, BANK, reason=reason, returned_at=clock.to_db(at), return_journal_id=journal
    )
    return journal


def execute_event(
    db: Database, contract: dict[str, Any], event: dict[str, Any], at: datetime
) -> dict[str, Any]:
    req = load(db, event["payload"]["requestId"])
    if req["status"] == "11":
        execute_at(db, req, at, CLOCK)
    return {"applyNo": req["apply_no"], "status": req["status"]}


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
