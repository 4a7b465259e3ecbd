"""The ``paging`` expectation on its own: a follow-up must carry the key the bank sent, as the same text,
every key the bank sent must be followed with a 200, and one read must reach the last page."""

from __future__ import annotations

from typing import Any

import pytest

from sandbox.scenario import model
from sandbox.scenario.grader import judge
from sandbox.scenario.paging import verdict
from sandbox.scenario.types import ScenarioError
from tests.scenario.conftest import SCENARIOS

PATH = "/corporation/v1/accounts/transactions"
K1, K2 = "20260401100000000009", "20260401100000000019"


def page(
    n: int, sent: str | None, answered: str | None, status: int = 200, account: str = "A"
) -> dict[str, Any]:
    entry = {"requestId": n, "method": "GET", "path": PATH, "status": status, "accountId": account}
    entry |= {"nextItemKey": sent} if sent is not None else {}
    return entry | ({"answeredNextItemKey": answered} if answered is not None else {})


def test_three_pages_with_the_bank_s_keys_pass() -> None:
    passed, message, evidence = verdict([page(1, None, K1), page(2, K1, K2), page(3, K2, None)])
    assert passed and message.startswith("3 pages read") and len(evidence) == 3


def test_a_retried_page_with_the_same_key_passes() -> None:
    log = [page(1, None, K1), page(2, K1, None, status=503), page(3, K1, None)]
    assert verdict(log)[0]


@pytest.mark.parametrize(
    "sent",
    [
        "20260401100000002048",  # int(float(key))
        "20260401100000000000",  # String(Number(key)) in JavaScript
        "2.02604011e+19",  # a float printed as one
        "20260401100000000009 ",  # not the same text
    ],
)
def test_a_key_the_bank_never_sent_fails_and_names_both(sent: str) -> None:
    passed, message, evidence = verdict([page(1, None, K1), page(2, sent, None)])
    assert not passed and repr(sent) in message and repr(K1) in message
    assert [e["requestId"] for e in evidence] == [
        1,
        2,
    ]  # the answer that gave the key, the request that lost it


def test_a_key_from_another_account_does_not_count() -> None:
    passed, message, _ = verdict([page(1, None, K1, account="A"), page(2, K1, None, account="B")])
    assert not passed and "the bank had sent none" in message


def test_a_page_never_read_fails() -> None:
    passed, message, _ = verdict([page(1, None, K1), page(2, K1, None, status=503)])
    assert not passed and "never read" in message and K1 in message
    assert not verdict([page(1, None, K1)])[0]


def test_one_page_only_means_the_situation_never_arose() -> None:
    passed, message, _ = verdict([page(1, None, None)])
    assert not passed and "never read past one page" in message


def test_the_bundled_expectation_judges_through_the_grader() -> None:
    scenario = model.load(SCENARIOS / "item-key-paging.yaml")
    step = next(s for s in scenario.steps if s.kind == "expect" and s.body["source"] == "paging")
    assert judge(step, [page(1, None, K1), page(2, K1, None)]).passed
    failed = judge(step, [page(1, None, K1), page(2, str(int(float(K1)))[:20], None)])
    assert failed.passed is False and "nextItemKey the bank sent" in failed.wanted


def test_paging_takes_a_request_match_and_no_count() -> None:
    text = """
name: x
title: {ja: x, en: x}
summary: {ja: x, en: x}
clause: "§2(2)②"
steps:
  - expect: {paging: {path: /x, colour: blue}, count: 2}
  - expect_not: {paging: {path: /x}}
"""
    with pytest.raises(ScenarioError) as raised:
        model.parse(text, "x.yaml", stem="x")
    problems = "\n".join(raised.value.problems)
    assert "paging.colour" in problems and "takes no count" in problems
    assert "expect_not takes request or timeline" in problems
