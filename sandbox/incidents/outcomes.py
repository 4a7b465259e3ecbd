"""Incident types that decide an item's fate at the receiving bank: ``item-outcome`` (refuse or return a
chosen item of a chosen request, single or bulk) and ``recall`` (組戻 requested by the remitter)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sandbox.bank.transfers.outcomes import clearing, magic, recall
from sandbox.bank.transfers.outcomes import records as outcomes
from sandbox.errors import InvalidParameter
from sandbox.incidents.errors import IncidentNotApplicable
from sandbox.store import Database

NOT_CLEARED = ("2", "11", "12")  # the clearing step has not decided the items yet
REFUSALS = ("no_account", "closed", "name_mismatch", "bank")


def _item(
    db: Database, contract: dict[str, Any], params: dict[str, Any]
) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    """The request (single or bulk) and the other-bank item the parameters name."""
    apply_no, item_id = params.get("applyNo"), params.get("itemId", 1)
    if not isinstance(apply_no, str) or not apply_no:
        raise InvalidParameter("applyNo of a transfer or bulk transfer is required", field="applyNo")
    if isinstance(item_id, str) and item_id.isdigit():
        item_id = int(item_id)
    if isinstance(item_id, bool) or not isinstance(item_id, int):
        raise InvalidParameter("itemId must be an item number", field="itemId")
    kind, req = outcomes.find(db, [contract["id"]], apply_no)
    found = outcomes.items(db, kind, req["id"], [item_id])
    if not found or found[0]["beneficiary_account_id"] is not None:
        raise IncidentNotApplicable(f"{apply_no} has no item {item_id} at another bank", field="itemId")
    return kind, req, found[0]


def check_item(
    db: Database, contract: dict[str, Any], params: dict[str, Any], now: datetime
) -> dict[str, Any]:
    kind, req, item = _item(db, contract, params)
    outcome = params.get("outcome", "refuse")
    if outcome not in ("refuse", "return"):
        raise InvalidParameter("outcome must be refuse or return", field="outcome")
    reason = params.get("reason", "no_account" if outcome == "refuse" else "returned")
    if reason not in magic.REASONS:
        raise InvalidParameter(f"reason must be one of {', '.join(magic.REASONS)}", field="reason")
    state = outcomes.outcomes(db, kind, req["id"]).get(item["item_id"], {}).get("state", "paid")
    paid = req["status"] not in NOT_CLEARED and state == "paid"
    if req["status"] not in NOT_CLEARED and not (outcome == "return" and paid):
        raise IncidentNotApplicable(
            f"{req['apply_no']} item {item['item_id']} is past the clearing step ({state}): only a paid item can"
            " still come back (outcome return)",
            field="outcome",
        )
    return {"applyNo": req["apply_no"], "itemId": item["item_id"], "outcome": outcome, "reason": reason}


def item_outcome(
    db: Database, contract: dict[str, Any], params: dict[str, Any], at: datetime
) -> dict[str, Any]:
    """Before the clearing step: the item's fate is set in advance; after it: a paid item comes back now."""
    kind, req, item = _item(db, contract, params)
    if req["status"] in NOT_CLEARED:
        outcomes.save(
            db,
            kind,
            req,
            item["item_id"],
            at,
            state="planned",
            plan=params["outcome"],
            reason=params["reason"],
        )
        return {"applyNo": req["apply_no"], "itemId": item["item_id"], "planned": params["outcome"]}
    journal = clearing.return_items(db, kind, req, [item], at, params["reason"])
    return {
        "applyNo": req["apply_no"],
        "itemId": item["item_id"],
        "journalId": journal,
        "status": req["status"],
    }


def _recall_target(
    db: Database, contract: dict[str, Any], params: dict[str, Any]
) -> tuple[Any, dict[str, Any], list[Any]]:
    apply_no, item_ids = params.get("applyNo"), params.get("itemIds")
    if not isinstance(apply_no, str) or not apply_no:
        raise InvalidParameter(
            "applyNo of an executed transfer or bulk transfer is required", field="applyNo"
        )
    if item_ids is not None and (
        not isinstance(item_ids, list) or not item_ids or not all(str(i).isdigit() for i in item_ids)
    ):
        raise InvalidParameter("itemIds must be a non-empty list of item numbers", field="itemIds")
    kind, req = outcomes.find(db, [contract["id"]], apply_no)
    ids = [int(i) for i in item_ids] if item_ids else None
    return kind, req, recall.recallable(db, kind, req, ids)


def check_recall(
    db: Database, contract: dict[str, Any], params: dict[str, Any], now: datetime
) -> dict[str, Any]:
    _kind, req, chosen = _recall_target(db, contract, params)
    shown: dict[str, Any] = {"applyNo": req["apply_no"]}
    if params.get("itemIds") is not None:
        shown["itemIds"] = [i["item_id"] for i in chosen]
    return shown


def recall_items(
    db: Database, contract: dict[str, Any], params: dict[str, Any], at: datetime
) -> dict[str, Any]:
    """組戻: the items become 組戻手続中, the recall fee is charged, the receiving bank answers next business day."""
    kind, req, chosen = _recall_target(db, contract, params)
    recall.recall_at(db, kind, req, chosen, at, outcomes.BANK)
    return {"applyNo": req["apply_no"], "itemIds": [i["item_id"] for i in chosen], "status": req["status"]}
