"""``unableDetailInfos``: the items of a request the receiving bank did not simply pay, as the API shows
them (GMO-style fields, BANKS.md §2; ``unableReason`` is a sandbox extension)."""

from __future__ import annotations

from typing import Any

from sandbox.bank.transfers.outcomes import magic
from sandbox.bank.transfers.outcomes import records as outcomes
from sandbox.store import Database

DETAIL_NAMES = {"1": "手続済", "2": "手続不成立"}
REFUND_NAMES = {"1": "組戻手続中", "2": "組戻済", "3": "組戻不成立"}


def unable(db: Database, kind: str, request_id: int) -> list[dict[str, Any]] | None:
    """The request's unpaid, returned or recalled items (None when there are none: the key is left out)."""
    found = outcomes.outcomes(db, outcomes.KINDS[kind], request_id)
    shown = [info(r) for r in found.values() if r["state"] in outcomes.UNPAID]
    return shown or None


def info(found: dict[str, Any]) -> dict[str, Any]:
    detail = found["detail_status"] or "1"
    shown = {
        "itemId": str(found["item_id"]),
        "transferDetailStatus": detail,
        "transferDetailStatusName": DETAIL_NAMES[detail],
        "refundStatus": found["refund_status"],
        "refundStatusName": REFUND_NAMES.get(found["refund_status"] or ""),
        "isRepayment": found["journal_id"] is not None,
        "repaymentDate": found["repayment_date"],
        "unableReason": found["reason"],
        "unableReasonName": magic.reason_name(found["reason"]),
    }
    return {k: v for k, v in shown.items() if v is not None}
