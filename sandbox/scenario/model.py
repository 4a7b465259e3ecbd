"""The scenario file format: load a YAML rehearsal and check it, naming the file, line, step and field.

A scenario is ``name``, bilingual ``title`` and ``summary``, the ``clause`` of the terms it rehearses,
a ``setup`` (a fresh isolated contract, or an existing one) and ``steps``. Each step is a mapping with
exactly one kind key (``clock``, ``settings``, ``deposit``, ``fault``, ``clear_faults``, ``incident``,
``client``, ``wait``, ``expect``, ``expect_not``, ``note``) plus optional ``label``, ``name`` and ``why``.
docs/scenarios.md is the reference; :mod:`sandbox.scenario.types` holds the shapes, and
:mod:`sandbox.scenario.checks` checks each kind's body.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml

from sandbox import clock
from sandbox.scenario import checks
from sandbox.scenario.types import Problems, Scenario, ScenarioError, Setup, Step, line_of, parse_duration


class _Mapping(dict):
    """A YAML mapping that remembers the line it started on (for messages)."""

    line: int | None = None


class _Loader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> _Mapping:  # type: ignore[override]
        keys = [self.construct_object(k, deep=True) for k, _ in node.value]
        duplicates = {k for k in keys if keys.count(k) > 1}
        if duplicates:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {sorted(map(str, duplicates))[0]!r}", node.start_mark
            )
        mapping = _Mapping(super().construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + 1
        return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _Loader.construct_mapping)
# Timestamps stay strings: the format parses them itself (a naive time is JST, not UTC).
_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


TOP_KEYS = ("name", "title", "summary", "clause", "setup", "steps", "timeout", "within")
SETUP_KEYS = ("world", "template", "contract", "start", "settings", "child")
COMMON_STEP_KEYS = ("label", "name", "why")


def load(path: str | Path) -> Scenario:
    """Read and check one scenario file; raise :class:`ScenarioError` listing every problem."""
    path = Path(path)
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError([f"{shown}: cannot read: {exc.strerror or exc}"]) from exc
    return parse(text, shown, stem=path.stem)


def parse(text: str, shown: str = "<scenario>", *, stem: str | None = None) -> Scenario:
    """Check the YAML ``text`` of a scenario; ``shown`` names it in messages."""
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"{shown}:{mark.line + 1}" if mark else shown
        reason = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError([f"{where}: not valid YAML: {reason}"]) from exc
    problems = Problems(shown)
    if not isinstance(data, dict):
        problems.add(
            "", "a scenario file must be a YAML mapping (name, title, summary, clause, setup, steps)"
        )
        problems.raise_if_any()
    scenario = _scenario(data, problems, stem)
    problems.raise_if_any()
    return scenario


def _scenario(data: dict[str, Any], problems: Problems, stem: str | None) -> Scenario:
    for key in data:
        if key not in TOP_KEYS:
            problems.add(f"field {key!r}", f"unknown field; known: {', '.join(TOP_KEYS)}", line_of(data))
    name = _name(data, problems, stem)
    title = _bilingual(data, "title", problems)
    summary = _bilingual(data, "summary", problems)
    clause = data.get("clause")
    if not isinstance(clause, str) or not clause.strip():
        problems.add("field 'clause'", "required: the clause of the terms it rehearses, e.g. '§5(4)'")
        clause = ""
    timeout = _duration(data, "timeout", problems, "") or timedelta(seconds=20)
    within = _duration(data, "within", problems, "")
    setup = _setup(data.get("setup"), problems)
    steps = _steps(data.get("steps"), problems)
    scenario = Scenario(name, title, summary, clause, setup, steps, problems.path, timeout, within)
    checks.check_references(scenario, problems)
    scenario.needs = checks.needs(scenario)
    return scenario


def _name(data: dict[str, Any], problems: Problems, stem: str | None) -> str:
    """The scenario's name: lower-case letters, digits and '-', equal to its file's name."""
    name = data.get("name")
    if not isinstance(name, str) or not name.replace("-", "").isalnum() or name != name.lower():
        problems.add("field 'name'", "required: lower-case letters, digits and '-'", line_of(data))
        return stem or "unnamed"
    if stem is not None and name != stem:
        problems.add("field 'name'", f"{name!r} must equal the file name {stem!r}", line_of(data))
    return name


def _bilingual(data: dict[str, Any], key: str, problems: Problems) -> dict[str, str]:
    value = data.get(key)
    if not isinstance(value, dict) or not all(isinstance(value.get(lang), str) for lang in ("ja", "en")):
        problems.add(f"field {key!r}", "required: a mapping with 'ja' and 'en' texts", line_of(data))
        return {"ja": "", "en": ""}
    extra = set(value) - {"ja", "en"}
    if extra:
        problems.add(
            f"field {key!r}", f"unknown language {sorted(extra)[0]!r}; use ja and en", line_of(value)
        )
    return {"ja": value["ja"].strip(), "en": value["en"].strip()}


def _duration(data: dict[str, Any], key: str, problems: Problems, where: str) -> timedelta | None:
    if data.get(key) is None:
        return None
    try:
        return parse_duration(data[key])
    except ValueError as exc:
        problems.add(f"{where}field {key!r}".strip(), str(exc), line_of(data))
        return None


def _setup(value: Any, problems: Problems) -> Setup:
    if value is None:
        return Setup()
    if not isinstance(value, dict):
        problems.add("setup", "must be a mapping (world, template, contract, start, settings, child)")
        return Setup()
    line = line_of(value)
    for key in value:
        if key not in SETUP_KEYS:
            problems.add(f"setup field {key!r}", f"unknown field; known: {', '.join(SETUP_KEYS)}", line)
    setup = Setup()
    for key in ("world", "template", "contract"):
        if value.get(key) is not None:
            if not isinstance(value[key], str) or not value[key]:
                problems.add(f"setup field {key!r}", "must be a non-empty string", line)
            else:
                setattr(setup, key, value[key])
    if setup.contract and (value.get("world") or setup.template):
        problems.add("setup field 'contract'", "an existing contract excludes world and template", line)
    _setup_rest(value, setup, problems, line)
    return setup


def _setup_rest(value: dict[str, Any], setup: Setup, problems: Problems, line: int | None) -> None:
    """``start``, ``settings`` and ``child`` of a setup, into ``setup``."""
    if value.get("start") is not None:
        try:
            setup.start = clock.parse_instant(value["start"])
        except ValueError as exc:
            problems.add("setup field 'start'", str(exc), line)
    if value.get("settings") is not None:
        setup.settings = checks.check_settings(value["settings"], problems, "setup field 'settings'", line)
    if value.get("child") is not None:
        if not isinstance(value["child"], bool):
            problems.add("setup field 'child'", "must be true or false", line)
        elif value["child"] and setup.contract:
            problems.add("setup field 'child'", "an existing contract excludes child", line)
        else:
            setup.child = value["child"]


def _steps(value: Any, problems: Problems) -> list[Step]:
    if not isinstance(value, list) or not value:
        problems.add("field 'steps'", "required: a non-empty list of steps")
        return []
    steps = [_step(index, raw, problems) for index, raw in enumerate(value, start=1)]
    return [step for step in steps if step is not None]


def _step(index: int, raw: Any, problems: Problems) -> Step | None:
    """One step: exactly one kind key plus label, name and why; None when it cannot be read."""
    line = line_of(raw)
    if not isinstance(raw, dict):
        problems.add(f"step {index}", f"must be a mapping with one of: {', '.join(checks.KINDS)}")
        return None
    kinds = [k for k in raw if k in checks.KINDS]
    unknown = [k for k in raw if k not in checks.KINDS and k not in COMMON_STEP_KEYS]
    if unknown:
        problems.add(
            f"step {index}",
            f"unknown step kind or field {unknown[0]!r}; kinds: {', '.join(checks.KINDS)}; "
            f"fields: {', '.join(COMMON_STEP_KEYS)}",
            line,
        )
    if len(kinds) != 1:
        if not unknown:
            problems.add(f"step {index}", f"needs exactly one kind of: {', '.join(checks.KINDS)}", line)
        return None
    step = Step(index, kinds[0], raw[kinds[0]], line=line)
    for key in COMMON_STEP_KEYS:
        text = raw.get(key)
        if text is not None and (not isinstance(text, str) or not text.strip()):
            problems.add(f"step {index} ({step.kind}) field {key!r}", "must be a non-empty string", line)
        elif text is not None:
            setattr(step, key, text.strip())
    step.body = checks.check_step(step, problems)
    return step


def find(name_or_path: str, directory: str | Path) -> Path:
    """The file of a scenario given by name (``token-refresh``) or by path."""
    candidate = Path(name_or_path)
    if candidate.suffix in (".yaml", ".yml") or candidate.exists():
        if not candidate.is_file():
            raise ScenarioError([f"{name_or_path}: no such file"])
        return candidate
    found = Path(directory) / f"{name_or_path}.yaml"
    if not found.is_file():
        known = ", ".join(p.stem for p in sorted(Path(directory).glob("*.yaml"))) or "none"
        raise ScenarioError([f"no scenario {name_or_path!r} in {directory} (known: {known})"])
    return found


def bundled(directory: str | Path) -> list[Path]:
    """The scenario files of a directory, by name."""
    return sorted(Path(directory).glob("*.yaml"))
