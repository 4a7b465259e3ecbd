"""``POST /sandbox/v1/contracts/{id}/deposits``: an incoming transfer from another bank, to an account
(``accountId``) or to a virtual account (``vaId``: its parent is credited, or the money is returned)."""

from __future__ import annotations

from flask import Response

from sandbox.bank import deposits
from sandbox.errors import InvalidParameter
from sandbox.fields import field
from sandbox.http.control import auth
from sandbox.http.web import json_body, reply
from sandbox.store import get_db


def deposit(contract_id: str) -> Response:
    """Credit an incoming transfer from another bank, visible in the account's statement."""
    auth.allow_contract(contract_id)
    data = json_body()
    va_id = field(data, "vaId", required=False)
    if va_id is not None and data.get("accountId") is not None:
        raise InvalidParameter("give accountId or vaId, not both (a VA credits its own parent)", field="vaId")
    done = deposits.receive(
        get_db(),
        contract_id,
        field(data, "accountId", required=va_id is None),
        data.get("amount"),
        data.get("remitterName", deposits.DEFAULT_REMITTER),
        field(data, "edi", required=False),
        (data.get("paymentBankCode"), data.get("paymentBranchCode")),
        va_id=va_id,
    )
    return reply(done, 201)
