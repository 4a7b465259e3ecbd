"""``web21-sandbox transfer recall``: 組戻 — the remitter asks for a paid transfer's money back.

BANKS.md names no corporate-API endpoint for a recall, so it goes through the control API
(``POST /sandbox/v1/contracts/{id}/transfers/{applyNo}/recall``), as the company's call to its branch.
"""

from __future__ import annotations

from typing import Any

import click

from sandbox.cli.options import CONTEXT, contract_option, echo_json, pass_client
from sandbox.client import ControlClient


@click.command("recall", context_settings=CONTEXT)
@contract_option()
@click.option("--apply-no", required=True, help="applyNo of the executed transfer or bulk transfer.")
@click.option("--items", help="Comma-separated item numbers (default: every paid other-bank item).")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON answer.")
@pass_client
def recall(cc: ControlClient, contract_id: str, apply_no: str, items: str | None, as_json: bool) -> None:
    """Request 組戻 (recall): the items go 24 組戻手続中; the receiving bank answers the next business day.

    \b
    Example:
      web21-sandbox transfer recall --contract C0001 --apply-no 2026040100000001
      web21-sandbox transfer recall --contract C0001 --apply-no 2026040190000001 --items 2,5
    """
    body: dict[str, Any] = {}
    if items:
        try:
            body["itemIds"] = [int(i) for i in items.split(",") if i.strip()]
        except ValueError:
            raise click.BadParameter(
                "item numbers separated by commas, e.g. 2,5", param_hint="--items"
            ) from None
    shown = cc.call("POST", f"/contracts/{contract_id}/transfers/{apply_no}/recall", body)
    if as_json:
        echo_json(shown)
        return
    items_shown = ",".join(str(i) for i in shown["itemIds"])
    click.echo(
        f"recall requested for {shown['applyNo']} items {items_shown}: {shown['transferStatus']}"
        f" {shown['transferStatusName']}, recall fee {shown['recallFee']} yen"
    )
