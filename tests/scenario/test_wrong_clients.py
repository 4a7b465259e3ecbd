"""Grading the grader: small variants of the reference client that each get one thing wrong — a claim
without the read behind it, a wait shorter than Retry-After, a code of their own — must fail the
scenario they target, on the expectation that names the mistake. (The reference client itself passes
every scenario in test_scenario_runs.py.)"""

from __future__ import annotations

import re
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


def keeps_a_high_water_mark(env: dict[str, str]) -> Handler:
    """Dedupes notifications by "not after the latest messageId seen": a late message is lost."""
    client = ReferenceClient(env)
    book, take = client.notifications.book, client.notifications.book.take

    def newer_only(message: dict[str, Any]) -> bool:
        if book.payments and message["messageId"] <= max(book.payments):
            return False
        return take(message)

    book.take = newer_only  # type: ignore[method-assign]
    return client.handle


def catches_up_only_once(env: dict[str, str]) -> Handler:
    """Reads the unsent list when it starts listening, never when it reconciles."""
    client = ReferenceClient(env)
    client.notifications.receipts = client.notifications.book.summary  # type: ignore[method-assign]
    return client.handle


def retries_without_its_idempotency_key(env: dict[str, str]) -> Handler:
    """Retries the lost transfer request blindly: a second transfer, whose number it then reports
    and approves, while the one the lost request made is left waiting."""
    client = ReferenceClient(env)
    call = client.operator.call

    def keyless(method: str, path: str, *, safe: bool, headers: Any = None, **kwargs: Any) -> Any:
        kept = {k: v for k, v in (headers or {}).items() if k != "Idempotency-Key"}
        return call(method, path, safe=safe, headers=kept, **kwargs)

    client.operator.call = keyless  # type: ignore[method-assign]
    return client.handle


def claims_money_back_without_reading(env: dict[str, str]) -> Handler:
    """Says a recalled payment's money is back from the status alone: never reads the statement."""
    client = ReferenceClient(env)

    def sync(command: dict[str, Any]) -> dict[str, Any]:
        found = client.payments.sync()
        for ref, payment in client.payments.book.items():
            if payment.status == "25":
                payment.detail.update(moneyBack=str(payment.amount), recalled=True)
                found["payments"][ref] = client.payments.view(payment)
        return found

    client.actions["sync"] = sync
    return client.handle


def resends_every_item(env: dict[str, str]) -> Handler:
    """Re-sends a whole 総合振込 after some items were refused (the corrected ones where given)."""
    client = ReferenceClient(env)

    def resend(command: dict[str, Any]) -> dict[str, Any]:
        bulk = client.bulk.book[command["ref"]]
        fixes = command.get("fixes") or {}
        for n, item in enumerate(bulk.items, start=1):
            ref = f"{command['ref']}-all{n}"
            to = fixes.get(str(n), item["to"])
            client.payments.pay(ref, bulk.account_id, int(item["amount"]), to, None, None)
            client.payments.approve(ref)
        return {"resent": len(bulk.items)}

    client.actions["resend"] = resend
    return client.handle


def moves_the_payday(env: dict[str, str]) -> Handler:
    """Told the salary approval is too late, sends the file again for the next week and approves that."""
    client = ReferenceClient(env)

    def handle(command: dict[str, Any]) -> dict[str, Any]:
        answer = client.handle(command)
        if command.get("do") == "approve" and answer.get("error", {}).get("code") == "bulk_transfer_too_late":
            salary = client.salaries.book[command["ref"]]
            later = {"do": "salary", "ref": "moved", "date": "2026-05-01", "items": salary.items}
            client.handle({**later, "account": salary.account_id})
        return answer

    return handle


def rounds_item_keys_through_a_float(env: dict[str, str]) -> Handler:
    """Reads ``nextItemKey`` as a number and prints it back (``int(float(key))``): 20 digits come back rounded."""
    client = ReferenceClient(env)
    follow = client.pages.follow
    client.pages.follow = lambda answer: (  # type: ignore[method-assign]
        None if follow(answer) is None else str(int(float(follow(answer))))
    )
    return client.handle


def stops_after_the_first_page(env: dict[str, str]) -> Handler:
    """Ignores ``hasNext``: reports the first page as the whole statement."""
    client = ReferenceClient(env)
    client.pages.follow = lambda answer: None  # type: ignore[method-assign]
    return client.handle


WRONG = [  # scenario, variant, the expectation that must catch it
    ("salary-late-approval", moves_the_payday, "did not move the payday on its own"),
    (
        "notification-duplicate",
        keeps_a_high_water_mark,
        "each payment booked once, whatever the order or the count",
    ),
    ("notification-unsent", catches_up_only_once, "every payment of the day was booked"),
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
        "lost-response",
        retries_without_its_idempotency_key,
        "the client learned the number of the transfer the bank made despite the lost answer",
    ),
    (
        "lost-response",
        retries_without_its_idempotency_key,
        "the transfer the lost request made executed, once",
    ),
    ("recall", claims_money_back_without_reading, "found the recalled money on the statement"),
    ("month-end-refused-items", resends_every_item, "re-sent only the refused items, once each"),
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
    """Told ``Retry-After: 3``, it comes back after about 0.5 s (live: a busy machine may delay it, never
    by 2.5 s); the 1.6 s a fixed 1.5 s threshold let through is judged exactly just below."""
    sleep = transport.time.sleep
    monkeypatch.setattr(transport, "time", SimpleNamespace(sleep=lambda s: sleep(max(s - 2.5, 0.0))))
    run, output = play(served, "maintenance-retry-after", lambda env: ReferenceClient(env).handle)
    failed = [
        o for o in run.failures if o.step.title == "waited as long as Retry-After asked before trying again"
    ]
    # 3 s, or 2 s when a loaded machine let a second of the window pass before the first 503
    assert failed and re.search(r"wanted ≥ [23] s", failed[0].message), output


def test_a_burst_that_comes_back_before_retry_after_fails(served: LiveServer, monkeypatch: Any) -> None:
    """Told ``Retry-After: 1`` by the rate limit, it comes back after about half a second."""
    sleep = transport.time.sleep
    monkeypatch.setattr(transport, "time", SimpleNamespace(sleep=lambda s: sleep(max(s - 0.5, 0.0))))
    run, output = play(served, "rate-limited-burst", lambda env: ReferenceClient(env).handle)
    title = "waited as long as Retry-After asked before calling again"
    failed = [o for o in run.failures if o.step.title == title]
    assert failed and "wanted ≥ 1 s" in failed[0].message, output


def test_a_retry_after_1_6_s_of_a_3_s_retry_after_fails() -> None:
    scenario = model.load(SCENARIOS / "maintenance-retry-after.yaml")
    step = next(
        s for s in scenario.steps if s.title == "waited as long as Retry-After asked before trying again"
    )
    path = "/corporation/v1/accounts/balances"
    refused = {
        "method": "GET",
        "path": path,
        "status": 503,
        "retryAfter": 3,
        "wallAt": "2026-12-06T10:00:00.000+00:00",
    }
    again = {"method": "GET", "path": path, "status": 200, "wallAt": "2026-12-06T10:00:01.600+00:00"}
    body = {**step.body, "gap": {**step.body["gap"]}}
    outcome = judge(step, [refused, again], body=body)
    assert outcome.passed is False and "came back after only 1.60 s (wanted ≥ 3 s)" in outcome.message
    later = {**again, "wallAt": "2026-12-06T10:00:03.000+00:00"}
    assert judge(step, [refused, later], body=body).passed


def test_asking_by_request_result_counts_as_asking_the_bank() -> None:
    """Both documented ways to ask how a payment went satisfy "asked the bank"."""
    scenario = model.load(SCENARIOS / "insufficient-funds.yaml")
    step = next(s for s in scenario.steps if s.title == "asked the bank how the payment went")
    for path in ("/corporation/v1/transfer/request-result", "/corporation/v1/transfer/status"):
        assert judge(step, [{"method": "GET", "path": path, "status": 200}]).passed, path
    assert not judge(step, [{"method": "GET", "path": "/corporation/v1/accounts", "status": 200}]).passed
