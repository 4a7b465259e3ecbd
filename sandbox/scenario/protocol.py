"""The client protocol (``jsonl-1``) as a JSON Schema: every command the runner sends, every answer a
client gives, with the graded fields marked (``x-graded``: the scenarios that grade them).

``web21-sandbox scenario protocol`` prints it; the runner checks each answer against it and says which
field is missing or wrong. It is built from data: a command is one entry of :data:`COMMANDS` (its
arguments, its result's fields). A command of ``checks.CLIENT_ACTIONS`` without an entry here still
appears, with its argument names and a free-form result, so the schema never lags the runner.
"""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

from sandbox.scenario.checks import CLIENT_ACTIONS
from sandbox.scenario.client_checks import BENEFICIARY_FIELDS

VERSION = "jsonl-1"  # WEB21_SCENARIO_PROTOCOL; bumped only when a jsonl-1 answer would stop working
DIALECT = "https://json-schema.org/draft/2020-12/schema"

TEXT: dict[str, Any] = {"type": "string"}
DATE: dict[str, Any] = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
REF: dict[str, Any] = {
    "type": "string",
    "description": "the payment's own reference (the same ref = the same payment)",
}
BENEFICIARY: dict[str, Any] = {
    "type": "object",
    "properties": {name: TEXT for name in BENEFICIARY_FIELDS},
    "required": list(BENEFICIARY_FIELDS),
}
TRANSFER_STATUS: dict[str, Any] = {
    "type": "string",
    "description": "the bank's transferStatus as /transfer/status gives it: 20 手続済 (made), 40 手続不成立 (not made)",
}


def graded(schema: dict[str, Any], scenarios: str, how: str) -> dict[str, Any]:
    """``schema`` marked as graded: by which scenarios, and what they want of it."""
    return {**schema, "x-graded": scenarios, "description": how}


# name -> what it asks, its arguments (``required`` among them), and its result's fields.
COMMANDS: dict[str, dict[str, Any]] = {
    "consent": {
        "does": "have that user grant access (§5(3)②)",
        "arguments": {"role": {"enum": ["operator", "approver"], "default": "operator"}},
    },
    "accounts": {"does": "list the accounts"},
    "balances": {"does": "read the balances"},
    "transactions": {
        "does": "read the statement",
        "arguments": {"account": {**TEXT, "description": "an accountId"}, "days": {"type": "integer"}},
    },
    "transfer": {
        "does": "request the payment; the same ref again means the same payment",
        "arguments": {
            "amount": {"type": "integer", "minimum": 1},
            "to": BENEFICIARY,
            "date": {"anyOf": [{"const": "today"}, DATE]},
            "account": TEXT,
            "edi": TEXT,
            "ref": REF,
        },
        "required": ["amount", "to"],
        "result": {
            "applyNo": graded(
                TEXT,
                "lost-response",
                "the bank's request number: the transfer the bank made (also fills {applyNo.<ref>})",
            ),
            "executionDate": graded(
                DATE, "cutoff-holiday", "the business day the bank will execute it (YYYY-MM-DD)"
            ),
            "status": TEXT,
            "ref": REF,
        },
    },
    "approve": {"does": "have the approver approve it", "arguments": {"ref": REF}},
    "status": {"does": "ask the bank how the payment stands", "arguments": {"ref": REF}},
    "sync": {
        "does": "reconcile every payment with the bank",
        "result": {
            "payments": {
                "type": "object",
                "description": "one entry per payment the client requested, keyed by its ref",
                "additionalProperties": {
                    "type": "object",
                    "properties": {
                        "status": graded(
                            TRANSFER_STATUS,
                            "happy-path, insufficient-funds, parent-paid-fees",
                            "the bank's transferStatus for that payment, asked of the bank",
                        ),
                        "reconciled": graded(
                            {"type": "boolean"},
                            "parent-paid-fees",
                            "true once a statement read of the paying account after execution shows the "
                            "debit, and the fee on the account the bank charged (feeAccountId)",
                        ),
                    },
                },
            }
        },
        "required_result": ["payments"],
    },
    "set-key": {
        "does": "use the new encryption key, as the bank's screen shows it after a rotation",
        "arguments": {"keyId": TEXT, "key": {**TEXT, "description": "32 bytes, base64url"}},
        "required": ["keyId", "key"],
    },
    "stop": {"does": "exit"},
}

ERROR: dict[str, Any] = {
    "type": "object",
    "properties": {
        "code": graded(
            TEXT,
            "bank-revocation, contract-termination, key-rotation, privilege-narrowed, service-withdrawal, "
            "double-login",
            "the bank's error code, passed through (each 'reported' check names the codes it accepts)",
        ),
        "message": TEXT,
    },
    "required": ["code"],
}
STOPPED = graded(
    {"type": "boolean"},
    "bank-revocation, contract-termination",
    "true when the client has stopped for good and needs an operator",
)


def entry(name: str) -> dict[str, Any]:
    """The table entry of a command; one the runner knows but this table does not gets a generic one."""
    if name in COMMANDS:
        return COMMANDS[name]
    return {"does": "(see the scenario's documentation)", "arguments": {a: {} for a in CLIENT_ACTIONS[name]}}


def names() -> list[str]:
    """Every command: the runner's (``checks.CLIENT_ACTIONS``) and this table's, in table order."""
    return list(dict.fromkeys([*COMMANDS, *CLIENT_ACTIONS]))


def command_schema(name: str) -> dict[str, Any]:
    """What the runner writes on the client's stdin for ``name``."""
    found = entry(name)
    properties = {"id": {"type": "integer"}, "do": {"const": name}, **found.get("arguments", {})}
    return {
        "type": "object",
        "description": found["does"],
        "properties": properties,
        "required": ["id", "do", *found.get("required", [])],
    }


def answer_schema(name: str) -> dict[str, Any]:
    """What the client writes back for ``name``: ``ok`` with a ``result``, or an ``error``."""
    found = entry(name)
    result = {
        "type": "object",
        "properties": found.get("result", {}),
        "required": found.get("required_result", []),
    }
    return {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "ok": {"type": "boolean"},
            "result": result,
            "error": ERROR,
            "stopped": STOPPED,
        },
        "required": ["id", "ok"],
        "if": {"properties": {"ok": {"const": True}}},
        "then": {"required": ["result"]},
        "else": {"required": ["error"]},
    }


def schema() -> dict[str, Any]:
    """The whole protocol as one JSON Schema document (what ``scenario protocol`` prints)."""
    every = names()
    return {
        "$schema": DIALECT,
        "$id": f"https://web21-sandbox.invalid/scenario-protocol/{VERSION}.json",
        "title": f"web21-sandbox scenario client protocol {VERSION}",
        "description": (
            "One JSON command a line on the client's stdin, one JSON answer a line on its stdout (logs on "
            "stderr). Fields marked x-graded are graded by the named scenarios; other result fields are "
            "shown in the report and ignored. Timing a client is graded on: refresh the access token "
            "while more than 30 s of it are left on the bank's clock (token-refresh; the reference client "
            "refreshes 60 s before expiry); after a 429/503 with "
            "Retry-After: N, the next request to that endpoint no sooner than N s later (maintenance-"
            "retry-after); never retry a refusal (4xx) unchanged."
        ),
        "x-version": VERSION,
        "$defs": {
            "commands": {name: command_schema(name) for name in every},
            "answers": {name: answer_schema(name) for name in every},
        },
        "oneOf": [{"$ref": f"#/$defs/commands/{name}"} for name in every],
    }


def problems(name: str, answer: dict[str, Any]) -> list[str]:
    """What is missing or wrong in a client's ``answer`` to command ``name``: ``result.applyNo: ...``."""
    if name not in CLIENT_ACTIONS and name not in COMMANDS:
        return []
    validator = Draft202012Validator(answer_schema(name))
    found = []
    for error in sorted(validator.iter_errors(answer), key=lambda e: list(e.absolute_path)):
        where = ".".join(str(p) for p in error.absolute_path) or "answer"
        found.append(f"{where}: {error.message}")
    return found
