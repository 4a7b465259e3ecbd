"""The arguments of the client commands a scenario step sends (``client: {do: transfer, …}``): amounts,
beneficiaries, dates, 総合振込 and salary items, the re-send's fixes. docs/scenarios.md lists them."""

from __future__ import annotations

from datetime import date
from typing import Any

from sandbox import clock
from sandbox.scenario.types import Problems, Step, line_of, where

SALARY_KINDS = ("salary", "bonus")
BENEFICIARY_FIELDS = ("bankCode", "branchCode", "accountType", "accountNumber", "name")


def check_arguments(step: Step, action: str, body: dict[str, Any], problems: Problems) -> None:
    """Add a problem for each argument of ``action`` that is not what the command takes."""
    if action == "transfer":
        _amount(step, body.get("amount"), "amount", problems)
        if body.get("to") is not None:
            beneficiary(step, body["to"], problems)
        if body.get("date") is not None and body["date"] != "today" and not _instant(body["date"]):
            problems.add(where(step, "date"), "must be 'today' or YYYY-MM-DD", step.line)
    if action in ("bulk", "salary"):
        _file(step, action, body, problems)
    if action == "resend":
        fixes = body.get("fixes") or {}
        if not isinstance(fixes, dict):
            problems.add(where(step, "fixes"), "must be a mapping of item number to beneficiary", step.line)
        for to in fixes.values() if isinstance(fixes, dict) else ():
            beneficiary(step, to, problems)
    if body.get("days") is not None and (isinstance(body["days"], bool) or not isinstance(body["days"], int)):
        problems.add(where(step, "days"), "must be a whole number of days", step.line)
    if body.get("dateFrom") is not None and not _is_day(body["dateFrom"]):
        problems.add(where(step, "dateFrom"), "must be YYYY-MM-DD", step.line)


def _file(step: Step, action: str, body: dict[str, Any], problems: Problems) -> None:
    """A 総合振込 or a salary file: its date (the payday for salaries), its kind, and every item."""
    if not _instant(body.get("date")):
        wanted = "the payday, YYYY-MM-DD" if action == "salary" else "YYYY-MM-DD"
        problems.add(where(step, "date"), f"required: {wanted}", step.line)
    if action == "salary" and body.get("kind") is not None and body["kind"] not in SALARY_KINDS:
        problems.add(where(step, "kind"), f"must be one of {', '.join(SALARY_KINDS)}", step.line)
    items = body.get("items")
    if not isinstance(items, list) or not items:
        problems.add(where(step, "items"), "required: a list of {amount, to}", step.line)
        return
    for item in items:
        amount = item.get("amount") if isinstance(item, dict) else None
        if _amount(step, amount, "items.amount", problems):
            beneficiary(step, item.get("to"), problems)


def _amount(step: Step, amount: Any, field: str, problems: Problems) -> bool:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        problems.add(where(step, field), "required: a positive whole number of yen", step.line)
        return False
    return True


def _instant(value: Any) -> bool:
    try:
        clock.parse_instant(str(value))
    except ValueError:
        return False
    return True


def _is_day(value: Any) -> bool:
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return isinstance(value, str) and len(value) == 10


def beneficiary(step: Step, to: Any, problems: Problems) -> None:
    """A beneficiary as the client commands take it: bank, branch, type, number and name, all strings."""
    if not isinstance(to, dict):
        problems.add(where(step, "to"), f"must be a mapping of {', '.join(BENEFICIARY_FIELDS)}", step.line)
        return
    for name in BENEFICIARY_FIELDS:
        if not isinstance(to.get(name), str):
            problems.add(where(step, f"to.{name}"), "required: a string", line_of(to) or step.line)
