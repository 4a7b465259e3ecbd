"""docs/zengin.md: its layout tables are the code's, every problem code and bulk command is documented, and the
quick start and the parsing example run as printed."""

from __future__ import annotations

import shlex

from sandbox.bank.zengin import layouts
from sandbox.cli.main import main
from tests.conftest import ROOT

DOC = (ROOT / "docs" / "zengin.md").read_text(encoding="utf-8")
CODES = (
    "empty_file",
    "record_length",
    "file_shape",
    "character_set",
    "small_kana",
    "kana_set",
    "not_numeric",
    "value",
    "totals_mismatch",
    "unknown_account",
    "account_mismatch",
    "unknown_bank",
    "unknown_branch",
    "not_business_day",
    "too_late",
    "too_many_items",
)


def test_layout_tables_are_the_codes():
    for table in (layouts.TRANSFER, layouts.STATEMENT, layouts.NOTICE):
        for layout in table.values():
            assert layouts.markdown(layout) in DOC, layout.name


def test_every_problem_code_and_command_is_documented():
    assert [c for c in CODES if f"`{c}`" not in DOC] == []
    assert [n for n in main.commands["bulk"].commands if f"bulk {n}" not in DOC] == []


def test_quick_start_and_parsing_example_run_as_printed(runner, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    block = DOC.split("## Quick start", 1)[1].split("```console\n", 1)[1].split("```", 1)[0]
    commands = [line.removeprefix("$ web21-sandbox ") for line in block.splitlines() if line.startswith("$ ")]
    assert len(commands) == 4
    for command in commands:
        done = runner(*shlex.split(command))
        assert done.exit_code == 0, (command, done.output)
    assert "2 申請中" in runner(*shlex.split(commands[1])).output
    snippet = DOC.split("```python\n", 1)[1].split("```", 1)[0]
    exec(snippet, {})  # noqa: S102 - our own documentation
    assert capsys.readouterr().out.count("\n") > 0
