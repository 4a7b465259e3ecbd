"""What a run leaves behind: nothing (issue 14). At its end — finished, stopped early or interrupted
with Ctrl-C — the runner removes the fault rules it added, ends the incidents it started that are
still in force, sets an adopted contract's clock running again, and archives the contracts it made
(``POST /sandbox/v1/contracts/{id}/archive``; kept with ``--keep``). Each part is tried even when an
earlier one failed, and what could not be done is said, never raised.
"""

from __future__ import annotations

from collections.abc import Callable

from sandbox.scenario.setup import Stage
from sandbox.scenario.target import RunAbort, Sandbox
from sandbox.scenario.world import World


def undo_world(sandbox: Sandbox, stage: Stage, world: World | None) -> list[str]:
    """Remove the run's fault rules, end its incidents, resume an adopted contract's clock."""
    said: list[str] = []
    if world is not None:
        _try(said, "remove the run's fault rules", world.undo_faults)
        _try(said, "end the run's incidents", world.end_incidents)
    if stage.resume_clock:
        path = f"/contracts/{stage.contract_id}/clock"
        _try(said, "set the clock running again", lambda: sandbox.call("PUT", path, {"mode": "running"}))
    return said


def archive_made(sandbox: Sandbox, made: list[str], keep: bool) -> list[str]:
    """Archive the contracts the run made (``made``: a parent first; its children go with it)."""
    if not made:
        return []
    top = made[0]
    if keep:
        return [f"contract {', '.join(made)} kept (--keep)"]
    try:
        done = sandbox.call("POST", f"/contracts/{top}/archive")["archived"]
    except RunAbort as exc:
        return [f"could not archive contract {top}: {exc}"]
    return [f"contract {', '.join(done)} archived (contracts list --archived shows it; --keep keeps it)"]


def _try(said: list[str], what: str, action: Callable[[], object]) -> None:
    try:
        action()
    except RunAbort as exc:
        said.append(f"could not {what}: {exc}")
