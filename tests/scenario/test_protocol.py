"""The client protocol as a JSON Schema (issue 14): every command and answer, graded fields marked,
printed by ``web21-sandbox scenario protocol``, and used by the runner to say what an answer got wrong."""

from __future__ import annotations

import json

from click.testing import CliRunner
from jsonschema import Draft202012Validator

from sandbox.cli.main import main
from sandbox.scenario import protocol
from sandbox.scenario.checks import CLIENT_ACTIONS


def test_the_schema_is_valid_and_covers_every_command_the_runner_sends() -> None:
    document = protocol.schema()
    Draft202012Validator.check_schema(document)
    assert set(CLIENT_ACTIONS) <= set(document["$defs"]["commands"]) == set(document["$defs"]["answers"])
    validator = Draft202012Validator(document)
    assert validator.is_valid(
        {"id": 4, "do": "transfer", "amount": 52000, "to": _beneficiary(), "ref": "inv-1"}
    )
    assert not validator.is_valid({"id": 4, "do": "transfer", "amount": "52000", "to": _beneficiary()})
    assert not validator.is_valid({"id": 4, "do": "no-such-command"})


def test_the_graded_fields_are_marked() -> None:
    document = json.dumps(protocol.schema())
    graded = [
        protocol.answer_schema("transfer")["properties"]["result"]["properties"]["applyNo"],
        protocol.answer_schema("transfer")["properties"]["result"]["properties"]["executionDate"],
        _payment("status"),
        _payment("reconciled"),
        protocol.answer_schema("stop")["properties"]["error"]["properties"]["code"],
    ]
    assert all("x-graded" in field for field in graded)
    in_results = {
        name: sorted(_graded(answer["properties"]["result"]))
        for name, answer in json.loads(document)["$defs"]["answers"].items()
        if _graded(answer["properties"]["result"])
    }
    assert in_results == {  # nothing else of a result is graded
        "transfer": ["applyNo", "executionDate"],
        "sync": ["payments.*.reconciled", "payments.*.status"],
    }


def test_problems_name_the_field_that_is_missing_or_wrong() -> None:
    assert (
        protocol.problems("sync", {"id": 1, "ok": True, "result": {"payments": {"p": {"status": "20"}}}})
        == []
    )
    wrong = protocol.problems("sync", {"id": 1, "ok": True, "result": {"payments": {"p": {"status": 20}}}})
    assert wrong == ["result.payments.p.status: 20 is not of type 'string'"]
    assert protocol.problems("sync", {"id": 1, "ok": True, "result": {}}) == [
        "result: 'payments' is a required property"
    ]
    assert protocol.problems("balances", {"id": 1, "ok": False}) == ["answer: 'error' is a required property"]
    assert protocol.problems(
        "balances", {"id": 1, "ok": False, "error": {"code": "x"}, "stopped": "yes"}
    ) == ["stopped: 'yes' is not of type 'boolean'"]


def test_a_command_the_runner_knows_but_the_table_does_not_still_has_a_schema(monkeypatch) -> None:
    monkeypatch.setitem(CLIENT_ACTIONS, "va-issue", ("amount", "name"))
    schema = protocol.schema()["$defs"]["commands"]["va-issue"]
    assert set(schema["properties"]) == {"id", "do", "amount", "name"}
    assert protocol.problems("va-issue", {"id": 1, "ok": True, "result": {"anything": 1}}) == []


def test_the_cli_prints_the_schema() -> None:
    result = CliRunner().invoke(main, ["scenario", "protocol"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["x-version"] == "jsonl-1"
    one = CliRunner().invoke(main, ["scenario", "protocol", "--command", "sync"])
    assert set(json.loads(one.output)) == {"command", "answer"}
    bad = CliRunner().invoke(main, ["scenario", "protocol", "--command", "nope"])
    assert bad.exit_code == 1 and "no command 'nope'; known: consent" in bad.output


def _beneficiary() -> dict[str, str]:
    return {
        "bankCode": "0005",
        "branchCode": "001",
        "accountType": "1",
        "accountNumber": "1234567",
        "name": "ｶ)ﾃｽﾄ",
    }


def _payment(name: str) -> dict:
    payments = protocol.answer_schema("sync")["properties"]["result"]["properties"]["payments"]
    return payments["additionalProperties"]["properties"][name]


def _graded(schema: dict, prefix: str = "") -> list[str]:
    found = []
    for name, field in schema.get("properties", {}).items():
        found += [prefix + name] if "x-graded" in field else _graded(field, f"{prefix}{name}.")
    if isinstance(schema.get("additionalProperties"), dict):
        found += _graded(schema["additionalProperties"], prefix + "*.")
    return found
