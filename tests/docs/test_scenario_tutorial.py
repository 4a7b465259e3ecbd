"""The "Write your own scenario" tutorial of docs/scenarios.md runs exactly as printed: its file passes
``scenario check`` with the printed line, and ``scenario run`` (no --url: a temporary sandbox) passes
with the printed verdict and expectations."""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sandbox.cli.main import main
from tests.conftest import ROOT

pytestmark = pytest.mark.live
DOC = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
TUTORIAL = DOC[DOC.index("## Write your own scenario") : DOC.index("## How this differs from the real bank")]


def _file() -> tuple[str, str]:
    found = re.search(r"<!-- tutorial-file: (\S+) -->\n```yaml\n(.*?)```", TUTORIAL, re.S)
    assert found, "the tutorial's file is marked <!-- tutorial-file: PATH --> before its yaml block"
    return found.group(1), found.group(2)


def _sessions() -> list[tuple[str, list[str]]]:
    """Each ``$ web21-sandbox ...`` command of the tutorial with the lines printed under it."""
    sessions = []
    for block in re.findall(r"```console\n(.*?)```", TUTORIAL, re.S):
        lines = block.splitlines()
        sessions.append((lines[0].removeprefix("$ "), [x for x in lines[1:] if x not in ("", "...")]))
    return sessions


def _argv(command: str) -> list[str]:
    argv = shlex.split(command)
    assert argv[0] == "web21-sandbox"
    return [a.replace("python -m", f"{sys.executable} -m") for a in argv[1:]]


def test_the_tutorial_runs_as_printed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    name, text = _file()
    (tmp_path / name).parent.mkdir(parents=True)
    (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for variable in (
        "WEB21_SANDBOX_DATABASE",
        "WEB21_SANDBOX_URL",
        "WEB21_SANDBOX_KEY",
        "WEB21_SANDBOX_ADMIN_KEY",
    ):
        monkeypatch.delenv(variable, raising=False)
    sessions = _sessions()
    assert [c.split()[2] for c, _ in sessions] == ["check", "run"]
    for command, printed in sessions:
        result = CliRunner().invoke(main, _argv(command))
        assert result.exit_code == 0, result.output
        shown = result.output.splitlines()
        for line in printed:
            timeless = re.sub(r"  [\d.]+ s$", "", line)  # a run's seconds differ from machine to machine
            assert any(s == line or re.sub(r"  [\d.]+ s$", "", s) == timeless for s in shown), (
                line,
                result.output,
            )
