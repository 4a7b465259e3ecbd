"""Play a scenario: set the stage, start the client under test, run each step on the contract clock,
and grade each expectation from what the client was seen to do.

Steps run in order. World steps (clock, settings, deposit, fault, incident) call the control API;
``client`` steps hand the client a command and wait for its answer; ``wait`` blocks until a request or
timeline entry appears; ``expect``/``expect_not`` are judged over a window of the request log or the
timeline (``since``/``until`` a labelled step, default the whole run).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox.scenario import cleanup, grader, protocol, world
from sandbox.scenario.channel import ClientGone, Handler, InProcessClient, ManualClient, ProcessClient
from sandbox.scenario.grader import Outcome, Run
from sandbox.scenario.report import Progress
from sandbox.scenario.setup import Stage, command_for, prepare, remember_evidence, remember_payment
from sandbox.scenario.target import RunAbort, Sandbox, Watcher
from sandbox.scenario.types import Scenario, Step, describe
from sandbox.scenario.world import World

INTERACTIVE_WITHIN = 2.0  # seconds an expectation waits when the client answers each command
SETTLE = 0.1  # seconds the log is given before a "never"/"at most" is judged
QUIET = 1.5  # a manual client is done with a command after this long without requests


@dataclass
class Mark:
    """The log position and timeline contents at the start and end of a step (for windows)."""

    start: int = 0
    end: int | None = None
    seen_start: set[str] = field(default_factory=set)
    seen_end: set[str] | None = None


class Runner:
    """One run of one scenario against one sandbox, with the client under test."""

    def __init__(
        self,
        scenario: Scenario,
        sandbox: Sandbox,
        *,
        client_cmd: str | None = None,
        in_process: Callable[[dict[str, str]], Handler] | None = None,
        progress: Progress | None = None,
        within: float = INTERACTIVE_WITHIN,
        contract: str | None = None,
        keep: bool = False,
    ) -> None:
        """``client_cmd`` starts the client under test; ``in_process`` builds one in this process
        (``make(env) -> handler``); with neither, a person drives it. ``within``: how long a failing
        expectation keeps watching when the client answers each command. ``contract``: play on this
        existing contract instead of a fresh one (a workshop participant's). ``keep``: do not archive
        the contracts the run made."""
        self.scenario, self.sandbox, self.contract, self.keep = scenario, sandbox, contract, keep
        self.made: list[str] = []  # contracts the run created, archived at its end
        self.client_cmd, self.in_process, self.within = client_cmd, in_process, within
        self.progress = progress or Progress()
        self.run_ = Run(scenario, url=sandbox.url)
        self.marks: dict[int, Mark] = {}
        self.replies: dict[int, dict[str, Any]] = {}
        self.stage: Stage | None = None
        self.world: World | None = None
        self.watcher: Watcher | None = None
        self.client: ProcessClient | InProcessClient | ManualClient | None = None
        self.uses_timeline = "timeline" in scenario.needs
        self.timeline_since: str | None = None
        self.boundary: tuple[int, set[str]] | None = None
        self.initial: set[str] = set()

    # -- the run ---------------------------------------------------------------------------------------

    def run(self) -> Run:
        started, result = time.monotonic(), self.run_
        try:
            self._start()
            for step in self.scenario.steps:
                self._play(step)
        except (RunAbort, ClientGone) as exc:
            result.aborted = str(exc)
            self._not_reached()
        except KeyboardInterrupt:  # Ctrl-C: the partial report, and everything undone, still follow
            result.aborted, result.interrupted = "interrupted (Ctrl-C)", True
            self._not_reached()
        finally:
            self._finish()
            result.seconds = time.monotonic() - started
        return result

    def _start(self) -> None:
        self.stage = stage = prepare(self.sandbox, self.scenario, self.contract, self.made)
        self.world = World(self.sandbox, stage)
        self.run_.contract_id = stage.contract_id
        missing = self.sandbox.missing(self.scenario.needs, stage.contract_id)
        if missing:
            self.run_.missing = missing
            raise RunAbort(f"this sandbox does not serve {', '.join(missing)}, which the scenario needs")
        self.watcher = Watcher(self.sandbox, stage.contract_id, self.progress.request)
        self.watcher.start()
        self.timeline_since = self.sandbox.call("GET", f"/contracts/{stage.contract_id}/clock")["now"]
        self.initial = self._timeline_keys()  # what the contract's timeline held before the run
        env = stage.env(self.sandbox.url, self.scenario.name)
        self.progress.begin(self.scenario, stage, env, self.client_cmd)
        self.client = self._client(env)
        self.client.start()

    def _client(self, env: dict[str, str]) -> ProcessClient | InProcessClient | ManualClient:
        """The client under test: built in this process, started as a command, or a person."""
        if self.in_process:
            return InProcessClient(self.in_process, env)
        if self.client_cmd:
            return ProcessClient(self.client_cmd, env)
        return ManualClient(self.progress.say)

    def _finish(self) -> None:
        if self.client is not None:
            self.client.stop()
            self.run_.client_log = list(self.client.stderr)
        said = cleanup.undo_world(self.sandbox, self.stage, self.world) if self.stage else []
        if self.watcher is not None:
            try:
                self.watcher.poll()
                self.run_.timeline = self._timeline()
            except RunAbort as exc:
                self.run_.aborted = self.run_.aborted or str(exc)
            self.run_.requests = self.watcher.entries
        for line in [*said, *cleanup.archive_made(self.sandbox, self.made, self.keep)]:
            self.progress.say(line)

    def _not_reached(self) -> None:
        judged = {o.step.index for o in self.run_.outcomes}
        for step in self.scenario.steps:
            if step.kind in ("expect", "expect_not") and step.index not in judged:
                self.run_.outcomes.append(
                    Outcome(step, False, "not reached: the run stopped before this step")
                )

    # -- steps -----------------------------------------------------------------------------------------

    def _play(self, step: Step) -> None:
        assert self.watcher is not None and self.stage is not None
        self.progress.step(step)
        before = self.boundary or self._boundary()
        mark = Mark(start=before[0], seen_start=before[1])
        self.marks[step.index] = mark
        try:
            body = self.stage.fill(step.body) if step.kind in FILLED else step.body
        except RunAbort as exc:  # a {placeholder} the client never gave a value for
            if step.kind not in ("expect", "expect_not"):
                raise
            self.run_.outcomes.append(Outcome(step, False, f"cannot be judged: {exc}"))
        else:
            if step.kind in world.STEPS:
                self.progress.say(getattr(self.world, step.kind)(body))
            else:
                getattr(self, f"_do_{step.kind}")(step, body)
        self.boundary = self._boundary()  # the end of this step is the start of the next
        mark.end, mark.seen_end = self.boundary

    def _boundary(self) -> tuple[int, set[str]]:
        """Where the log and the timeline stand between two steps."""
        self.watcher.poll()
        return self.watcher.last_id, self._timeline_keys()

    def _do_client(self, step: Step, body: dict[str, Any]) -> None:
        command = command_for(self.sandbox, self.stage, body)
        timeout = (body.get("timeout") or self.scenario.timeout).total_seconds()
        if not self.client.interactive:
            self.client.send(command, timeout)
            self._quiet(timeout)
            return
        with self.progress.waiting(f"waiting for the client to answer {command['do']!r}…"):
            reply = self.client.send(command, timeout, idle=self.watcher.poll)
        self.replies[step.index] = reply
        for problem in protocol.problems(command["do"], reply):  # said, and kept for the report
            self.run_.protocol.append(f"step {step.index} ({command['do']}): {problem}")
            self.progress.say(f"answer does not follow the protocol: {problem}")
        result = reply.get("result") if isinstance(reply.get("result"), dict) else {}
        if result.get("applyNo"):  # for {applyNo}, {applyNo.<ref>}, {account.<ref>} in later steps
            remember_payment(self.sandbox, self.stage, command.get("ref"), str(result["applyNo"]))
        self.progress.reply(reply)

    def _quiet(self, timeout: float) -> None:
        """A person drives the client: wait for some activity, then for it to settle."""
        deadline, before = time.monotonic() + timeout, self.watcher.last_id
        last_change = None
        while time.monotonic() < deadline:
            if self.watcher.poll():
                last_change = time.monotonic()
            if last_change and self.watcher.last_id > before and time.monotonic() - last_change > QUIET:
                return
            time.sleep(0.2)
        self.progress.say("no client activity seen for this command; going on")

    def _do_wait(self, step: Step, body: dict[str, Any]) -> None:
        source = "request" if "request" in body else "timeline"
        timeout = (body.get("timeout") or self.scenario.timeout).total_seconds()
        deadline = time.monotonic() + timeout
        with self.progress.waiting(f"{describe(step)} (up to {timeout:g} s)…"):
            while not (
                found := grader.select(self._window(source, body.get("since"), None, step), body[source])
            ):
                if time.monotonic() >= deadline:
                    raise RunAbort(
                        f"step {step.index} ({describe(step)}): nothing matched within {timeout:g} s"
                    )
                time.sleep(0.2)
                self.watcher.poll()
        if step.label:
            remember_evidence(self.stage, step.label, found[0])

    def _do_expect(self, step: Step, body: dict[str, Any]) -> None:
        begun = time.monotonic()
        negative = "max" in body["count"] and body["source"] in ("request", "timeline")
        if negative:  # "never" and "at most" are judged once, after the log settles
            time.sleep(SETTLE)
            self.watcher.poll()
        deadline = time.monotonic() + (0 if negative else self._patience(body))
        while True:
            outcome = self._judge(step, body)
            settled = not self.watcher.pending or body["source"] == "reply"  # a held request may change it
            if (outcome.passed is not False and settled) or time.monotonic() >= deadline:
                break
            time.sleep(0.2)
            self.watcher.poll()
        outcome.seconds = time.monotonic() - begun
        if step.label and outcome.passed and outcome.evidence and body["source"] in ("request", "timeline"):
            remember_evidence(self.stage, step.label, outcome.evidence[0])  # {<label>.<field>}
        self.run_.outcomes.append(outcome)
        self.progress.outcome(outcome)

    _do_expect_not = _do_expect

    def _patience(self, body: dict[str, Any]) -> float:
        """Seconds a failing expectation keeps watching: its ``within``, the scenario's, else a default."""
        within = body.get("within") or self.scenario.within
        if within:
            return within.total_seconds()
        return self.within if self.client.interactive else self.scenario.timeout.total_seconds()

    def _judge(self, step: Step, body: dict[str, Any]) -> Outcome:
        source = body["source"]
        if source == "reply":
            of = self._step_index(body.get("of")) if body.get("of") else self._last_client(step)
            return grader.judge(step, [], self.replies.get(of) if self.client.interactive else None, body)
        kind = "timeline" if source == "timeline" else "request"
        return grader.judge(step, self._window(kind, body.get("since"), body.get("until"), step), body=body)

    # -- windows ---------------------------------------------------------------------------------------

    def _window(self, source: str, since: str | None, until: str | None, step: Step) -> list[dict[str, Any]]:
        """Entries from the start of step ``since`` (default: the run's start) to the end of ``until``."""
        labelled = since and since != "start"
        start = self.marks[self._step_index(since)] if labelled else Mark(seen_start=self.initial)
        end = self.marks[self._step_index(until)] if until else None
        if source == "request":
            return self.watcher.window(start.start, end.end if end else None)
        seen_end = end.seen_end or set() if end else None
        return [
            e
            for e in self._timeline()
            if _key(e) not in start.seen_start and (seen_end is None or _key(e) in seen_end)
        ]

    def _step_index(self, label: str) -> int:
        return self.scenario.labels()[label].index

    def _last_client(self, step: Step) -> int:
        earlier = [s.index for s in self.scenario.steps if s.kind == "client" and s.index < step.index]
        return earlier[-1] if earlier else 0

    def _timeline(self) -> list[dict[str, Any]]:
        params = {"limit": 2000, **({"since": self.timeline_since} if self.timeline_since else {})}
        answer = self.sandbox.call("GET", f"/contracts/{self.stage.contract_id}/timeline", params=params)
        return [{k: v for k, v in e.items() if not k.startswith("_")} for e in answer.get("entries", [])]

    def _timeline_keys(self) -> set[str]:
        return {_key(e) for e in self._timeline()} if self.uses_timeline else set()


FILLED = ("fault", "incident", "deposit", "client", "settings", "wait", "expect", "expect_not")


def _key(entry: dict[str, Any]) -> str:
    return json.dumps(
        [entry.get("source"), entry.get("at"), entry.get("summary"), entry.get("data")],
        ensure_ascii=False,
        sort_keys=True,
    )
