"""An approved request's money: execution on its date (手続中 → 手続済, or 手続不成立 with nothing moved)
and 資金返却 when a receiving bank sends it back. The clock runs ``transfer.execute`` events here
(sandbox/timetable.py); several due at one instant go through :mod:`sandbox.bank.transfers.batch`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sandbox import clock
from sandbox.bank import contracts, ledger
from sandbox.bank.transfers import records
from sandbox.bank.transfers.errors import TransferNotCancellable
from sandbox.bank.transfers.outcomes import clearing
from sandbox.bank.transfers.outcomes import records as outcome_records
from sandbox.bank.transfers.records import BANK, CLOCK, Actor, items_of, load
from sandbox.store import Database

EXECUTE_EVENT = "transfer.execute"


def execute_at(
    db: Database, req: dict[str, Any], at: datetime, actor: Actor, comment: str | None = None
) -> None:
    """手続中, then one balanced journal (debits, credits, fees) → 手続済, or 手続不成立 with nothing moved."""
    records.move(db, req, "12", at, actor, comment=comment)
    items = items_of(db, req["id"])
    contract = contracts.get(db, req["contract_id"])
    reason = cannot_execute(contract, req, lambda a: ledger.balance(db, a))
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
    if req["id"] not in clearing.paid_at_once(db, contract, "transfer", [req], {req["id"]: items}):
        mark_executed(db, "transfer_requests", req, at, journal)  # 手続中 until the clearing step
        clearing.after_execution(db, "transfer", req, at)
        return
    records.move(db, req, "20", at, actor, executed_at=clock.to_db(at), journal_id=journal)


def mark_executed(db: Database, table: str, req: dict[str, Any], at: datetime, journal: int) -> None:
    """Record a request's journal while it stays 手続中 (its other-bank items await the clearing step)."""
    stamp = clock.to_db(at)
    db.conn.execute(
        f"UPDATE {table} SET executed_at = ?, journal_id = ? WHERE id = ?", (stamp, journal, req["id"])
    )
    req.update(executed_at=stamp, journal_id=journal)


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


def execute_event(
    db: Database, contract: dict[str, Any], event: dict[str, Any], at: datetime
) -> dict[str, Any]:
    """The ``transfer.execute`` event: a request still 予約中 executes now, by the clock."""
    req = load(db, event["payload"]["requestId"])
    if req["status"] == "11":
        execute_at(db, req, at, CLOCK)
    return {"applyNo": req["apply_no"], "status": req["status"]}


def return_funds_at(db: Database, req: dict[str, Any], at: datetime, reason: str) -> int:
    """資金返却: the receiving banks send back what left through clearing and was paid (fees are not refunded)."""
    if req["status"] != "20":
        raise TransferNotCancellable(f"{req['apply_no']} is not 手続済", field="applyNo")
    kind = outcome_records.KINDS["transfer"]
    found = outcome_records.outcomes(db, kind, req["id"])
    outbound = [
        i
        for i in items_of(db, req["id"])
        if i["beneficiary_account_id"] is None and found.get(i["item_id"], {}).get("state", "paid") == "paid"
    ]
    if not outbound:
        raise TransferNotCancellable(f"{req['apply_no']} did not leave the sandbox", field="applyNo")
    journal = clearing.give_back(db, kind, req, outbound, at, clearing.RETURNED_TEXT, "transfer_return")
    for item in outbound:
        outcome_records.save(
            db,
            kind,
            req,
            item["item_id"],
            at,
            state="returned",
            reason="returned",
            detail_status="1",
            repayment_date=at.astimezone(clock.JST).date().isoformat(),
            journal_id=journal,
            event_id=None,
        )
    records.move(
        db, req, "22", at, BANK, reason=reason, returned_at=clock.to_db(at), return_journal_id=journal
    )
    return journal
