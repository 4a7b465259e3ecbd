"""``web21-sandbox client``, ``token`` and ``user``: clients, tokens for CI, privileges and lockouts."""

from __future__ import annotations

import json
import shlex
from typing import Any

import click

from sandbox.cli.options import CONTEXT, contract_option, echo_json, pass_client
from sandbox.client import ControlClient

# -- clients ----------------------------------------------------------------------------------------


@click.group(context_settings=CONTEXT)
def client() -> None:
    """Registered clients (§5(2)): client ID, encryption key, client password and web server URL.

    \b
    Example:
      web21-sandbox client list --contract C0001
      web21-sandbox client register --contract C0001 --redirect-uri http://127.0.0.1:3000/callback
    """


@client.command("register")
@contract_option()
@click.option("--redirect-uri", required=True, help="Your web server URL: the only allowed redirect_uri.")
@click.option("--secret", help="Client password (8-128 characters; default: generated and printed once).")
@click.option("--name", help="A name shown on the consent screen.")
@click.option("--public", is_flag=True, help="A public client: no password, PKCE S256 required.")
@pass_client
def client_register(
    cc: ControlClient, contract_id: str, redirect_uri: str, secret: str | None, name: str | None, public: bool
) -> None:
    """Register a client and print its client ID, client password and encryption key as JSON.

    \b
    Example:
      web21-sandbox client register --contract C0001 --redirect-uri http://127.0.0.1:3000/callback
      web21-sandbox client register --contract C0001 --redirect-uri http://localhost:5173/cb --public
    """
    body: dict[str, Any] = {"redirectUri": redirect_uri, "clientType": "public" if public else "confidential"}
    if secret:
        body["clientSecret"] = secret
    if name:
        body["name"] = name
    echo_json(cc.call("POST", f"/contracts/{contract_id}/clients", body))


@client.command("list")
@contract_option()
@click.option("--json", "as_json", is_flag=True, help="Print the JSON answer.")
@pass_client
def client_list(cc: ControlClient, contract_id: str, as_json: bool) -> None:
    """List a contract's clients: client ID, type, redirect URI, and the current field-encryption key.

    \b
    Example:
      web21-sandbox client list --contract C0001
      web21-sandbox client list --contract C0001 --json
    """
    answer = cc.call("GET", f"/contracts/{contract_id}/clients")
    if as_json:
        echo_json(answer)
        return
    for found in answer["clients"]:
        secret = f"  secret={found['demoClientSecret']}" if found.get("demoClientSecret") else ""
        click.echo(f"{found['clientId']}  {found['clientType']:<12} {found['redirectUri']}{secret}")
        click.echo(f"  kid={found.get('keyId')}  key={found.get('encryptionKey')}")


# -- tokens -----------------------------------------------------------------------------------------


@click.group(context_settings=CONTEXT)
def token() -> None:
    """Tokens: mint them without a browser (CI), list grants, revoke.

    \b
    Example:
      web21-sandbox token mint --contract C0001 --user c0001-viewer
      web21-sandbox token list --contract C0001
      web21-sandbox token revoke 3 --contract C0001
    """


@token.command("mint")
@contract_option()
@click.option("--user", required=True, help="利用者ID who consents, e.g. c0001-viewer.")
@click.option(
    "--scope",
    default="account offline_access",
    show_default=True,
    help="Services to consent to (transfer-approval only alone).",
)
@click.option("--client-id", help="Client to mint for (default: the contract's demo client).")
@click.option("--client-secret", help="Its client password (default: the demo client's).")
@click.option("--env", "as_env", is_flag=True, help="Print WEB21_ACCESS_TOKEN=... lines for `eval`.")
@pass_client
def token_mint(
    cc: ControlClient,
    contract_id: str,
    user: str,
    scope: str,
    client_id: str | None,
    client_secret: str | None,
    as_env: bool,
) -> None:
    """Consent headlessly and exchange the code at /auth/v1/token; print the token response.

    \b
    Example:
      web21-sandbox token mint --contract C0001 --user c0001-viewer
      web21-sandbox token mint --contract C0001 --user c0001-approver --scope transfer-approval
      eval "$(web21-sandbox --url http://127.0.0.1:8021 token mint --contract C0001 --user c0001-viewer --env)"
    """
    if client_id is None:
        demo = demo_client(cc, contract_id)
        client_id, client_secret = demo["clientId"], demo["demoClientSecret"]
    elif client_secret is None:
        raise click.UsageError("--client-secret is required with --client-id")
    answer = mint(cc, contract_id, user, scope, (client_id, client_secret or ""))
    if not as_env:
        echo_json(answer)
        return
    # `export` lines, so that `eval "$(… --env)"` hands the tokens to child processes too
    click.echo(f"export WEB21_ACCESS_TOKEN={shlex.quote(answer['access_token'])}")
    if answer.get("refresh_token"):
        click.echo(f"export WEB21_REFRESH_TOKEN={shlex.quote(answer['refresh_token'])}")
    click.echo(f"export WEB21_CLIENT_ID={shlex.quote(client_id)}")


def demo_client(cc: ControlClient, contract_id: str) -> dict[str, Any]:
    """The contract's seeded demo client (its ``demoClientSecret`` is shown), else a one-line error."""
    found = cc.call("GET", f"/contracts/{contract_id}/clients")["clients"]
    demo = next((c for c in found if c.get("demoClientSecret")), None)
    if demo is None:
        raise click.ClickException(f"{contract_id} has no demo client: pass --client-id and --client-secret")
    return demo


def mint(cc: ControlClient, contract_id: str, user: str, scope: str, auth: tuple[str, str]) -> dict[str, Any]:
    """Grant consent through the control API, then exchange the code at ``/auth/v1/token``."""
    granted = cc.call(
        "POST",
        f"/contracts/{contract_id}/authorizations",
        {"userId": user, "clientId": auth[0], "scope": scope},
    )
    status, answer = cc.token({"grant_type": "authorization_code", "code": granted["code"]}, auth)
    if status != 200:
        raise click.ClickException(
            f"token endpoint answered {status}: {json.dumps(answer, ensure_ascii=False)}"
        )
    return answer


@token.command("list")
@contract_option()
@click.option("--json", "as_json", is_flag=True, help="Print the JSON answer.")
@pass_client
def token_list(cc: ControlClient, contract_id: str, as_json: bool) -> None:
    """List grants (アクセス許可) with their status, expiry and, once ended, why.

    \b
    Example:
      web21-sandbox token list --contract C0001
    """
    answer = cc.call("GET", f"/contracts/{contract_id}/authorizations")
    if as_json:
        echo_json(answer)
        return
    for grant in answer["authorizations"]:
        why = f"  ({grant['revokedReason']})" if grant.get("revokedReason") else ""
        click.echo(
            f"{grant['grantId']:>4}  {grant['status']:<8} {grant['userId']:<18} {grant['clientId']}  "
            f"{grant['scope']:<28} until {grant['expiresAt']}  tokens {len(grant['tokens'])}{why}"
        )
    if not answer["authorizations"]:
        click.echo(f"no grants in {contract_id}")


@token.command("revoke")
@click.argument("grant_id", type=int)
@contract_option()
@pass_client
def token_revoke(cc: ControlClient, grant_id: int, contract_id: str) -> None:
    """Revoke a grant and every token it issued.

    \b
    Example:
      web21-sandbox token revoke 3 --contract C0001
    """
    grant = cc.call("DELETE", f"/contracts/{contract_id}/authorizations/{grant_id}")
    click.echo(f"grant {grant['grantId']} {grant['status']} ({grant.get('revokedReason', '')})")


# -- users ------------------------------------------------------------------------------------------


@click.group(context_settings=CONTEXT)
def user() -> None:
    """Users (利用者ID): server-connection privileges and lockouts.

    \b
    Example:
      web21-sandbox user privileges --contract C0001 --user c0001-clerk account
      web21-sandbox user unlock --contract C0001 --user c0001-viewer
    """


@user.command("privileges")
@contract_option()
@click.option("--user", "login_id", required=True, help="利用者ID, e.g. c0001-clerk.")
@click.argument("privileges", nargs=-1, type=click.Choice(["account", "transfer", "transfer-approval"]))
@pass_client
def user_privileges(cc: ControlClient, contract_id: str, login_id: str, privileges: tuple[str, ...]) -> None:
    """Set a user's privileges (none at all ends the user's grants, §5(5)①); takes effect on the next request.

    \b
    Example:
      web21-sandbox user privileges --contract C0001 --user c0001-clerk account
      web21-sandbox user privileges --contract C0001 --user c0001-clerk          # remove all
    """
    found = cc.call(
        "PUT", f"/contracts/{contract_id}/users/{login_id}/privileges", {"privileges": list(privileges)}
    )
    ended = f"; {found['grantsRevoked']} grant(s) revoked" if found["grantsRevoked"] else ""
    click.echo(f"{found['userId']}: {', '.join(found['privileges']) or 'no privileges'}{ended}")


@user.command("unlock")
@contract_option()
@click.option("--user", "login_id", required=True, help="利用者ID, e.g. c0001-viewer.")
@pass_client
def user_unlock(cc: ControlClient, contract_id: str, login_id: str) -> None:
    """Clear a lockout after repeated failed logins.

    \b
    Example:
      web21-sandbox user unlock --contract C0001 --user c0001-viewer
    """
    found = cc.call("POST", f"/contracts/{contract_id}/users/{login_id}/unlock")
    click.echo(f"{found['userId']}: {'locked' if found['locked'] else 'unlocked'}")
