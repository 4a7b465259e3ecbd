"""Grading: judge an expectation against what the client was seen to do, and keep the evidence.

The evidence is the request-log entries (or timeline entries, or the client's reply) that satisfied
or broke the expectation, so a report can show *why* without a second look at the sandbox.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from fnmatch import fnmatchcase
from typing import Any

from sandbox.scenario.types import Scenario, Step

MAX_EVIDENCE = 8


@dataclass
class Outcome:
    """The verdict on one expectation: passed, failed, or skipped (``passed`` None) with the reason."""

    step: Step
    passed: bool | None
    message: str
    evidence: list[dict[str, Any]] = field(default_factory=list)
    source: str = "request"
    seconds: float = 0.0


@dataclass
class Run:
    """What a run found: one outcome per expectation, why it stopped early (if it did), the timeline."""

    scenario: Scenario
    url: str = ""
    contract_id: str | None = None
    outcomes: list[Outcome] = field(default_factory=list)
    aborted: str | None = None
    missing: list[str] = field(default_factory=list)
    timeline: list[dict[str, Any]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    client_log: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return self.aborted is None and all(o.passed is not False for o in self.outcomes)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.passed is False]


# -- matching --------------------------------------------------------------------------------------


def lookup(entry: dict[str, Any], key: str) -> Any:
    """``entry[key]``, where a dotted key (``data.to``) reaches into nested mappings."""
    value: Any = entry
    for part in key.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def value_matches(expected: Any, actual: Any, key: str = "") -> bool:
    """One field: a glob for text, equality for numbers, presence for true/false, any of a list."""
    if isinstance(expected, list):
        return any(value_matches(e, actual, key) for e in expected)
    if isinstance(expected, bool) and isinstance(actual, bool):
        return expected is actual
    if expected is True or expected is False or expected is None:  # present / absent
        return (actual is not None and actual != "") is bool(expected)
    if isinstance(expected, dict):
        return isinstance(actual, dict) and matches(actual, expected)
    if actual is None:
        return False
    if isinstance(expected, int | float):
        return not isinstance(actual, bool) and actual == expected
    pattern = str(expected)
    if key == "status" and len(pattern) == 3 and pattern[1:].lower() == "xx":
        pattern = pattern[0] + "??"  # "4xx": any client error
    return fnmatchcase(str(actual), pattern)


def matches(entry: dict[str, Any], match: dict[str, Any]) -> bool:
    return all(value_matches(expected, lookup(entry, key), key) for key, expected in match.items())


def select(entries: list[dict[str, Any]], match: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in entries if matches(e, match)]


def count_ok(found: int, count: dict[str, int]) -> bool:
    return count.get("min", 0) <= found and ("max" not in count or found <= count["max"])


def count_text(count: dict[str, int]) -> str:
    low, high = count.get("min"), count.get("max")
    if high == 0:
        return "none"
    if low == high:
        return f"exactly {low}"
    if high is None:
        return f"at least {low}"
    return f"at most {high}" if not low else f"between {low} and {high}"


# -- judging ---------------------------------------------------------------------------------------


def judge(
    step: Step,
    entries: list[dict[str, Any]],
    reply: dict[str, Any] | None = None,
    body: dict[str, Any] | None = None,
) -> Outcome:
    """Judge ``step`` (expect / expect_not) over the entries of its window (or the client ``reply``)."""
    body = body or step.body  # the run passes the body with its {placeholders} filled in
    source = body["source"]
    if source == "order":
        return _order(step, entries, body["order"])
    if source == "gap":
        return _gap(step, entries, body["gap"])
    if source == "reply":
        return _reply(step, reply, body["reply"])
    found = select(entries, body[source])
    ok = count_ok(len(found), body["count"])
    wanted = count_text(body["count"])
    message = f"wanted {wanted} matching {source}{'s' if wanted != 'exactly 1' else ''}, saw {len(found)}"
    return Outcome(
        step, ok, message, found[:MAX_EVIDENCE] if found else entries[-3:] if not ok else [], source
    )


def _order(step: Step, entries: list[dict[str, Any]], order: list[dict[str, Any]]) -> Outcome:
    chain, position = [], 0
    for match in order:
        hit = next((i for i in range(position, len(entries)) if matches(entries[i], match)), None)
        if hit is None:
            missing = " ".join(f"{k}={v}" for k, v in match.items())
            seen = entries[position:][-MAX_EVIDENCE:]  # what the client did instead
            message = f"order broken: no {missing} after the {len(chain)} earlier match(es)"
            return Outcome(step, False, message, chain + seen, "request")
        chain.append(entries[hit])
        position = hit + 1
    return Outcome(step, True, f"{len(order)} requests in the expected order", chain, "request")


def _gap(step: Step, entries: list[dict[str, Any]], gap: dict[str, Any]) -> Outcome:
    """After each ``after`` request, the next ``next`` request came no sooner than ``min`` (wall time)."""
    minimum = gap["min"].total_seconds()
    afters = [i for i, e in enumerate(entries) if matches(e, gap["after"])]
    if not afters:
        return Outcome(step, False, "no request matched 'after': the situation never arose", entries[-3:])
    shortest, evidence = None, []
    for i in afters:
        nxt = next((e for e in entries[i + 1 :] if matches(e, gap["next"])), None)
        if nxt is None:
            continue
        waited = wall_seconds(nxt) - wall_seconds(entries[i])
        evidence += [entries[i], {**nxt, "gapSeconds": round(waited, 2)}]
        shortest = waited if shortest is None else min(shortest, waited)
    if shortest is None:
        return Outcome(step, True, "the client did not try again (no request after the answer)", evidence)
    ok = shortest >= minimum - 0.05  # the log's timestamps and the client's sleep differ by milliseconds
    verdict = "waited" if ok else "came back after only"
    return Outcome(step, ok, f"{verdict} {shortest:.2f} s (wanted ≥ {minimum:g} s)", evidence[:MAX_EVIDENCE])


def _reply(step: Step, reply: dict[str, Any] | None, match: dict[str, Any]) -> Outcome:
    if reply is None:
        return Outcome(
            step, None, "skipped: no reply (the client is not driven through --client-cmd)", [], "reply"
        )
    ok = matches(reply, match)
    shown = {k: v for k, v in reply.items() if k != "id"}
    return Outcome(
        step, ok, "the client's reply " + ("matches" if ok else "does not match"), [shown], "reply"
    )


def wall_seconds(entry: dict[str, Any]) -> float:
    """When the sandbox saw the request, in wall seconds (``wallAt``, else when the runner first saw it)."""
    if entry.get("wallAt"):
        return datetime.fromisoformat(entry["wallAt"]).timestamp()
    return float(entry.get("_seen", 0.0))


# -- presentation ----------------------------------------------------------------------------------


def describe_entry(entry: dict[str, Any]) -> str:
    """One line for an evidence entry: a request, a timeline entry or a client reply."""
    if "method" in entry and "path" in entry:
        parts = [f"#{entry.get('requestId', '?')}", entry["method"], entry["path"], "→"]
        parts.append(str(entry["status"]) if entry.get("status") is not None else "no answer")
        if entry.get("outcome") not in (None, "response"):
            parts.append(f"[{entry['outcome']}]")
        if entry.get("errorCode"):
            parts.append(entry["errorCode"])
        if entry.get("fault"):
            parts.append(f"(fault {entry['fault']})")
        if entry.get("userId"):
            parts.append(f"by {entry['userId']}")
        if entry.get("idempotencyKey"):
            parts.append("idem=" + entry["idempotencyKey"][:12])
        if "gapSeconds" in entry:
            parts.append(f"+{entry['gapSeconds']} s")
        return " ".join(parts)
    if "summary" in entry:
        return f"{entry.get('at', '')} {entry.get('kind', '')}: {entry['summary']}".strip()
    return " ".join(f"{k}={v}" for k, v in entry.items() if not k.startswith("_"))
