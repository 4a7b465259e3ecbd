"""The grader's verdicts without a server: what a failure says it wanted, and gaps held to Retry-After."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from datetime import timedelta
from typing import Any

from rich.console import Console

from sandbox.scenario.grader import RETRY_AFTER, Run, judge
from sandbox.scenario.report import junit, render
from sandbox.scenario.types import Scenario, Setup, Step


def _step(body: dict[str, Any], name: str = "the expectation") -> Step:
    return Step(index=2, kind="expect", body=body, name=name)


def _request(request_id: int, second: float, **fields: Any) -> dict[str, Any]:
    wall = f"2026-04-01T01:00:{second:06.3f}+00:00"
    return {
        "requestId": request_id,
        "method": "GET",
        "path": "/corporation/v1/accounts/balances",
        "wallAt": wall,
        **fields,
    }


def test_a_failing_reply_names_each_field_it_wanted() -> None:
    match = {"ok": True, "result": {"payments": {"p1": {"status": "20", "reconciled": True}}}}
    reply = {"id": 7, "ok": True, "result": {"payments": {"p1": {"status": "40"}}}}
    outcome = judge(_step({"source": "reply", "reply": match}), [], reply)
    assert outcome.passed is False
    assert 'result.payments.p1.status: wanted "20", saw "40"' in outcome.message
    assert "result.payments.p1.reconciled: wanted present, saw nothing" in outcome.message
    assert outcome.wanted.startswith('a reply with {"ok": true')


def test_report_and_junit_show_wanted_beside_saw() -> None:
    step = _step({"source": "request", "request": {"status": 200}, "count": {"min": 1}}, "read once")
    outcome = judge(step, [_request(1, 0, status=503)])
    run = Run(Scenario("s", {"en": "S"}, {"en": "S"}, "§1", Setup(), [step], "s.yaml"), outcomes=[outcome])
    out = io.StringIO()
    render(run, Console(file=out, width=200, highlight=False))
    text = out.getvalue()
    assert 'wanted: at least 1 requests matching {"status": 200}' in text
    assert "saw:" in text and "#1 GET /corporation/v1/accounts/balances" in text
    failure = junit([run]).getroot().find("testsuite/testcase/failure")
    assert isinstance(failure, ET.Element) and failure.text
    assert 'wanted: at least 1 requests matching {"status": 200}' in failure.text
    assert "saw:\n  #1 GET" in failure.text


def _gap(minimum: Any, entries: list[dict[str, Any]]) -> Any:
    gap = {"after": {"status": 503}, "next": {"path": "/corporation/v1/accounts/balances"}, "min": minimum}
    return judge(_step({"source": "gap", "gap": gap}), entries)


def test_gap_holds_the_client_to_the_retry_after_the_sandbox_sent() -> None:
    early = [_request(1, 0, status=503, retryAfter=3), _request(2, 1.6, status=200)]
    outcome = _gap(RETRY_AFTER, early)
    assert outcome.passed is False and "came back after only 1.60 s (wanted ≥ 3 s)" in outcome.message
    assert _gap(timedelta(seconds=1.5), early).passed is True, "a fixed threshold would have let it pass"
    patient = [_request(1, 0, status=503, retryAfter=3), _request(2, 3.02, status=200)]
    assert _gap(RETRY_AFTER, patient).passed is True


def test_gap_judges_the_shortest_wait_against_its_own_retry_after() -> None:
    entries = [
        _request(1, 0, status=503, retryAfter=1),
        _request(2, 1.1, status=503, retryAfter=4),
        _request(3, 2.5, status=200),
    ]
    outcome = _gap(RETRY_AFTER, entries)
    assert outcome.passed is False and "1.40 s (wanted ≥ 4 s)" in outcome.message
