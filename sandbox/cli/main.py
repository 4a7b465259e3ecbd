"""The ``web21-sandbox`` command line: one click group, kebab-case commands, an example in every help.

Commands that change the sandbox go through the control API: in-process on the local database by
default, or over HTTP to a running sandbox with ``--url`` / ``WEB21_SANDBOX_URL`` (a workshop container).
Every command is added to the group below, by name, in one list.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import click

from sandbox.cli import (
    bulk,
    clock,
    contracts,
    faults,
    incidents,
    logs,
    oauth,
    scenario,
    serve,
    transfer,
    transfers,
    workshop,
)
from sandbox.cli.options import CONTEXT
from sandbox.client import ControlClient, ControlError, default_db


class Commands(click.Group):
    """The group that turns a refused control call into click's error (message, exit 1) in one place."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ControlError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=Commands, context_settings=CONTEXT)
@click.option(
    "--db",
    default=default_db,
    show_default="var/sandbox.db",
    envvar="WEB21_SANDBOX_DATABASE",
    help="SQLite file of the local sandbox.",
)
@click.option(
    "--url",
    envvar="WEB21_SANDBOX_URL",
    callback=lambda _ctx, _param, value: base_url(value),
    help="Drive a running sandbox over HTTP instead of the local file (http://host:port).",
)
@click.option(
    "--key",
    envvar=["WEB21_SANDBOX_KEY", "WEB21_SANDBOX_ADMIN_KEY"],
    help="X-Sandbox-Key: an admin or contract key (default: WEB21_SANDBOX_KEY, WEB21_SANDBOX_ADMIN_KEY, "
    "else the admin key file beside --db).",
)
@click.version_option(package_name="web21-sandbox")
@click.pass_context
def main(ctx: click.Context, db: str, url: str | None, key: str | None) -> None:
    """web21-sandbox: a local, unofficial sandbox of a Japanese corporate bank's server-connection API.

    \b
    Example:
      web21-sandbox serve                 # seed the demo world if needed and serve on 127.0.0.1:8021
      web21-sandbox contracts list
      web21-sandbox clock advance 3d --contract C0001
    """
    ctx.obj = ControlClient(db=db, url=url, key=key)


def base_url(value: str | None) -> str | None:
    """``--url`` as the sandbox's base URL: a scheme is required; a pasted ``/sandbox/v1`` or ``/`` is dropped."""
    if value is None:
        return None
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise click.BadParameter(f"{value!r} is not a URL like http://127.0.0.1:8021", param_hint="--url")
    path = parts.path.rstrip("/")
    path = path.removesuffix("/sandbox/v1").removesuffix("/sandbox/ui")
    return f"{parts.scheme}://{parts.netloc}{path}"


# The sandbox itself
main.add_command(serve.serve)
main.add_command(serve.reset)
main.add_command(serve.seed)
main.add_command(workshop.workshop)
# A contract's state
main.add_command(contracts.contracts)
main.add_command(contracts.otp)
main.add_command(contracts.deposit)
main.add_command(clock.clock)
main.add_command(transfers.transfers)
main.add_command(transfer.transfer)
main.add_command(bulk.bulk)
# OAuth: clients, tokens, users
main.add_command(oauth.client)
main.add_command(oauth.token)
main.add_command(oauth.user)
# Rehearsing failures and seeing what happened
main.add_command(faults.fault)
main.add_command(incidents.incident)
main.add_command(logs.requests_)
main.add_command(logs.timeline_)
main.add_command(scenario.scenario)
