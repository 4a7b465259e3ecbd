"""A bulk request at its designated date's opening (the ``bulk.open`` clock event, sandbox/timetable.py):
予約中 → 手続中 → 手続済 as ONE balanced journal, or 手続不成立 (40) with nothing moved; 申請中 → 期限切れ.

The journal has one debit line for the total on the remitter's statement (ｿｳｺﾞｳﾌﾘｺﾐ), a credit line per item
paid to a sandbox account (the payee sees the remitter's name and, with ``identification: Y``, the item's
EDI), one credit to clearing for every item at other banks, and the fees (each item's, priced as single
transfers) as one debit of their total on the EB fee account (the parent's for a child) to the bank's fee
income. 9,999 items are written through :class:`sandbox.bank.ledger.Book` in a few statements.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sandbox import clock
from sandbox.bank import contracts, ledger
from sandbox.bank.bulk import records
from sandbox.bank.transfers.dates import OPENING
from sandbox.bank.transfers.execution import cannot_execute
from sandbox.bank.transfers.outcomes import clearing
from sandbox.bank.transfers.records import CLOCK
from sandbox.store import Database

EVENT = "bulk.open"
DEBIT_TEXT, CREDIT_TEXT, FEE_TEXT = "ｿｳｺﾞｳﾌﾘｺﾐ", "ﾌﾘｺﾐ", "ｿｳｺﾞｳﾌﾘｺﾐﾃｽｳﾘﾖｳ"


def opening(day: date) -> datetime:
    """When a bulk request for ``day`` executes: the opening of that business day, JST."""
    return datetime.combine(day, OPENING, clock.JST)


def legs_of(req: dict[str, Any], items: list[dict[str, Any]]) -> list[ledger.Leg]:
    """The journal's legs: the total debit, per-item sandbox credits, clearing, and the fees."""
    legs = [ledger.Leg(req["account_id"], -req["total_amount"], DEBIT_TEXT, req["data_name"])]
    cleared = 0
    for item in items:
        if item["beneficiary_account_id"] is None:
            cleared += item["amount"]
            continue
        edi = item["edi"] if req["identification"] else None
        legs.append(
            ledger.Leg(item["beneficiary_account_id"], item["amount"], CREDIT_TEXT, req["remitter_name"], edi)
        )
    if cleared:
        legs.append(ledger.Leg(ledger.CLEARING, cleared, CREDIT_TEXT, req["remitter_name"]))
    if req["total_fee"]:
        legs.append(ledger.Leg(req["fee_account_id"], -req["total_fee"], FEE_TEXT))
        legs.append(ledger.Leg(ledger.FEE_INCOME, req["total_fee"], FEE_TEXT))
    return legs


def execute_at(db: Database, req: dict[str, Any], at: datetime) -> None:
    """手続中, then the journal → 手続済, or 手続不成立 when funds (or the contract) do not allow it."""
    records.move(db, req, "12", at, CLOCK)
    reason = cannot_execute(contracts.get(db, req["contract_id"]), req, lambda a: ledger.balance(db, a))
    if reason:
        records.move(db, req, "40", at, CLOCK, reason=reason, failure_reason=reason)
        return
    contract = contracts.get(db, req["contract_id"])
    items = records.items(db, req["id"])
    legs = legs_of(req, items)
    book = ledger.Book(db, {leg.account_id for leg in legs})
    journal = book.post(
        contract_id=req["contract_id"], kind="bulk_transfer", at=at, legs=legs, ref=req["apply_no"]
    )
    book.flush()
    if req["id"] in clearing.paid_at_once(db, contract, "bulk", [req], {req["id"]: items}):
        records.move(db, req, "20", at, CLOCK, executed_at=clock.to_db(at), journal_id=journal)
        return
    stamp = clock.to_db(at)  # 手続中 until the clearing step decides the items at other banks
    db.conn.execute(
        "UPDATE bulk_requests SET executed_at = ?, journal_id = ? WHERE id = ?", (stamp, journal, req["id"])
    )
    req.update(executed_at=stamp, journal_id=journal)
    clearing.after_execution(db, "bulk", req, at)


def open_event(db: Database, contract: dict[str, Any], event: dict[str, Any], at: datetime) -> dict[str, Any]:
    """The ``bulk.open`` event: a request 予約中 executes; one still 申請中 expires (期限切れ)."""
    req = records.load(db, event["payload"]["bulkId"])
    if req["status"] == "11":
        execute_at(db, req, at)
    elif req["status"] == "2":
        records.move(db, req, "5", at, CLOCK, reason="not approved before its designated date")
    return {"applyNo": req["apply_no"], "status": req["status"]}
