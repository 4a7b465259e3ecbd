"""Runs clean up after themselves (issue 14 item 10): the contracts a run made are archived, its fault
rules removed and its incidents ended — also when Ctrl-C stops it, which still prints the partial report;
without --url and --db a run plays on a temporary database of its own."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rich.console import Console

from sandbox.cli.main import main
from sandbox.client import ControlClient
from sandbox.scenario import model, runner
from sandbox.scenario.reference_client.__main__ import Client as ReferenceClient
from sandbox.scenario.report import Progress
from sandbox.scenario.runner import Runner
from sandbox.scenario.target import Sandbox
from tests.conftest import ADMIN_KEY, ROOT, LiveServer
from tests.scenario.conftest import play

pytestmark = pytest.mark.live
REFERENCE = f"{sys.executable} -m sandbox.scenario.reference_client"
INTERRUPTED = """
name: interrupted
title: {ja: 中断, en: Interrupted}
summary: {ja: 中断されるシナリオ, en: A run stopped by Ctrl-C}
clause: "§2(4)"
setup: {start: "2026-04-01T10:00:00+09:00"}
steps:
  - client: consent
  - fault: {match: {path: /corporation/v1/accounts}, effect: {type: latency, ms: 1}}
  - incident: {type: maintenance, in: 2h, duration: 30m}
  - incident: {type: double-login, userId: "{operator}", duration: 1h}
  - client: balances
  - expect: {request: {method: GET, path: /corporation/v1/accounts/balances}}
    name: read the balances
"""


class CtrlC(Progress):
    """Live progress whose user presses Ctrl-C as step ``at`` starts."""

    def __init__(self, at: int) -> None:
        super().__init__(Console(file=io.StringIO(), width=200))
        self.at = at

    def step(self, step: Any) -> None:
        super().step(step)
        if step.index == self.at:
            raise KeyboardInterrupt


def _archived(served: LiveServer) -> set[str]:
    every = served.control("GET", "/contracts?archived=true").json()["contracts"]
    return {c["contractId"] for c in every if c.get("archivedAt")}


def test_a_run_archives_the_contracts_it_made_a_child_with_its_parent(served: LiveServer) -> None:
    run, output = play(served, "parent-paid-fees", lambda env: ReferenceClient(env).handle)
    assert run.passed, output
    child = served.control("GET", f"/contracts/{run.contract_id}").json()
    assert {run.contract_id, child["parentId"]} <= _archived(served)
    listed = {c["contractId"] for c in served.control("GET", "/contracts").json()["contracts"]}
    assert run.contract_id not in listed and child["parentId"] not in listed
    assert f"contract {child['parentId']} archived" not in output  # the child is named with its parent
    assert f"contract {run.contract_id}, {child['parentId']} archived" in output


def test_ctrl_c_ends_the_run_with_its_report_and_leaves_nothing_in_force(
    served: LiveServer, tmp_path
) -> None:
    path = tmp_path / "interrupted.yaml"
    path.write_text(INTERRUPTED, encoding="utf-8")
    sandbox = Sandbox(ControlClient(db=str(served.db_path), url=served.url, key=ADMIN_KEY))
    progress = CtrlC(at=5)
    run = Runner(
        model.load(path), sandbox, in_process=lambda env: ReferenceClient(env).handle, progress=progress
    ).run()
    assert run.interrupted and run.aborted == "interrupted (Ctrl-C)" and not run.passed
    assert [o.message for o in run.outcomes] == ["not reached: the run stopped before this step"]
    contract = run.contract_id
    assert served.control("GET", f"/faults?contractId={contract}").json()["faults"] == []
    incidents = served.control("GET", f"/contracts/{contract}/incidents").json()["incidents"]
    assert len(incidents) == 2 and {i["status"] for i in incidents} <= {"done", "cancelled"}
    assert contract in _archived(served)
    assert run.timeline, "the partial report still carries the timeline"


def test_keep_leaves_the_contract_but_not_its_faults(served: LiveServer) -> None:
    scenario = model.load(ROOT / "scenarios" / "lost-response.yaml")
    sandbox = Sandbox(ControlClient(db=str(served.db_path), url=served.url, key=ADMIN_KEY))
    quiet = Progress(Console(file=io.StringIO(), width=200))
    run = Runner(
        scenario, sandbox, in_process=lambda env: ReferenceClient(env).handle, progress=quiet, keep=True
    ).run()
    assert run.passed
    assert run.contract_id not in _archived(served)
    assert served.control("GET", f"/faults?contractId={run.contract_id}").json()["faults"] == []


def test_cli_ctrl_c_prints_the_partial_report_and_plays_no_more(served: LiveServer, monkeypatch) -> None:
    play_step = runner.Runner._play

    def interrupted(self: Runner, step: Any) -> None:
        if step.index == 3:
            raise KeyboardInterrupt
        play_step(self, step)

    monkeypatch.setattr(runner.Runner, "_play", interrupted)
    result = CliRunner().invoke(
        main,
        ["--url", served.url, "--key", ADMIN_KEY, "scenario", "run", "happy-path", "token-refresh"]
        + ["--client-cmd", REFERENCE],
    )
    assert result.exit_code == 130, result.output
    assert "stopped early: interrupted (Ctrl-C)" in result.output
    assert "not reached: the run stopped before this step" in result.output
    assert "Access-token expiry and refresh" not in result.output  # the second scenario never started
    assert "Aborted!" not in result.output


def test_without_url_or_db_a_run_uses_a_temporary_database(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WEB21_SANDBOX_DATABASE", raising=False)
    monkeypatch.delenv("WEB21_SANDBOX_URL", raising=False)
    monkeypatch.delenv("WEB21_SANDBOX_KEY", raising=False)
    monkeypatch.delenv("WEB21_SANDBOX_ADMIN_KEY", raising=False)
    result = CliRunner().invoke(
        main, ["scenario", "run", "happy-path", "--dir", str(ROOT / "scenarios"), "--client-cmd", REFERENCE]
    )
    assert result.exit_code == 0, result.output
    assert "a temporary sandbox for this run" in result.output and "contract S0001 on" in result.output
    assert not (tmp_path / "var").exists(), "neither the working database nor its admin key was touched"
