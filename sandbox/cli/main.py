"""The ``web21-sandbox`` command line: one click group, kebab-case commands, an example in every help.

Commands that change the sandbox go through the control API: in-process on the local database by
default, or over HTTP to a running sandbox with ``--url`` / ``WEB21_SANDBOX_URL`` (a workshop container).
"""

from __future__ import annotations

import functools
import importlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from sandbox.http.client import ControlClient, default_db

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def client_of(ctx: click.Context) -> ControlClient:
    return ctx.find_object(ControlClient)


def pass_client(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Give a command the group's :class:`ControlClient` as its first argument."""

    @click.pass_context
    @functools.wraps(fn)
    def wrapper(ctx: click.Context, *args: Any, **kwargs: Any) -> Any:
        return fn(client_of(ctx), *args, **kwargs)

    return wrapper


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group(context_settings=CONTEXT)
@click.option(
    "--db",
    default=default_db,
    show_default="var/sandbox.db",
    envvar="WEB21_SANDBOX_DATABASE",
    help="SQLite file of the local sandbox.",
)
@click.option(
    "--url", envvar="WEB21_SANDBOX_URL", help="Drive a running sandbox over HTTP instead of the local file."
)
@click.option("--key", envvar="WEB21_SANDBOX_KEY", help="X-Sandbox-Key (default: the admin key beside --db).")
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


# -- serve / seed / reset ---------------------------------------------------------------------------


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8021, show_default=True, type=int)
@click.option(
    "--workers", default=lambda: int(os.environ.get("WEB21_SANDBOX_WORKERS", 2)), show_default="2", type=int
)
@click.option("--threads", default=4, show_default=True, type=int, help="Threads per worker.")
@click.option("--dev", is_flag=True, help="Flask's reloading development server instead of gunicorn.")
@click.option(
    "--world", default="demo", show_default=True, help="World to seed when the database is missing."
)
@click.option("--seed", "seed_value", default=21, show_default=True, type=int)
@click.pass_context
def serve(
    ctx: click.Context,
    host: str,
    port: int,
    workers: int,
    threads: int,
    dev: bool,
    world: str,
    seed_value: int,
) -> None:
    """Serve the sandbox, seeding WORLD first when the database does not exist.

    \b
    Example:
      web21-sandbox serve
      web21-sandbox serve --port 9000 --workers 4
      web21-sandbox serve --dev
    """
    from sandbox.app import create_app
    from sandbox.http import server
    from sandbox.http.control.auth import key_path
    from sandbox.seeding import worlds as seeding
    from sandbox.store import connect

    client = client_of(ctx)
    fresh = not Path(client.db).exists()
    app = create_app({"DATABASE": client.db, **({"ADMIN_KEY": client._key} if client._key else {})})
    if fresh:
        db = connect(client.db)
        with app.app_context():
            seeding.reset(db, world, seed_value)
        db.conn.close()
    _banner(
        client.db,
        host,
        port,
        app.config["ADMIN_KEY"] if client._key or os.environ.get("WEB21_SANDBOX_ADMIN_KEY") else None,
        key_path(client.db),
        fresh,
        world,
    )
    if dev:
        app.run(host=host, port=port, debug=True, use_reloader=True)
    else:
        server.run(app, host=host, port=port, workers=workers, threads=threads)


def _banner(
    db_path: str, host: str, port: int, env_key: str | None, key_file: Path, fresh: bool, world: str
) -> None:
    from sandbox.store import connect, get_meta

    db = connect(db_path)
    meta = json.loads(get_meta(db, "world") or "{}")
    db.conn.close()
    lines = [
        f"web21-sandbox (unofficial, not affiliated with any bank) on http://{host}:{port}",
        f"  database : {db_path}"
        + (f"  (seeded world {world!r})" if fresh else f"  (world {meta.get('world')!r})"),
        "  admin key: "
        + ("from WEB21_SANDBOX_ADMIN_KEY" if env_key else f"{key_file} (send it as X-Sandbox-Key)"),
        f"  API docs : http://{host}:{port}/docs",
        f"  dashboard: http://{host}:{port}/sandbox/ui/",
    ]
    creds = meta.get("credentials", [])
    if creds:
        lines.append(f"  demo users (password for all: {creds[0]['password']}):")
        for cred in creds:
            privs = ",".join(cred["privileges"]) or "-"
            lines.append(f"    {cred['contractId']}  {cred['userId']:<20} {cred['role']:<15} {privs}")
    for registered in meta.get("clients", []):
        lines.append(
            f"  client {registered['contractId']}: client_id={registered['clientId']} client_secret={registered['clientSecret']} redirect_uri={registered['redirectUri']}"
        )
    lines.append("  one-time passwords: web21-sandbox otp --contract C0001 --user c0001-approver")
    lines.append("Press Ctrl-C to stop.")
    click.echo("\n".join(lines), err=False)


@main.command()
@click.option("--world", default="demo", show_default=True)
@click.option("--seed", "seed_value", default=21, show_default=True, type=int)
@click.option("--start", help="Contract clocks start at this ISO 8601 time (default: now).")
@pass_client
def reset(client: ControlClient, world: str, seed_value: int, start: str | None) -> None:
    """Rebuild the sandbox from a seed world: every contract, clock, token and fault is replaced.

    \b
    Example:
      web21-sandbox reset
      web21-sandbox reset --world demo --seed 7 --start 2026-04-01T09:00:00+09:00
    """
    body: dict[str, Any] = {"world": world, "seed": seed_value}
    if start:
        body["start"] = start
    result = client.call("POST", "/reset", body)
    click.echo(f"world {result['world']} (seed {result['seed']}): contracts {', '.join(result['contracts'])}")


main.add_command(reset, name="seed")


# -- contracts --------------------------------------------------------------------------------------


@main.group(context_settings=CONTEXT)
def contracts() -> None:
    """Contracts (Web21 契約): list and show.

    \b
    Example:
      web21-sandbox contracts list
      web21-sandbox contracts show C0001
    """


@contracts.command("list")
@pass_client
def contracts_list(client: ControlClient) -> None:
    """List contracts with their status and clock.

    \b
    Example:
      web21-sandbox contracts list
    """
    for c in client.call("GET", "/contracts")["contracts"]:
        parent = f" (child of {c['parentId']})" if c["parentId"] else ""
        click.echo(f"{c['contractId']}  {c['status']:<10} {c['now']}  {c['name']}{parent}")


@contracts.command("show")
@click.argument("contract_id")
@pass_client
def contracts_show(client: ControlClient, contract_id: str) -> None:
    """Show a contract as JSON: users, accounts with balances, settings, clock.

    \b
    Example:
      web21-sandbox contracts show C0001
    """
    echo_json(client.call("GET", f"/contracts/{contract_id}"))


@main.command()
@click.option("--contract", "contract_id", required=True)
@click.option("--user", required=True, help="利用者ID, e.g. c0001-approver.")
@pass_client
def otp(client: ControlClient, contract_id: str, user: str) -> None:
    """Print a user's current one-time password (TOTP on the contract clock).

    \b
    Example:
      web21-sandbox otp --contract C0001 --user c0001-approver
    """
    result = client.call("GET", f"/contracts/{contract_id}/users/{user}/otp")
    click.echo(f"{result['otp']}  (valid until {result['validUntil']})")


@main.command()
@click.option("--contract", "contract_id", required=True)
@click.option("--account", "account_id", required=True, help="accountId (12 digits).")
@click.option("--amount", required=True, type=int)
@click.option("--remitter", default="ｻﾝﾄﾞﾎﾞﾂｸｽ", show_default=True, help="Remitter name in half-width kana.")
@click.option("--edi", help="EDI information (≤ 20 characters).")
@pass_client
def deposit(
    client: ControlClient, contract_id: str, account_id: str, amount: int, remitter: str, edi: str | None
) -> None:
    """Credit an incoming transfer to an account; it shows in the statement.

    \b
    Example:
      web21-sandbox deposit --contract C0001 --account 123010000001 --amount 50000 --remitter "ｶ)ﾃｽﾄ"
    """
    body: dict[str, Any] = {"accountId": account_id, "amount": amount, "remitterName": remitter}
    if edi:
        body["edi"] = edi
    result = client.call("POST", f"/contracts/{contract_id}/deposits", body)
    click.echo(
        f"credited {result['amount']} yen to {result['accountId']} at {result['at']}; balance {result['balance']}"
    )


# Each subsystem's commands live in their own module and attach themselves to `main` when imported.
COMMAND_MODULES = [
    "sandbox.cli.clock",
    "sandbox.cli.workshop",
    "sandbox.cli.transfers",
    "sandbox.cli.oauth",
    "sandbox.cli.scenario",
    "sandbox.cli.faults",
]
for _module in COMMAND_MODULES:
    importlib.import_module(_module)
