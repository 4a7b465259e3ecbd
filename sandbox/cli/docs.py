"""Regenerate the README's generated sections (the error catalogue, the CLI reference) and its examples' outputs.

Run ``python -m sandbox.cli.docs`` (or ``make docs``) after adding an error code or a command, or changing what a
command prints; ``tests/docs/test_docs.py`` and ``tests/docs/test_readme_examples.py`` fail while the README is
out of date. It also regenerates ``sandbox/http/api/examples.yaml`` (:mod:`sandbox.cli.api_examples`). ``--check``
compares the generated sections only; ``--no-examples`` skips running the examples (:mod:`sandbox.cli.examples`:
a fresh demo world and a server, ~20 s).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from sandbox.cli import api_examples, examples
from sandbox.cli.main import main as cli
from sandbox.http import catalogue

README = Path(__file__).resolve().parents[2] / "README.md"


def error_table() -> str:
    """The table of every error code: HTTP status, meaning, Japanese message."""
    lines = ["| code | HTTP | meaning | errorMessage |", "|---|---|---|---|"]
    for entry in catalogue.entries():
        lines.append(f"| `{entry['code']}` | {entry['status']} | {entry['meaning']} | {entry['messageJa']} |")
    return "\n".join(lines)


def cli_reference() -> str:
    """The table of every command of the ``web21-sandbox`` group, with the first line of its help."""
    lines = []

    def walk(command: click.Command, path: list[str]) -> None:
        if isinstance(command, click.Group):
            for name in sorted(command.commands):
                walk(command.commands[name], [*path, name])
            return
        summary = (command.help or "").strip().splitlines()[0]
        lines.append(f"| `{' '.join(path)}` | {summary} |")

    walk(cli, ["web21-sandbox"])
    return "\n".join(["| command | what it does |", "|---|---|", *lines])


def render(text: str) -> str:
    """``text`` (the README) with its generated sections replaced by current ones."""
    for name, body in (("errors", error_table()), ("cli", cli_reference())):
        pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.S)
        text = pattern.sub(lambda m, body=body: f"{m[1]}{body}\n{m[2]}", text)
    return text


def main() -> int:
    current = README.read_text(encoding="utf-8")
    updated = render(current)
    if "--check" in sys.argv:
        return 0 if updated == current else 1
    left = []
    if "--no-examples" not in sys.argv:
        api_examples.main()  # sandbox/http/api/examples.yaml: /docs's request and answer per operation
        ran = examples.run(README.parent, updated)
        updated = examples.rewrite(updated, ran)
        left = [
            c
            for c in ran
            if not c.matches() and (not c.shown or any(examples.ELLIPSIS in x for x in c.shown))
        ]
    README.write_text(updated, encoding="utf-8")
    for command in left:  # failed, or shown with … (trimmed by hand): not rewritten
        print(f"README.md:{command.line + 1}: $ {command.shell.splitlines()[0]}", *command.got, sep="\n  ")
    return 1 if left else 0


if __name__ == "__main__":
    raise SystemExit(main())
