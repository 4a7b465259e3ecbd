"""``web21-sandbox scenario run`` as users run it: real ``--client-cmd`` processes, the printed report,
JUnit XML, a local server when there is no ``--url``, a person-driven client, and every bad input
ending in a clear message and exit code 1, never a traceback.
"""

from __future__ import annotations

import shutil
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sandbox.cli.main import main
from tests.conftest import ADMIN_KEY, ROOT, LiveServer, free_port, start_server, stop_server

pytestmark = pytest.mark.live
REFERENCE = f"{sys.executable} -m sandbox.scenario.reference_client"
NAIVE = f"{sys.executable} {ROOT / 'tests' / 'scenario' / 'naive_client.py'}"


@pytest.fixture(scope="module")
def served(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    path = tmp_path_factory.mktemp("scenario-cli") / "sandbox.db"
    shutil.copyfile(template_db, path)
    server = start_server(path)
    yield server
    stop_server(server)


def scenario_cli(url: str, *args: str) -> Any:
    return CliRunner().invoke(main, ["--url", url, "--key", ADMIN_KEY, "scenario", *args])


def junit(path: Path) -> ET.Element:
    return ET.parse(path).getroot()


def test_reference_client_command_passes_with_report_and_junit(served: LiveServer, tmp_path: Path) -> None:
    xml = tmp_path / "out.xml"
    result = scenario_cli(served.url, "run", "happy-path", "--client-cmd", REFERENCE, "--junit", str(xml))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "PASSED  5 expectations" in out and "Expectations" in out and "Timeline (contract time)" in out
    assert "✓ step 8: the transfer executed the same day (手続済)" in out
    assert "· #" in out, "the live progress shows the client's requests as they happen"
    root = junit(xml)
    suite = root.find("testsuite")
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("5", "0", "0")
    assert suite.get("name") == "happy-path"
    assert {p.get("name"): p.get("value") for p in suite.iter("property")}["clause"] == "§2(2), §5(3)"
    names = [case.get("name") for case in suite.iter("testcase")]
    assert names[0] == "step 3: balances read with the operator's token"
    assert "手続済" in suite.find("system-out").text


def test_naive_client_command_fails_with_evidence(served: LiveServer, tmp_path: Path) -> None:
    xml = tmp_path / "out.xml"
    result = scenario_cli(served.url, "run", "lost-response", "--client-cmd", NAIVE, "--junit", str(xml))
    assert result.exit_code == 1, result.output
    out = result.output
    assert "FAILED  3 of 4 expectations failed" in out  # the duplicate is reported and approved, too
    assert (
        "✗ step 5: exactly one transfer request exists at the bank — wanted exactly 1 matching timeline, saw 2"
        in out
    )
    assert "why it matters: a blind retry of a lost POST pays twice" in out
    wanted = 'wanted: exactly 1 timeline matching {"kind": "transfer"'
    assert wanted in out and "saw:" in out, "a failure says what it wanted next to what it saw"
    assert out.count("new → 申請中") >= 2, "the evidence shows both transfers"
    failure = junit(xml).find("testsuite/testcase/failure")
    assert failure.get("message") == "wanted exactly 1 matching timeline, saw 2"
    assert "why: a blind retry" in failure.text
    assert wanted in failure.text and "\nsaw:\n  " in failure.text


def test_client_that_exits_early(served: LiveServer, tmp_path: Path) -> None:
    xml = tmp_path / "out.xml"
    gone = f"{sys.executable} -c \"import sys; sys.stderr.write('missing WEB21_FOO\\n'); sys.exit(3)\""
    result = scenario_cli(served.url, "run", "happy-path", "--client-cmd", gone, "--junit", str(xml))
    assert result.exit_code == 1
    assert "stopped early: the client exited with code 3 before answering" in result.output
    assert "missing WEB21_FOO" in result.output
    assert "not reached: the run stopped before this step" in result.output
    assert "Traceback" not in result.output
    error = junit(xml).find("testsuite/testcase/error")
    assert error.get("type") == "aborted" and "exited with code 3" in error.get("message")


def test_client_command_that_cannot_start(served: LiveServer) -> None:
    result = scenario_cli(served.url, "run", "happy-path", "--client-cmd", "no-such-client-binary --flag")
    assert result.exit_code == 1
    assert "cannot start the client 'no-such-client-binary'" in result.output


def test_wait_that_never_comes_names_what_it_waited_for(served: LiveServer, tmp_path: Path) -> None:
    path = tmp_path / "never.yaml"
    path.write_text(
        "name: never\ntitle: {ja: 待機, en: Wait}\nsummary: {ja: 待機, en: Wait}\nclause: '§7(1)'\n"
        "steps:\n  - wait: {request: {method: GET, path: /corporation/v1/accounts}, timeout: 1s}\n"
        "  - expect: {request: {path: '*'}}\n",
        encoding="utf-8",
    )
    result = scenario_cli(served.url, "run", str(path), "--client-cmd", REFERENCE)
    assert result.exit_code == 1
    assert (
        "step 1 (wait for request method=GET path=/corporation/v1/accounts): nothing matched within 1 s"
        in result.output
    )


def test_unreachable_sandbox() -> None:
    result = scenario_cli(f"http://127.0.0.1:{free_port()}", "run", "happy-path", "--client-cmd", REFERENCE)
    assert result.exit_code == 1
    assert (
        "cannot reach the sandbox at http://127.0.0.1:" in result.output and "is it running?" in result.output
    )
    assert "Traceback" not in result.output


def test_unknown_scenario_and_no_name(served: LiveServer) -> None:
    result = scenario_cli(served.url, "run", "no-such-scenario")
    assert result.exit_code == 1 and "no scenario 'no-such-scenario'" in result.output
    assert "token-refresh" in result.output, "the message lists the known scenarios"
    assert scenario_cli(served.url, "run").exit_code == 2


def test_person_driven_client_gets_the_variables_and_prompts(served: LiveServer, tmp_path: Path) -> None:
    """Without --client-cmd: the variables are printed, each command is a prompt, reply checks are skipped."""
    path = tmp_path / "manual.yaml"
    path.write_text(
        "name: manual\ntitle: {ja: 手動, en: Manual}\nsummary: {ja: 手動, en: Manual}\nclause: '§5(3)'\n"
        "timeout: 1s\nsteps:\n  - client: balances\n  - expect: {reply: {ok: true}}\n"
        "  - expect: {request: {path: /corporation/v1/accounts/balances}}\n",
        encoding="utf-8",
    )
    xml = tmp_path / "out.xml"
    result = scenario_cli(served.url, "run", str(path), "--junit", str(xml))
    assert result.exit_code == 1
    out = result.output
    assert f"export WEB21_SANDBOX_URL={served.url}" in out and "export WEB21_CLIENT_SECRET=" in out
    assert "→ now make your client do: balances" in out and "no client activity seen" in out
    assert "skipped: no reply" in out
    assert junit(xml).get("skipped") == "1" and junit(xml).get("failures") == "1"


def test_local_server_when_no_url(runner: Any) -> None:
    """No --url: the run starts its own server over --db on a free port, and stops it after."""
    result = runner("scenario", "run", "happy-path", "--client-cmd", REFERENCE)
    assert result.exit_code == 0, result.output
    assert "contract S0001 on http://127.0.0.1:" in result.output


def test_workshop_participant_plays_on_their_own_contract(served: LiveServer) -> None:
    """A contract key cannot create contracts: --contract plays on the participant's own, whose running
    clock is frozen for the run and set running again after it."""
    made = served.control("POST", "/contracts", {"prefix": "W", "issueKeys": True}).json()["contracts"][0]
    contract_id, key = made["contractId"], made["key"]
    assert made["clockMode"] == "running"
    result = CliRunner().invoke(
        main,
        [
            "--url",
            served.url,
            "--key",
            key,
            "scenario",
            "run",
            "token-refresh",
            "--contract",
            contract_id,
            "--client-cmd",
            REFERENCE,
        ],
    )
    assert result.exit_code == 0, result.output
    assert f"contract {contract_id} on {served.url}" in result.output
    assert (
        "note: the scenario's start 2026-04-01T10:00:00+09:00 does not apply to an existing contract"
        in result.output
    )
    assert served.control("GET", f"/contracts/{contract_id}/clock").json()["mode"] == "running"
    refused = CliRunner().invoke(
        main, ["--url", served.url, "--key", key, "scenario", "run", "token-refresh"]
    )
    assert refused.exit_code == 1 and "sandbox_forbidden" in refused.output, (
        "a fresh contract needs the admin key"
    )
