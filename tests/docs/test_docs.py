"""Docs are part of the product: the README's generated sections are current, and every command, error code,
fault effect and incident type is documented (sqlite-utils/datasette style)."""

import re

import pytest

from sandbox.cli import docs
from sandbox.http import catalogue
from sandbox.incidents import types as incident_types
from sandbox.wire import rules as faults
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_generated_sections_are_current():
    assert docs.render(README) == README, (
        "README is out of date: run `make docs` (python -m sandbox.cli.docs)"
    )


@pytest.mark.parametrize("code", sorted(catalogue.BY_CODE))
def test_every_error_code_is_in_the_readme(code):
    assert f"`{code}`" in README


@pytest.mark.parametrize("effect", sorted(faults.EFFECTS))
def test_every_fault_effect_is_described(effect):
    assert f"| `{effect}` |" in README


@pytest.mark.parametrize("kind", sorted(incident_types.KINDS))
def test_every_incident_type_is_described(kind):
    assert f"`{kind}`" in README.split("### Incidents", 1)[1].split("###", 1)[0]


def test_the_readme_says_it_is_unofficial():
    assert "Unofficial" in README and "not affiliated with" in README


def test_linked_documents_exist():
    for target in re.findall(r"\]\(((?:docs/)[^)#]+)", README):
        assert (ROOT / target).is_file(), target


def test_quick_start_commands_exist_in_the_makefile():
    makefile = (ROOT / "Makefile").read_text()
    for target in ("serve", "test", "bench", "docs", "lint"):
        assert re.search(rf"^{target}:", makefile, re.M), target
