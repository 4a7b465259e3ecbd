"""Every bundled scenario against one live server: the reference client passes each, and the naive
client fails each but the happy path, on the expectation that names the habit the scenario is about.

Both clients run in this process (``in_process``), so a run costs its steps, not a Python start-up;
tests/scenario/test_scenario_cli.py drives them as real ``--client-cmd`` processes.
"""

from __future__ import annotations

import pytest

from sandbox.scenario import model
from sandbox.scenario.reference_client.__main__ import Client as ReferenceClient
from tests.conftest import LiveServer
from tests.scenario.conftest import SCENARIOS, describe, play
from tests.scenario.naive_client import Naive

pytestmark = pytest.mark.live
BUNDLED = [p.stem for p in model.bundled(SCENARIOS)]

# The expectation each scenario exists for: the naive client must fail at least this one.
REASONS = {
    "token-refresh": "refreshed after the token had expired, then read",
    "grant-expiry": "consented again once the grant had ended",
    "bank-revocation": "one request saw the revocation, and no more were sent",
    "privilege-narrowed": "did not retry a transfer the user may no longer make",
    "approval-separation": "never tried to approve with the operator's token",
    "lost-response": "exactly one transfer request exists at the bank",
    "maintenance-retry-after": "waited as long as Retry-After asked before trying again",
    "cutoff-holiday": "sent no request the bank had to refuse for its date",
    "insufficient-funds": "asked the bank how the payment went",
    "service-withdrawal": "no blind retries while the service is withdrawn",
    "contract-termination": "sent nothing more to a terminated service",
    "key-rotation": "did not retry with the retired key",
    "double-login": "did not retry while the user was logged in elsewhere",
    "parent-paid-fees": "reconciled the statement with the fee on the parent's account",
    "notification-duplicate": "each payment booked once, whatever the order or the count",
    "notification-unsent": "the unsent list was read until the bank had nothing more (404)",
    "month-reconciliation": "matched every invoice to the payments that pay it, short-paid and split included",
    "va-pool-maintenance": "did not try to issue while the bank was in maintenance",
    "month-end-refused-items": "re-sent only the refused items, once each",
    "recall": "found the recalled money on the statement",
    "salary-late-approval": "did not retry the late approval",
    "rate-limited-burst": "waited as long as Retry-After asked before calling again",
    "item-key-paging": "paged with each nextItemKey exactly as the bank sent it",
}


def test_every_scenario_has_a_reason_for_the_naive_client_to_fail() -> None:
    assert sorted(REASONS) == sorted(set(BUNDLED) - {"happy-path"})
    for name, reason in REASONS.items():
        titles = [s.title for s in model.load(SCENARIOS / f"{name}.yaml").steps]
        assert reason in titles, f"{name} has no expectation named {reason!r}"


@pytest.mark.parametrize("name", BUNDLED)
def test_reference_client_passes(served: LiveServer, name: str) -> None:
    run, output = play(served, name, lambda env: ReferenceClient(env).handle)
    assert run.passed, describe(run) + "\n" + output
    assert run.outcomes and all(o.passed for o in run.outcomes)
    assert run.timeline, "the report carries the contract's timeline"
    assert run.protocol == [], "every answer of the reference client follows the protocol schema"


@pytest.mark.parametrize("name", sorted(REASONS))
def test_naive_client_fails_for_the_reason(served: LiveServer, name: str) -> None:
    run, output = play(served, name, lambda env: Naive(env).handle)
    assert not run.passed and run.aborted is None, output
    failed = {o.step.title for o in run.failures}
    assert REASONS[name] in failed, f"{name}: failed only {sorted(failed)}\n{output}"
    reason = next(o for o in run.failures if o.step.title == REASONS[name])
    assert reason.evidence or reason.source == "reply" or "saw 0" in reason.message, (
        "a failure shows its evidence"
    )


def test_naive_client_gets_through_the_happy_path(served: LiveServer) -> None:
    """The naive client is not simply broken: on a good day it pays, like anyone."""
    run, output = play(served, "happy-path", lambda env: Naive(env).handle)
    assert run.passed, describe(run) + "\n" + output
