"""組戻 (recall): the remitter asks the receiving bank to send a paid item back.

Requested through the control API or the CLI (``web21-sandbox transfer recall``; BANKS.md names no
corporate-API endpoint for it): each item becomes 組戻手続中 (refundStatus 1), the request 24, and a
``recallFee`` an item is charged to the EB fee account at once. The receiving bank answers at the opening
of the next business day (the ``transfer.recall`` clock event): accepted → the amount comes back as its
own statement line (ｸﾐﾓﾄﾞｼ), refundStatus 2, the request 25 (bulk: 30); refused (the magic account
``9990008``) → refundStatus 3, the request 26 (bulk: 30). The fee is not refunded either way.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sandbox import calendar, clock, events
from sandbox.bank import contracts, ledger
from sandbox.bank.transfers.dates import OPENING
from sandbox.bank.transfers.outcomes import magic
from sandbox.bank.transfers.outcomes.clearing import give_back
from sandbox.bank.transfers.outcomes.errors import RecallNotPossible
from sandbox.bank.transfers.outcomes.records import KINDS, Kind, find, items, load, outcomes, save, settle
from sandbox.bank.transfers.records import BANK, CLOCK, Actor
from sandbox.store import Database, transaction

RECALL_EVENT = "transfer.recall"
RECALLED_TEXT, FEE_TEXT = "ｸﾐﾓﾄﾞｼ", "ｸﾐﾓﾄﾞｼﾃｽｳﾘﾖｳ"
RECALLABLE = {"transfer": ("20",), "bulk": ("20", "30")}


def request_recall(
    db: Database, contract_id: str, apply_no: str, item_ids: list[int] | None = None, actor: Actor = BANK
) -> dict[str, Any]:
    """Ask for the paid other-bank items of a request back (all, or ``item_ids``), now on its clock.
    Concurrent requests serialise on the write lock: the second finds the items 組戻手続中 and is refused."""
    with transaction(db):
        _contract, now = events.touch(db, contract_id)
        kind, found = find(db, [contract_id], apply_no)
        req = load(db, kind, found["id"])
        chosen = recallable(db, kind, req, item_ids)
        recall_at(db, kind, req, chosen, now, actor)
        return {"kind": kind.name, "request": req, "itemIds": [i["item_id"] for i in chosen], "at": now}


def recallable(
    db: Database, kind: Kind, req: dict[str, Any], item_ids: list[int] | None
) -> list[dict[str, Any]]:
    """The items a recall may ask for: paid, at another bank, not returned nor recalled already."""
    if req["status"] not in RECALLABLE[kind.name]:
        raise RecallNotPossible(
            f"{req['apply_no']} is {kind.status_names[req['status']]} ({req['status']}): only a request"
            f" {' or '.join(RECALLABLE[kind.name])} can be recalled",
            field="applyNo",
        )
    found = outcomes(db, kind, req["id"])
    chosen = items(db, kind, req["id"], item_ids)
    if item_ids and len(chosen) != len(set(item_ids)):
        raise RecallNotPossible(f"{req['apply_no']} has no item {sorted(item_ids)}", field="itemIds")
    ok = [
        i
        for i in chosen
        if i["beneficiary_account_id"] is None and found.get(i["item_id"], {}).get("state", "paid") == "paid"
    ]
    if not ok or (item_ids and len(ok) != len(chosen)):
        raise RecallNotPossible(
            f"{req['apply_no']}: only items paid to another bank, not returned nor recalled, can be recalled",
            field="itemIds" if item_ids else "applyNo",
        )
    return ok


def recall_at(
    db: Database, kind: Kind, req: dict[str, Any], chosen: list[dict[str, Any]], at: datetime, actor: Actor
) -> None:
    """Charge the recall fee, mark the items 組戻手続中 and queue the receiving bank's answer."""
    fee = contracts.settings(contracts.get(db, req["contract_id"]))["recallFee"]
    if fee:
        legs = []
        for _item in chosen:
            legs += [
                ledger.Leg(req["fee_account_id"], -fee, FEE_TEXT),
                ledger.Leg(ledger.FEE_INCOME, fee, FEE_TEXT),
            ]
        ledger.post(
            db, contract_id=req["contract_id"], kind="recall_fee", at=at, legs=legs, ref=req["apply_no"]
        )
    day = calendar.next_business_day(at.astimezone(clock.JST).date())
    due = datetime.combine(day, OPENING, clock.JST)
    payload = {"kind": kind.name, "requestId": req["id"], "itemIds": [i["item_id"] for i in chosen]}
    event = events.schedule(db, req["contract_id"], due, RECALL_EVENT, payload)
    for item in chosen:
        save(db, kind, req, item["item_id"], at, state="recalling", refund_status="1", event_id=event)
    settle(db, kind, req, at, actor, "組戻依頼 (recall requested)")


def recall_event(
    db: Database, contract: dict[str, Any], event: dict[str, Any], at: datetime
) -> dict[str, Any]:
    """The ``transfer.recall`` event: the receiving bank accepts (money back) or refuses each item."""
    payload = event["payload"]
    kind = KINDS[payload["kind"]]
    req = load(db, kind, payload["requestId"])
    found = outcomes(db, kind, req["id"])
    chosen = items(db, kind, req["id"], payload["itemIds"])
    pending = [i for i in chosen if found[i["item_id"]]["state"] == "recalling"]
    refused = [i for i in pending if _refuses(i)]
    accepted = [i for i in pending if not _refuses(i)]
    for item in refused:
        state = {"state": "recall_refused", "reason": "recall_refused", "refund_status": "3"}
        save(db, kind, req, item["item_id"], at, **state, event_id=None)
    if accepted:
        journal = give_back(db, kind, req, accepted, at, RECALLED_TEXT, "transfer_recall")
        day = at.astimezone(clock.JST).date().isoformat()
        for item in accepted:
            state = {"state": "recalled", "reason": "recalled", "refund_status": "2", "repayment_date": day}
            save(db, kind, req, item["item_id"], at, **state, journal_id=journal, event_id=None)
    settle(db, kind, req, at, CLOCK, "組戻不成立 (recall refused)" if refused and not accepted else None)
    return {"applyNo": req["apply_no"], "status": req["status"]}


def _refuses(item: dict[str, Any]) -> bool:
    """Whether the payee's bank refuses a recall of the item (the magic account 9990008)."""
    found = magic.lookup(item["account_number"])
    return found is not None and found.outcome == "recall_refuse"
