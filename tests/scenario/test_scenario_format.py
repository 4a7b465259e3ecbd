"""The scenario file format: what ``scenario check`` accepts, and messages that name file, line, step, field."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from sandbox.scenario import model
from sandbox.scenario.grader import matches, value_matches
from tests.conftest import ROOT

SCENARIOS = ROOT / "scenarios"
HEAD = "name: demo\ntitle: {ja: 題, en: Title}\nsummary: {ja: 要約, en: Summary}\nclause: '§5(4)'\n"


def problems(text: str) -> list[str]:
    with pytest.raises(model.ScenarioError) as caught:
        model.parse(text, "demo.yaml", stem="demo")
    return caught.value.problems


def steps(*lines: str) -> str:
    return HEAD + "steps:\n" + "".join(f"  - {line}\n" for line in lines)


def test_bundled_scenarios_all_check() -> None:
    found = model.bundled(SCENARIOS)
    assert len(found) >= 15
    for path in found:
        scenario = model.load(path)
        assert scenario.clause.startswith("§") and scenario.title["ja"] and scenario.summary["en"]
        assert any(s.kind in ("expect", "expect_not") for s in scenario.steps), path


def test_a_minimal_scenario() -> None:
    found = model.parse(steps("clock: {advance: 2h}", "client: balances"), "demo.yaml", stem="demo")
    assert found.setup.world == "demo" and found.setup.contract is None
    assert found.steps[0].body == {"advance": timedelta(hours=2)}
    assert found.steps[1].body == {"do": "balances"}
    assert found.needs == ["oauth"]


def test_malformed_yaml_names_the_line() -> None:
    assert problems(HEAD + "steps:\n  - clock: [\n") == [
        "demo.yaml:7: not valid YAML: expected the node content, but found '<stream end>'"
    ]
    assert problems("- just\n- a list\n") == [
        "demo.yaml: a scenario file must be a YAML mapping (name, title, summary, clause, setup, steps)"
    ]
    assert "duplicate key 'clause'" in problems(HEAD + "clause: x\nsteps: []\n")[0]


def test_every_problem_is_reported_with_step_and_field() -> None:
    found = problems(
        steps(
            "clock: {advance: soon}",
            "frobnicate: 1",
            "client: {do: transfer, amount: -5, colour: red}",
            "expect: {request: {verb: GET}, since: nowhere}",
            "incident: {type: meteor}",
        )
    )
    assert found == [
        "demo.yaml:6: step 1 (clock) field 'advance': not a duration: 'soon' (use 90m, 2h, 3d or ISO 8601 such as PT2H)",
        "demo.yaml:7: step 2: unknown step kind or field 'frobnicate'; kinds: clock, settings, deposit, fault, "
        "clear_faults, incident, client, wait, expect, expect_not, note; fields: label, name, why",
        "demo.yaml:8: step 3 (client) field 'colour': unknown field; known: do, timeout, amount, to, date, edi, ref, account",
        "demo.yaml:8: step 3 (client) field 'amount': required: a positive whole number of yen",
        "demo.yaml:9: step 4 (expect) field 'request.verb': unknown request field; known: requestId, contractId, "
        "clientId, userId, grantId, method, path, status, processedStatus, outcome, errorCode, latencyMs, "
        "idempotencyKey, faultId, fault, bodyDigest, bodySize, retryAfter, accountId, at, "
        "nextItemKey, answeredNextItemKey",
        "demo.yaml:10: step 5 (incident) field 'type': unknown incident 'meteor'; known: revoke-tokens, "
        "withdraw-service, reinstate-service, suspend, resume, terminate, maintenance, rotate-key, password-change, "
        "privilege-change, double-login, return-funds, item-outcome, recall",
        "demo.yaml:9: step 4 (expect) field 'since': no earlier step labelled 'nowhere'",
    ]


def test_top_level_fields() -> None:
    found = problems("name: Other\ntitle: {ja: x}\nclause: ''\nsteps: []\nauthor: me\n")
    assert (
        "demo.yaml:1: field 'author': unknown field; known: name, title, summary, clause, setup, steps, timeout, within"
        in found
    )
    assert "demo.yaml: field 'name': required: lower-case letters, digits and '-'" not in found
    assert "demo.yaml:1: field 'title': required: a mapping with 'ja' and 'en' texts" in found
    assert "demo.yaml: field 'clause': required: the clause of the terms it rehearses, e.g. '§5(4)'" in found
    assert "demo.yaml: field 'steps': required: a non-empty list of steps" in found
    assert any("'name': required" in p for p in found)
    wrong_name = problems(steps("client: balances").replace("name: demo", "name: other"))
    assert wrong_name == ["demo.yaml:1: field 'name': 'other' must equal the file name 'demo'"]


def test_setup_checks_settings_like_the_control_api() -> None:
    found = problems(
        HEAD
        + "setup: {contract: C0001, world: demo, settings: {cutoffTime: '25:99', colour: 1}}\nsteps:\n  - client: balances\n"
    )
    assert any("setup field 'contract': an existing contract excludes world and template" in p for p in found)
    assert any("unknown setting 'colour'" in p for p in found)
    start = model.parse(
        HEAD + "setup: {start: '2026-05-01T15:30:00'}\nsteps:\n  - note: hi\n", "d", stem="demo"
    )
    assert start.setup.start.isoformat() == "2026-05-01T15:30:00+09:00", "a naive time is JST"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "expect: {request: {path: /x}, count: {min: 3, max: 1}}",
            "must be a whole number or {min?, max?} (min ≤ max)",
        ),
        (
            "expect_not: {request: {path: /x}, count: 0}",
            "expect_not means a count of 0; use expect with count",
        ),
        ("expect_not: {reply: {ok: true}}", "expect_not takes request or timeline"),
        ("expect: {order: [{path: /x}]}", "must be a list of at least two matches"),
        (
            "expect: {gap: {after: {status: 503}}}",
            "must be {after: MATCH, next: MATCH, min: duration or retry-after}",
        ),
        (
            "expect: {request: {path: /x}, timeline: {kind: x}}",
            "needs exactly one of: request, timeline, reply, order, gap",
        ),
        ("expect: {request: {path: /x}, within: forever}", "not a duration: 'forever'"),
        ("wait: {request: {path: /x}}", None),
        ("wait: {reply: {ok: true}}", "unknown field; known: request, timeline, timeout, since"),
        (
            "client: {do: dance}",
            "required: one of consent, accounts, balances, transactions, transfer, approve",
        ),
        (
            "client: {do: transfer, amount: 5, to: {bankCode: '0005'}}",
            "field 'to.branchCode': required: a string",
        ),
        ("client: {do: transfer, amount: 5, date: tomorrow}", "must be 'today' or YYYY-MM-DD"),
        ("client: {do: salary, items: [{amount: 5, to: {}}]}", "required: the payday, YYYY-MM-DD"),
        ("client: {do: salary, date: '2026-04-24', items: []}", "required: a list of {amount, to}"),
        ("client: {do: salary, date: '2026-04-24', items: [{amount: 0}]}", "a positive whole number of yen"),
        ("client: {do: salary, date: '2026-04-24', items: [{amount: 5, to: {}}]}", "required: a string"),
        (
            "client: {do: salary, date: '2026-04-24', kind: wages, items: [{amount: 5}]}",
            "must be one of salary, bonus",
        ),
        (
            "settings: {rateLimit: {requestsPerSecond: 5}}",
            'rateLimit must be {"requestsPerSecond": R, "burst": B}',
        ),
        ("clock: {rewind: 1h}", "use one of: freeze, resume, advance, set"),
        ("clock: {set: yesterday}", "not an ISO 8601 date-time: 'yesterday'"),
        ("deposit: {amount: 0}", "required: a positive whole number of yen"),
        ("settings: {grantLifetime: -1}", "grantLifetime must be from 1 to"),
        ("fault: {effect: {type: meteor}}", "unknown effect 'meteor'"),
        ("fault: {effect: latency}", "effect latency needs ms"),
        (
            "incident: {type: revoke-tokens, colour: red}",
            "field 'colour': unknown field; known: type, at, in, days, userId, clientId",
        ),
        (
            "incident: {type: privilege-change, userId: '{somebody}', privileges: []}",
            "unknown placeholder {somebody}",
        ),
        ("clear_faults: yes please", "write 'clear_faults: true'"),
        ("note: ''", "must be a text"),
        ("expect: {request: {status: {a: 1}}}", "must be a text, number, true/false, or a list"),
    ],
)
def test_step_checks(line: str, message: str | None) -> None:
    if message is None:
        model.parse(steps(line), "demo.yaml", stem="demo")
        return
    found = problems(steps(line))
    assert any(message in p for p in found), found


def test_labels_and_references() -> None:
    found = problems(
        steps(
            "client: balances\n    label: a",
            "client: balances\n    label: a",
            "expect: {reply: {ok: true}, of: b}",
        )
    )
    assert any("label 'a' is used twice" in p for p in found)
    assert any("field 'of': no earlier step labelled 'b'" in p for p in found)
    found = problems(steps("clock: freeze\n    label: c", "expect: {reply: {ok: true}, of: c}"))
    assert any("step 'c' is not a client step" in p for p in found)


def test_placeholders_a_run_can_fill() -> None:
    text = steps(
        "client: {do: transfer, amount: 5, ref: pay-1}",
        "expect: {timeline: {data: {applyNo: '{applyNo.pay-1}'}}}",
        "expect: {request: {accountId: '{account.pay-1}'}}",
        "incident: {type: privilege-change, userId: '{operator}', privileges: [account]}",
    )
    assert model.parse(text, "demo.yaml", stem="demo").needs == [
        "incidents",
        "oauth",
        "request-log",
        "timeline",
        "transfers",
    ]


@pytest.mark.parametrize(
    ("expected", "actual", "key", "result"),
    [
        ("/corporation/v1/*", "/corporation/v1/accounts", "path", True),
        (401, 401, "status", True),
        ("4xx", 403, "status", True),
        ("4xx", 503, "status", False),
        ([401, 403], 403, "status", True),
        (True, "abc", "idempotencyKey", True),
        (False, None, "idempotencyKey", True),
        (False, False, "ok", True),
        (True, False, "ok", False),
        ("jwe_*", None, "errorCode", False),
    ],
)
def test_value_matches(expected: Any, actual: Any, key: str, result: bool) -> None:
    assert value_matches(expected, actual, key) is result


def test_nested_matches() -> None:
    reply = {"ok": True, "result": {"payments": {"p1": {"status": "40"}}}}
    assert matches(reply, {"result": {"payments": {"p1": {"status": "40"}}}})
    assert matches(reply, {"result.payments.p1.status": "40"})
    assert not matches(reply, {"result": {"payments": {"p2": {"status": "40"}}}})


def test_cli_check_list_show(runner: Any, tmp_path: Path) -> None:
    result = runner("scenario", "check", str(SCENARIOS / "lost-response.yaml"), "token-refresh")
    assert result.exit_code == 0
    assert (
        "ok  " in result.output and "needs faults, oauth, request-log, timeline, transfers" in result.output
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(steps("clock: {advance: soon}"), encoding="utf-8")
    result = runner("scenario", "check", str(bad))
    assert result.exit_code == 1
    assert "bad.yaml:6: step 1 (clock) field 'advance'" in result.output
    assert "1 of 1 scenario file(s) have problems" in result.output
    listed = runner("scenario", "list").output.splitlines()
    assert any(line.startswith("lost-response") and "§7(1)" in line for line in listed)
    assert "振込依頼の応答消失" in runner("scenario", "list", "--lang", "ja").output
    shown = runner("scenario", "show", "cutoff-holiday").output
    assert "clock frozen at 2026-05-01T15:30:00+09:00" in shown and "[after-holidays]" in shown
    assert "why: a refused payment on a Friday afternoon" in shown
    assert runner("scenario", "show", "nope").exit_code == 1


def test_every_reported_problem_names_the_codes_it_accepts() -> None:
    """A "reported" check accepts the bank's codes for the situation, never any error at all."""
    for path in model.bundled(ROOT / "scenarios"):
        for step in model.load(path).steps:
            reply = step.body.get("reply") if step.kind == "expect" else None
            if isinstance(reply, dict) and reply.get("ok") is False:
                code = (reply.get("error") or {}).get("code")
                assert code and "*" not in str(code), f"{path.name} step {step.index} accepts any code"
                assert not value_matches(code, "probe"), f"{path.name} step {step.index}"
