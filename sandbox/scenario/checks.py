"""What each step kind accepts: the checks behind ``scenario check``, one small function per kind.

Each check returns the step's normalised body (durations parsed, shorthands expanded) and adds a
problem naming the step and field for anything wrong. docs/scenarios.md describes the same rules.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sandbox import clock
from sandbox.bank import contracts
from sandbox.errors import BankError
from sandbox.incidents.types import KINDS as INCIDENT_KINDS
from sandbox.scenario import client_checks
from sandbox.scenario.observations import check_expect, check_wait, duration, known
from sandbox.scenario.types import NAMES, PLACEHOLDER, Problems, Scenario, Step, line_of, where
from sandbox.wire import rules as faults

CLIENT_ACTIONS: dict[str, tuple[str, ...]] = {  # action -> the arguments it takes
    "consent": ("role",),
    "accounts": (),
    "balances": (),
    "transactions": ("account", "days"),
    "transfer": ("amount", "to", "date", "edi", "ref", "account"),
    "approve": ("ref",),
    "status": ("ref",),
    "sync": (),
    "set-key": (),
    "listen": (),
    "receipts": (),
    "reconcile": (),
    "va-pool": (),
    "assign-va": ("ref",),
    "bulk": ("ref", "date", "items", "account", "name"),  # 総合振込: items of {amount, to}
    "resend": ("ref", "fixes"),  # pay a bulk payment's unpaid items again; fixes: {itemId: to}
    "statements": ("days",),
    "salary": ("date", "items", "kind", "ref", "account"),
    "statement": ("account", "dateFrom"),  # read every page of the statement (item-key-paging)
    "stop": (),
}
ROLES = ("operator", "approver")
TRANSFER_ACTIONS = ("transfer", "salary", "approve", "status", "sync", "set-key", "bulk", "resend")


def check_step(step: Step, problems: Problems) -> Any:
    _placeholders(step, step.body, problems)
    return KINDS[step.kind](step, step.body, problems)


def _placeholders(step: Step, value: Any, problems: Problems) -> None:
    """``{operator}``, ``{applyNo.<ref>}``...: only names a run can give a value."""
    if isinstance(value, dict):
        for item in value.values():
            _placeholders(step, item, problems)
    elif isinstance(value, list):
        for item in value:
            _placeholders(step, item, problems)
    elif isinstance(value, str):
        for name in PLACEHOLDER.findall(value):
            if name not in NAMES and "." not in name:  # {<label>.<field>}: check_references
                known = ", ".join(f"{{{n}}}" for n in NAMES)
                problems.add(
                    where(step),
                    f"unknown placeholder {{{name}}}; known: {known}, {{applyNo.<ref>}}, "
                    "{account.<ref>}, {balance.<account>}, {<label>.<field>}",
                    step.line,
                )


# -- world changes ---------------------------------------------------------------------------------


def _clock(step: Step, body: Any, problems: Problems) -> dict[str, Any]:
    if body in ("freeze", "resume"):
        return {body: True}
    if not isinstance(body, dict) or len(body) != 1:
        problems.add(where(step), "use one of: freeze, resume, {advance: 2h}, {set: ISO 8601}", step.line)
        return {}
    ((key, value),) = body.items()
    try:
        if key == "advance":
            return {"advance": clock.parse_duration(str(value))}
        if key == "set":
            return {"set": clock.parse_instant(value)}
        if key in ("freeze", "resume") and value is True:
            return {key: True}
    except ValueError as exc:
        problems.add(where(step, key), str(exc), step.line)
        return {}
    problems.add(where(step, key), "use one of: freeze, resume, advance, set", step.line)
    return {}


def check_settings(value: Any, problems: Problems, where: str, line: int | None) -> dict[str, Any]:
    """Contract settings, checked by the same rules as ``PATCH /sandbox/v1/contracts/{id}/settings``."""
    try:
        return dict(contracts.validate_settings(value))
    except BankError as exc:
        problems.add(where, exc.detail or exc.message_en, line_of(value) or line)
        return {}


def _settings(step: Step, body: Any, problems: Problems) -> dict[str, Any]:
    return check_settings(body, problems, where(step), step.line)


def _deposit(step: Step, body: Any, problems: Problems) -> dict[str, Any]:
    if not isinstance(body, dict):
        problems.add(where(step), "must be a mapping {amount, account?, remitter?, edi?}", step.line)
        return {}
    known(step, body, ("amount", "account", "remitter", "edi"), problems)
    amount = body.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        problems.add(where(step, "amount"), "required: a positive whole number of yen", step.line)
    for name in ("account", "remitter", "edi"):
        if body.get(name) is not None and not isinstance(body[name], str | int):
            problems.add(where(step, name), "must be a string", step.line)
    return dict(body)


def _fault(step: Step, body: Any, problems: Problems) -> dict[str, Any]:
    """A fault rule as ``POST /sandbox/v1/faults`` takes it; the run adds the contract to its match."""
    if not isinstance(body, dict):
        problems.add(where(step), "must be a fault rule {match?, effect, trigger?, note?}", step.line)
        return {}
    try:
        faults.parse_rule({**body, "match": {**(body.get("match") or {}), "contractId": "C0000"}})
    except BankError as exc:
        field = exc.details[0]["errorDetailsCode"] if exc.details else None
        problems.add(
            where(step, field if field != exc.code else None), exc.detail or exc.message_en, step.line
        )
    return dict(body)


def _clear_faults(step: Step, body: Any, problems: Problems) -> bool:
    if body is not True:
        problems.add(where(step), "write 'clear_faults: true'", step.line)
    return True


def _incident(step: Step, body: Any, problems: Problems) -> dict[str, Any]:
    """An incident as ``POST /sandbox/v1/contracts/{id}/incidents`` takes it (types and their fields)."""
    fields = {name: kind.fields for name, kind in INCIDENT_KINDS.items()}
    body = {"type": body} if isinstance(body, str) else body
    kind = body.get("type") if isinstance(body, dict) else None
    if kind not in fields:
        problems.add(where(step, "type"), f"unknown incident {kind!r}; known: {', '.join(fields)}", step.line)
        return dict(body) if isinstance(body, dict) else {}
    known(step, body, ("type", "at", "in", "days", *fields[kind]), problems)
    return dict(body)


def _note(step: Step, body: Any, problems: Problems) -> str:
    if not isinstance(body, str) or not body.strip():
        problems.add(where(step), "must be a text", step.line)
        return ""
    return body.strip()


# -- the client under test -------------------------------------------------------------------------


def _client(step: Step, body: Any, problems: Problems) -> dict[str, Any]:
    if isinstance(body, str):
        body = {"do": body}
    if not isinstance(body, dict) or body.get("do") not in CLIENT_ACTIONS:
        problems.add(where(step, "do"), f"required: one of {', '.join(CLIENT_ACTIONS)}", step.line)
        return {}
    action, allowed = body["do"], CLIENT_ACTIONS[body["do"]]
    known(step, body, ("do", "timeout", *allowed), problems)
    checked: dict[str, Any] = dict(body)
    if "timeout" in body:
        checked["timeout"] = duration(step, body, "timeout", problems)
    if body.get("role") is not None and body["role"] not in ROLES:
        problems.add(where(step, "role"), f"must be one of {', '.join(ROLES)}", step.line)
    client_checks.check_arguments(step, action, body, problems)
    return checked


KINDS: dict[str, Callable[[Step, Any, Problems], Any]] = {
    "clock": _clock,
    "settings": _settings,
    "deposit": _deposit,
    "fault": _fault,
    "clear_faults": _clear_faults,
    "incident": _incident,
    "client": _client,
    "wait": check_wait,
    "expect": check_expect,
    "expect_not": check_expect,
    "note": _note,
}


# -- whole-file checks -----------------------------------------------------------------------------


def check_references(scenario: Scenario, problems: Problems) -> None:
    """Labels are unique; ``since``/``until``/``of`` name an earlier step (``of``: a client step)."""
    seen: dict[str, Step] = {}
    for step in scenario.steps:
        body = step.body if isinstance(step.body, dict) else {}
        for key in ("since", "until", "of"):
            ref = body.get(key)
            if ref is None or (key == "since" and ref == "start"):
                continue
            target = seen.get(ref) if isinstance(ref, str) else None
            if target is None:
                problems.add(where(step, key), f"no earlier step labelled {ref!r}", step.line)
            elif key == "of" and target.kind != "client":
                problems.add(where(step, key), f"step {ref!r} is not a client step", step.line)
        _evidence_references(step, seen, problems)
        if step.label:
            if step.label in seen or step.label == "start":
                problems.add(
                    where(step, "label"), f"label {step.label!r} is used twice (or is 'start')", step.line
                )
            seen[step.label] = step


def _evidence_references(step: Step, seen: dict[str, Step], problems: Problems) -> None:
    """``{<label>.<field>}`` names an earlier ``expect`` or ``wait`` step: the entry that satisfied it."""
    for name in PLACEHOLDER.findall(json.dumps(step.body, ensure_ascii=False, default=str)):
        label = name.split(".", 1)[0]
        if "." not in name or label in ("applyNo", "account", "balance"):
            continue
        target = seen.get(label)
        if target is None or target.kind not in ("expect", "wait"):
            problems.add(
                where(step),
                f"placeholder {{{name}}}: no earlier expect or wait step labelled {label!r}",
                step.line,
            )


def needs(scenario: Scenario) -> list[str]:
    """The sandbox subsystems a scenario relies on, derived from its steps."""
    found: set[str] = set()
    for step in scenario.steps:
        body = step.body if isinstance(step.body, dict) else {}
        if step.kind == "client":
            found.add("oauth")
            if body.get("do") in TRANSFER_ACTIONS:
                found.add("transfers")
        elif step.kind in ("fault", "clear_faults"):
            found.add("faults")
        elif step.kind == "incident":
            found.add("incidents")
        elif step.kind in ("wait", "expect", "expect_not"):
            sources = {body.get("source"), *(k for k in ("request", "timeline") if k in body)}
            found |= {"request-log"} if sources & {"request", "order", "gap", "paging"} else set()
            found |= {"timeline"} if "timeline" in sources else set()
    return sorted(found)
