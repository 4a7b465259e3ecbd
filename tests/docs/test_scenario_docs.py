"""docs/scenarios.md names every scenario command, step kind, client command, variable and bundled scenario."""

from __future__ import annotations

from sandbox.cli.main import main
from sandbox.scenario import checks, model
from sandbox.scenario.setup import Stage
from sandbox.scenario.types import NAMES
from tests.conftest import ROOT

DOC = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")


def test_every_command_is_documented() -> None:
    for name in main.commands["scenario"].commands:
        assert f"web21-sandbox scenario {name}" in DOC, name


def test_every_step_kind_client_command_and_placeholder_is_documented() -> None:
    assert [k for k in checks.KINDS if f"| `{k}` |" not in DOC] == []
    assert [c for c in checks.CLIENT_ACTIONS if f"| `{c}` |" not in DOC] == []
    assert [n for n in NAMES if f"`{{{n}}}`" not in DOC] == []


def test_every_variable_is_documented() -> None:
    stage = Stage("S0001", "key", "client", "secret", "http://x")
    assert [v for v in stage.env("http://x", "s") if f"`{v}`" not in DOC] == []


def test_every_bundled_scenario_is_in_the_table_with_its_clause() -> None:
    for path in model.bundled(ROOT / "scenarios"):
        scenario = model.load(path)
        assert f"| `{scenario.name}` | {scenario.clause} |" in DOC, scenario.name
