"""The scenario protocol: read one JSON command a line on stdin, answer each with one JSON line.

Commands (``{"id": 1, "do": "balances"}``): consent, accounts, balances, transactions, statement,
transfer, approve, status, sync, set-key, stop. Answers: ``{"id": 1, "ok": true, "result": {...}}`` or
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

from sandbox.scenario.reference_client.payments import KeyRing, KeyStale, Payments, ServiceWithdrawn
from sandbox.scenario.reference_client.session import BankClock, Config, Session, Stopped
from sandbox.scenario.reference_client.statement import StatementReader
from sandbox.scenario.reference_client.transport import BankError, NoAnswer, Transport, Unavailable

OPERATOR_SCOPE = "account transfer offline_access"
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
        self.statements = StatementReader(self.get)
        self.actions: dict[str, Callable[[dict[str, Any]], Any]] = {
            "consent": self.consent,
            "accounts": lambda c: self.get("/corporation/v1/accounts"),
            "balances": self.balances,
            "transactions": self.transactions,
            "statement": self.statement,
            "transfer": self.transfer,
            "approve": lambda c: self.payments.approve(c.get("ref")),
            "status": lambda c: self.payments.status(c.get("ref")),
            "sync": lambda c: self.payments.sync(),
            "set-key": self.set_key,
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

    def statement(self, command: dict[str, Any]) -> dict[str, Any]:
        """Every page of the statement, each ``nextItemKey`` sent back as the text it came as."""
        account = command.get("account") or self.get("/corporation/v1/accounts")["accounts"][0]["accountId"]
        return self.statements.read(account, command.get("dateFrom"))

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
