"""``web21-sandbox requests`` and ``timeline``: what happened, as the request log and the contract's story."""

from __future__ import annotations

import json
import time
from typing import Any

import click

from sandbox.cli.options import contract_option, echo_json, pass_client
from sandbox.client import ControlClient
from sandbox.wire import timeline


@click.command("requests")
@contract_option(required=False, help="Only this contract's requests.")
@click.option("--limit", default=20, show_default=True, type=int, help="How many of the latest to show.")
@click.option("--faulted", is_flag=True, help="Only requests a fault or an incident changed.")
@click.option(
    "--follow", "-f", is_flag=True, help="Keep printing new requests as they arrive (Ctrl-C stops)."
)
@click.option(
    "--interval", default=0.5, show_default=True, type=float, help="Seconds between polls with --follow."
)
@click.option("--polls", type=int, hidden=True, help="Stop --follow after this many polls (tests).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@pass_client
def requests_(
    client: ControlClient,
    contract_id: str | None,
    limit: int,
    faulted: bool,
    follow: bool,
    interval: float,
    polls: int | None,
    as_json: bool,
) -> None:
    """Show the request log: every API and OAuth request, who sent it, what it got, the fault applied.

    \b
    Example:
      web21-sandbox requests --contract C0001
      web21-sandbox requests --follow
      web21-sandbox --url http://127.0.0.1:8021 requests -f --faulted
    """
    params: dict[str, Any] = {"limit": limit}
    if contract_id:
        params["contractId"] = contract_id
    if faulted:
        params["faulted"] = "true"
    page = client.call("GET", "/requests", params=params)
    _print_requests(page["requests"], as_json)
    if follow:
        pending = {e["requestId"] for e in page["requests"] if e["outcome"] == "pending"}
        _follow(client, params, (page["lastId"] or 0, pending), interval, polls, as_json)


def _follow(
    client: ControlClient,
    params: dict[str, Any],
    start: tuple[int, set[int]],
    interval: float,
    polls: int | None,
    as_json: bool,
) -> None:
    """Poll for requests after ``start``'s id every ``interval`` seconds (``polls`` times, else until
    Ctrl-C). A request is logged on arrival (``pending``): it is printed then, and again when it ends."""
    (after, pending), count = start, 0
    while polls is None or count < polls:
        time.sleep(interval)
        count += 1
        cursor = min(pending) - 1 if pending else after
        page = client.call("GET", "/requests", params={**params, "afterId": cursor, "limit": 1000})
        ended = [e for e in page["requests"] if e["requestId"] in pending and e["outcome"] != "pending"]
        _print_requests([e for e in page["requests"] if e["requestId"] > after or e in ended], as_json)
        pending |= {e["requestId"] for e in page["requests"] if e["outcome"] == "pending"}
        pending -= {e["requestId"] for e in ended}
        after = max(after, page["lastId"] or after)


def _print_requests(entries: list[dict[str, Any]], as_json: bool) -> None:
    for e in entries:
        if as_json:
            click.echo(json.dumps(e, ensure_ascii=False))
            continue
        click.echo(request_line(e))


def request_line(e: dict[str, Any]) -> str:
    """One request log entry as a line: who, what, what the client got, the fault, the latency."""
    shown = e.get("sentStatus", "no answer")
    code = f" {e['errorCode']}" if e.get("errorCode") else ""
    outcome = f" ({e['outcome']})" if e["outcome"] != "response" else ""
    fault = f" [{e['fault']}{' #' + str(e['faultId']) if e.get('faultId') else ''}]" if e.get("fault") else ""
    key = f" key={e['idempotencyKey']}" if e.get("idempotencyKey") else ""
    who = "/".join(x for x in (e.get("contractId"), e.get("userId")) if x) or "-"
    return f"#{e['requestId']} {e['at']} {who} {e['method']} {e['path']} → {shown}{code}{outcome}{fault}{key} {e['latencyMs']} ms"


@click.command("timeline")
@contract_option()
@click.option("--since", help="From this contract time (default: the contract's start).")
@click.option("--until", help="Up to this contract time.")
@click.option("--limit", default=200, show_default=True, type=int, help="How many entries at most.")
@click.option("--json", "as_json", is_flag=True, help="Print the entries as JSON.")
@pass_client
def timeline_(
    client: ControlClient, contract_id: str, since: str | None, until: str | None, limit: int, as_json: bool
) -> None:
    """Print what happened to a contract, in contract-time order: requests, faults, clock, incidents, state.

    \b
    Example:
      web21-sandbox timeline --contract C0001
      web21-sandbox timeline --contract C0001 --since 2026-04-01T09:00 --json
    """
    params: dict[str, Any] = {"limit": limit}
    for name, value in (("since", since), ("until", until)):
        if value:
            params[name] = value
    found = client.call("GET", f"/contracts/{contract_id}/timeline", params=params)
    if as_json:
        echo_json(found["entries"])
        return
    if found["entries"]:
        click.echo(timeline.render(found["entries"]))
