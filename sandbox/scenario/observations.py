"""What ``wait``, ``expect`` and ``expect_not`` accept: a source (request, timeline, reply, order, gap),
a window (``since``/``until`` a labelled step, ``of`` a client step), a count and how long to watch."""

from __future__ import annotations

from typing import Any

from sandbox.scenario.types import Problems, Step, line_of, parse_duration, where

REQUEST_FIELDS = (
    *(
        "requestId",
        "contractId",
        "clientId",
        "userId",
        "grantId",
        "method",
        "path",
        "status",
        "processedStatus",
    ),
    *(
        "outcome",
        "errorCode",
        "latencyMs",
        "idempotencyKey",
        "faultId",
        "fault",
        "bodyDigest",
        "bodySize",
        "retryAfter",
        "accountId",
        "at",
    ),
    "nextItemKey",  # the key a request carried (query), as text
    "answeredNextItemKey",  # the key its answer gave
)
SOURCES = ("request", "timeline", "reply", "order", "gap", "paging")
EXPECT_KEYS = (*SOURCES, "since", "until", "within", "count", "of")


def check_wait(step: Step, body: Any, problems: Problems) -> dict[str, Any]:
    if not isinstance(body, dict):
        problems.add(where(step), "must be a mapping {request|timeline: MATCH, timeout?, since?}", step.line)
        return {}
    known(step, body, ("request", "timeline", "timeout", "since"), problems)
    sources = [s for s in ("request", "timeline") if s in body]
    if len(sources) != 1:
        problems.add(where(step), "needs exactly one of: request, timeline", step.line)
        return {}
    checked = {**body, sources[0]: _match(step, sources[0], body[sources[0]], problems)}
    if "timeout" in body:
        checked["timeout"] = duration(step, body, "timeout", problems)
    return checked


def check_expect(step: Step, body: Any, problems: Problems) -> dict[str, Any]:
    if not isinstance(body, dict):
        problems.add(where(step), f"must be a mapping with one of: {', '.join(SOURCES)}", step.line)
        return {}
    known(step, body, EXPECT_KEYS, problems)
    sources = [s for s in SOURCES if s in body]
    if len(sources) != 1:
        problems.add(where(step), f"needs exactly one of: {', '.join(SOURCES)}", step.line)
        return {}
    source = sources[0]
    checked: dict[str, Any] = {
        **body,
        "source": source,
        source: _source(step, source, body[source], problems),
    }
    if step.kind == "expect_not" and source in ("order", "gap", "reply", "paging"):
        problems.add(where(step, source), "expect_not takes request or timeline", step.line)
    if source == "paging" and "count" in body:
        problems.add(where(step, "count"), "paging judges every page of a read: it takes no count", step.line)
    if step.kind == "expect_not" and "count" in body:
        problems.add(where(step, "count"), "expect_not means a count of 0; use expect with count", step.line)
    checked["count"] = _count(step, body.get("count"), problems) if step.kind == "expect" else {"max": 0}
    if "within" in body:
        checked["within"] = duration(step, body, "within", problems)
    return checked


def _source(step: Step, source: str, value: Any, problems: Problems) -> Any:
    """What an expectation looks for: a match, an ``order`` of request matches, or a ``gap``."""
    if source == "gap":
        return _gap(step, value, problems)
    if source == "paging":
        return _match(step, "request", value, problems, "paging")
    if source != "order":
        return _match(step, source, value, problems)
    if not isinstance(value, list) or len(value) < 2:
        problems.add(where(step, "order"), "must be a list of at least two matches", step.line)
        return value
    return [_match(step, "request", m, problems, f"order[{i}]") for i, m in enumerate(value)]


def _gap(step: Step, gap: Any, problems: Problems) -> dict[str, Any]:
    if not isinstance(gap, dict) or not {"after", "next", "min"} <= set(gap):
        problems.add(
            where(step, "gap"), "must be {after: MATCH, next: MATCH, min: duration or retry-after}", step.line
        )
        return {}
    return {
        "after": _match(step, "request", gap["after"], problems, "gap.after"),
        "next": _match(step, "request", gap["next"], problems, "gap.next"),
        "min": "retry-after" if gap["min"] == "retry-after" else duration(step, gap, "min", problems),
    }


def _count(step: Step, count: Any, problems: Problems) -> dict[str, int]:
    if count is None:
        return {"min": 1}
    if _whole(count):
        return {"min": count, "max": count}
    shaped = (
        isinstance(count, dict)
        and count
        and set(count) <= {"min", "max"}
        and all(map(_whole, count.values()))
    )
    if shaped and count.get("min", 0) <= count.get("max", count.get("min", 0)):
        return dict(count)
    problems.add(where(step, "count"), "must be a whole number or {min?, max?} (min ≤ max)", step.line)
    return {"min": 1}


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _match(
    step: Step, source: str, match: Any, problems: Problems, name: str | None = None
) -> dict[str, Any]:
    """A match: field → expected (glob string, number, list of alternatives, true/false for present/absent)."""
    name = name or source
    if not isinstance(match, dict) or not match:
        problems.add(where(step, name), "must be a non-empty mapping of field: expected value", step.line)
        return {}
    for key, value in match.items():
        if source == "request" and key not in REQUEST_FIELDS:
            problems.add(
                where(step, f"{name}.{key}"),
                f"unknown request field; known: {', '.join(REQUEST_FIELDS)}",
                step.line,
            )
        listed = isinstance(value, list) and value and all(_plain(v) for v in value)
        nested = source != "request" and isinstance(value, dict)
        if not (_plain(value) or listed or nested):
            problems.add(
                where(step, f"{name}.{key}"), "must be a text, number, true/false, or a list", step.line
            )
        if key == "method" and isinstance(value, str):
            match[key] = value.upper()
    return dict(match)


def _plain(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def duration(step: Step, body: dict[str, Any], key: str, problems: Problems) -> Any:
    try:
        return parse_duration(body[key])
    except ValueError as exc:
        problems.add(where(step, key), str(exc), step.line)
        return None


def known(step: Step, body: dict[str, Any], allowed: tuple[str, ...], problems: Problems) -> None:
    for key in body:
        if key not in allowed:
            problems.add(
                where(step, key), f"unknown field; known: {', '.join(allowed)}", line_of(body) or step.line
            )
