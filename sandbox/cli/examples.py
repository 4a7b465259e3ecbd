"""The README's console examples, run: each checked block's commands in one shell, against a fresh demo world.

A ```` ```console ```` block preceded by ``<!-- example: checked -->`` is run; one preceded by
``<!-- example: illustrative -->`` is not (it needs a browser, Docker, a file of yours, or runs for ever).
Every console block carries one of the two marks (``tests/docs/test_readme_examples.py``).

How a checked block reads: ``$ command`` (continued by lines ending in ``\\``), then the lines it prints. A
command followed by no lines must succeed, and what it prints is not compared; otherwise its output (stdout and
stderr) must equal the lines shown, where ``…`` stands for any text within a line, and a line of only ``…`` for
any number of lines. The blocks run in the README's order in one bash (variables and ``eval`` carry over), in a
scratch folder with ``var/`` (the demo world at ``START``, its clocks frozen, as ``web21-sandbox reset --yes
--start 2026-11-27T10:00:00+09:00 --frozen`` makes it), ``.venv`` (this Python's environment, also on PATH as if
activated) and ``docs/``, while ``web21-sandbox serve`` runs there on a free loopback port that stands in for
8021. ``make docs`` writes each command's real output back, except where the README shows ``…``.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

START = "2026-11-27T10:00:00+09:00"
CHECKED, ILLUSTRATIVE = "<!-- example: checked -->", "<!-- example: illustrative -->"
ELLIPSIS = "…"
PORT = "127.0.0.1:8021"


@dataclass
class Command:
    """One ``$`` command of a checked block: where it is, the shell text, the output shown and the real one."""

    line: int  # 0-based index of its ``$`` line in the README
    shell: str
    shown: list[str]
    indent: str
    got: list[str] = field(default_factory=list)
    status: int = 0

    def matches(self) -> bool:
        """Whether the real output is what the README shows (no lines shown: the command succeeded)."""
        if not self.shown:
            return self.status == 0
        pattern = "".join(
            r"(?:.*\n)*?" if line == ELLIPSIS else ".*".join(map(re.escape, line.split(ELLIPSIS))) + r"\n"
            for line in self.shown
        )
        return re.fullmatch(pattern, "".join(f"{line}\n" for line in self.got)) is not None


def blocks(text: str) -> list[tuple[str, int, int]]:
    """Every console block: its mark (``checked``, ``illustrative`` or ``""``), first and last line index."""
    lines, found = text.splitlines(), []
    for n, line in enumerate(lines):
        if line.strip() == "```console":
            end = next(k for k in range(n + 1, len(lines)) if lines[k].strip() == "```")
            mark = lines[n - 1].strip() if n else ""
            kind = {CHECKED: "checked", ILLUSTRATIVE: "illustrative"}.get(mark, "")
            found.append((kind, n, end))
    return found


def commands(text: str) -> list[Command]:
    """The commands of the checked blocks, in order."""
    lines, found = text.splitlines(), []
    for kind, first, last in blocks(text):
        if kind != "checked":
            continue
        indent = lines[first][: len(lines[first]) - len(lines[first].lstrip())]
        body = [line.removeprefix(indent) for line in lines[first + 1 : last]]
        n = 0
        while n < len(body):
            start, shell = n, body[n].removeprefix("$ ")
            while shell.endswith("\\"):
                n += 1
                shell += "\n" + body[n]
            n += 1
            shown = []
            while n < len(body) and not body[n].startswith("$ "):
                shown.append(body[n].rstrip())
                n += 1
            found.append(Command(first + 1 + start, shell, shown, indent))
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def scratch(root: Path, into: Path) -> dict[str, str]:
    """The scratch folder: ``.venv``, ``docs`` and a fresh, frozen demo world; the environment to run in."""
    (into / ".venv").symlink_to(Path(sys.prefix))
    (into / "docs").symlink_to(root / "docs")
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEB21_")}
    env["PATH"] = f"{into / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    subprocess.run(
        [sys.executable, "-m", "sandbox", "reset", "--yes", "--start", START, "--frozen"],
        cwd=into, env=env, check=True, capture_output=True,
    )  # fmt: skip
    return env


def serve(into: Path, env: dict[str, str], port: int) -> subprocess.Popen:
    """``web21-sandbox serve`` in the scratch folder, once it answers /healthz."""
    server = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "serve", "--port", str(port), "--workers", "1"],
        cwd=into, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 90  # a loaded machine starts slowly
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).close()
            return server
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError("the examples' server did not start") from None
            time.sleep(0.2)


def script(found: list[Command], port: int, into: Path) -> str:
    """One bash script running every command, each output and exit status in files of its own."""
    parts = ["set +e"]
    for n, command in enumerate(found):
        shell = command.shell.replace(PORT, f"127.0.0.1:{port}")
        parts.append(f"{{\n{shell}\n}} > {into}/.out{n} 2>&1 < /dev/null\necho $? > {into}/.rc{n}")
    return "\n".join(parts) + "\n"


def run(root: Path, text: str) -> list[Command]:
    """Run the checked commands of ``text`` (a README of the tree at ``root``); each with its real output."""
    found = commands(text)
    with tempfile.TemporaryDirectory(prefix="web21-examples-") as name:
        into = Path(name)
        env = scratch(root, into)
        port = free_port()
        server = serve(into, env, port)
        try:
            subprocess.run(["bash", "-c", script(found, port, into)], cwd=into, env=env, timeout=600)
        finally:
            server.terminate()
            server.wait(timeout=30)
        for n, command in enumerate(found):
            output = (into / f".out{n}").read_text(errors="replace").replace(f"127.0.0.1:{port}", PORT)
            command.got = (
                [line.rstrip() for line in output.rstrip("\n").splitlines()] if output.strip() else []
            )
            command.status = int((into / f".rc{n}").read_text())
    return found


def rewrite(text: str, ran: list[Command]) -> str:
    """``text`` with each shown output replaced by the real one (where it shows no ``…`` and differs)."""
    lines = text.splitlines(keepends=True)
    for command in reversed(ran):
        if not command.shown or command.matches() or any(ELLIPSIS in line for line in command.shown):
            continue
        first = command.line + command.shell.count("\n") + 1
        lines[first : first + len(command.shown)] = [f"{command.indent}{line}\n" for line in command.got]
    return "".join(lines)
