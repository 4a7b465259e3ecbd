"""``POST /sandbox/v1/contracts/{id}/transfers/{applyNo}/recall``: 組戻 requested by the remitter.

BANKS.md names no corporate-API endpoint for a recall (a company asks its branch), so the sandbox offers
it here, in the CLI (``web21-sandbox transfer recall``) and as the ``recall`` incident.
"""

from __future__ import annotations

from flask import Response

from sandbox.bank import contracts
from sandbox.bank.transfers.outcomes import recall
from sandbox.errors import InvalidParameter
from sandbox.http import outcome_shapes
from sandbox.http.control import auth
from sandbox.http.transfer_shapes import api_time
from sandbox.http.web import json_body, reply
from sandbox.store import get_db


def recall_transfer(contract_id: str, apply_no: str) -> Response:
    """Ask for the paid other-bank items of a transfer or bulk transfer back (all, or ``itemIds``)."""
    auth.allow_contract(contract_id)
    data = json_body(required=False)
    item_ids = data.get("itemIds")
    if item_ids is not None and (
        not isinstance(item_ids, list)
        or not item_ids
        or not all(isinstance(i, int) and not isinstance(i, bool) and i > 0 for i in item_ids)
    ):
        raise InvalidParameter("itemIds must be a non-empty list of item numbers", field="itemIds")
    db = get_db()
    done = recall.request_recall(db, contract_id, apply_no, item_ids)
    req, kind = done["request"], done["kind"]
    names = recall.KINDS[kind].status_names
    fee = contracts.settings(contracts.get(db, contract_id))["recallFee"]
    return reply(
        {
            "contractId": contract_id,
            "applyNo": req["apply_no"],
            "kind": kind,
            "transferStatus": req["status"],
            "transferStatusName": names[req["status"]],
            "itemIds": done["itemIds"],
            "recallFee": str(fee * len(done["itemIds"])),
            "requestedDatetime": api_time(req["updated_at"]),
            "unableDetailInfos": outcome_shapes.unable(db, kind, req["id"]),
        },
        201,
    )
