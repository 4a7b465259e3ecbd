"""What can be checked of the Dockerfile without a Docker engine: it installs and serves as the README does."""

import re

from tests.conftest import ROOT


def instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    return [
        tuple(line.split(None, 1))
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def test_slim_python_base_at_least_3_11():
    (kind, image), *_ = instructions()
    assert kind == "FROM"
    version = re.match(r"python:(\d+)\.(\d+)-slim", image)
    assert version and (int(version[1]), int(version[2])) >= (3, 11)


def test_installs_with_the_makefile_stamp_and_serves_on_all_interfaces():
    steps = instructions()
    runs = " ".join(arg for kind, arg in steps if kind == "RUN")
    assert "make .venv/.installed" in runs
    makefile = (ROOT / "Makefile").read_text()
    assert (
        "STAMP := $(VENV)/.installed" in makefile and "VENV := .venv" in makefile
    )  # the target the image builds
    cmd = next(arg for kind, arg in steps if kind == "CMD")
    assert '"serve"' in cmd and '"0.0.0.0"' in cmd and '"8021"' in cmd
    assert ("EXPOSE", "8021") in steps


def test_dockerignore_keeps_local_state_out():
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", "var", ".git"} <= set(ignored)
