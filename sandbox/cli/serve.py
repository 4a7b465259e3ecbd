"""``web21-sandbox serve`` and ``reset`` / ``seed``: run the sandbox, rebuild it from a seed world."""

from __future__ import annotations

import errno
import json
import os
import socket
from pathlib import Path
from typing import Any

import click

from sandbox.cli import ports
from sandbox.cli.options import client_of, pass_client
from sandbox.client import ControlClient


@click.command()
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface)."
)
@click.option("--port", default=8021, show_default=True, type=int, help="TCP port to listen on.")
@click.option(
    "--workers",
    default=lambda: int(os.environ.get("WEB21_SANDBOX_WORKERS", 2)),
    show_default="2",
    type=int,
    help="gunicorn worker processes (WEB21_SANDBOX_WORKERS).",
)
@click.option(
    "--worker-class",
    type=click.Choice(["gevent", "gthread"]),
    default=lambda: os.environ.get("WEB21_SANDBOX_WORKER_CLASS", "gthread"),
    show_default="gthread",
    help="gevent: a slow client or held fault costs a greenlet, not a thread (WEB21_SANDBOX_WORKER_CLASS).",
)
@click.option(
    "--threads",
    default=lambda: int(os.environ.get("WEB21_SANDBOX_THREADS", 32)),
    show_default="32",
    type=int,
    help="Threads per gthread worker (WEB21_SANDBOX_THREADS).",
)
@click.option("--dev", is_flag=True, help="Flask's reloading development server instead of gunicorn.")
@click.option(
    "--world", default="demo", show_default=True, help="World to seed when the database is missing."
)
@click.option(
    "--seed", "seed_value", default=21, show_default=True, type=int, help="Random seed of that world."
)
@click.pass_context
def serve(
    ctx: click.Context,
    host: str,
    port: int,
    workers: int,
    worker_class: str,
    threads: int,
    dev: bool,
    world: str,
    seed_value: int,
) -> None:
    """Serve the sandbox, seeding WORLD first when the database does not exist.

    Beyond loopback (--host 0.0.0.0) a given admin key must be 16 or more characters and not a sample one.

    \b
    Example:
      web21-sandbox serve
      web21-sandbox serve --port 9000 --workers 4
      web21-sandbox serve --dev
    """
    # Imported here: the app and the server load only for `serve`, not for every command and --help.
    from sandbox.http import server
    from sandbox.http.control.auth import key_path, weak_key_problem

    _check_port_free(host, port)
    client = client_of(ctx)
    shown_key = client.given_key or os.environ.get("WEB21_SANDBOX_ADMIN_KEY")
    if problem := weak_key_problem(host, shown_key):  # a generated key (none given) is never weak
        raise click.UsageError(problem)
    fresh = not Path(client.db).exists()
    app = _app(client, world if fresh else None, seed_value)
    admin = (
        "from WEB21_SANDBOX_ADMIN_KEY" if shown_key else f"{key_path(client.db)} (send it as X-Sandbox-Key)"
    )
    click.echo("\n".join(_banner(client.db, host, port, admin, world if fresh else None)), err=False)
    if dev:
        if os.environ.get("WERKZEUG_RUN_MAIN") == "true":  # the reloader's serving child delivers
            from sandbox.notify import worker

            worker.start(str(app.config["DATABASE"]), app.config)
        app.run(host=host, port=port, debug=True, use_reloader=True)
    else:
        server.run(app, host=host, port=port, workers=workers, threads=threads, worker_class=worker_class)


def _check_port_free(host: str, port: int) -> None:
    """One line naming the PID that holds the port, instead of a banner followed by gunicorn's traceback."""
    with socket.socket() as probe:
        probe.setsockopt(
            socket.SOL_SOCKET, socket.SO_REUSEADDR, 1
        )  # as gunicorn binds: TIME_WAIT is no obstacle
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
            raise click.ClickException(ports.busy_message(host, port)) from exc


def _app(client: ControlClient, world: str | None, seed_value: int) -> Any:
    """The app over ``client.db``, seeded first with ``world`` when one is given (a fresh database)."""
    # Imported here, for the reason given in serve().
    from sandbox.app import create_app
    from sandbox.seeding import worlds as seeding
    from sandbox.store import connect

    app = create_app({"DATABASE": client.db, **({"ADMIN_KEY": client.given_key} if client.given_key else {})})
    if world is not None:
        db = connect(client.db)
        with app.app_context():
            seeding.reset(db, world, seed_value)
        db.conn.close()
    return app


def _banner(db_path: str, host: str, port: int, admin: str, seeded: str | None) -> list[str]:
    """What ``serve`` prints first: where things are, the admin key, the demo users and clients."""
    from sandbox.store import connect, get_meta  # imported here, for the reason given in serve()

    db = connect(db_path)
    meta = json.loads(get_meta(db, "world") or "{}")
    db.conn.close()
    world = f"(seeded world {seeded!r})" if seeded is not None else f"(world {meta.get('world')!r})"
    return [
        f"web21-sandbox (unofficial, not affiliated with any bank) on http://{host}:{port}",
        f"  database : {db_path}  {world}",
        f"  admin key: {admin}",
        f"  API docs : http://{host}:{port}/docs",
        f"  dashboard: http://{host}:{port}/sandbox/ui/",
        *_demo_lines(meta),
        "  one-time passwords: web21-sandbox otp --contract C0001 --user c0001-approver",
        "Press Ctrl-C to stop.",
    ]


def _demo_lines(meta: dict[str, Any]) -> list[str]:
    """The seeded world's users (one password for all) and registered clients."""
    lines = []
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
    return lines


@click.command()
@click.option("--world", default="demo", show_default=True, help="Seed world: a file seed/<WORLD>.yaml.")
@click.option(
    "--seed", "seed_value", default=21, show_default=True, type=int, help="Random seed of the world."
)
@click.option("--start", help="Contract clocks start at this ISO 8601 time (default: now).")
@click.option("--frozen", is_flag=True, help="Clocks stand still at the start (the README's examples do).")
@click.option("--yes", is_flag=True, help="Do not ask, even when clients you registered would be wiped.")
@pass_client
def reset(
    client: ControlClient, world: str, seed_value: int, start: str | None, frozen: bool, yes: bool
) -> None:
    """Rebuild the sandbox from a seed world: every contract, clock, token and fault is replaced.

    Asks first when the sandbox holds clients you registered (their IDs and keys would be gone).

    \b
    Example:
      web21-sandbox reset
      web21-sandbox reset --world demo --seed 7 --start 2026-04-01T09:00:00+09:00 --yes
      web21-sandbox reset --yes --start 2026-11-27T10:00:00+09:00 --frozen
    """
    registered = [] if yes else _registered_clients(client)
    if registered and not click.confirm(
        f"{len(registered)} client(s) you registered ({', '.join(registered[:3])}) will be wiped. Reset?"
    ):
        raise click.Abort
    _rebuild(client, world, seed_value, start, frozen)


def _registered_clients(client: ControlClient) -> list[str]:
    """Client IDs registered by someone (not the seeded demo clients), across every contract."""
    if not client.url and not Path(client.db).exists():
        return []
    found = []
    for contract in client.call("GET", "/contracts")["contracts"]:
        listed = client.call("GET", f"/contracts/{contract['contractId']}/clients")["clients"]
        found += [c["clientId"] for c in listed if not c.get("demoClientSecret")]
    return found


def _rebuild(
    client: ControlClient, world: str, seed_value: int, start: str | None, frozen: bool = False
) -> None:
    body: dict[str, Any] = {"world": world, "seed": seed_value}
    if start:
        body["start"] = start
    if frozen:
        body["frozen"] = True
    result = client.call("POST", "/reset", body)
    click.echo(f"world {result['world']} (seed {result['seed']}): contracts {', '.join(result['contracts'])}")


@click.command()
@click.option("--world", default="demo", show_default=True, help="Seed world: a file seed/<WORLD>.yaml.")
@click.option(
    "--seed", "seed_value", default=21, show_default=True, type=int, help="Random seed of the world."
)
@click.option("--start", help="Contract clocks start at this ISO 8601 time (default: now).")
@pass_client
def seed(client: ControlClient, world: str, seed_value: int, start: str | None) -> None:
    """Seed the sandbox with a world (the first time; on a used sandbox it is the same as reset).

    \b
    Example:
      web21-sandbox seed
      web21-sandbox --db /tmp/ci.db seed --world demo --seed 7
    """
    _rebuild(client, world, seed_value, start)
