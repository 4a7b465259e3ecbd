"""Grading the grader: small variants of the reference client that each get one thing wrong — a claim
without the read behind it, a wait shorter than Retry-After, a code of their own — must fail the
scenario they target, on the expectation that names the mistake. (The reference client itself passes
every scenario in test_scenario_runs.py.)"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

from sandbox.scenario import model
from sandbox.scenario.grader import judge
from sandbox.scenario.reference_client import transport
from sandbox.scenario.reference_client.__main__ import Client as ReferenceClient
from tests.conftest import LiveServer
from tests.scenario.conftest import SCENARIOS, play

pytestmark = pytest.mark.live
Handler = Callable[[dict[str, Any]], dict[str, Any]]


def claims_reconciliation_without_reading(env: dict[str, str]) -> Handler:
    """Says ``reconciled: true`` from the bank's status alone: never reads the statement."""
    client = ReferenceClient(env)
    client.payments._check_statement = lambda payment: payment.detail.update(reconciled=True)  # type: ignore[method-assign]
    return client.handle


def reports_status_without_asking(env: dict[str, str]) -> Handler:
    """Answers ``sync`` from what it expects rather than from the bank."""
    client = ReferenceClient(env)

    def handle(command: dict[str, Any]) -> dict[str, Any]:
        if command.get("do") != "sync":
            return client.handle(command)
        book = client.payments.book
        return {"ok": True, "result": {"payments": {ref: {"status": "40"} for ref in book}}}

    return handle


def reports_its_own_code(env: dict[str, str]) -> Handler:
    """Reports every refusal as ``probe``, whatever the bank said."""
    client = ReferenceClient(env)

    def handle(command: dict[str, Any]) -> dict[str, Any]:
        answer = client.handle(command)
        if not answer["ok"]:
            answer["error"]["code"] = "probe"
        return answer

    return handle


def rounds_item_keys_through_a_float(env: dict[str, str]) -> Handler:
    """Reads ``nextItemKey`` as a number and prints it back (``int(float(key))``): 20 digits come back rounded."""
    client = ReferenceClient(env)
    follow = client.statements.follow
    client.statements.follow = lambda answer: (  # type: ignore[method-assign]
        None if follow(answer) is None else str(int(float(follow(answer))))
    )
    return client.handle


def stops_after_the_first_page(env: dict[str, str]) -> Handler:
    """Ignores ``hasNext``: reports the first page as the whole statement."""
    client = ReferenceClient(env)
    client.statements.follow = lambda answer: None  # type: ignore[method-assign]
    return client.handle


WRONG = [  # scenario, variant, the expectation that must catch it
    (
        "parent-paid-fees",
        claims_reconciliation_without_reading,
        "read the paying account's statement after execution",
    ),
    ("insufficient-funds", reports_status_without_asking, "asked the bank how the payment went"),
    ("key-rotation", reports_its_own_code, "reported that the key no longer works"),
    ("contract-termination", reports_its_own_code, "stopped and reported that the service has ended"),
    ("bank-revocation", reports_its_own_code, "stopped and reported the revocation"),
    (
        "item-key-paging",
        rounds_item_keys_through_a_float,
        "paged with each nextItemKey exactly as the bank sent it",
    ),
    ("item-key-paging", rounds_item_keys_through_a_float, "reported the closing balance the ledger holds"),
    (
        "item-key-paging",
        stops_after_the_first_page,
        "paged with each nextItemKey exactly as the bank sent it",
    ),
]


@pytest.mark.parametrize(
    ("name", "variant", "catcher"), WRONG, ids=[f"{n}-{v.__name__}" for n, v, _ in WRONG]
)
def test_a_wrong_client_fails_on_the_expectation_that_names_its_mistake(
    served: LiveServer, name: str, variant: Any, catcher: str
) -> None:
    run, output = play(served, name, variant)
    assert run.aborted is None, output
    failed = {o.step.title for o in run.failures}
    assert catcher in failed, f"{name}: {variant.__name__} failed only {sorted(failed)}\n{output}"


def test_a_client_that_comes_back_before_retry_after_fails(served: LiveServer, monkeypatch: Any) -> None:
    """Told ``Retry-After: 3``, it comes back after about 1.6 s (a fixed 1.5 s threshold let it pass)."""
    sleep = transport.time.sleep
    monkeypatch.setattr(transport, "time", SimpleNamespace(sleep=lambda s: sleep(max(s - 1.4, 0.0))))
    run, output = play(served, "maintenance-retry-after", lambda env: ReferenceClient(env).handle)
    failed = [
        o for o in run.failures if o.step.title == "waited as long as Retry-After asked before trying again"
    ]
    assert failed and "wanted ≥ 3 s" in failed[0].message, output


def test_asking_by_request_result_counts_as_asking_the_bank() -> None:
    """Both documented ways to ask how a payment went satisfy "asked the bank"."""
    scenario = model.load(SCENARIOS / "insufficient-funds.yaml")
    step = next(s for s in scenario.steps if s.title == "asked the bank how the payment went")
    for path in ("/corporation/v1/transfer/request-result", "/corporation/v1/transfer/status"):
        assert judge(step, [{"method": "GET", "path": path, "status": 200}]).passed, path
    assert not judge(step, [{"method": "GET", "path": "/corporation/v1/accounts", "status": 200}]).passed
