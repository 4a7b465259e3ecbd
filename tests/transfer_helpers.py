"""Action helpers for transfer tests: real tokens, request bodies (beneficiaries sealed as JWE by default,
the contract setting being ``fieldEncryption: required``), and the calls of ``/corporation/v1/transfer``.

    bank = Bank(client, control)
    apply_no = bank.request("C0001", [bank.to_account("C0003", 0, 50_000)])
    bank.approve("C0001", apply_no)
"""

from __future__ import annotations

import base64
import json
from typing import Any

from joserfc import jwe
from joserfc.jwk import OctKey

from tests.oauth_helpers import bearer, demo_client, mint_tokens

BENEFICIARY_FIELDS = (
    "beneficiaryBankCode",
    "beneficiaryBranchCode",
    "accountTypeCode",
    "accountNumber",
    "beneficiaryName",
)
USERS = {"transfer": "clerk", "account": "viewer", "transfer-approval": "approver"}
OTHER_BANK = {  # みずほ銀行 東京支店: exists in the zengin-code data, not a sandbox account
    "beneficiaryBankCode": "0001",
    "beneficiaryBranchCode": "001",
    "accountTypeCode": "1",
    "accountNumber": "1234567",
    "beneficiaryName": "ｶ)ﾃｽﾄｼﾖｳｼﾞ",
}


def seal(key_id: str, key_b64: str, fields: dict[str, Any], *, alg: str = "dir", enc: str = "A256GCM") -> str:
    """What a client does: the beneficiary fields as a JWE compact string under its encryption key."""
    raw = base64.urlsafe_b64decode(key_b64 + "=" * (-len(key_b64) % 4))
    return jwe.encrypt_compact(
        {"alg": alg, "enc": enc, "kid": key_id}, json.dumps(fields), OctKey.import_key(raw)
    )


def unseal(key_b64: str, token: str) -> dict[str, Any]:
    raw = base64.urlsafe_b64decode(key_b64 + "=" * (-len(key_b64) % 4))
    return json.loads(jwe.decrypt_compact(token, OctKey.import_key(raw)).plaintext)


class Bank:
    """The banking API through the test client, as a contract's demo client would call it."""

    def __init__(self, client: Any, control: Any) -> None:
        self.client, self.control = client, control
        self._tokens: dict[tuple[str, str, str], str] = {}

    # -- credentials --------------------------------------------------------------------------------

    def token(self, contract_id: str, scope: str = "transfer", user: str | None = None) -> str:
        user = user or f"{contract_id.lower()}-{USERS[scope.split()[0]]}"
        key = (contract_id, user, scope)
        if key not in self._tokens:
            self._tokens[key] = mint_tokens(self.client, self.control, contract_id, user, scope)[
                "access_token"
            ]
        return self._tokens[key]

    def forget_tokens(self) -> None:
        """Drop cached tokens (after a clock move they may have expired on the contract clock)."""
        self._tokens.clear()

    def client_key(self, contract_id: str) -> tuple[str, str]:
        demo = demo_client(self.control, contract_id)
        return demo["keyId"], demo["encryptionKey"]

    def accounts(self, contract_id: str) -> list[dict[str, Any]]:
        return self.control("GET", f"/contracts/{contract_id}", status=200)["accounts"]

    def balances(self) -> dict[str, int]:
        """Every sandbox account's balance, by accountId."""
        return {
            a["accountId"]: int(a["balance"])
            for c in self.control("GET", "/contracts", status=200)["contracts"]
            for a in self.accounts(c["contractId"])
        }

    # -- bodies -------------------------------------------------------------------------------------

    def to_account(
        self, contract_id: str, index: int, amount: int, item_id: int = 1, **extra: Any
    ) -> dict[str, Any]:
        """An item paying a sandbox account (bank code 0009) of ``contract_id``."""
        acct = self.accounts(contract_id)[index]
        fields = {
            "beneficiaryBankCode": "0009",
            "beneficiaryBranchCode": acct["branchCode"],
            "accountTypeCode": acct["accountTypeCode"],
            "accountNumber": acct["accountNumber"],
            "beneficiaryName": acct["accountName"][:30],
        }
        return {"itemId": str(item_id), "transferAmount": str(amount), **fields, **extra}

    @staticmethod
    def to_other_bank(amount: int, item_id: int = 1, **extra: Any) -> dict[str, Any]:
        return {"itemId": str(item_id), "transferAmount": str(amount), **OTHER_BANK, **extra}

    def body(
        self,
        contract_id: str,
        items: list[dict[str, Any]],
        *,
        account: int = 0,
        clear: bool = False,
        **extra: Any,
    ) -> dict[str, Any]:
        """A request body from ``contract_id``'s account ``account``; beneficiaries sealed unless ``clear``."""
        if not clear:
            kid, key = self.client_key(contract_id)
            items = [_sealed(item, kid, key) for item in items]
        body = {"accountId": self.accounts(contract_id)[account]["accountId"], "transfers": items}
        if len(items) > 1:
            body["totalCount"] = str(len(items))
            body["totalAmount"] = str(sum(int(i["transferAmount"]) for i in items))
        return {**body, **extra}

    # -- calls --------------------------------------------------------------------------------------

    def post(self, path: str, body: Any, token: str, headers: dict[str, str] | None = None) -> Any:
        return self.client.post(
            f"/corporation/v1{path}", json=body, headers={**bearer(token), **(headers or {})}
        )

    def get(self, path: str, token: str, **params: str) -> Any:
        return self.client.get(f"/corporation/v1{path}", query_string=params, headers=bearer(token))

    def request(self, contract_id: str, items: list[dict[str, Any]], **extra: Any) -> str:
        response = self.post(
            "/transfer/request", self.body(contract_id, items, **extra), self.token(contract_id)
        )
        assert response.status_code == 201, response.get_data(as_text=True)
        return response.get_json()["applyNo"]

    def decide(
        self,
        contract_id: str,
        apply_no: str,
        decision: str = "approve",
        *,
        account: int = 0,
        token: str | None = None,
    ) -> Any:
        body = {
            "accountId": self.accounts(contract_id)[account]["accountId"],
            "applyNo": apply_no,
            "decision": decision,
        }
        return self.post("/transfer/approval", body, token or self.token(contract_id, "transfer-approval"))

    def approve(self, contract_id: str, apply_no: str, **kwargs: Any) -> dict[str, Any]:
        response = self.decide(contract_id, apply_no, **kwargs)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()

    def status(self, contract_id: str, apply_no: str) -> dict[str, Any]:
        """The request as the control API shows it (beneficiaries in clear)."""
        return self.control("GET", f"/contracts/{contract_id}/transfers/{apply_no}", status=200)

    def statement(self, contract_id: str, account_id: str) -> list[dict[str, Any]]:
        """Today's statement lines of an account, through ``/accounts/transactions``."""
        response = self.get(
            "/accounts/transactions", self.token(contract_id, "account"), accountId=account_id
        )
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()["transactions"]


def _sealed(item: dict[str, Any], kid: str, key: str) -> dict[str, Any]:
    fields = {name: item[name] for name in BENEFICIARY_FIELDS if name in item}
    rest = {k: v for k, v in item.items() if k not in BENEFICIARY_FIELDS}
    return {**rest, "encryptedBeneficiary": seal(kid, key, fields)}
