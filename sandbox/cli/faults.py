"""``web21-sandbox fault``: rules that break API and OAuth requests on purpose (DESIGN §4)."""

from __future__ import annotations

from typing import Any

import click

from sandbox.cli.options import CONTEXT, contract_option, echo_json, pass_client
from sandbox.client import ControlClient
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


@click.group(context_settings=CONTEXT)
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
@contract_option(required=False, help="Only this contract's requests.")
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
    body = rule_body(effect, options)
    rule = client.call("POST", "/faults", body)
    click.echo(f"added {_rule_line(rule)}")
    for warning in rule.get("warnings", []):
        click.echo(f"warning: {warning}", err=True)


def rule_body(effect: str, options: dict[str, Any]) -> dict[str, Any]:
    """The rule ``POST /sandbox/v1/faults`` takes, from ``fault add``'s options (unset ones left out)."""
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
    return body


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
@contract_option(required=False, help="Only this contract's rules.")
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
@contract_option(required=False, help="Only this contract's rules.")
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
