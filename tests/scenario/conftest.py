"""One live server for every in-process scenario run of this package (the bundled scenarios with the
reference and naive clients, and the wrong-client suite), and how a test plays a scenario on it."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from sandbox.bank import ledger
from sandbox.client import ControlClient
from sandbox.scenario import model
from sandbox.scenario.grader import Run
from sandbox.scenario.report import Progress
from sandbox.scenario.runner import Runner
from sandbox.scenario.target import Sandbox
from sandbox.store import connect
from tests.conftest import ADMIN_KEY, ROOT, LiveServer, start_server, stop_server

SCENARIOS = ROOT / "scenarios"


@pytest.fixture(scope="package")
def served(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One gunicorn server for the package's runs; each scenario makes its own contract."""
    path = tmp_path_factory.mktemp("scenario-runs") / "sandbox.db"
    shutil.copyfile(template_db, path)
    server = start_server(path)
    yield server
    stop_server(server)
    db = connect(path)
    problems = ledger.check(db)
    db.conn.close()
    assert not problems, f"ledger invariant broken: {problems}"


def play(served: LiveServer, name: str, make: Any) -> tuple[Run, str]:
    """Run a bundled scenario with an in-process client; return the run and its live output."""
    out = io.StringIO()
    scenario = model.load(SCENARIOS / f"{name}.yaml")
    sandbox = Sandbox(ControlClient(db=str(served.db_path), url=served.url, key=ADMIN_KEY))
    progress = Progress(Console(file=out, width=200, highlight=False))
    return Runner(scenario, sandbox, in_process=make, progress=progress, within=0.5).run(), out.getvalue()


def describe(run: Run) -> str:
    lines = [f"aborted: {run.aborted}"] if run.aborted else []
    lines += [f"step {o.step.index} {o.step.title}: {o.message}" for o in run.failures]
    return "\n".join(lines)
