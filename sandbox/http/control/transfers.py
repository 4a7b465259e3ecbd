"""``/sandbox/v1/contracts/{id}/transfers``: a contract's transfer requests, beneficiaries in clear."""

from __future__ import annotations

from flask import Blueprint, Response, request

from sandbox.bank import clocks
from sandbox.bank.transfers import lifecycle as transfers
from sandbox.bank.transfers import listing
from sandbox.errors import InvalidParameter
from sandbox.http.control import auth
from sandbox.http.transfer_shapes import detail
from sandbox.http.web import reply
from sandbox.store import get_db

bp = Blueprint("transfers_control", __name__)
bp.before_request(auth.authenticate)


@bp.get("/contracts/<contract_id>/transfers")
def list_transfers(contract_id: str) -> Response:
    """Every request of the contract in applyNo order, optionally only those with ``?status=``."""
    auth.allow_contract(contract_id)
    db = get_db()
    clocks.catch_up(db, contract_id)
    status = request.args.get("status")
    if status is not None and status not in transfers.STATUS_NAMES:
        raise InvalidParameter(f"status must be one of {', '.join(transfers.STATUS_NAMES)}", field="status")
    found = listing.for_contract(db, contract_id, status)
    shown = [detail(db, r, internal=True) for r in found]
    return reply({"contractId": contract_id, "transfers": shown, "count": len(found)})


@bp.get("/contracts/<contract_id>/transfers/<apply_no>")
def show_transfer(contract_id: str, apply_no: str) -> Response:
    auth.allow_contract(contract_id)
    db = get_db()
    clocks.catch_up(db, contract_id)
    return reply(detail(db, transfers.find(db, [contract_id], apply_no), internal=True))
