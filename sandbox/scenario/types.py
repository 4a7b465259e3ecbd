"""The shapes every part of a scenario shares: the scenario, its setup and steps, how problems are
collected and named, durations as scenarios write them, and placeholders a run fills in.

It imports nothing else of the scenario package, so the loader (:mod:`model`), the per-kind checks
(:mod:`checks`, :mod:`observations`) and the run (:mod:`setup`, :mod:`runner`) all build on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sandbox import clock

PLACEHOLDER = re.compile(r"\{([\w.-]+)\}")
NAMES = ("contract", "operator", "approver", "viewer", "client", "applyNo")  # the {placeholders} a run fills


class ScenarioError(Exception):
    """One or more problems in a scenario file; ``str()`` lists them, one a line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class Problems:
    """Collects every problem of a file (not just the first), each prefixed with where it is."""

    def __init__(self, path: str) -> None:
        self.path, self.found = path, []

    def add(self, where: str, message: str, line: int | None = None) -> None:
        place = f"{self.path}:{line}" if line else self.path
        self.found.append(f"{place}: {where}: {message}" if where else f"{place}: {message}")

    def raise_if_any(self) -> None:
        if self.found:
            raise ScenarioError(self.found)


def line_of(value: Any) -> int | None:
    """The line a YAML mapping started on (None for other values)."""
    return getattr(value, "line", None)


def where(step: Step, field: str | None = None) -> str:
    """How a message names a step and field: ``step 3 (client) field 'amount'``."""
    return f"step {step.index} ({step.kind})" + (f" field {field!r}" if field else "")


@dataclass
class Setup:
    """Where a run plays: a fresh contract copied from ``world``/``template``, or the existing ``contract``."""

    world: str = "demo"
    template: str | None = None
    contract: str | None = None
    start: datetime | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    child: bool = False  # the run's contract is a fresh child of a fresh parent (親仔契約, §2(5), §4(6))


@dataclass
class Step:
    index: int  # 1-based, as messages and reports show it
    kind: str
    body: Any
    label: str | None = None
    name: str | None = None
    why: str | None = None
    line: int | None = None

    @property
    def title(self) -> str:
        """How reports name the step: its ``name``, else a short description of its body."""
        return self.name or describe(self)


@dataclass
class Scenario:
    name: str
    title: dict[str, str]
    summary: dict[str, str]
    clause: str
    setup: Setup
    steps: list[Step]
    path: str
    timeout: timedelta = timedelta(seconds=20)
    within: timedelta | None = None
    needs: list[str] = field(default_factory=list)

    def labels(self) -> dict[str, Step]:
        return {s.label: s for s in self.steps if s.label}


def parse_duration(value: Any) -> timedelta:
    """A duration as scenarios write it: ``90m``, ``2h``, ``1.5s``, ``500ms``, ISO 8601, or seconds."""
    if isinstance(value, bool):
        raise ValueError(f"not a duration: {value!r}")
    if isinstance(value, int | float):
        if value <= 0:
            raise ValueError(f"duration must be positive: {value!r}")
        return timedelta(seconds=value)
    text = str(value).strip()
    for suffix, unit in (("ms", 0.001), ("s", 1.0)):
        number = text[: -len(suffix)].strip()
        if text.endswith(suffix) and number.replace(".", "", 1).isdigit():
            if float(number) <= 0:
                raise ValueError(f"duration must be positive: {text!r}")
            return timedelta(seconds=float(number) * unit)
    return clock.parse_duration(text)


def describe(step: Step) -> str:
    """A one-line description of a step for progress lines and reports."""
    body = step.body
    if step.kind == "clock" and isinstance(body, dict) and body:
        ((key, value),) = body.items()
        shown = clock.to_api(value) if key == "set" else value if key == "advance" else ""
        return f"clock {key} {shown}".strip()
    if step.kind == "client" and isinstance(body, dict):
        args = ", ".join(f"{k}={v}" for k, v in body.items() if k not in ("do", "timeout"))
        return f"client: {body.get('do')}" + (f" ({args})" if args else "")
    if step.kind in ("expect", "expect_not", "wait") and isinstance(body, dict):
        source = body.get("source") or next((s for s in ("request", "timeline") if s in body), "")
        verb = {"expect": "expect", "expect_not": "expect no", "wait": "wait for"}[step.kind]
        return f"{verb} {source} {_short(body.get(source))}".strip()
    if step.kind == "incident" and isinstance(body, dict):
        return f"incident {body.get('type')}"
    if step.kind == "fault" and isinstance(body, dict):
        effect = body.get("effect")
        return f"fault {effect.get('type') if isinstance(effect, dict) else effect} on {(body.get('match') or {}).get('path', '*')}"
    if step.kind == "note":
        return str(body)
    return step.kind.replace("_", " ")


def _short(value: Any) -> str:
    if isinstance(value, dict):
        return " ".join(f"{k}={_short(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "[" + ", ".join(_short(v) for v in value) + "]"
    return str(value)
