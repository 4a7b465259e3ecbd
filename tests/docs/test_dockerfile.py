"""What can be checked of the Dockerfile without a Docker engine: it installs and serves as the README does."""

import re

import pytest

from tests.conftest import ROOT


def instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    return [
        tuple(line.split(None, 1))
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def stages() -> list[list[tuple[str, str]]]:
    found: list[list[tuple[str, str]]] = []
    for kind, arg in instructions():
        if kind == "FROM":
            found.append([])
        found[-1].append((kind, arg))
    return found


def test_slim_python_base_at_least_3_11_in_every_stage():
    for stage in stages():
        (kind, image), *_ = stage
        version = re.match(r"python:(\d+)\.(\d+)-slim", image)
        assert kind == "FROM" and version and (int(version[1]), int(version[2])) >= (3, 11)


def test_dependencies_are_a_layer_of_their_own_and_never_the_dev_extras():
    first, final = stages()
    assert ("COPY", "pyproject.toml ./") in first  # the layer changes only with pyproject.toml
    assert not any(kind == "COPY" and arg.startswith(". ") for kind, arg in first)
    runs = " ".join(arg for stage in stages() for kind, arg in stage if kind == "RUN")
    assert "[dev]" not in runs and "--no-deps -e /app" in runs
    assert "['project']['dependencies']" in runs


def test_runs_as_a_user_and_serves_on_all_interfaces():
    final = stages()[-1]
    users = [arg for kind, arg in final if kind == "USER"]
    assert users and users[-1] not in ("root", "0")
    cmd = next(arg for kind, arg in final if kind == "CMD")
    assert '"serve"' in cmd and '"0.0.0.0"' in cmd and '"8021"' in cmd
    assert ("EXPOSE", "8021") in final


def test_the_example_does_not_teach_a_fixed_admin_key():
    assert "change-me" not in (ROOT / "Dockerfile").read_text()


def test_the_dependency_list_it_reads_is_the_runtime_one():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["dependencies"] and "pytest" not in " ".join(project["dependencies"])


def test_dockerignore_keeps_local_state_out():
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", "var", ".git"} <= set(ignored)


def test_image_check_knows_every_instruction_and_replays_both_stages():
    """``make image-check`` (tools/image_check.py, the stand-in for docker build) reads this Dockerfile whole."""
    from tools import image_steps

    dependencies, final = image_steps.parse((ROOT / "Dockerfile").read_text())
    assert dependencies.name == "dependencies" and dependencies.image.startswith("python:3.11")
    kinds = [step.kind for step in final.steps]
    assert kinds.index("USER") < kinds.index("CMD") and "HEALTHCHECK" in kinds
    cmd = next(step for step in final.steps if step.kind == "CMD").exec_form()
    assert cmd == ["web21-sandbox", "serve", "--host", "0.0.0.0", "--port", "8021"]
    copy_from = next(step for step in final.steps if step.kind == "COPY" and "from" in step.flags)
    assert copy_from.flags["from"] == "dependencies"
    env = next(step for step in final.steps if step.kind == "ENV").pairs()
    assert env["PATH"].startswith("/app/.venv/bin:")


def test_image_check_refuses_an_instruction_it_cannot_replay():
    from tools import image_steps

    with pytest.raises(ValueError, match="ADD"):
        image_steps.parse("FROM python:3.11-slim\nADD https://example.com/x /x\n")


def test_the_build_context_is_what_dockerignore_leaves():
    from tools import image_check

    taken = {p.relative_to(ROOT).as_posix() for p in image_check.context_files(".")}
    assert {"pyproject.toml", "sandbox/app.py", "seed/demo.yaml"} <= taken
    assert not any(t.startswith((".venv/", "var/", ".git/")) or "__pycache__" in t for t in taken)
    assert image_check.ignored("sandbox/http/__pycache__/app.cpython-311.pyc", ["**/__pycache__"])
    assert not image_check.ignored("sandbox/http/app.py", ["**/__pycache__", "var"])


def test_image_check_is_a_make_target_outside_make_test():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^image-check: .*\n\t.*tools/image_check.py", makefile, re.M)
    assert "image_check" not in makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
