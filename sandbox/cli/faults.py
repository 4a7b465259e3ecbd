"""``web21-sandbox fault``, ``requests`` and ``timeline``: rehearse failures, see what happened.

``incident`` lives in :mod:`sandbox.cli.incidents`, attached from here.
"""

from __future__ import annotations

import json
import time
from typing import Any

import click

from sandbox.cli.main import CONTEXT, echo_json, main, pass_client
from sandbox.http.client import ControlClient
from sandbox.wire import timeline
from sandbox.wire.rules import EFFECTS

# CLI option → (where in the rule body, its name there)
EFFECT_OPTIONS = {
    "ms": "ms",
    "jitter_ms": "jitterMs",
    "status": "status",
    "error_code": "errorCode",
    "retry_after": "retryAfter",
    "hold_ms": "holdMs",
    "bytes_": "bytes",
    "bytes_per_second": "bytesPerSecond",
}
TRIGGER_OPTIONS = ("probability", "seed", "nth", "after", "times")


# -- fault ----------------------------------------------------------------------------------------------


@main.group(context_settings=CONTEXT)
def fault() -> None:
    """Fault rules: break API and OAuth requests on purpose, at the HTTP or the connection level.

    \b
    Example:
      web21-sandbox fault add response_lost --contract C0001 --method POST \\
          --path /corporation/v1/transfer/request --times 1
      web21-sandbox fault add reset --path '/corporation/v1/*' --probability 0.2 --seed 7
      web21-sandbox fault list
      web21-sandbox fault clear
    """


@fault.command("add")
@click.argument("effect", type=click.Choice(list(EFFECTS)))
@click.option("--contract", "contract_id", help="Only this contract's requests.")
@click.option("--method", help="Only this HTTP method (GET, POST...).")
@click.option("--path", default="*", show_default=True, help="Glob over the request path.")
@click.option("--client", "client_id", help="Only this client ID.")
@click.option("--user", "user_id", help="Only this 利用者ID (needs --contract).")
@click.option("--ms", type=int, help="latency: milliseconds.")
@click.option("--jitter-ms", type=int, help="latency: up to this many more milliseconds.")
@click.option("--status", type=int, help="http_error / commit_then_error: the HTTP status.")
@click.option("--error-code", help="http_error / commit_then_error: the errorCode sent.")
@click.option("--retry-after", type=int, help="http_error / maintenance / rate_limit: Retry-After seconds.")
@click.option("--hold-ms", type=int, help="timeout: how long the connection is held before it closes.")
@click.option("--bytes", "bytes_", type=int, help="truncated: body bytes sent before the connection closes.")
@click.option("--bytes-per-second", type=int, help="slow_body: the trickle rate.")
@click.option("--probability", type=float, help="Fire with this probability (0-1), replayable with --seed.")
@click.option("--seed", type=int, help="Seed of the probability draws (default: the rule id).")
@click.option("--nth", type=int, help="Fire on the Nth matching request only.")
@click.option("--after", type=int, help="Fire only after the first N matching requests.")
@click.option("--times", type=int, help="Fire at most N times.")
@click.option("--window-start", help="Active from this contract time (ISO 8601).")
@click.option("--window-end", help="Active until this contract time (ISO 8601).")
@click.option("--note", help="A note kept with the rule.")
@pass_client
def fault_add(client: ControlClient, effect: str, **options: Any) -> None:
    """Add a rule that applies EFFECT to matching requests when its trigger fires.

    \b
    Effects: latency, slow_body, http_error, maintenance, rate_limit, reset, timeout, truncated,
    response_lost (processed and committed, then the connection is reset), commit_then_error.
    Example:
      web21-sandbox fault add response_lost --contract C0001 --method POST \\
          --path /corporation/v1/transfer/request --times 1
      web21-sandbox fault add http_error --status 503 --retry-after 30 --path '/corporation/v1/*' --nth 2
      web21-sandbox fault add latency --ms 1500 --jitter-ms 500 --contract C0001
    """
    match = {
        "contractId": options["contract_id"],
        "method": options["method"],
        "path": options["path"],
        "clientId": options["client_id"],
        "userId": options["user_id"],
    }
    body: dict[str, Any] = {
        "match": {k: v for k, v in match.items() if v is not None},
        "effect": {
            "type": effect,
            **{name: options[opt] for opt, name in EFFECT_OPTIONS.items() if options[opt] is not None},
        },
        "trigger": {name: options[name] for name in TRIGGER_OPTIONS if options[name] is not None},
    }
    window = {k: options[f"window_{k}"] for k in ("start", "end") if options[f"window_{k}"]}
    if window:
        body["trigger"]["window"] = window
    if options["note"]:
        body["note"] = options["note"]
    rule = client.call("POST", "/faults", body)
    click.echo(f"added {_rule_line(rule)}")
    for warning in rule.get("warnings", []):
        click.echo(f"warning: {warning}", err=True)


def _rule_line(rule: dict[str, Any]) -> str:
    match, effect = rule["match"], rule["effect"]
    params = " ".join(f"{k}={v}" for k, v in effect.items() if k != "type")
    trigger = " ".join(f"{k}={v}" for k, v in rule["trigger"].items() if k != "window")
    window = rule["trigger"].get("window")
    if window:
        trigger += f" window={window.get('start', '')}..{window.get('end', '')}"
    scope = " ".join(f"{k}={match[k]}" for k in ("contractId", "clientId", "userId") if k in match)
    return (
        f"#{rule['faultId']} {effect['type']}{' ' + params if params else ''} on {match['method']} {match['path']}"
        f"{' ' + scope if scope else ''} [{trigger}] hits={rule['hits']} fired={rule['fired']}"
    )


@fault.command("list")
@click.option("--contract", "contract_id", help="Only this contract's rules.")
@click.option("--json", "as_json", is_flag=True, help="Print the rules as JSON.")
@pass_client
def fault_list(client: ControlClient, contract_id: str | None, as_json: bool) -> None:
    """List the rules with their hit and fire counts.

    \b
    Example:
      web21-sandbox fault list
      web21-sandbox fault list --contract C0001 --json
    """
    found = client.call("GET", "/faults", params={"contractId": contract_id} if contract_id else None)
    if as_json:
        echo_json(found["faults"])
        return
    for rule in found["faults"]:
        click.echo(_rule_line(rule))
    if not found["faults"]:
        click.echo("no fault rules")


@fault.command("clear")
@click.argument("fault_id", required=False, type=int)
@click.option("--contract", "contract_id", help="Only this contract's rules.")
@pass_client
def fault_clear(client: ControlClient, fault_id: int | None, contract_id: str | None) -> None:
    """Delete one rule (FAULT_ID) or every rule (of one contract).

    \b
    Example:
      web21-sandbox fault clear          # every rule
      web21-sandbox fault clear 3
      web21-sandbox fault clear --contract C0001
    """
    if fault_id is not None:
        client.call("DELETE", f"/faults/{fault_id}")
        click.echo(f"deleted fault rule #{fault_id}")
        return
    result = client.call("DELETE", "/faults", params={"contractId": contract_id} if contract_id else None)
    click.echo(f"deleted {result['deleted']} fault rule(s)")


# -- requests and timeline --------------------------------------------------------------------------------


@main.command("requests")
@click.option("--contract", "contract_id", help="Only this contract's requests.")
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
    after, count = page["lastId"] or 0, 0
    while follow and (polls is None or count < polls):
        time.sleep(interval)
        count += 1
        page = client.call("GET", "/requests", params={**params, "afterId": after, "limit": 1000})
        _print_requests(page["requests"], as_json)
        after = page["lastId"] or after


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


@main.command("timeline")
@click.option("--contract", "contract_id", required=True, help="Contract id, e.g. C0001.")
@click.option("--since", help="From this contract time (default: the contract's start).")
@click.option("--until", help="Up to this contract time.")
@click.option("--limit", default=200, show_default=True, type=int)
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


from sandbox.cli import incidents as _incidents  # noqa: E402,F401  (attaches the incident group)
