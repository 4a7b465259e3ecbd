"""The scenario protocol: read one JSON command a line on stdin, answer each with one JSON line.

Commands (``{"id": 1, "do": "balances"}``): consent, accounts, balances, transactions, transfer,
statement, statements, salary, bulk, approve, status, sync, resend, set-key, listen, receipts, reconcile,
va-pool, assign-va, stop. Answers: ``{"id": 1, "ok": true, "result": {...}}`` or
``{"id": 1, "ok": false, "error": {"code", "message"}, "stopped": true?}``. Logs go to stderr.
Credentials come from the environment (``WEB21_*``, see docs/scenarios.md).
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sandbox.scenario.reference_client import reconcile
from sandbox.scenario.reference_client.bulk import MONEY_BACK, BulkPayments, money_back
from sandbox.scenario.reference_client.notifications import Notifications
from sandbox.scenario.reference_client.payments import KeyRing, KeyStale, Payments, ServiceWithdrawn
from sandbox.scenario.reference_client.salary import Salaries
from sandbox.scenario.reference_client.session import BankClock, Config, Session, Stopped
from sandbox.scenario.reference_client.statement import StatementReader
from sandbox.scenario.reference_client.transport import BankError, NoAnswer, Transport, Unavailable

OPERATOR_SCOPE = "account transfer offline_access"
POOL = 10  # spare virtual accounts kept issued
APPROVER_SCOPE = "transfer-approval"  # alone, and without offline_access: no refresh token to guard


class Client:
    """The reference client's state: two users' sessions and the payments book."""

    def __init__(self, env: dict[str, str]) -> None:
        config = Config(
            base_url=env["WEB21_SANDBOX_URL"],
            contract_id=env["WEB21_CONTRACT_ID"],
            client_id=env["WEB21_CLIENT_ID"],
            client_secret=env["WEB21_CLIENT_SECRET"],
            sandbox_key=env.get("WEB21_SANDBOX_KEY") or None,
        )
        transport = Transport(config.base_url)
        self.clock = BankClock(config.base_url, config.contract_id, config.sandbox_key)
        self.operator = Session(config, transport, self.clock, env["WEB21_OPERATOR_ID"], OPERATOR_SCOPE)
        self.approver = Session(
            config, transport, self.clock, env.get("WEB21_APPROVER_ID", ""), APPROVER_SCOPE
        )
        keys = KeyRing(env.get("WEB21_KEY_ID") or None, env.get("WEB21_ENCRYPTION_KEY") or None)
        self.payments = Payments(self.operator, self.approver, self.clock, keys)
        self.notifications = Notifications(
            self.operator, config.base_url, config.contract_id, config.sandbox_key
        )
        self.bulk = BulkPayments(self.payments)
        self.salaries = Salaries(self.operator, self.approver, keys)
        self.pages = StatementReader(self.get)  # every page, keys as sent
        self.actions = self.commands()
        self.pool: list[str] = []  # spare virtual accounts, issued ahead of need
        self.assigned: dict[str, str] = {}
        self.books = reconcile.Books(config.base_url, config.contract_id, config.sandbox_key)

    def commands(self) -> dict[str, Callable[[dict[str, Any]], Any]]:
        """Every command of the protocol (``sandbox/scenario/protocol.py``) and what answers it."""
        return {
            "consent": self.consent,
            "accounts": lambda c: self.get("/corporation/v1/accounts"),
            "balances": self.balances,
            "transactions": self.transactions,
            "statements": self.statements,
            "salary": self.salary,
            "statement": self.statement,
            "transfer": self.transfer,
            "bulk": self.bulk_transfer,
            "approve": self.approve,
            "status": lambda c: self._either(c, self.bulk.status, self.payments.status),
            "sync": self.sync,
            "resend": lambda c: self.bulk.resend(c["ref"], c.get("fixes") or {}),
            "set-key": self.set_key,
            "listen": lambda c: self.notifications.listen(),
            "receipts": lambda c: self.notifications.receipts(),
            "reconcile": self.reconcile,
            "va-pool": self.va_pool,
            "assign-va": self.assign_va,
        }

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        return self.operator.call("GET", path, safe=True, params=params or None).data

    def consent(self, command: dict[str, Any]) -> dict[str, Any]:
        session = self.approver if command.get("role") == "approver" else self.operator
        session.consent()
        return {"user": session.user, "scope": session.scope, "grantEnds": str(session.grant_ends)}

    def balances(self, command: dict[str, Any]) -> dict[str, Any]:
        found = self.get("/corporation/v1/accounts/balances")
        return {
            "balances": {b["accountId"]: b["balance"] for b in found["balances"]},
            "baseTime": found.get("baseTime"),
        }

    def transactions(self, command: dict[str, Any]) -> dict[str, Any]:
        account = command.get("account") or self.get("/corporation/v1/accounts")["accounts"][0]["accountId"]
        today = self.clock.now().date()
        days = int(command.get("days") or 7)
        found = self.get(
            "/corporation/v1/accounts/transactions",
            accountId=account,
            dateFrom=(today - timedelta(days=days)).isoformat(),
            dateTo=today.isoformat(),
        )
        return {"accountId": account, "count": found.get("count"), "hasNext": found.get("hasNext")}

    def statements(self, command: dict[str, Any]) -> dict[str, Any]:
        """Every account's statement for the last ``days`` days, every page: the month-end burst. The
        transport waits out each 429 as its Retry-After says, so a rate limit slows it down, no more."""
        today = self.clock.now().date()
        since = (today - timedelta(days=int(command.get("days") or 30))).isoformat()
        read = {}
        for account in self.get("/corporation/v1/accounts")["accounts"]:
            params, lines = (
                {"accountId": account["accountId"], "dateFrom": since, "dateTo": today.isoformat()},
                0,
            )
            while True:
                page = self.get("/corporation/v1/accounts/transactions", **params)
                lines += len(page.get("transactions", []))
                if not page.get("hasNext"):
                    break
                params["nextItemKey"] = page["nextItemKey"]
            read[account["accountId"]] = lines
        return {"lines": read}

    def salary(self, command: dict[str, Any]) -> dict[str, Any]:
        account = command.get("account") or self.get("/corporation/v1/accounts")["accounts"][0]["accountId"]
        ref = command.get("ref") or f"salary-{len(self.salaries.book) + 1}"
        payday = date.fromisoformat(command["date"])
        return self.salaries.request(ref, account, payday, command["items"], command.get("kind") or "salary")

    def approve(self, command: dict[str, Any]) -> dict[str, Any]:
        ref = command.get("ref")
        if ref in self.salaries.book:
            return self.salaries.approve(ref)
        return self._either(command, self.bulk.approve, self.payments.approve)

    def statement(self, command: dict[str, Any]) -> dict[str, Any]:
        """Every page of the statement, each ``nextItemKey`` sent back as the text it came as."""
        account = command.get("account") or self.get("/corporation/v1/accounts")["accounts"][0]["accountId"]
        return self.pages.read(account, command.get("dateFrom"))

    def transfer(self, command: dict[str, Any]) -> dict[str, Any]:
        account = command.get("account") or self.get("/corporation/v1/accounts")["accounts"][0]["accountId"]
        given = command.get("date")
        wanted = (
            None
            if given is None
            else self.clock.now().date()
            if given == "today"
            else date.fromisoformat(given)
        )
        ref = command.get("ref") or f"pay-{len(self.payments.book) + 1}"
        return self.payments.pay(
            ref, account, int(command["amount"]), command["to"], wanted, command.get("edi")
        )

    def reconcile(self, command: dict[str, Any]) -> dict[str, Any]:
        """Match the invoices due by today to the deposit statement's lines (every page, every account),
        report the matching to be graded, and answer what was found."""
        today = self.clock.now().date()
        due = [i for i in self.books.invoices() if i["dueDate"] <= today.isoformat()]
        start = min((i["issueDate"] for i in due), default=today.isoformat())
        lines = []
        for account in sorted({i["accountId"] for i in due if i.get("accountId")}):
            lines += reconcile.statement(self.get, account, start, today.isoformat())
        matches = reconcile.match(due, lines)
        graded = self.books.report(matches)
        return {
            "invoices": len(due),
            "matched": len(matches),
            "open": len(due) - len(matches),
            "graded": graded,
        }

    def va_pool(self, command: dict[str, Any]) -> dict[str, Any]:
        """Top the pool of spare virtual accounts up to ``POOL`` while issuing works (never during maintenance)."""
        missing = POOL - len(self.pool)
        if missing > 0:
            account = self.get("/corporation/v1/accounts")["accounts"][0]["accountId"]
            body = {"raId": account, "vaTypeCode": "2", "issueRequestCount": missing}
            issued = self.operator.call("POST", "/corporation/v1/va/issue", safe=False, json=body).data
            self.pool += [va["vaId"] for va in issued["vaList"]]
        return {"pool": len(self.pool)}

    def assign_va(self, command: dict[str, Any]) -> dict[str, Any]:
        """A customer's own VA: the one it already has, else one from the pool — no call to the bank."""
        ref = command.get("ref") or f"customer-{len(self.assigned) + 1}"
        if ref not in self.assigned:
            if not self.pool:
                raise LookupError("the pool of spare virtual accounts is empty: top it up once issuing works")
            self.assigned[ref] = self.pool.pop(0)
        return {"ref": ref, "vaId": self.assigned[ref], "pool": len(self.pool)}

    def bulk_transfer(self, command: dict[str, Any]) -> dict[str, Any]:
        """総合振込 of ``items`` (each ``amount`` and ``to``) for ``date`` (by the lead day: the scenario's date)."""
        account = command.get("account") or self.get("/corporation/v1/accounts")["accounts"][0]["accountId"]
        ref = command.get("ref") or f"bulk-{len(self.bulk.book) + 1}"
        day = date.fromisoformat(str(command["date"]))
        return self.bulk.pay(ref, account, day, command["items"], command.get("name"))

    def _either(
        self, command: dict[str, Any], bulk: Callable[[str], Any], single: Callable[[Any], Any]
    ) -> Any:
        ref = command.get("ref")
        return bulk(ref) if ref in self.bulk.book else single(ref)

    def sync(self, command: dict[str, Any]) -> dict[str, Any]:
        """Every payment from the bank; what came back (不能, 資金返却, 組戻) checked on the statement."""
        found = self.payments.sync()
        for ref, payment in self.payments.book.items():
            if payment.apply_no and payment.status in MONEY_BACK:
                money_back(self.payments, payment, payment.unable)
                found["payments"][ref] = self.payments.view(payment)
        for ref, bulk in self.bulk.book.items():
            if bulk.apply_no:
                found["payments"][ref] = self.bulk.status(ref)
        return found

    def set_key(self, command: dict[str, Any]) -> dict[str, Any]:
        """The new encryption key, as the bank's screen shows it after a rotation (§5(2)②)."""
        self.payments.keys = KeyRing(command["keyId"], command["key"])
        return {"keyId": command["keyId"]}

    def handle(self, command: dict[str, Any]) -> dict[str, Any]:
        """Run one command; every failure becomes an answer that says what happened and what to do."""
        action = self.actions.get(command.get("do", ""))
        if action is None:
            return _failed("unknown_command", f"unknown command {command.get('do')!r}")
        try:
            return {"ok": True, "result": action(command)}
        except Stopped as stop:
            return {**_failed(stop.code, stop.reason), "stopped": True}
        except Unavailable as busy:
            return {
                **_failed(busy.code, f"come back in {busy.retry_after} s: {busy.message}"),
                "retryAfter": busy.retry_after,
            }
        except BankError as error:
            return _failed(error.code, error.message, error.status)
        except (KeyStale, ServiceWithdrawn, LookupError) as refused:
            return _failed(type(refused).__name__, str(refused))
        except NoAnswer as lost:
            return _failed("no_answer", str(lost))


def _failed(code: str, message: str, status: int | None = None) -> dict[str, Any]:
    return {
        "ok": False,
        "error": {"code": code, "message": message, **({"status": status} if status else {})},
    }


def main() -> None:
    logging.basicConfig(
        stream=sys.stderr, level=logging.INFO, format="reference-client %(levelname)s %(message)s"
    )
    client = Client(dict(os.environ))
    for line in sys.stdin:
        if not line.strip():
            continue
        command = json.loads(line)
        if command.get("do") == "stop":
            break
        answer = client.handle(command)
        print(json.dumps({"id": command.get("id"), **answer}, ensure_ascii=False, default=str), flush=True)


if __name__ == "__main__":
    main()
