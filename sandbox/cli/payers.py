"""``web21-sandbox payers``: the payer simulator — other companies paying a contract's accounts or virtual
accounts on its clock — and ``invoices``, the month of invoices they pay (the reconciliation answer key)."""

from __future__ import annotations

from typing import Any

import click

from sandbox.cli.options import CONTEXT, contract_option, echo_json, pass_client
from sandbox.client import ControlClient

PATTERNS = ("exact", "short", "over", "split", "other-name", "wrong-edi")


@click.group(context_settings=CONTEXT)
def payers() -> None:
    """Payers that pay into accounts or virtual accounts on the contract clock.

    \b
    Example:
      web21-sandbox payers add --contract C0001 --va 0000000001 --amount 110000 --pattern split
      web21-sandbox payers list --contract C0001
    """


@payers.command("add")
@contract_option()
@click.option("--account", "account_id", help="accountId (12 digits) to pay; or --va, or --invoice.")
@click.option("--va", "va_id", help="vaId of a virtual account to pay (its parent account is credited).")
@click.option(
    "--invoice", "invoice_no", help="An invoice number: pays it (its account/VA, amount, name, EDI)."
)
@click.option("--amount", type=int, help="Amount owed in yen (the pattern decides what is paid).")
@click.option(
    "--pattern", type=click.Choice(PATTERNS), default="exact", show_default=True, help="Amount pattern."
)
@click.option("--difference", type=int, help="Yen short or over (default 660 short, 1000 over).")
@click.option("--remitter", help="Remitter name in half-width kana (default: a believable company).")
@click.option("--edi", help="EDI information (≤ 20 characters).")
@click.option(
    "--every",
    type=click.Choice(("once", "daily", "weekly", "monthly")),
    default="once",
    show_default=True,
    help="How often it pays.",
)
@click.option("--times", type=int, help="How many payments in all (recurring: default until deleted).")
@click.option("--in", "in_", help="First payment after this long on the contract clock (e.g. 2h, 3d).")
@click.option("--at", help="First payment at this instant (ISO 8601).")
@pass_client
def payers_add(client: ControlClient, contract_id: str, **options: Any) -> None:
    """Schedule a payer: one payment, or one every day/week/month, each a clock event.

    \b
    Example:
      web21-sandbox payers add --contract C0001 --account 123010000001 --amount 50000 --pattern short --in 1d
    """
    names = {
        "account_id": "accountId",
        "va_id": "vaId",
        "invoice_no": "invoiceNo",
        "remitter": "remitterName",
        "in_": "in",
    }
    body = {names.get(k, k): v for k, v in options.items() if v is not None}
    made = client.call("POST", f"/contracts/{contract_id}/payers", body)
    target = f"VA {made['vaId']} ({made['accountId']})" if made.get("vaId") else made["accountId"]
    click.echo(
        f"payer {made['payerId']}: {made['amount']} yen {made['pattern']} {made['every']} to {target}, next {made.get('nextAt')}"
    )


@payers.command("list")
@contract_option()
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@pass_client
def payers_list(client: ControlClient, contract_id: str, as_json: bool) -> None:
    """List a contract's payers.

    \b
    Example:
      web21-sandbox payers list --contract C0001
    """
    found = client.call("GET", f"/contracts/{contract_id}/payers")
    if as_json:
        echo_json(found)
        return
    for p in found["payers"]:
        target = p.get("vaId") or p["accountId"]
        click.echo(
            f"{p['payerId']:>5}  {p['status']:<7} {p['pattern']:<10} {p['amount']:>11}  {p['every']:<8} {target}  {p.get('nextAt', '-')}"
        )


@payers.command("delete")
@contract_option()
@click.argument("payer_id")
@pass_client
def payers_delete(client: ControlClient, contract_id: str, payer_id: str) -> None:
    """Stop a payer; its pending payments are cancelled.

    \b
    Example:
      web21-sandbox payers delete --contract C0001 3
    """
    client.call("DELETE", f"/contracts/{contract_id}/payers/{payer_id}")
    click.echo(f"payer {payer_id} deleted")


@click.command()
@contract_option()
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@pass_client
def invoices(client: ControlClient, contract_id: str, as_json: bool) -> None:
    """List a contract's invoices by due date, with the statement lines that pay each (the answer key).

    \b
    Example:
      web21-sandbox invoices --contract C0001
    """
    found = client.call("GET", f"/contracts/{contract_id}/invoices")
    if as_json:
        echo_json(found)
        return
    for i in found["invoices"]:
        click.echo(
            f"{i['invoiceNo']}  {i['dueDate']}  {i['amount']:>11}  {i['pattern']:<10} {i['customerNameKana']}  paid by {len(i['paidBy'])}"
        )
