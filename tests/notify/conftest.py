"""Fixtures for notifications: a real receiver on loopback, and a contract subscribed to it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from sandbox.notify import worker
from tests.notify.receiver import Receiver

CONTRACT = "C0003"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.close()


class Hooks:
    """One contract's notifications through the control API and the webhooks API (test client)."""

    def __init__(self, app: Flask, control: Any, bank: Any, contract_id: str = CONTRACT) -> None:
        self.app, self.control, self.bank, self.contract_id = app, control, bank, contract_id
        self.client = app.test_client()

    def register(self, url: str) -> dict[str, Any]:
        self.control("PATCH", f"/contracts/{self.contract_id}/settings", {"notificationUrl": url}, status=200)
        return self.control("GET", f"/contracts/{self.contract_id}/notifications", status=200)

    def token(self) -> str:
        return self.bank.token(self.contract_id, "account")

    def subscribe(self, status: str = "1", event: str = "deposit-transaction") -> Any:
        body = {"subscribeStatus": status, "eventTypes": [{"eventType": event}]}
        return self.client.post(
            "/webhooks/v1/subscribe", json=body, headers={"Authorization": f"Bearer {self.token()}"}
        )

    def unsent(self, event: str = "deposit-transaction") -> Any:
        return self.client.get(
            f"/webhooks/v1/unsentlist/{event}", headers={"Authorization": f"Bearer {self.token()}"}
        )

    def account(self) -> str:
        return self.bank.accounts(self.contract_id)[0]["accountId"]

    def deposit(self, amount: int, remitter: str = "ｶ)ﾃｽﾄ") -> Any:
        body = {"accountId": self.account(), "amount": amount, "remitterName": remitter}
        return self.control("POST", f"/contracts/{self.contract_id}/deposits", body, status=201)

    def deliver(self) -> dict[str, int]:
        return worker.deliver_due(str(self.app.config["DATABASE"]), self.app.config, self.contract_id)

    def fault(self, effect: Any, **trigger: Any) -> Any:
        body = {"match": {"contractId": self.contract_id}, "effect": effect, "trigger": trigger}
        return self.control("POST", "/faults", body, status=201)

    def state(self) -> dict[str, Any]:
        return self.control("GET", f"/contracts/{self.contract_id}/notifications", status=200)


@pytest.fixture
def hooks(app: Flask, control: Any, bank: Any) -> Hooks:
    return Hooks(app, control, bank)
