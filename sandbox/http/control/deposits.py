"""``POST /sandbox/v1/contracts/{id}/deposits``: an incoming transfer from another bank."""

from __future__ import annotations

from flask import Response

from sandbox.bank import deposits
from sandbox.fields import field
from sandbox.http.control import auth
from sandbox.http.web import json_body, reply
from sandbox.store import get_db


def deposit(contract_id: str) -> Response:
    """Credit an incoming transfer from another bank, visible in the account's statement."""
    auth.allow_contract(contract_id)
    data = json_body()
    done = deposits.receive(
        get_db(),
        contract_id,
        field(data, "accountId"),
        data.get("amount"),
        data.get("remitterName", deposits.DEFAULT_REMITTER),
        field(data, "edi", required=False),
        (data.get("paymentBankCode"), data.get("paymentBranchCode")),
    )
    return reply(done, 201)
