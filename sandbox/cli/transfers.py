"""``web21-sandbox transfers``: a contract's transfer requests (振込依頼), listed and shown."""

from __future__ import annotations

import unicodedata
from typing import Any

import click

from sandbox.cli.options import CONTEXT, contract_option, echo_json, pass_client
from sandbox.client import ControlClient


def pad(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal columns (kanji and kana take two)."""
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - used)


def line(req: dict[str, Any]) -> str:
    """One request on one line: applyNo, status, dates, account, items, amount, fee, who applied/approved."""
    status = pad(f"{req['transferStatus']:>2} {req['transferStatusName']}", 13)
    people = req.get("applyUser", "-") + (f" → {req['approvalUser']}" if req.get("approvalUser") else "")
    return (
        f"{req['applyNo']}  {status}  {req['executionDate']}  {req['accountId']}"
        f"  {req['totalCount']:>2} {'item ' if req['totalCount'] == '1' else 'items'}  {int(req['totalAmount']):>13,} yen  fee {int(req['totalFee']):>5,}  {people}"
    )


@click.group(context_settings=CONTEXT)
def transfers() -> None:
    """Transfer requests (振込依頼) of a contract, with their status and history.

    \b
    Example:
      web21-sandbox transfers list --contract C0001
      web21-sandbox transfers list --contract C0001 --status 11
      web21-sandbox transfers show 2026040100000005 --contract C0001
    """


@transfers.command("list")
@contract_option()
@click.option("--status", help="Only this status code (2 申請中, 11 予約中, 20 手続済, ...).")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON answer instead of one line each.")
@pass_client
def list_(client: ControlClient, contract_id: str, status: str | None, as_json: bool) -> None:
    """List a contract's transfer requests: applyNo, status, execution date, account, items, amount, fee, users.

    \b
    Example:
      web21-sandbox transfers list --contract C0001
      web21-sandbox transfers list --contract C0002 --status 20 --json
    """
    answer = client.call(
        "GET", f"/contracts/{contract_id}/transfers", params={"status": status} if status else None
    )
    if as_json:
        echo_json(answer)
        return
    for req in answer["transfers"]:
        click.echo(line(req))
    if not answer["transfers"]:
        click.echo(f"no transfer requests in {contract_id}" + (f" with status {status}" if status else ""))


@transfers.command("show")
@click.argument("apply_no")
@contract_option()
@pass_client
def show(client: ControlClient, contract_id: str, apply_no: str) -> None:
    """Show one request as JSON: items (beneficiaries in clear), fees and every status transition.

    \b
    Example:
      web21-sandbox transfers show 2026040100000005 --contract C0001
    """
    echo_json(client.call("GET", f"/contracts/{contract_id}/transfers/{apply_no}"))
