"""What both halves of the API tour (``api_tour.py``, ``api_tour_more.py``) use: the recorder's call, a
beneficiary at another bank, and a token by headless consent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Call = Callable[..., Any]
OTHER_BANK = {
    "beneficiaryBankCode": "0001",
    "beneficiaryBranchCode": "001",
    "accountTypeCode": "1",
    "accountNumber": "1234567",
    "beneficiaryName": "ｶ)ﾃｽﾄｼﾖｳｼﾞ",
}


def basic(demo: dict[str, Any]) -> tuple[str, str]:
    """The demo client's HTTP Basic credentials."""
    return demo["clientId"], demo["demoClientSecret"]


def token(call: Call, key: dict[str, str], demo: dict[str, Any], user: str, scope: str) -> dict[str, Any]:
    """Headless consent, then the code exchanged at /auth/v1/token."""
    body = {"userId": user, "clientId": demo["clientId"], "scope": scope}
    code = call("POST", "/sandbox/v1/contracts/C0001/authorizations", json=body, headers=key)["code"]
    form = {"grant_type": "authorization_code", "code": code}
    return call("POST", "/auth/v1/token", data=form, auth=basic(demo))
