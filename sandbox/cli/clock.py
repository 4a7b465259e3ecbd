"""``web21-sandbox clock``: show, advance, set, freeze and resume contract clocks."""

from __future__ import annotations

from typing import Any

import click

from sandbox.cli.options import CONTEXT, contract_option, pass_client
from sandbox.client import ControlClient


def _line(view: dict[str, Any]) -> str:
    day = "business day" if view["businessDay"] else f"holiday ({view.get('holidayName', '')})"
    nxt = (
        f", next event {view['nextEvent']['kind']} at {view['nextEvent']['at']}"
        if view.get("nextEvent")
        else ""
    )
    return f"{view['contractId']}  {view['now']}  {view['mode']:<7}  {day}{nxt}"


def _targets(client: ControlClient, contract_id: str | None) -> list[str]:
    if contract_id:
        return [contract_id]
    return [c["contractId"] for c in client.call("GET", "/contracts")["contracts"]]


every_contract = contract_option(required=False, help="One contract (default: every contract).")


@click.group(context_settings=CONTEXT)
def clock() -> None:
    """Contract clocks: each contract has its own, running or frozen, moving forward only.

    \b
    Example:
      web21-sandbox clock show
      web21-sandbox clock advance 90m --contract C0001
      web21-sandbox clock set 2026-12-30T14:59:00+09:00 --contract C0001
    """


@clock.command("show")
@every_contract
@pass_client
def show(client: ControlClient, contract_id: str | None) -> None:
    """Show the clock of one contract or of all.

    \b
    Example:
      web21-sandbox clock show --contract C0001
    """
    for cid in _targets(client, contract_id):
        click.echo(_line(client.call("GET", f"/contracts/{cid}/clock")))


@clock.command("advance")
@click.argument("duration")
@every_contract
@pass_client
def advance(client: ControlClient, duration: str, contract_id: str | None) -> None:
    """Move clocks forward by DURATION (90m, 2h, 3d, 1w or ISO 8601 like PT2H), running due events.

    \b
    Example:
      web21-sandbox clock advance 3d --contract C0001
      web21-sandbox clock advance PT2H          # every contract
    """
    if contract_id:
        view = client.call("POST", f"/contracts/{contract_id}/clock/advance", {"by": duration})
        click.echo(f"{_line(view)}  ({view['eventsRun']} events run)")
        return
    for moved in client.call("POST", "/clock/advance", {"by": duration})["contracts"]:
        click.echo(f"{moved['contractId']}  {moved['now']}  ({moved['eventsRun']} events run)")


@clock.command("set")
@click.argument("instant")
@every_contract
@pass_client
def set_(client: ControlClient, instant: str, contract_id: str | None) -> None:
    """Move clocks forward to INSTANT (ISO 8601; a time without offset is JST).

    \b
    Example:
      web21-sandbox clock set 2027-01-04T08:59:00+09:00 --contract C0001
    """
    for cid in _targets(client, contract_id):
        view = client.call("POST", f"/contracts/{cid}/clock/advance", {"to": instant})
        click.echo(f"{_line(view)}  ({view['eventsRun']} events run)")


def _mode(client: ControlClient, contract_id: str | None, mode: str) -> None:
    for cid in _targets(client, contract_id):
        click.echo(_line(client.call("PUT", f"/contracts/{cid}/clock", {"mode": mode})))


@clock.command("freeze")
@every_contract
@pass_client
def freeze(client: ControlClient, contract_id: str | None) -> None:
    """Stop clocks where they are (time stands still until advanced or resumed).

    \b
    Example:
      web21-sandbox clock freeze --contract C0001
    """
    _mode(client, contract_id, "frozen")


@clock.command("resume")
@every_contract
@pass_client
def resume(client: ControlClient, contract_id: str | None) -> None:
    """Let frozen clocks run again with the wall clock, from where they stand.

    \b
    Example:
      web21-sandbox clock resume --contract C0001
    """
    _mode(client, contract_id, "running")
