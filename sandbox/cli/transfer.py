"""``web21-sandbox transfer request|approve``: a transfer made the way a client makes it, in one command.

The command plays the client (§2(2)③④): headless consent for the applicant or the approver with the
contract's demo client, the beneficiary sealed as a JWE under that client's encryption key (§5(2)②), an
``Idempotency-Key`` on every POST — a call that gets no answer is sent again with the same key, so it is
processed once — then ``/corporation/v1/transfer/status`` for where the request stands.
"""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import click
from joserfc import jwe
from joserfc.jwk import OctKey

from sandbox.cli.oauth import demo_client, mint
from sandbox.cli.options import CONTEXT, contract_option, echo_json, pass_client
from sandbox.cli.transfers import line
from sandbox.client import ControlClient, NoAnswer

ATTEMPTS = 3  # the first call and two retries with the same Idempotency-Key
TO_HELP = "Beneficiary as BANK-BRANCH-TYPE-NUMBER (Zengin codes; type 1 普通, 2 当座, 4 貯蓄, 9 その他)."


@click.group(context_settings=CONTEXT)
def transfer() -> None:
    """Request and approve a transfer as a client would: consent, JWE and Idempotency-Key done for you.

    \b
    Example:
      web21-sandbox transfer request --contract C0001 --to 0001-001-1-1234567 --name 'ｶ)ﾃｽﾄ' --amount 250000
      web21-sandbox transfer approve --contract C0001 --apply-no 2026040100000028
    """


@transfer.command("request")
@contract_option()
@click.option("--account", "account_id", help="Account to debit (default: the contract's first account).")
@click.option("--to", "to", required=True, help=TO_HELP)
@click.option("--name", required=True, help="Beneficiary name in half-width kana (Zengin set), e.g. ｶ)ﾃｽﾄ.")
@click.option("--amount", required=True, type=click.IntRange(min=1), help="Amount in yen.")
@click.option(
    "--date", "designated", help="Designated date YYYY-MM-DD (default: today on the contract clock)."
)
@click.option("--edi", help="EDI information (up to 20 characters) for the beneficiary's statement.")
@click.option("--user", help="Applicant 利用者ID (default: a user with transfer but not transfer-approval).")
@click.option("--idempotency-key", help="Idempotency-Key to send (default: a new random one).")
@click.option("--print-body", is_flag=True, help="Print the sealed JSON body and send nothing (for curl).")
@click.option("--json", "as_json", is_flag=True, help="Print the request's and the status's JSON answers.")
@pass_client
def request_(cc: ControlClient, contract_id: str, **opts: Any) -> None:
    """Request a transfer (振込依頼) of one item; print its applyNo, status and fee, then its status.

    \b
    Example:
      web21-sandbox transfer request --contract C0001 --account 791011571600 \\
          --to 0001-001-1-1234567 --name 'ｶ)ﾃｽﾄｼﾖｳｼﾞ' --amount 250000 --date 2026-04-03
      web21-sandbox transfer request --contract C0001 --to 0001-001-1-1234567 --name 'ｶ)ﾃｽﾄ' \\
          --amount 250000 --print-body > transfer.json
    """
    contract = cc.call("GET", f"/contracts/{contract_id}")
    demo = demo_client(cc, contract_id)
    body = request_body(contract, demo, opts)
    if opts["print_body"]:
        echo_json(body)
        return
    user = opts["user"] or _user_with(contract, "transfer", avoid="transfer-approval")
    token = _token(cc, contract_id, demo, user, "transfer")
    key = opts["idempotency_key"] or f"cli-{uuid.uuid4().hex[:20]}"
    answer = _post(cc, "/transfer/request", body, token, key)
    status = _status(cc, token, answer["accountId"], answer["applyNo"])
    if opts["as_json"]:
        echo_json({"request": answer, "status": status})
        return
    click.echo(
        f"requested {answer['applyNo']} by {user}: {answer['transferStatus']} {answer['transferStatusName']}"
        f", {int(answer['totalAmount']):,} yen, fee {int(answer['totalFee']):,}"
        f", execution {answer['executionDate']}, approve by {answer['approvalDeadline']}"
    )
    click.echo(f"  Idempotency-Key: {key}")
    click.echo(f"  status: {line(status)}")
    click.echo(
        f"  next: web21-sandbox transfer approve --contract {contract_id} --apply-no {answer['applyNo']}"
    )


def request_body(contract: dict[str, Any], client: dict[str, Any], opts: dict[str, Any]) -> dict[str, Any]:
    """The ``/transfer/request`` body of one item, its beneficiary sealed unless ``fieldEncryption`` is off."""
    account_id = opts["account_id"] or contract["accounts"][0]["accountId"]
    beneficiary = {**_parse_to(opts["to"]), "beneficiaryName": opts["name"]}
    item: dict[str, Any] = {"itemId": "1", "transferAmount": str(opts["amount"])}
    if opts["edi"]:
        item["ediInfo"] = opts["edi"]
    if contract["settings"]["fieldEncryption"] == "off":
        item.update(beneficiary)
    else:
        item["encryptedBeneficiary"] = seal(client["keyId"], client["encryptionKey"], beneficiary)
    body: dict[str, Any] = {"accountId": account_id, "transfers": [item]}
    if opts["designated"]:
        body["transferDesignatedDate"] = opts["designated"]
    return body


def seal(key_id: str, key_b64: str, fields: dict[str, str]) -> str:
    """What a client does (§5(2)②): the beneficiary as a JWE compact string, ``dir`` / ``A256GCM``, ``kid``."""
    raw = base64.urlsafe_b64decode(key_b64 + "=" * (-len(key_b64) % 4))
    plaintext = json.dumps(fields, ensure_ascii=False)
    return jwe.encrypt_compact(
        {"alg": "dir", "enc": "A256GCM", "kid": key_id}, plaintext, OctKey.import_key(raw)
    )


def _parse_to(value: str) -> dict[str, str]:
    parts = value.split("-")
    if len(parts) != 4 or not all(parts):
        raise click.BadParameter(
            f"{value!r} is not BANK-BRANCH-TYPE-NUMBER like 0001-001-1-1234567", param_hint="--to"
        )
    names = ("beneficiaryBankCode", "beneficiaryBranchCode", "accountTypeCode", "accountNumber")
    return dict(zip(names, parts, strict=True))


@transfer.command("approve")
@contract_option()
@click.option("--apply-no", required=True, help="The request's applyNo (受付番号).")
@click.option(
    "--user", help="Approver 利用者ID (default: a transfer-approval user other than the applicant)."
)
@click.option(
    "--return", "send_back", is_flag=True, help="Return the request to the applicant (差戻) instead."
)
@click.option("--comment", help="Approval comment.")
@click.option("--idempotency-key", help="Idempotency-Key to send (default: a new random one).")
@click.option("--json", "as_json", is_flag=True, help="Print the approval's and the status's JSON answers.")
@pass_client
def approve(cc: ControlClient, contract_id: str, apply_no: str, **opts: Any) -> None:
    """Approve (or --return) a request with a transfer-approval token of its own; print the result and status.

    \b
    Example:
      web21-sandbox transfer approve --contract C0001 --apply-no 2026040100000028
      web21-sandbox transfer approve --contract C0001 --apply-no 2026040100000028 --return --comment 'amount?'
    """
    contract = cc.call("GET", f"/contracts/{contract_id}")
    found = cc.call("GET", f"/contracts/{contract_id}/transfers/{apply_no}")
    user = opts["user"] or _user_with(contract, "transfer-approval", other_than=found.get("applyUser"))
    token = _token(cc, contract_id, demo_client(cc, contract_id), user, "transfer-approval")
    body = {
        "accountId": found["accountId"],
        "applyNo": apply_no,
        "decision": "return" if opts["send_back"] else "approve",
    }
    if opts["comment"]:
        body["comment"] = opts["comment"]
    answer = _post(
        cc, "/transfer/approval", body, token, opts["idempotency_key"] or f"cli-{uuid.uuid4().hex[:20]}"
    )
    status = _status(cc, token, found["accountId"], apply_no)
    if opts["as_json"]:
        echo_json({"approval": answer, "status": status})
        return
    verb = "returned" if opts["send_back"] else "approved"
    why = f" ({answer['failureReason']})" if answer.get("failureReason") else ""
    when = f", execution {answer['executionDate']}" if answer.get("executionDate") else ""
    click.echo(
        f"{verb} {apply_no} by {user}: {answer['transferStatus']} {answer['transferStatusName']}{why}{when}"
    )
    click.echo(f"  status: {line(status)}")


def _user_with(
    contract: dict[str, Any], privilege: str, *, avoid: str = "", other_than: str | None = None
) -> str:
    """A user holding ``privilege`` (preferring one without ``avoid``), never ``other_than`` (the applicant)."""
    able = [u for u in contract["users"] if privilege in u["privileges"] and u["userId"] != other_than]
    able.sort(key=lambda u: avoid in u["privileges"])
    if not able:
        raise click.ClickException(f"no user of {contract['contractId']} holds {privilege}: pass --user")
    return able[0]["userId"]


def _token(cc: ControlClient, contract_id: str, client: dict[str, Any], user: str, scope: str) -> str:
    return mint(cc, contract_id, user, scope, (client["clientId"], client["demoClientSecret"]))[
        "access_token"
    ]


def _post(cc: ControlClient, path: str, body: dict[str, Any], token: str, key: str) -> dict[str, Any]:
    """POST with an Idempotency-Key; a call without an answer is sent again with the same key."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            status, answer = cc.api("POST", path, token, body=body, headers={"Idempotency-Key": key})
        except NoAnswer as exc:
            if attempt == ATTEMPTS:
                raise
            click.echo(f"{exc}; sending again with the same Idempotency-Key {key}", err=True)
            continue
        if status >= 400:
            raise click.ClickException(refusal(path, status, answer))
        return answer
    raise AssertionError("unreachable")  # the loop returns or raises


def _status(cc: ControlClient, token: str, account_id: str, apply_no: str) -> dict[str, Any]:
    """The request as ``GET /transfer/status`` shows it (key class 1: by applyNo)."""
    params = {"accountId": account_id, "applyNo": apply_no}
    status, answer = cc.api("GET", "/transfer/status", token, params=params)
    if status != 200:
        raise click.ClickException(refusal("/transfer/status", status, answer))
    return answer["transferDetails"][0]


def refusal(path: str, status: int, answer: Any) -> str:
    """A refused call in one line: the code, each detail, each item's problems."""
    if not isinstance(answer, dict):
        return f"{path} answered HTTP {status}"
    parts = [d.get("errorDetailsMessage", "") for d in answer.get("errorDetails", [])]
    for item in answer.get("transferErrorDetails", []):
        for detail in item.get("errorDetails", []):
            parts.append(
                f"item {item.get('itemId')} {detail.get('errorDetailsCode')}: {detail.get('errorDetailsMessage')}"
            )
    code = answer.get("errorCode") or answer.get("error", status)
    return f"{path} refused ({status} {code}): " + (
        "; ".join(p for p in parts if p) or answer.get("errorMessage", "")
    )
