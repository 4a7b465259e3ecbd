"""A deliberately naive client, for the scenario tests: it works on a good day and fails every rehearsal.

Its habits, each one a scenario catches: it never refreshes a token and never consents again; it retries
any failure at once, three times, whatever the answer said (no ``Retry-After``, no ``Idempotency-Key``, a
fresh body each time); it approves with whatever token it holds first and keeps a long-lived approval
token; it sends the date it was given, cut-off or holiday; it never quotes a fee, believes an approved
payment is paid, and expects every fee on the paying account. It books every payment notification it is
sent, as often as it is sent, without checking who signed it, and never asks for the unsent ones; a 総合振込
it re-sends whole, never asking which items the receiving banks refused; it reads statements as fast as it
can; it reads a statement's ``nextItemKey`` as a number, as ``JSON.parse`` into a JavaScript number would,
and sends it back rounded. It speaks the same JSON-lines protocol as
the reference client. Run: ``python tests/scenario/naive_client.py``.
"""

from __future__ import annotations

import base64
import json
import os
import sys
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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
        self.booked: list[int] = []
        self.account = ""

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

    def bulk(self, cmd: dict[str, Any]) -> Any:
        """A 総合振込 as it was given; remembered, never asked about again."""
        account = cmd.get("account") or self.first_account()
        items = []
        for n, item in enumerate(cmd["items"], start=1):
            to = item["to"]
            fields = {
                "beneficiaryBankCode": to["bankCode"],
                "beneficiaryBranchCode": to["branchCode"],
                "accountTypeCode": to["accountType"],
                "accountNumber": to["accountNumber"],
                "beneficiaryName": to["name"],
            }
            items.append(
                {
                    "itemId": str(n),
                    "transferAmount": str(item["amount"]),
                    "encryptedBeneficiary": self.seal(fields),
                }
            )
        body = {
            "accountId": account,
            "transferDesignatedDate": cmd["date"],
            "totalCount": str(len(items)),
            "totalAmount": str(sum(int(i["transferAmount"]) for i in items)),
            "transfers": items,
        }
        answer = self.send("POST", "/corporation/v1/bulktransfer/request", self.operator(), body)
        if "failed" not in answer:
            self.payments[cmd["ref"]] = {**answer, "bulk": True, "items": cmd["items"], "accountId": account}
        return answer

    def resend(self, cmd: dict[str, Any]) -> Any:
        """Something went wrong with the batch, so it sends every item again (the fixes where given)."""
        payment = self.payments[cmd["ref"]]
        fixes = cmd.get("fixes") or {}
        done = []
        for n, item in enumerate(payment["items"], start=1):
            again = {"do": "transfer", "ref": f"{cmd['ref']}-{n}", "amount": item["amount"]}
            sent = self.transfer(
                {**again, "to": fixes.get(str(n), item["to"]), "account": payment["accountId"]}
            )
            done.append(self.approve({"ref": again["ref"]}) if "failed" not in sent else sent)
        return {"resent": done}

    def salary(self, cmd: dict[str, Any]) -> Any:
        """A salary file (種別 11) through the bulk API, sent like everything else: three times if need be."""
        account = cmd.get("account") or self.first_account()
        items = [
            {
                "itemId": str(n),
                "transferAmount": str(item["amount"]),
                "encryptedBeneficiary": self.seal(
                    {
                        "beneficiaryBankCode": item["to"]["bankCode"],
                        "beneficiaryBranchCode": item["to"]["branchCode"],
                        "accountTypeCode": item["to"]["accountType"],
                        "accountNumber": item["to"]["accountNumber"],
                        "beneficiaryName": item["to"]["name"],
                    }
                ),
            }
            for n, item in enumerate(cmd["items"], start=1)
        ]
        body = {
            "accountId": account,
            "transferDesignatedDate": cmd["date"],
            "typeCode": "11",
            "totalCount": str(len(items)),
            "totalAmount": str(sum(int(i["amount"]) for i in cmd["items"])),
            "transfers": items,
        }
        answer = self.send("POST", "/corporation/v1/bulktransfer/request", self.operator(), body)
        if "failed" not in answer:
            self.payments[cmd.get("ref") or "last"] = {**answer, "bulk": True}
            self.payments["last"] = self.payments[cmd.get("ref") or "last"]
        return answer

    def statements(self) -> Any:
        """Every account's statement, straight away, one call after another."""
        found = {}
        for account in self.send("GET", "/corporation/v1/accounts", self.operator())["accounts"]:
            params = {"accountId": account["accountId"]}
            found[account["accountId"]] = self.send(
                "GET", "/corporation/v1/accounts/transactions", self.operator(), params=params
            )
        return found

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
        path = "/corporation/v1/" + ("bulktransfer" if payment.get("bulk") else "transfer") + "/approval"
        answer = self.send("POST", path, self.operator(), body)
        if "failed" in answer:  # then with an approval token it keeps for later
            approver = self.token(self.env["WEB21_APPROVER_ID"], "transfer-approval offline_access")
            answer = self.send("POST", path, approver, body)
        payment["transferStatus"] = answer.get("transferStatus", payment.get("transferStatus"))
        return answer

    def listen(self) -> Any:
        """A receiver that books whatever arrives; registered and subscribed, nothing more."""
        booked = self.booked

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                message = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                booked.append(int(message["depositTransaction"]["amount"]))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        contract = f"{self.url}/sandbox/v1/contracts/{self.env['WEB21_CONTRACT_ID']}"
        key = {"X-Sandbox-Key": self.env["WEB21_SANDBOX_KEY"]}
        requests.patch(f"{contract}/settings", json={"notificationUrl": url}, headers=key, timeout=10)
        body = {"subscribeStatus": "1", "eventTypes": [{"eventType": "deposit-transaction"}]}
        return self.send("POST", "/webhooks/v1/subscribe", self.operator(), body)

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

    def reconcile(self) -> Any:
        """One page of one account's deposit statement; an invoice is paid by a line of exactly its amount."""
        control = f"{self.url}/sandbox/v1/contracts/{self.env['WEB21_CONTRACT_ID']}/invoices"
        key = {"X-Sandbox-Key": self.env["WEB21_SANDBOX_KEY"]}
        invoices = requests.get(control, headers=key, timeout=10).json()["invoices"]
        today = self.today()
        since = min(i["issueDate"] for i in invoices)
        params = {"accountId": self.first_account(), "dateFrom": since, "dateTo": today}
        lines = self.send(
            "GET", "/corporation/v1/accounts/deposit-transactions", self.operator(), params=params
        )
        by_amount = {line["amount"]: line["itemKey"] for line in lines.get("depositTransactions", [])}
        matches = {i["invoiceNo"]: [by_amount[i["amount"]]] for i in invoices if i["amount"] in by_amount}
        return requests.post(
            f"{control}/reconciliation", json={"matches": matches}, headers=key, timeout=10
        ).json()

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
        if action == "statements":
            return self.statements()
        if action == "statement":
            return self.statement(cmd)
        if action == "transfer":
            return self.transfer(cmd)
        if action == "salary":
            return self.salary(cmd)
        if action == "approve":
            return self.approve(cmd)
        if action == "bulk":
            return self.bulk(cmd)
        if action == "resend":
            return self.resend(cmd)
        if action in ("status", "sync"):
            return self.sync()
        if action == "listen":
            return self.listen()
        if action == "receipts":
            return {"count": len(self.booked), "total": str(sum(self.booked))}
        if action == "reconcile":
            return self.reconcile()
        if action == "va-pool":
            self.account = self.first_account()  # why keep spares? it issues one when a customer comes
            return {"pool": 0}
        if action == "assign-va":
            body = {"raId": self.account, "vaTypeCode": "2", "issueRequestCount": 1}
            return self.send("POST", "/corporation/v1/va/issue", self.operator(), body)
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
