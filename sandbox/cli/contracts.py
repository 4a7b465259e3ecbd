"""``web21-sandbox contracts``, ``otp`` and ``deposit``: a contract, its users' passwords, money coming in."""

from __future__ import annotations

from typing import Any

import click

from sandbox.cli.options import CONTEXT, contract_option, echo_json, pass_client
from sandbox.client import ControlClient


@click.group(context_settings=CONTEXT)
def contracts() -> None:
    """Contracts (Web21 契約): list, show and archive.

    \b
    Example:
      web21-sandbox contracts list
      web21-sandbox contracts show C0001
      web21-sandbox contracts archive S0003
    """


@contracts.command("list")
@click.option("--archived", is_flag=True, help="Include archived contracts.")
@pass_client
def contracts_list(client: ControlClient, archived: bool) -> None:
    """List contracts with their status and clock (archived ones only with --archived).

    \b
    Example:
      web21-sandbox contracts list
    """
    params = {"archived": "true"} if archived else None
    for c in client.call("GET", "/contracts", params=params)["contracts"]:
        parent = f" (child of {c['parentId']})" if c["parentId"] else ""
        gone = " [archived]" if c.get("archivedAt") else ""
        click.echo(f"{c['contractId']}  {c['status']:<10} {c['now']}  {c['name']}{parent}{gone}")


@contracts.command("archive")
@click.argument("contract_id")
@pass_client
def contracts_archive(client: ControlClient, contract_id: str) -> None:
    """Archive a contract and its children (admin key): hidden from lists and the dashboard, its key
    retired, its fault rules removed and incidents ended. Its history and ledger are kept.

    \b
    Example:
      web21-sandbox contracts archive S0003
    """
    done = client.call("POST", f"/contracts/{contract_id}/archive")["archived"]
    click.echo(f"archived {', '.join(done)}")


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


@click.command()
@contract_option()
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


@click.command()
@contract_option()
@click.option("--account", "account_id", required=True, help="accountId (12 digits).")
@click.option("--amount", required=True, type=int, help="Amount in yen.")
@click.option("--remitter", default="ｻﾝﾄﾞﾎﾞﾂｸｽ", show_default=True, help="Remitter name in half-width kana.")
@click.option("--edi", help="EDI information (≤ 20 characters).")
@click.option("--bank", "bank_code", help="Paying bank's Zengin code (4 digits); needs --branch.")
@click.option("--branch", "branch_code", help="Paying branch code (3 digits).")
@pass_client
def deposit(
    client: ControlClient,
    contract_id: str,
    account_id: str,
    amount: int,
    remitter: str,
    edi: str | None,
    bank_code: str | None,
    branch_code: str | None,
) -> None:
    """Credit an incoming transfer to an account; it shows in the statement and the deposit statement.

    \b
    Example:
      web21-sandbox deposit --contract C0001 --account 123010000001 --amount 50000 --remitter "ｶ)ﾃｽﾄ" \\
        --edi INV0001 --bank 0005 --branch 001
    """
    body: dict[str, Any] = {"accountId": account_id, "amount": amount, "remitterName": remitter}
    extra = {"edi": edi, "paymentBankCode": bank_code, "paymentBranchCode": branch_code}
    body.update({k: v for k, v in extra.items() if v})
    result = client.call("POST", f"/contracts/{contract_id}/deposits", body)
    click.echo(
        f"credited {result['amount']} yen to {result['accountId']} at {result['at']}; balance {result['balance']}"
    )
