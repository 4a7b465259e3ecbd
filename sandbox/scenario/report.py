"""What a run shows: live progress while it plays, the report at the end, and JUnit XML for CI."""

from __future__ import annotations

import contextlib
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from sandbox.scenario.grader import Outcome, Run, describe_entry
from sandbox.scenario.setup import Stage
from sandbox.scenario.types import Scenario, Step

MAX_TIMELINE = 80


def _mark(outcome: Outcome) -> str:
    if outcome.passed is None:
        return "[yellow]–[/]"
    return "[green]✓[/]" if outcome.passed else "[red]✗[/]"


class Progress:
    """Live lines as the run plays: steps, the client's requests as the log shows them, verdicts."""

    def __init__(self, console: Console | None = None, lang: str = "en") -> None:
        self.console = console or Console(highlight=False, soft_wrap=True)
        self.lang = lang
        self.total = 0

    def begin(self, scenario: Scenario, stage: Stage, env: dict[str, str], client_cmd: str | None) -> None:
        self.total = len(scenario.steps)
        self.console.print(f"[bold]{escape(scenario.title[self.lang])}[/] ({escape(scenario.clause)})")
        self.console.print(f"  contract {stage.contract_id} on {env['WEB21_SANDBOX_URL']}")
        for note in stage.notes:
            self.console.print(f"  [yellow]note:[/] {escape(note)}")
        if client_cmd:
            self.console.print(f"  client: {escape(client_cmd)}")
            return
        self.console.print(
            "  no --client-cmd: run your client with these variables, then follow the prompts:"
        )
        for name, value in env.items():
            self.console.print(f"    export {name}={escape(value)}")

    def step(self, step: Step) -> None:
        self.console.print(f"[cyan][{step.index}/{self.total}][/] {escape(step.title)}")

    def request(self, entry: dict[str, Any]) -> None:
        self.console.print(f"      [dim]· {escape(describe_entry(entry))}[/]")

    def reply(self, reply: dict[str, Any]) -> None:
        shown = {k: v for k, v in reply.items() if k != "id"}
        colour = "green" if reply.get("ok") else "yellow"
        self.console.print(f"      [{colour}]← {escape(_short(json.dumps(shown, ensure_ascii=False)))}[/]")

    def outcome(self, outcome: Outcome) -> None:
        self.console.print(f"      {_mark(outcome)} {escape(outcome.message)}")

    def say(self, text: str) -> None:
        self.console.print(f"      {escape(text)}")

    @contextlib.contextmanager
    def waiting(self, text: str) -> Iterator[None]:
        if self.console.is_terminal:
            with self.console.status(escape(text)):
                yield
        else:
            yield


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render(run: Run, console: Console, lang: str = "en") -> None:
    """The report: verdict, each expectation with its evidence, the timeline."""
    scenario = run.scenario
    console.rule(f"{escape(scenario.name)}: {escape(scenario.title[lang])} ({escape(scenario.clause)})")
    console.print(escape(scenario.summary[lang]))
    verdict = "[green]PASSED[/]" if run.passed else "[red]FAILED[/]"
    failed = len(run.failures)
    detail = (
        f"{failed} of {len(run.outcomes)} expectations failed"
        if failed
        else f"{len(run.outcomes)} expectations"
    )
    console.print(f"\n{verdict}  {detail}  contract {run.contract_id or '-'}  {run.seconds:.1f} s")
    if run.aborted:
        console.print(f"[red]stopped early:[/] {escape(run.aborted)}")
    console.print("\n[bold]Expectations[/]")
    for outcome in run.outcomes:
        _expectation(outcome, console)
    if run.protocol:
        console.print("\n[bold]Answers that do not follow the protocol[/] (web21-sandbox scenario protocol)")
        for problem in run.protocol:
            console.print(f"  [yellow]{escape(problem)}[/]")
    if run.timeline:
        console.print("\n[bold]Timeline[/] (contract time)")
        for line in timeline_lines(run.timeline):
            console.print(f"  [dim]{escape(line)}[/]")
    if not run.passed and run.client_log:
        console.print("\n[bold]Client log[/] (last lines)")
        for line in run.client_log[-12:]:
            console.print(f"  [dim]{escape(line)}[/]")


def _expectation(outcome: Outcome, console: Console) -> None:
    """One judged expectation: its verdict, why it matters when it failed, and its evidence."""
    step = outcome.step
    console.print(f" {_mark(outcome)} step {step.index}: {escape(step.title)} — {escape(outcome.message)}")
    if outcome.passed is False and step.why:
        console.print(f"     [yellow]why it matters:[/] {escape(step.why)}")
    if outcome.passed is False and outcome.wanted:
        console.print(f"     [yellow]wanted:[/] {escape(outcome.wanted)}")
        console.print("     [yellow]saw:[/]" + ("" if outcome.evidence else " nothing"))
    for entry in outcome.evidence:
        console.print(f"     [dim]{escape(describe_entry(entry))}[/]")


def timeline_lines(entries: list[dict[str, Any]]) -> list[str]:
    shown = entries[-MAX_TIMELINE:]
    skipped = len(entries) - len(shown)
    lines = [f"… {skipped} earlier entries"] if skipped else []
    return lines + [f"{e.get('at', '')}  {e.get('kind', ''):<10} {e.get('summary', '')}" for e in shown]


def junit(runs: list[Run]) -> ET.ElementTree:
    """JUnit XML: a test suite per scenario, a test case per expectation (and one for a stopped run)."""
    root = ET.Element("testsuites", name="web21-sandbox scenarios")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for run in runs:
        suite = _suite(run)
        root.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
    root.attrib.update({k: str(v) for k, v in totals.items()})
    root.set("time", f"{sum(r.seconds for r in runs):.3f}")
    ET.indent(root)
    return ET.ElementTree(root)


def _suite(run: Run) -> ET.Element:
    scenario = run.scenario
    suite = ET.Element("testsuite", name=scenario.name, time=f"{run.seconds:.3f}")
    props = ET.SubElement(suite, "properties")
    for name, value in (
        ("clause", scenario.clause),
        ("title", scenario.title["en"]),
        ("contract", run.contract_id or ""),
    ):
        ET.SubElement(props, "property", name=name, value=value)
    counts = {"tests": len(run.outcomes), "failures": 0, "errors": 0, "skipped": 0}
    for outcome in run.outcomes:
        verdict = _case(suite, scenario.name, outcome)
        if verdict:
            counts[verdict] += 1
    if run.aborted:
        case = ET.SubElement(suite, "testcase", classname=f"scenario.{scenario.name}", name="run", time="0")
        error = ET.SubElement(case, "error", message=run.aborted.splitlines()[0], type="aborted")
        error.text = run.aborted
        counts["tests"] += 1
        counts["errors"] += 1
    out = ET.SubElement(suite, "system-out")
    out.text = "\n".join([*(f"protocol: {p}" for p in run.protocol), *timeline_lines(run.timeline)])
    suite.attrib.update({k: str(v) for k, v in counts.items()})
    return suite


def _case(suite: ET.Element, scenario: str, outcome: Outcome) -> str | None:
    """Add one expectation's test case; return the counter it adds to (skipped, failures) if any."""
    step = outcome.step
    case = ET.SubElement(
        suite,
        "testcase",
        classname=f"scenario.{scenario}",
        name=f"step {step.index}: {step.title}",
        time=f"{outcome.seconds:.3f}",
    )
    if outcome.passed is None:
        ET.SubElement(case, "skipped", message=outcome.message)
        return "skipped"
    if outcome.passed:
        return None
    evidence = "\n".join("  " + describe_entry(e) for e in outcome.evidence)
    saw = f"saw:\n{evidence}" if evidence else "saw: nothing"
    wanted = outcome.wanted and f"wanted: {outcome.wanted}"
    failure = ET.SubElement(case, "failure", message=outcome.message, type="expectation")
    failure.text = "\n".join(x for x in (step.why and f"why: {step.why}", wanted, saw) if x)
    return "failures"


def write_junit(runs: list[Run], path: str | Path) -> None:
    junit(runs).write(path, encoding="utf-8", xml_declaration=True)
