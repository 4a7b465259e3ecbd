"""The README works word for word (issue 15): its checked console blocks run, in order, against a fresh demo
world and a real server on loopback, and print exactly what the README shows (``sandbox/cli/examples.py``).
``make docs`` writes the outputs back when a command's output changes on purpose."""

import shutil

import pytest

from sandbox.cli import examples
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_console_block_is_checked_or_marked_illustrative():
    unmarked = [first + 1 for kind, first, _ in examples.blocks(README) if not kind]
    assert not unmarked, f"README.md lines {unmarked}: mark each block <!-- example: checked|illustrative -->"
    kinds = [kind for kind, _, _ in examples.blocks(README)]
    assert kinds.count("checked") >= 8  # the quick start, otp, token mint, transfers, lost response, clocks


@pytest.fixture(scope="module")
def ran() -> list[examples.Command]:
    missing = [tool for tool in ("bash", "curl", "jq") if not shutil.which(tool)]
    if missing:
        pytest.skip(f"the README's examples use {', '.join(missing)}")
    return examples.run(ROOT, README)


def test_the_readme_examples_print_what_the_readme_shows(ran):
    wrong = [
        f"README.md:{c.line + 1}: $ {c.shell}\n  shown:\n    " + "\n    ".join(c.shown or ["(nothing: exit 0)"])
        + f"\n  got (exit {c.status}):\n    " + "\n    ".join(c.got)
        for c in ran
        if not c.matches()
    ]  # fmt: skip
    assert not wrong, "run `make docs` if the change is intended\n" + "\n".join(wrong)


def test_the_figures_the_issue_named_are_among_them(ran):
    """Names, balances, clients and transfer numbers are printed by commands that ran, not typed in."""
    printed = "\n".join(line for command in ran for line in command.got)
    for figure in (
        "有限会社伊藤印刷",
        "requested 2026112700000028",
        "HTTP/1.1 201",
        "Idempotency-Replayed: true",
    ):
        assert figure in printed
    assert "61,275,520 yen" in README  # the consent example's balance: the world's, whatever the start


def test_ellipsis_matches_within_a_line_and_whole_lines():
    command = examples.Command(0, "x", ["a…c", "…", "z"], "", got=["abc", "1", "2", "z"])
    assert command.matches()
    assert not examples.Command(0, "x", ["a…c"], "", got=["abd"]).matches()
    assert not examples.Command(0, "x", [], "", status=1).matches()  # nothing shown: it must succeed


def test_rewrite_replaces_a_stale_output_but_keeps_hand_trimmed_ones():
    text = "<!-- example: checked -->\n```console\n$ echo hi\nold\n$ echo x\n…\n```\n"
    ran = examples.commands(text)
    ran[0].got, ran[1].got = ["hi"], ["x", "y"]
    assert examples.rewrite(text, ran) == text.replace("old", "hi")
