"""``web21-sandbox workshop``: one isolated bank and clock per participant, from one container."""

from __future__ import annotations

import csv
import html
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
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the participant sheet as CSV, and beside it a printable HTML page per participant (FILE.html).",
)
@click.option(
    "--sandbox-url",
    help="The URL participants use to reach the sandbox (default: --url, else http://127.0.0.1:8021).",
)
@pass_client
def create(
    client: ControlClient,
    participants: int,
    world: str,
    prefix: str,
    frozen: bool,
    out: Path | None,
    sandbox_url: str | None,
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
    url = sandbox_url or client.url or "http://127.0.0.1:8021"
    rows = [{**row, **_keys_of(client, row["contractId"]), "sandboxUrl": url} for row in sheet(answer)]
    text = to_csv(rows)
    if out:
        out.write_text(text, encoding="utf-8")
        pages = out.with_suffix(".html")
        pages.write_text(to_html(rows), encoding="utf-8")
        click.echo(f"{len(rows)} participants; sheet written to {out}, printable pages to {pages}")
    else:
        click.echo(text, nl=False)


def _keys_of(client: ControlClient, contract_id: str) -> dict[str, str]:
    """The participant's field-encryption key and key id (§5(2)②): transfers need them (fieldEncryption)."""
    registered = client.call("GET", f"/contracts/{contract_id}/clients")["clients"]
    first = registered[0] if registered else {}
    return {"keyId": first.get("keyId", ""), "encryptionKey": first.get("encryptionKey", "")}


_LABELS = {
    "sandboxUrl": "サンドボックスURL / Sandbox URL",
    "contractId": "契約ID / Contract",
    "contractKey": "契約キー (X-Sandbox-Key) / Contract key",
    "users": "利用者ID / Users",
    "password": "パスワード / Password",
    "clientId": "クライアントID / Client ID",
    "clientSecret": "クライアントパスワード / Client secret",
    "redirectUri": "リダイレクトURI / Redirect URI",
    "keyId": "暗号鍵ID (kid) / Key id",
    "encryptionKey": "暗号鍵 / Encryption key (base64url, A256GCM)",
}


def to_html(rows: list[dict[str, str]]) -> str:
    """One printable page per participant, in Japanese and English: everything needed to start."""
    pages = []
    for row in rows:
        cells = "".join(
            f"<tr><th>{html.escape(_LABELS.get(k, k))}</th><td><code>{html.escape(v)}</code></td></tr>"
            for k, v in row.items()
        )
        pages.append(
            f"<section><h1>web21-sandbox — {html.escape(row['contractId'])}</h1><table>{cells}</table></section>"
        )
    style = (
        "body{font-family:sans-serif}section{page-break-after:always;margin:2em}"
        "th{text-align:left;padding-right:1em;vertical-align:top}code{word-break:break-all}"
    )
    return f'<!doctype html><html lang="ja"><meta charset="utf-8"><title>web21-sandbox workshop</title><style>{style}</style><body>{"".join(pages)}</body></html>\n'


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
