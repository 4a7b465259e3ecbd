"""The result of a 総合振込 (uploaded as a file or requested over the API): which items were paid, which
were not (不能) and why, item by item (for a request made from a file, item n is data record n + 1).

Outcomes are read from what the bulk records hold: an item's own status when the request has one per item,
else the request's: 手続済 (20) pays every item, 手続不成立 (40) none (its failure reason for each), and a
request not yet executed leaves every item pending.
"""

from __future__ import annotations

from typing import Any

from sandbox.bank.bulk import records

PAID, UNPAID = "20", "40"
OUTCOMES = {"20": "paid", "40": "not_paid"}  # anything else: pending


def result(db: Any, req: dict[str, Any]) -> dict[str, Any]:
    """The request's outcome with every item's: paid, not_paid (不能, with the reason) or pending."""
    items = [_item(req, item) for item in records.items(db, req["id"])]
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


def _item(req: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    status = str(item.get("status") or item.get("detail_status") or req["status"])
    outcome = OUTCOMES.get(status, "pending")
    reason = item.get("failure_reason") or (req.get("failure_reason") if outcome == "not_paid" else None)
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
