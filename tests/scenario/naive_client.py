"""A deliberately naive client, for the scenario tests: it works on a good day and fails every rehearsal.

Its habits, each one a scenario catches: it never refreshes a token and never consents again; it retries
any failure at once, three times, whatever the answer said (no ``Retry-After``, no ``Idempotency-Key``, a
fresh body each time); it approves with whatever token it holds first and keeps a long-lived approval
token; it sends the date it was given, cut-off or holiday; it never quotes a fee, believes an approved
payment is paid, and expects every fee on the paying account; it reads a statement's ``nextItemKey`` as a
number, as ``JSON.parse`` into a JavaScript number would, and sends it back rounded. It speaks the same JSON-lines protocol as
the reference client. Run: ``python tests/scenario/naive_client.py``.
"""

from __future__ import annotations

import base64
import json
import os
import sys
from decimal import Decimal
from typing import Any

import requests
from joserfc import jwe
from joserfc.jwk import OctKey

TRIES = 3
STATEMENT = "/corporation/v1/accounts/transactions"


def as_javascript_number(key: str) -> str:
    """``String(Number(key))``: the nearest double, printed with the fewest digits that name it.
    ``"20260401100000000006"`` comes back as ``"20260401100000000000"``."""
    return str(int(Decimal(repr(float(key)))))


class Naive:
    def __init__(self, env: dict[str, str]) -> None:
        self.env, self.url = env, env["WEB21_SANDBOX_URL"]
        self.auth = (env["WEB21_CLIENT_ID"], env["WEB21_CLIENT_SECRET"])
        self.tokens: dict[str, str] = {}
        self.key = (env.get("WEB21_KEY_ID"), env.get("WEB21_ENCRYPTION_KEY"))
        self.payments: dict[str, dict[str, Any]] = {}

    def token(self, user: str, scope: str) -> str:
        if user not in self.tokens:  # once, forever: no refresh, no new consent
            code = requests.post(
                f"{self.url}/sandbox/v1/contracts/{self.env['WEB21_CONTRACT_ID']}/authorizations",
                json={"userId": user, "clientId": self.auth[0], "scope": scope},
                headers={"X-Sandbox-Key": self.env["WEB21_SANDBOX_KEY"]},
                timeout=10,
            ).json()["code"]
            answer = requests.post(
                f"{self.url}/auth/v1/token",
                data={"grant_type": "authorization_code", "code": code},
                auth=self.auth,
                timeout=10,
            )
            self.tokens[user] = answer.json()["access_token"]
        return self.tokens[user]

    def operator(self) -> str:
        return self.token(self.env["WEB21_OPERATOR_ID"], "account transfer offline_access")

    def send(self, method: str, path: str, token: str, body: Any = None, make: Any = None, **kw: Any) -> Any:
        """Try three times in a row, whatever happens; a new body each time when ``make`` builds it."""
        answer = None
        for _ in range(TRIES):
            try:
                answer = requests.request(
                    method,
                    self.url + path,
                    json=make() if make else body,
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=10,
                    **kw,
                )
            except requests.RequestException:
                continue
            if answer.status_code < 400:
                return answer.json()
        return {"failed": answer.json() if answer is not None else "no answer"}

    def seal(self, fields: dict[str, str]) -> str:
        raw = base64.urlsafe_b64decode(self.key[1] + "=" * (-len(self.key[1]) % 4))
        header = {"alg": "dir", "enc": "A256GCM", "kid": self.key[0]}
        return jwe.encrypt_compact(header, json.dumps(fields).encode(), OctKey.import_key(raw))

    def first_account(self) -> str:
        return self.send("GET", "/corporation/v1/accounts", self.operator())["accounts"][0]["accountId"]

    def transfer(self, cmd: dict[str, Any]) -> Any:
        account = cmd.get("account") or self.first_account()
        to = cmd["to"]

        def body() -> dict[str, Any]:
            fields = {
                "beneficiaryBankCode": to["bankCode"],
                "beneficiaryBranchCode": to["branchCode"],
                "accountTypeCode": to["accountType"],
                "accountNumber": to["accountNumber"],
                "beneficiaryName": to["name"],
            }
            item = {
                "itemId": "1",
                "transferAmount": str(cmd["amount"]),
                "encryptedBeneficiary": self.seal(fields),
            }
            designated = {} if cmd.get("date") in (None, "today") else {"transferDesignatedDate": cmd["date"]}
            if cmd.get("date") == "today":
                designated = {"transferDesignatedDate": self.today()}
            return {"accountId": account, **designated, "transfers": [item]}

        answer = self.send("POST", "/corporation/v1/transfer/request", self.operator(), make=body)
        if "failed" in answer:
            return answer
        self.payments[cmd.get("ref") or "last"] = {**answer, "amount": cmd["amount"]}
        self.payments["last"] = self.payments[cmd.get("ref") or "last"]
        return answer

    def statement(self, cmd: dict[str, Any]) -> Any:
        """Pages with the key as a number; stops when it would ask for the same page for ever."""
        params = {"accountId": cmd.get("account") or self.first_account()}
        params |= {"dateFrom": cmd["dateFrom"]} if cmd.get("dateFrom") else {}
        answer = self.send("GET", STATEMENT, self.operator(), params=params)
        lines, sent = list(answer.get("transactions", [])), set()
        while answer.get("hasNext"):
            key = as_javascript_number(answer["nextItemKey"])
            if key in sent:  # a JavaScript client would go round for ever; a test cannot wait that long
                break
            sent.add(key)
            answer = self.send("GET", STATEMENT, self.operator(), params={**params, "nextItemKey": key})
            lines += answer.get("transactions", [])
        return {"count": len(lines), "closingBalance": lines[-1]["balance"] if lines else None}

    def today(self) -> str:
        return self.send("GET", "/corporation/v1/accounts", self.operator()).get("baseDate", "")

    def approve(self, cmd: dict[str, Any]) -> Any:
        payment = self.payments[cmd.get("ref") or "last"]
        body = {"accountId": payment["accountId"], "applyNo": payment["applyNo"], "decision": "approve"}
        answer = self.send("POST", "/corporation/v1/transfer/approval", self.operator(), body)
        if "failed" in answer:  # then with an approval token it keeps for later
            approver = self.token(self.env["WEB21_APPROVER_ID"], "transfer-approval offline_access")
            answer = self.send("POST", "/corporation/v1/transfer/approval", approver, body)
        payment["transferStatus"] = answer.get("transferStatus", payment.get("transferStatus"))
        return answer

    def sync(self) -> Any:
        """From memory: approved means paid, and the fee surely came off the paying account."""
        shown = {}
        for ref, payment in self.payments.items():
            if ref != "last":
                shown[ref] = {
                    "applyNo": payment.get("applyNo"),
                    "status": payment.get("transferStatus"),
                    "reconciled": False,
                }
        return {"payments": shown}

    def act(self, cmd: dict[str, Any]) -> Any:
        action = cmd["do"]
        if action == "consent":
            return {"token": bool(self.operator())}
        if action in ("balances", "accounts"):
            path = "/corporation/v1/accounts" + ("/balances" if action == "balances" else "")
            return self.send("GET", path, self.operator())
        if action == "transactions":
            params = {"accountId": self.first_account()}
            return self.send("GET", "/corporation/v1/accounts/transactions", self.operator(), params=params)
        if action == "statement":
            return self.statement(cmd)
        if action == "transfer":
            return self.transfer(cmd)
        if action == "approve":
            return self.approve(cmd)
        if action in ("status", "sync"):
            return self.sync()
        if action == "set-key":
            self.key = (cmd["keyId"], cmd["key"])
            return {"keyId": cmd["keyId"]}
        return {"failed": f"unknown {action}"}

    def handle(self, cmd: dict[str, Any]) -> dict[str, Any]:
        """One command's answer in the protocol's shape."""
        try:
            result = self.act(cmd)
        except Exception as exc:  # noqa: BLE001 - it reports, at least
            result = {"failed": repr(exc)}
        return {"ok": not (isinstance(result, dict) and "failed" in result), "result": result}


def main() -> None:
    naive = Naive(dict(os.environ))
    for line in sys.stdin:
        cmd = json.loads(line)
        if cmd["do"] == "stop":
            break
        print(json.dumps({"id": cmd["id"], **naive.handle(cmd)}, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
