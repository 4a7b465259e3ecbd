"""The pytest plugin a team installs (entry point ``pytest11``) and the context manager for other code."""

from __future__ import annotations

import requests

from sandbox.testing import running
from tests.conftest import ROOT

EXAMPLE = ROOT / "docs" / "examples" / "test_with_sandbox.py"


def test_the_documented_example_passes_in_a_fresh_project(pytester) -> None:
    """docs/pytest.md's example, copied as is into a project that only has the package installed."""
    pytester.makepyfile(test_example=EXAMPLE.read_text(encoding="utf-8"))
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=5)


def test_a_suite_that_uses_no_fixture_loads_no_sandbox(pytester) -> None:
    """The plugin is loaded by every pytest run once installed: it must cost nothing until asked for."""
    pytester.makepyfile(
        test_plain="import sys\n\ndef test_nothing():\n    assert 'sandbox.client' not in sys.modules\n"
    )
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    listed = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider", "--fixtures")
    listed.stdout.fnmatch_lines(["web21_sandbox *", "web21_contract *"])


def test_running_serves_real_http_and_stops_afterwards() -> None:
    with running() as bank:
        contract = bank.contract(settings={"accessTokenLifetime": 600})
        assert contract.detail["settings"]["accessTokenLifetime"] == 600
        tokens = contract.token("viewer")
        assert tokens["expires_in"] == 600
        assert contract.api("GET", "/accounts", tokens).status_code == 200
        url = bank.url
    try:
        requests.get(f"{url}/healthz", timeout=1)
    except requests.ConnectionError:
        return
    raise AssertionError("the server still answers after the block")


def test_the_guide_shows_the_example_file_as_it_is() -> None:
    """Every test function docs/pytest.md prints is in the example file the first test runs, word for word."""
    guide = (ROOT / "docs" / "pytest.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in guide.split("```python\n")[1:]]
    shown = [b.strip() for b in blocks if b.startswith("def test_")]
    assert shown, "the guide shows no example test"
    example = EXAMPLE.read_text(encoding="utf-8")
    for block in shown:
        for function in block.split("\n\n\n"):
            assert function.strip() in example, function
