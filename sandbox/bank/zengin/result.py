"""The result of a 総合振込 (uploaded as a file or requested over the API): which items were paid, which
were not (不能) and why, item by item (for a request made from a file, item n is data record n + 1).

An item's outcome at the receiving bank (``item_outcomes``: refused, returned, recalled — 不能 with the
money back; retrying — pending) wins. An item without one follows its request: 手続済 (20), 不能・組戻あり
(30), 組戻手続中 (24) and リトライ中 (13: only the retried items wait) pay it; 手続不成立 (40) pays none
(with the request's failure reason); a request not yet executed leaves it pending.
"""

from __future__ import annotations

from typing import Any

from sandbox.bank.bulk import records
from sandbox.bank.transfers.outcomes import magic
from sandbox.bank.transfers.outcomes import records as outcomes

PAID, UNPAID = "20", "40"
OUTCOMES = {"13": "paid", "20": "paid", "24": "paid", "30": "paid", "40": "not_paid"}  # else pending
MONEY_BACK = ("refused", "returned", "recalled")  # an item's own outcome: 不能, the amount came back
WAITING = ("planned", "retrying")  # decided at the clearing step or the retry: pending until then


def result(db: Any, req: dict[str, Any]) -> dict[str, Any]:
    """The request's outcome with every item's: paid, not_paid (不能, with the reason) or pending."""
    found = outcomes.outcomes(db, outcomes.KINDS["bulk"], req["id"])
    items = [_item(req, item, found.get(item["item_id"])) for item in records.items(db, req["id"])]
    paid = [i for i in items if i["outcome"] == "paid"]
    unpaid = [i for i in items if i["outcome"] == "not_paid"]
    return {
        "accountId": req["account_id"],
        "applyNo": req["apply_no"],
        "transferStatus": req["status"],
        "transferStatusName": records.STATUS_NAMES.get(req["status"], req["status"]),
        "transferDesignatedDate": req["designated_date"],
        "totalCount": len(items),
        "paidCount": len(paid),
        "paidAmount": sum(i["transferAmount"] for i in paid),
        "unpaidCount": len(unpaid),
        "unpaidAmount": sum(i["transferAmount"] for i in unpaid),
        "items": items,
    }


def _item(req: dict[str, Any], item: dict[str, Any], own: dict[str, Any] | None) -> dict[str, Any]:
    status = str(req["status"])
    outcome = OUTCOMES.get(status, "pending")
    reason = req.get("failure_reason") if outcome == "not_paid" else None
    if own is not None and own["state"] in MONEY_BACK:
        outcome, reason = "not_paid", magic.reason_name(own["reason"]) or own["reason"]
    elif own is not None and own["state"] in WAITING and status not in ("40",):
        outcome = "pending"
    shown = {
        "itemId": item["item_id"],
        "outcome": outcome,
        "transferDetailStatus": status,
        "transferDetailStatusName": "不能"
        if outcome == "not_paid"
        else records.STATUS_NAMES.get(status, status),
        "transferAmount": item["amount"],
        "beneficiaryBankCode": item["bank_code"],
        "beneficiaryBranchCode": item["branch_code"],
        "accountTypeCode": item["account_type"],
        "accountNumber": item["account_number"],
        "beneficiaryName": item["beneficiary_name"],
        "reason": reason,
    }
    return {k: v for k, v in shown.items() if v is not None}
