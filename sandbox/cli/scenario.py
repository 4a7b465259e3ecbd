"""``web21-sandbox scenario``: list, show, check and run rehearsal scenarios (DESIGN §6)."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import click
from rich.console import Console

from sandbox import config
from sandbox.cli.options import CONTEXT, contract_option, pass_client
from sandbox.client import ControlClient
from sandbox.scenario import model, protocol
from sandbox.scenario.grader import Run
from sandbox.scenario.report import Progress, render, write_junit
from sandbox.scenario.runner import Runner
from sandbox.scenario.target import LocalServer, RunAbort, Sandbox, check_reachable

dir_option = click.option(
    "--dir",
    "directory",
    default=lambda: os.environ.get("WEB21_SANDBOX_SCENARIO_DIR", config.DEFAULTS["SCENARIO_DIR"]),
    show_default="scenarios/",
    help="Directory of scenario files.",
)
lang_option = click.option(
    "--lang",
    type=click.Choice(["en", "ja"]),
    default="en",
    show_default=True,
    help="Language of the titles and the report.",
)


def _load(name: str, directory: str) -> model.Scenario:
    try:
        return model.load(model.find(name, directory))
    except model.ScenarioError as exc:
        raise click.ClickException(str(exc)) from exc


@click.group(context_settings=CONTEXT)
def scenario() -> None:
    """Rehearsal scenarios: timed stories of clock moves, faults and incidents that grade a client.

    \b
    Example:
      web21-sandbox scenario list
      web21-sandbox scenario run token-refresh --client-cmd "python -m sandbox.scenario.reference_client"
    """


@scenario.command("list")
@dir_option
@lang_option
def list_(directory: str, lang: str) -> None:
    """List the scenarios with the clause each rehearses.

    \b
    Example:
      web21-sandbox scenario list --lang ja
    """
    for path in model.bundled(directory):
        try:
            found = model.load(path)
        except model.ScenarioError as exc:
            click.echo(f"{path.stem:<24} INVALID: {exc.problems[0]}")
            continue
        click.echo(f"{found.name:<24} {found.clause:<10} {found.title[lang]}")


@scenario.command("show")
@click.argument("name")
@dir_option
@lang_option
def show(name: str, directory: str, lang: str) -> None:
    """Show a scenario: what it rehearses, its setup and its steps.

    \b
    Example:
      web21-sandbox scenario show lost-response
    """
    found = _load(name, directory)
    click.echo(f"{found.name}: {found.title[lang]} ({found.clause})\n")
    click.echo(found.summary[lang] + "\n")
    setup = found.setup
    where = (
        f"existing contract {setup.contract}"
        if setup.contract
        else f"a fresh contract from world {setup.world!r}"
    )
    click.echo(f"setup: {where}" + (f", clock frozen at {setup.start.isoformat()}" if setup.start else ""))
    if setup.settings:
        click.echo("settings: " + ", ".join(f"{k}={v}" for k, v in setup.settings.items()))
    click.echo(f"needs: {', '.join(found.needs) or 'nothing beyond the core'}\nsteps:")
    for step in found.steps:
        label = f" [{step.label}]" if step.label else ""
        click.echo(f"  {step.index:>2}. {step.title}{label}")
        if step.why:
            click.echo(f"      why: {step.why}")


@scenario.command("check")
@click.argument("files", nargs=-1, required=True)
@dir_option
def check(files: tuple[str, ...], directory: str) -> None:
    """Check scenario files (or names) without running them; exit 1 when any has a problem.

    \b
    Example:
      web21-sandbox scenario check scenarios/*.yaml
    """
    bad = 0
    for name in files:
        try:
            found = model.load(model.find(name, directory))
        except model.ScenarioError as exc:
            bad += 1
            click.echo(str(exc), err=True)
            continue
        click.echo(
            f"ok  {found.path}  ({len(found.steps)} steps; needs {', '.join(found.needs) or 'core only'})"
        )
    if bad:
        raise click.ClickException(f"{bad} of {len(files)} scenario file(s) have problems")


@scenario.command("protocol")
@click.option("--command", "name", help="Only this command's message and answer.")
def protocol_(name: str | None) -> None:
    """Print the client protocol as a JSON Schema, its graded fields marked x-graded.

    Every command the runner sends and every answer a client gives (version jsonl-1).

    \b
    Example:
      web21-sandbox scenario protocol > protocol.schema.json
      web21-sandbox scenario protocol --command sync
    """
    document = protocol.schema()
    if name is not None:
        if name not in document["$defs"]["commands"]:
            raise click.ClickException(f"no command {name!r}; known: {', '.join(protocol.names())}")
        document = {
            "command": document["$defs"]["commands"][name],
            "answer": document["$defs"]["answers"][name],
        }
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))


@contextlib.contextmanager
def _served(client: ControlClient, console: Console) -> Iterator[ControlClient]:
    """The sandbox to play on: the one at ``--url``, else a local server started for the run over
    ``--db`` when it was given, else over a temporary database of its own (removed afterwards)."""
    try:
        if client.url:
            check_reachable(client.url)
            yield client
            return
        chosen = click.get_current_context().find_root().get_parameter_source("db")
        with contextlib.ExitStack() as stack:
            local = client
            if chosen == click.core.ParameterSource.DEFAULT:  # its admin key, too, stays in the temp dir
                where = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="web21-run-")))
                local = ControlClient(db=str(where / "run.db"), key=client.given_key)
                console.print(f"[dim]a temporary sandbox for this run ({local.db}); --db keeps one[/]")
            url = stack.enter_context(LocalServer(local.db, local.key))
            yield ControlClient(db=local.db, url=url, key=local.key)
    except RunAbort as exc:
        raise click.ClickException(str(exc)) from exc


@scenario.command("run")
@click.argument("names", nargs=-1)
@click.option("--all", "run_all", is_flag=True, help="Run every scenario of --dir.")
@click.option("--client-cmd", help="Start this command as the client under test (JSON commands on stdin).")
@click.option("--junit", "junit_path", type=click.Path(dir_okay=False), help="Write JUnit XML here.")
@contract_option(
    required=False,
    help="Play on this existing contract (e.g. a workshop participant's, with its contract key) "
    "instead of a fresh one.",
)
@click.option("--keep", is_flag=True, help="Keep the contracts the run made (default: archive them).")
@dir_option
@lang_option
@pass_client
def run(
    client: ControlClient,
    names: tuple[str, ...],
    run_all: bool,
    client_cmd: str | None,
    junit_path: str | None,
    contract_id: str | None,
    keep: bool,
    directory: str,
    lang: str,
) -> None:
    """Play scenarios against a client and grade it; exit 1 when any expectation fails.

    Without --url a local server is started on a free port for the run, over a temporary database
    (or over --db when given). The contracts a run makes are archived at its end (--keep keeps
    them); Ctrl-C stops it with its partial report, its fault rules removed and incidents ended.
    Without --client-cmd the client's variables are printed and each command becomes a prompt.

    \b
    Example:
      web21-sandbox scenario run happy-path --client-cmd "python -m sandbox.scenario.reference_client"
      web21-sandbox scenario run --all --client-cmd "./my-erp-driver" --junit scenarios.xml
      web21-sandbox --url http://workshop:8021 --key sbx_w0007_... scenario run token-refresh \\
          --contract W0007 --client-cmd "python -m my_app.driver"
    """
    if run_all:
        names = tuple(p.stem for p in model.bundled(directory))
    if not names:
        raise click.UsageError("name a scenario (or file), or pass --all")
    scenarios = [_load(name, directory) for name in names]
    console = Console(highlight=False, soft_wrap=True)
    runs: list[Run] = []
    with _served(client, console) as served:
        for found in scenarios:
            runs.append(_play(found, served, client_cmd, contract_id, keep, console, lang))
            if runs[-1].interrupted:
                break
    if junit_path:
        write_junit(runs, Path(junit_path))
        console.print(f"JUnit XML written to {junit_path}")
    if len(runs) > 1:
        _summary(runs, console)
    if any(r.interrupted for r in runs):
        raise SystemExit(130)  # the shell's code for Ctrl-C
    if not all(r.passed for r in runs):
        raise SystemExit(1)


def _play(
    found: model.Scenario,
    served: ControlClient,
    client_cmd: str | None,
    contract_id: str | None,
    keep: bool,
    console: Console,
    lang: str,
) -> Run:
    """Run one scenario with live progress, then print its report."""
    progress = Progress(console, lang)
    runner = Runner(
        found, Sandbox(served), client_cmd=client_cmd, progress=progress, contract=contract_id, keep=keep
    )
    result = runner.run()
    render(result, console, lang)
    return result


def _summary(runs: list[Run], console: Console) -> None:
    console.rule("summary")
    for result in runs:
        console.print(
            f"  {'PASS' if result.passed else 'FAIL'}  {result.scenario.name:<24} {result.seconds:6.1f} s"
        )
