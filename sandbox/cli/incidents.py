"""``web21-sandbox incident <type>|list|end``: bank-side incidents that change real state."""

from __future__ import annotations

from typing import Any

import click

from sandbox.cli.options import CONTEXT, contract_option, pass_client
from sandbox.client import ControlClient
from sandbox.incidents.types import KINDS


@click.group(context_settings=CONTEXT)
def incident() -> None:
    """Bank-side incidents that change real state: revoked tokens, a suspended contract, maintenance...

    \b
    Example:
      web21-sandbox incident suspend --contract C0001
      web21-sandbox incident maintenance --contract C0001 --start 2026-04-01T23:00 --duration 2h --recur nightly
      web21-sandbox incident revoke-tokens --contract C0001 --user c0001-clerk --in 30m
      web21-sandbox incident list --contract C0001
    """


INCIDENT_OPTIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "userId": ("--user", {"help": "利用者ID."}),
    "clientId": ("--client", {"help": "Client ID."}),
    "services": ("--services", {"help": "Comma-separated: account,transfer,transfer-approval."}),
    "privileges": ("--privileges", {"help": "Comma-separated new privileges (empty string: none)."}),
    "password": ("--password", {"help": "The new password (default: generated, printed once)."}),
    "start": ("--start", {"help": "Window start, contract time (default: now)."}),
    "end": ("--end", {"help": "Window end, contract time."}),
    "duration": ("--duration", {"help": "Window length: 90m, 2h, 1d..."}),
    "recur": ("--recur", {"type": click.Choice(["nightly", "weekly"]), "help": "Repeat the window."}),
    "until": ("--until", {"help": "Last time a recurring window may start."}),
    "grace": ("--grace", {"help": "How long the old key keeps working (e.g. 1h)."}),
    "applyNo": ("--apply-no", {"help": "applyNo of the executed transfer."}),
    "reason": (
        "--reason",
        {"help": "Why the funds came back (item-outcome: a reason code, docs/transfers.md)."},
    ),
    "itemId": ("--item", {"type": int, "help": "Item number of the transfer or bulk transfer (default 1)."}),
    "outcome": (
        "--outcome",
        {"type": click.Choice(["refuse", "return"]), "help": "refuse (不能) or return (資金返却)."},
    ),
    "itemIds": ("--items", {"help": "Comma-separated item numbers (default: every paid other-bank item)."}),
}
LISTS = ("services", "privileges", "itemIds")


def _incident_command(kind: str) -> click.Command:
    """``incident KIND``: its options are the incident type's fields (DESIGN §5), plus when to apply it."""

    @pass_client
    def command(
        client: ControlClient, contract_id: str, at: str | None, in_: str | None, **options: Any
    ) -> None:
        shown = client.call("POST", f"/contracts/{contract_id}/incidents", _body(kind, at, in_, options))
        click.echo(_incident_line(shown))
        if "password" in shown:
            click.echo(f"new password for {shown['params']['userId']}: {shown['password']}")

    command.__doc__ = (
        f"{KINDS[kind].summary}\n\n\b\nExample:\n  web21-sandbox incident {kind} --contract C0001"
        + _example(kind)
    )
    for name in reversed(KINDS[kind].fields):
        flag, extra = INCIDENT_OPTIONS[name]
        command = click.option(flag, name, **extra)(command)
    if kind == "return-funds":
        command = click.option("--days", type=int, help="The funds come back after this many days.")(command)
    command = click.option("--in", "in_", help="Apply after this long on the contract clock (e.g. 2h).")(
        command
    )
    command = click.option("--at", help="Apply at this contract time (ISO 8601).")(command)
    return click.command(kind, context_settings=CONTEXT)(contract_option()(command))


def _body(kind: str, at: str | None, in_: str | None, options: dict[str, Any]) -> dict[str, Any]:
    """``POST /sandbox/v1/contracts/{id}/incidents`` from the command's options (lists split on commas)."""
    body: dict[str, Any] = {"type": kind}
    for name in KINDS[kind].fields:
        value = options.get(name)
        if value is not None:
            body[name] = [v for v in value.split(",") if v] if name in LISTS else value
    if at:
        body["at"] = at
    if in_:
        body["in"] = in_
    if options.get("days") is not None:
        body["days"] = options["days"]
    return body


def _example(kind: str) -> str:
    return {
        "revoke-tokens": " --user c0001-clerk",
        "withdraw-service": " --services transfer",
        "reinstate-service": " --services transfer",
        "maintenance": " --duration 2h --in 30m",
        "rotate-key": " --grace 1h",
        "password-change": " --user c0001-clerk",
        "privilege-change": " --user c0001-clerk --privileges account",
        "double-login": " --user c0001-clerk --duration 15m",
        "return-funds": " --apply-no 2026040100000001 --days 2",
        "item-outcome": " --apply-no 2026040190000001 --item 3 --outcome refuse --reason closed",
        "recall": " --apply-no 2026040100000001",
    }.get(kind, "")


for _kind in KINDS:
    incident.add_command(_incident_command(_kind))


def _incident_line(shown: dict[str, Any]) -> str:
    when = shown.get("appliedAt") or shown.get("dueAt")
    window = f" {shown['startsAt']}..{shown.get('endsAt', '')}" if shown.get("startsAt") else ""
    params = " ".join(f"{k}={_readable(v)}" for k, v in shown["params"].items())
    result = f" → {_readable(shown['result'])}" if shown.get("result") else ""
    return f"#{shown['incidentId']} {shown['type']} {shown['status']} at {when}{window}{' ' + params if params else ''}{result}"


def _readable(result: Any) -> str:
    """An incident's result as text: ``before=active after=suspended``, never a Python repr."""
    if isinstance(result, dict):
        return " ".join(f"{k}={_readable(v)}" for k, v in result.items())
    if isinstance(result, list):
        return ",".join(_readable(v) for v in result) or "(none)"
    return str(result)


@incident.command("list")
@contract_option()
@pass_client
def incident_list(client: ControlClient, contract_id: str) -> None:
    """List a contract's incidents: scheduled, active windows, done, failed, cancelled.

    \b
    Example:
      web21-sandbox incident list --contract C0001
    """
    for shown in client.call("GET", f"/contracts/{contract_id}/incidents")["incidents"]:
        click.echo(_incident_line(shown))


@incident.command("end")
@click.argument("incident_id", type=int)
@contract_option()
@pass_client
def incident_end(client: ControlClient, incident_id: int, contract_id: str) -> None:
    """Cancel a scheduled incident, or close a window now (maintenance over, the user logged out).

    \b
    Example:
      web21-sandbox incident end 3 --contract C0001
    """
    click.echo(_incident_line(client.call("DELETE", f"/contracts/{contract_id}/incidents/{incident_id}")))
