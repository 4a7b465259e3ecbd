"""Grading: judge an expectation against what the client was seen to do, and keep the evidence.

The evidence is the request-log entries (or timeline entries, or the client's reply) that satisfied
or broke the expectation, so a report can show *why* without a second look at the sandbox.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from fnmatch import fnmatchcase
from typing import Any

from sandbox.scenario import paging
from sandbox.scenario.types import Scenario, Step

MAX_EVIDENCE = 8
RETRY_AFTER = "retry-after"  # a gap's ``min`` that means: as long as the answer's Retry-After


@dataclass
class Outcome:
    """The verdict on one expectation: passed, failed, or skipped (``passed`` None) with the reason."""

    step: Step
    passed: bool | None
    message: str
    evidence: list[dict[str, Any]] = field(default_factory=list)
    source: str = "request"
    seconds: float = 0.0
    wanted: str = ""  # what the expectation asked for, shown beside what was seen when it fails


@dataclass
class Run:
    """What a run found: one outcome per expectation, why it stopped early (if it did), the timeline."""

    scenario: Scenario
    url: str = ""
    contract_id: str | None = None
    outcomes: list[Outcome] = field(default_factory=list)
    aborted: str | None = None
    interrupted: bool = False  # stopped by Ctrl-C: no further scenario is played
    missing: list[str] = field(default_factory=list)
    timeline: list[dict[str, Any]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    client_log: list[str] = field(default_factory=list)
    protocol: list[str] = field(default_factory=list)  # what the client's answers got wrong (protocol.py)
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
    if source == "paging":
        return _paging(step, entries, body["paging"])
    found = select(entries, body[source])
    ok = count_ok(len(found), body["count"])
    wanted = count_text(body["count"])
    plural = f"{source}{'s' if wanted != 'exactly 1' else ''}"
    message = f"wanted {wanted} matching {plural}, saw {len(found)}"
    evidence = found[:MAX_EVIDENCE] if found else entries[-3:] if not ok else []
    return Outcome(
        step, ok, message, evidence, source, wanted=f"{wanted} {plural} matching {show(body[source])}"
    )


def _order(step: Step, entries: list[dict[str, Any]], order: list[dict[str, Any]]) -> Outcome:
    chain, position = [], 0
    for match in order:
        hit = next((i for i in range(position, len(entries)) if matches(entries[i], match)), None)
        if hit is None:
            missing = " ".join(f"{k}={v}" for k, v in match.items())
            seen = entries[position:][-MAX_EVIDENCE:]  # what the client did instead
            message = f"order broken: no {missing} after the {len(chain)} earlier match(es)"
            return Outcome(step, False, message, chain + seen, "request", wanted=_order_text(order))
        chain.append(entries[hit])
        position = hit + 1
    message = f"{len(order)} requests in the expected order"
    return Outcome(step, True, message, chain, "request", wanted=_order_text(order))


def _order_text(order: list[dict[str, Any]]) -> str:
    return "requests in this order: " + " → ".join(show(m) for m in order)


def _gap(step: Step, entries: list[dict[str, Any]], gap: dict[str, Any]) -> Outcome:
    """After each ``after`` request, the next ``next`` request came no sooner than ``min`` (wall time);
    ``min: retry-after`` holds each pair to the ``Retry-After`` the sandbox sent with that answer."""
    wanted = (
        f"after {show(gap['after'])}, the next {show(gap['next'])} no sooner than {_min_text(gap['min'])}"
    )
    afters = [i for i, e in enumerate(entries) if matches(e, gap["after"])]
    if not afters:
        message = "no request matched 'after': the situation never arose"
        return Outcome(step, False, message, entries[-3:], wanted=wanted)
    worst, evidence = None, []
    for i in afters:
        nxt = next((e for e in entries[i + 1 :] if matches(e, gap["next"])), None)
        if nxt is None:
            continue
        waited = wall_seconds(nxt) - wall_seconds(entries[i])
        required = _required(gap["min"], entries[i])
        evidence += [entries[i], {**nxt, "gapSeconds": round(waited, 2)}]
        if worst is None or waited - required < worst[0] - worst[1]:
            worst = (waited, required)
    if worst is None:
        message = "the client did not try again (no request after the answer)"
        return Outcome(step, True, message, evidence, wanted=wanted)
    waited, required = worst
    ok = waited >= required - 0.05  # the log's timestamps and the client's sleep differ by milliseconds
    verdict = "waited" if ok else "came back after only"
    message = f"{verdict} {waited:.2f} s (wanted ≥ {required:g} s)"
    return Outcome(step, ok, message, evidence[:MAX_EVIDENCE], wanted=wanted)


def _required(minimum: Any, after: dict[str, Any]) -> float:
    """The wait one answer asked for: its ``retryAfter`` (``min: retry-after``), else the fixed minimum.
    An answer without Retry-After under ``retry-after`` asks for nothing the client could have honoured."""
    if minimum == RETRY_AFTER:
        return float(after.get("retryAfter") or 0)
    return float(minimum.total_seconds())


def _min_text(minimum: Any) -> str:
    return "the Retry-After the sandbox sent" if minimum == RETRY_AFTER else f"{minimum.total_seconds():g} s"


def _paging(step: Step, entries: list[dict[str, Any]], match: dict[str, Any]) -> Outcome:
    """Every page of the selected reads was read, each follow-up with the key the bank sent (paging.py)."""
    passed, message, evidence = paging.verdict(select(entries, match))
    wanted = f"every page of {show(match)} read, each follow-up with the nextItemKey the bank sent, as text"
    return Outcome(step, passed, message, evidence, "request", wanted=wanted)


def _reply(step: Step, reply: dict[str, Any] | None, match: dict[str, Any]) -> Outcome:
    wanted = "a reply with " + show(match)
    if reply is None:
        message = "skipped: no reply (the client is not driven through --client-cmd)"
        return Outcome(step, None, message, [], "reply", wanted=wanted)
    ok = matches(reply, match)
    shown = {k: v for k, v in reply.items() if k != "id"}
    message = "the client's reply matches"
    if not ok:
        message = "the client's reply does not match: " + "; ".join(differences(match, reply))
    return Outcome(step, ok, message, [shown], "reply", wanted=wanted)


def differences(match: dict[str, Any], actual: dict[str, Any], prefix: str = "") -> list[str]:
    """Each field of ``match`` that ``actual`` does not satisfy: ``result.status: wanted '20', saw '40'``."""
    found = []
    for key, expected in match.items():
        name, value = prefix + key, lookup(actual, key)
        if isinstance(expected, dict) and isinstance(value, dict):
            found += differences(expected, value, name + ".")
        elif not value_matches(expected, value, key):
            wanted = "present" if expected is True else "absent" if expected is False else show(expected)
            found.append(f"{name}: wanted {wanted}, saw {'nothing' if value is None else show(value)}")
    return found


def show(value: Any) -> str:
    """A compact text for a match or a value (JSON, unquoted keys left as they are)."""
    return json.dumps(value, ensure_ascii=False, default=str)


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
        pending = entry.get("outcome") == "pending"
        parts.append(
            str(entry["status"]) if entry.get("status") is not None else "no answer" + " yet" * pending
        )
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
        if entry.get("nextItemKey"):
            parts.append(f"key={entry['nextItemKey']}")
        if entry.get("answeredNextItemKey"):
            parts.append(f"next={entry['answeredNextItemKey']}")
        if "gapSeconds" in entry:
            parts.append(f"+{entry['gapSeconds']} s")
        return " ".join(parts)
    if "summary" in entry:
        return f"{entry.get('at', '')} {entry.get('kind', '')}: {entry['summary']}".strip()
    return " ".join(f"{k}={v}" for k, v in entry.items() if not k.startswith("_"))
