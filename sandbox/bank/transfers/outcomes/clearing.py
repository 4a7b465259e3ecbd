"""The clearing step: what the receiving banks do with the items that left for them (other-bank items).

An executed request with items at other banks stays 12 手続中 until this step decides them: at execution
when the contract's ``clearingDelaySeconds`` is 0 (the default), else as the ``transfer.clear`` clock event
that many seconds later. Each item is paid, refused (不能: its amount comes back as its own statement line),
retried (13 リトライ中, decided by the ``transfer.retry`` event an hour later) or paid and returned later
(資金返却, the ``transfer.item-return`` event), as the magic table (:mod:`.magic`) or an incident says.
The request then takes the status its items give it (:func:`records.status_for`).

Fee rule (sandbox): an item's transfer fee is earned when it leaves and is never refunded, whatever the
receiving bank does; a recall costs ``recallFee`` an item (:mod:`.recall`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sandbox import calendar, clock, events
from sandbox.bank import contracts, ledger
from sandbox.bank.transfers.dates import OPENING
from sandbox.bank.transfers.outcomes import magic
from sandbox.bank.transfers.outcomes.records import KINDS, Kind, items, load, outcomes, planned, save, settle
from sandbox.bank.transfers.records import CLOCK
from sandbox.store import Database

CLEAR_EVENT, RETRY_EVENT, RETURN_EVENT = "transfer.clear", "transfer.retry", "transfer.item-return"
RETRY_AFTER = timedelta(hours=1)  # the receiving bank is tried again an hour later (sandbox choice)
REFUSED_TEXT, RETURNED_TEXT = "ﾌﾘｺﾐﾌﾉｳ", "ｼｷﾝﾍﾝｷﾔｸ"


def paid_at_once(
    db: Database,
    contract: dict[str, Any],
    kind_name: str,
    reqs: list[dict[str, Any]],
    found: dict[int, list[Any]],
) -> set[int]:
    """Which of ``reqs`` (of one contract, their items in ``found``) execution may mark 手続済 at once:
    no item at another bank, or the clearing delay is 0 and every such item is simply paid (no magic
    account, nothing an incident planned). The others stay 手続中 for :func:`after_execution`."""
    outbound = {r["id"]: [i for i in found[r["id"]] if i["beneficiary_account_id"] is None] for r in reqs}
    delay = contracts.settings(contract)["clearingDelaySeconds"]
    leaving = [r for r in reqs if outbound[r["id"]]]
    marked = planned(db, KINDS[kind_name], [r["id"] for r in leaving]) if leaving and not delay else set()
    return {
        r["id"]
        for r in reqs
        if not outbound[r["id"]]
        or (
            not delay
            and r["id"] not in marked
            and not any(magic.lookup(i["account_number"]) for i in outbound[r["id"]])
        )
    }


def after_execution(db: Database, kind_name: str, req: dict[str, Any], at: datetime) -> None:
    """Right after a request's journal (the request is 12 手続中): clear now, or queue the clearing step."""
    kind = KINDS[kind_name]
    outbound = [i for i in items(db, kind, req["id"]) if i["beneficiary_account_id"] is None]
    delay = contracts.settings(contracts.get(db, req["contract_id"]))["clearingDelaySeconds"]
    if outbound and delay:
        payload = {"kind": kind.name, "requestId": req["id"]}
        events.schedule(db, req["contract_id"], at + timedelta(seconds=delay), CLEAR_EVENT, payload)
        return
    clear(db, kind, req, at)


def clear(db: Database, kind: Kind, req: dict[str, Any], at: datetime) -> None:
    """Decide every other-bank item of a request 手続中, then settle the request's status."""
    found = outcomes(db, kind, req["id"])
    refused = []
    for item in items(db, kind, req["id"]):
        if item["beneficiary_account_id"] is not None:
            continue
        plan, reason, days = _plan(item, found.get(item["item_id"]))
        if plan == "refuse":
            refused.append((item, reason))
        elif plan in ("retry_paid", "retry_failed"):
            event = events.schedule(
                db, req["contract_id"], at + RETRY_AFTER, RETRY_EVENT, _payload(kind, req, item)
            )
            save(
                db, kind, req, item["item_id"], at, state="retrying", plan=plan, reason=reason, event_id=event
            )
        elif plan == "return":
            due = datetime.combine(_business_days_after(at, days), OPENING, clock.JST)
            event = events.schedule(db, req["contract_id"], due, RETURN_EVENT, _payload(kind, req, item))
            save(db, kind, req, item["item_id"], at, state="paid", plan=plan, reason=reason, event_id=event)
    if refused:
        refuse(db, kind, req, refused, at)
    settle(db, kind, req, at, CLOCK, _why(refused))


def _plan(item: dict[str, Any], found: dict[str, Any] | None) -> tuple[str | None, str | None, int]:
    """What the receiving bank does with an item: an incident's plan first, else the magic table."""
    if found is not None and found["state"] == "planned":
        return found["plan"], found["reason"], 1  # an incident's return: the next business day
    row = magic.lookup(item["account_number"])
    if row is None or row.outcome.startswith("recall"):
        return None, None, 0
    return row.outcome, row.reason, row.days


def _why(refused: list[tuple[dict[str, Any], str | None]]) -> str | None:
    if not refused:
        return None
    return "; ".join(f"item {i['item_id']}: {magic.reason_name(r)}" for i, r in refused)


def _payload(kind: Kind, req: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    return {"kind": kind.name, "requestId": req["id"], "itemId": item["item_id"]}


def _business_days_after(at: datetime, days: int) -> Any:
    day = at.astimezone(clock.JST).date()
    for _ in range(max(days, 1)):
        day = calendar.next_business_day(day)
    return day


def give_back(
    db: Database,
    kind: Kind,
    req: dict[str, Any],
    found: list[dict[str, Any]],
    at: datetime,
    text: str,
    journal_kind: str,
) -> int:
    """One journal bringing items' amounts back from clearing: one statement line per item."""
    legs = []
    for item in found:
        legs.append(ledger.Leg(ledger.CLEARING, -item["amount"], text, item["beneficiary_name"], item["edi"]))
        legs.append(
            ledger.Leg(req["account_id"], item["amount"], text, item["beneficiary_name"], item["edi"])
        )
    return ledger.post(
        db, contract_id=req["contract_id"], kind=journal_kind, at=at, legs=legs, ref=req["apply_no"]
    )


def refuse(
    db: Database,
    kind: Kind,
    req: dict[str, Any],
    refused: list[tuple[dict[str, Any], str | None]],
    at: datetime,
) -> None:
    """不能: the items' amounts come back to the remitter's account (fees are kept: the sandbox's rule)."""
    journal = give_back(db, kind, req, [i for i, _r in refused], at, REFUSED_TEXT, "transfer_refused")
    day = at.astimezone(clock.JST).date().isoformat()
    for item, reason in refused:
        save(
            db,
            kind,
            req,
            item["item_id"],
            at,
            state="refused",
            reason=reason,
            detail_status="2",
            repayment_date=day,
            journal_id=journal,
            event_id=None,
        )


def clear_event(
    db: Database, contract: dict[str, Any], event: dict[str, Any], at: datetime
) -> dict[str, Any]:
    """The ``transfer.clear`` event: the clearing step of a request still 手続中."""
    kind = KINDS[event["payload"]["kind"]]
    req = load(db, kind, event["payload"]["requestId"])
    if req["status"] == "12":
        clear(db, kind, req, at)
    return {"applyNo": req["apply_no"], "status": req["status"]}


def retry_event(
    db: Database, contract: dict[str, Any], event: dict[str, Any], at: datetime
) -> dict[str, Any]:
    """The ``transfer.retry`` event: the retried item is paid (20) or fails for good (40, money back)."""
    kind, req, item, found = _event_item(db, event)
    if found and found["state"] == "retrying":
        if found["plan"] == "retry_failed":
            refuse(db, kind, req, [(item, found["reason"] or "retry_failed")], at)
        else:
            save(db, kind, req, item["item_id"], at, state="paid", detail_status="1", event_id=None)
        settle(
            db,
            kind,
            req,
            at,
            CLOCK,
            _why([(item, found["reason"])]) if found["plan"] == "retry_failed" else None,
        )
    return {"applyNo": req["apply_no"], "itemId": item["item_id"], "status": req["status"]}


def return_event(
    db: Database, contract: dict[str, Any], event: dict[str, Any], at: datetime
) -> dict[str, Any]:
    """The ``transfer.item-return`` event: a paid item comes back (資金返却) unless it was recalled meanwhile."""
    kind, req, item, found = _event_item(db, event)
    if found and found["state"] == "paid":
        return_items(db, kind, req, [item], at, found["reason"] or "returned")
    return {"applyNo": req["apply_no"], "itemId": item["item_id"], "status": req["status"]}


def return_items(
    db: Database, kind: Kind, req: dict[str, Any], found: list[dict[str, Any]], at: datetime, reason: str
) -> int:
    """資金返却 of paid items: the money back as one line each, the items ``returned``, the request settled."""
    journal = give_back(db, kind, req, found, at, RETURNED_TEXT, "transfer_return")
    day = at.astimezone(clock.JST).date().isoformat()
    for item in found:
        save(
            db,
            kind,
            req,
            item["item_id"],
            at,
            state="returned",
            reason=reason,
            detail_status="1",
            repayment_date=day,
            journal_id=journal,
            event_id=None,
        )
    settle(db, kind, req, at, CLOCK, magic.reason_name(reason))
    return journal


def _event_item(
    db: Database, event: dict[str, Any]
) -> tuple[Kind, dict[str, Any], dict[str, Any], dict[str, Any] | None]:
    payload = event["payload"]
    kind = KINDS[payload["kind"]]
    req = load(db, kind, payload["requestId"])
    item = items(db, kind, req["id"], [payload["itemId"]])[0]
    return kind, req, item, outcomes(db, kind, req["id"]).get(item["item_id"])
