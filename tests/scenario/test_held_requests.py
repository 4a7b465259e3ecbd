"""A request held by a ``timeout`` fault is graded where it happened (issue 14 item 8): it shows in the
step's progress while held, comes before the retry that overtook it in order-based expectations, and is
on the printed timeline."""

from __future__ import annotations

import io
from typing import Any

import pytest
from rich.console import Console

from sandbox.client import ControlClient
from sandbox.scenario import model
from sandbox.scenario.reference_client import transport
from sandbox.scenario.reference_client.__main__ import Client as ReferenceClient
from sandbox.scenario.report import Progress, render
from sandbox.scenario.runner import Runner
from sandbox.scenario.target import Sandbox
from tests.conftest import ADMIN_KEY, LiveServer

pytestmark = pytest.mark.live
HELD = """
name: held
title: {ja: 保留, en: Held}
summary: {ja: 応答が保留される, en: The first read is held; the client gives up on it and retries}
clause: "§7(1)"
setup: {start: "2026-04-01T10:00:00+09:00"}
steps:
  - client: consent
  - fault:
      match: {method: GET, path: /corporation/v1/accounts/balances}
      effect: {type: timeout, holdMs: 3000}
      trigger: {nth: 1}
  - client: balances
    label: read
  - expect:
      order:
        - {path: /corporation/v1/accounts/balances, outcome: timeout}
        - {path: /corporation/v1/accounts/balances, status: 200}
      since: read
      within: 5s
    name: the held read came first, then the retry
"""


def test_a_held_request_is_graded_and_shown_where_it_arrived(
    served: LiveServer, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transport, "TIMEOUT", 1)  # gives up on the held read long before the hold ends
    path = tmp_path / "held.yaml"
    path.write_text(HELD, encoding="utf-8")
    out = io.StringIO()
    console = Console(file=out, width=200, highlight=False)
    sandbox = Sandbox(ControlClient(db=str(served.db_path), url=served.url, key=ADMIN_KEY))
    run = Runner(
        model.load(path),
        sandbox,
        in_process=lambda env: ReferenceClient(env).handle,
        progress=Progress(console),
    ).run()
    render(run, console)
    output = out.getvalue()
    assert run.passed, output
    progress = output[output.index("[3/4]") : output.index("[4/4]")]
    assert "GET /corporation/v1/accounts/balances → no answer yet [pending]" in progress, progress
    held, retry = (e for e in run.requests if e["path"] == "/corporation/v1/accounts/balances")
    assert held["outcome"] == "timeout" and retry["status"] == 200 and held["requestId"] < retry["requestId"]
    shown = [e["data"].get("requestId") for e in run.timeline if e["source"] == "request"]
    assert shown.index(held["requestId"]) < shown.index(retry["requestId"])
    assert "held open, then closed; not processed" in output  # the printed timeline
