"""``web21-sandbox workshop``: one isolated bank and clock per participant, from one container."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import click

from sandbox.cli.options import CONTEXT, pass_client
from sandbox.client import ControlClient


@click.group(context_settings=CONTEXT)
def workshop() -> None:
    """Workshops: many participants on one sandbox, each with an isolated contract, key and clock.

    \b
    Example:
      web21-sandbox --url http://workshop-host:8021 workshop create --participants 30 --out sheet.csv
    """


@workshop.command("create")
@click.option(
    "--participants",
    default=10,
    show_default=True,
    type=click.IntRange(1, 200),
    help="How many isolated contracts to create.",
)
@click.option(
    "--world", default="demo", show_default=True, help="World whose contract each participant gets a copy of."
)
@click.option("--prefix", default="W", show_default=True, help="Contract id prefix (W0001, W0002, ...).")
@click.option("--frozen", is_flag=True, help="Start every participant's clock frozen.")
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the participant sheet as CSV."
)
@pass_client
def create(
    client: ControlClient, participants: int, world: str, prefix: str, frozen: bool, out: Path | None
) -> None:
    """Create one contract per participant, each with its own contract key, users, client and clock.

    Prints a participant sheet: the contract key reaches only that participant's contract in the
    control API and the dashboard; the users' logins and the client's credentials drive the bank API.

    \b
    Example:
      web21-sandbox workshop create --participants 3
      web21-sandbox --url http://10.0.0.5:8021 --key "$ADMIN_KEY" workshop create --participants 30 --out sheet.csv
    """
    body = {"count": participants, "world": world, "prefix": prefix, "issueKeys": True, "frozen": frozen}
    answer = client.call("POST", "/contracts", body)
    rows = sheet(answer)
    text = to_csv(rows)
    if out:
        out.write_text(text, encoding="utf-8")
        click.echo(f"{len(rows)} participants; sheet written to {out}")
    else:
        click.echo(text, nl=False)


def sheet(answer: dict[str, Any]) -> list[dict[str, str]]:
    """One row per participant: contract, key, the approver's and clerk's logins, the client."""
    clients = {c["contractId"]: c for c in answer.get("clients", [])}
    logins: dict[str, list[str]] = {}
    for cred in answer["credentials"]:
        if cred["role"] == "user":
            logins.setdefault(cred["contractId"], []).append(cred["userId"])
    password = answer["credentials"][0]["password"] if answer["credentials"] else ""
    rows = []
    for contract in answer["contracts"]:
        cid = contract["contractId"]
        registered = clients.get(cid, {})
        rows.append(
            {
                "contractId": cid,
                "contractKey": contract.get("key", ""),
                "users": " ".join(logins.get(cid, [])),
                "password": password,
                "clientId": registered.get("clientId", ""),
                "clientSecret": registered.get("clientSecret", ""),
                "redirectUri": registered.get("redirectUri", ""),
            }
        )
    return rows


def to_csv(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else ["contractId"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
