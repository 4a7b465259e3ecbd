"""``web21-sandbox notifications show|deliver``: a contract's payment notifications (webhooks)."""

from __future__ import annotations

import click

from sandbox.cli.options import CONTEXT, contract_option, pass_client
from sandbox.client import ControlClient


@click.group(context_settings=CONTEXT)
def notifications() -> None:
    """Payment notifications: the URL, the credentials the bank issued, the messages; deliver now.

    The URL is the contract setting notificationUrl (PATCH /sandbox/v1/contracts/{id}/settings).

    \b
    Example:
      web21-sandbox notifications show --contract C0001
      web21-sandbox notifications deliver --contract C0001
    """


@notifications.command("show")
@contract_option()
@pass_client
def show(client: ControlClient, contract_id: str) -> None:
    """The notification URL, the credentials the bank issued for it, and the latest messages.

    \b
    Example:
      web21-sandbox notifications show --contract C0001
    """
    shown = client.call("GET", f"/contracts/{contract_id}/notifications")
    creds = shown["credentials"]
    click.echo(f"url        {shown['notificationUrl'] or '(none: set notificationUrl)'}")
    click.echo(f"basic      {creds['username']}:{creds['password']}")
    click.echo(f"secret     {creds['signatureSecret']}  ({creds['signatureHeader']}: sha256=<hex HMAC>)")
    active = [s["eventType"] for s in shown["subscriptions"] if s["active"]]
    click.echo(f"subscribed {', '.join(active) or '(none)'}")
    click.echo("messages   " + ", ".join(f"{k} {v}" for k, v in shown["counts"].items()))
    for message in shown["messages"][:20]:
        last = message.get("lastStatus") or message.get("lastOutcome") or "-"
        click.echo(
            f"  {message['messageId']}  {message['state']:<9} attempts {message['attempts']}"
            f"  last {last}  {message.get('amount', '')} yen  due {message['dueAt']}"
        )


@notifications.command("deliver")
@contract_option()
@pass_client
def deliver(client: ControlClient, contract_id: str) -> None:
    """Deliver what is due on the contract clock now, and wait for every attempt to end.

    \b
    Example:
      web21-sandbox notifications deliver --contract C0001
    """
    done = client.call("POST", f"/contracts/{contract_id}/notifications/deliver")
    click.echo(
        f"delivered {done['delivered']}, to retry {done['retry']}, held {done['held']},"
        f" abandoned {done['abandoned']}"
    )
