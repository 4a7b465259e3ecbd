"""``web21-sandbox bulk upload|make|download|result``: 総合振込 / 給与振込 as 全銀 files.

Every command goes through the control API (in-process on the local database, or ``--url``): upload is
``POST /sandbox/v1/contracts/{id}/bulk-files``, make its ``/sample``, download the account's ``zengin/03``
or ``zengin/01``, result ``/bulk-transfers/{applyNo}/result``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import click

from sandbox.cli.options import CONTEXT, contract_option, echo_json, pass_client
from sandbox.client import ControlClient, ControlError

ACCOUNT_HELP = "Account id (12 digits: branch, type, number), e.g. 791011571600."


@click.group(context_settings=CONTEXT)
def bulk() -> None:
    """総合振込 / 給与振込 as 全銀 files: make a sample, upload it, download statements and the result.

    \b
    Example:
      web21-sandbox bulk make --contract C0001 --account 791011571600 -o sogo.txt
      web21-sandbox bulk upload sogo.txt --contract C0001 --account 791011571600
      web21-sandbox bulk download --contract C0001 --account 791011571600 --kind 03 --from 2026-03-01
    """


def _fetch(cc: ControlClient, method: str, path: str, **kwargs: Any) -> tuple[bytes, dict[str, str]]:
    """The body and headers of a control call made with raw bytes, or the refusal as click's error."""
    status, body, headers = cc.raw(method, path, **kwargs)
    if status >= 400:
        try:
            data = json.loads(body)
        except ValueError:
            raise ControlError(status, None, f"HTTP {status}") from None
        lines = [f"{data.get('errorCode')}: {data.get('errorMessage')}"]
        lines += [f"  {_problem(p)}" for p in data.get("fileErrorDetails", [])]
        lines += [f"  {d['errorDetailsMessage']}" for d in data.get("errorDetails", [])[:1]]
        raise click.ClickException("\n".join(lines))
    return body, headers


def _problem(p: dict[str, Any]) -> str:
    """One problem of a file as a line: where, then what."""
    where = [f"record {p['record']}" if "record" in p else "file"]
    where += [f"byte {p['position']}"] if "position" in p else []
    where += [p["field"]] if "field" in p else []
    return f"{', '.join(where)}: {p['code']}: {p['message']}"


def _write(body: bytes, headers: dict[str, str], output: str | None) -> None:
    """Write a downloaded file to ``output`` (``-``: standard output), by default under its offered name."""
    if output == "-":
        click.echo(body, nl=False)
        return
    found = re.search(r'filename="([^"]+)"', headers.get("Content-Disposition", ""))
    path = Path(output or (found.group(1) if found else "zengin.txt"))
    path.write_bytes(body)
    click.echo(f"wrote {path} ({len(body)} bytes)", err=True)


@bulk.command("upload")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@contract_option()
@click.option("--account", "account_id", help=ACCOUNT_HELP + " The file's header must name it.")
@click.option("--user", help="Applicant 利用者ID (default: a user with transfer but not transfer-approval).")
@click.option("--name", help="transferDataName of the request (default: ｾﾞﾝｷﾞﾝﾌｱｲﾙ).")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON answer.")
@pass_client
def upload(cc: ControlClient, file: Path, contract_id: str, **opts: Any) -> None:
    """Upload a 総合振込 / 給与振込 file (120-byte records, Shift_JIS, with or without CRLF).

    A valid file becomes a bulk request 申請中, to approve like any other; otherwise every problem is
    printed (record, byte, field, code, message) and nothing is created.

    \b
    Example:
      web21-sandbox bulk upload sogo.txt --contract C0001 --account 791011571600
    """
    params = {
        k: v
        for k, v in (("accountId", opts["account_id"]), ("user", opts["user"]), ("name", opts["name"]))
        if v
    }
    body, _headers = _fetch(
        cc, "POST", f"/contracts/{contract_id}/bulk-files", data=file.read_bytes(), params=params
    )
    answer = json.loads(body)
    if opts["as_json"]:
        echo_json(answer)
        return
    who, answer = answer["applicantLoginId"], answer["bulkTransfer"]
    click.echo(
        f"requested {answer['applyNo']} by {who}: {answer['transferStatus']}"
        f" {answer['transferStatusName']}, {answer['totalCount']} items, {answer['totalAmount']} yen"
        f" (fees {answer['totalFee']}) for {answer['transferDesignatedDate']}"
    )


@bulk.command("make")
@contract_option()
@click.option("--account", "account_id", required=True, help=ACCOUNT_HELP)
@click.option("--items", type=click.IntRange(1, 20_000), help="Number of items (default: one per payee).")
@click.option(
    "--type",
    "type_code",
    type=click.Choice(["21", "11", "12"]),
    default="21",
    show_default=True,
    help="種別: 21 総合振込, 11 給与振込, 12 賞与振込.",
)
@click.option("--no-crlf", is_flag=True, help="Records back to back, without line ends.")
@click.option("-o", "--output", help="File to write ('-': standard output; default: sogo-<account>.txt).")
@pass_client
def make(cc: ControlClient, contract_id: str, account_id: str, **opts: Any) -> None:
    """Write a valid sample file: the contract's payees, designated on the first day still allowed.

    \b
    Example:
      web21-sandbox bulk make --contract C0001 --account 791011571600 -o sogo.txt
      web21-sandbox bulk make --contract C0001 --account 791011571600 --items 9999 --type 11 -o kyuyo.txt
    """
    params: dict[str, Any] = {"accountId": account_id, "typeCode": opts["type_code"]}
    params.update({"crlf": "false"} if opts["no_crlf"] else {})
    params.update({"items": str(opts["items"])} if opts["items"] else {})
    body, headers = _fetch(cc, "GET", f"/contracts/{contract_id}/bulk-files/sample", params=params)
    _write(body, headers, opts["output"])


@bulk.command("download")
@contract_option()
@click.option("--account", "account_id", required=True, help=ACCOUNT_HELP)
@click.option(
    "--kind",
    type=click.Choice(["03", "01"]),
    default="03",
    show_default=True,
    help="03 入出金取引明細, 01 振込入金通知.",
)
@click.option(
    "--from", "date_from", help="First value date YYYY-MM-DD (default: today on the contract clock)."
)
@click.option("--to", "date_to", help="Last value date YYYY-MM-DD (default: today).")
@click.option("-o", "--output", help="File to write ('-': standard output; default: the name offered).")
@pass_client
def download(cc: ControlClient, contract_id: str, account_id: str, **opts: Any) -> None:
    """Download an account's 入出金取引明細 (03) or 振込入金通知 (01) file (200-byte records, era dates).

    \b
    Example:
      web21-sandbox bulk download --contract C0001 --account 791011571600 --kind 03 --from 2026-03-01
      web21-sandbox bulk download --contract C0001 --account 791011571600 --kind 01 -o - | iconv -f cp932
    """
    params = {k: v for k, v in (("dateFrom", opts["date_from"]), ("dateTo", opts["date_to"])) if v}
    path = f"/contracts/{contract_id}/accounts/{account_id}/zengin/{opts['kind']}"
    body, headers = _fetch(cc, "GET", path, params=params)
    _write(body, headers, opts["output"])


@bulk.command("result")
@contract_option()
@click.option("--apply-no", required=True, help="受付番号 (applyNo) of the bulk request.")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON answer.")
@pass_client
def result(cc: ControlClient, contract_id: str, apply_no: str, as_json: bool) -> None:
    """Which items of a 総合振込 were paid, which were not (不能) and why.

    \b
    Example:
      web21-sandbox bulk result --contract C0001 --apply-no 2026040190000001
    """
    answer = cc.call("GET", f"/contracts/{contract_id}/bulk-transfers/{apply_no}/result")
    if as_json:
        echo_json(answer)
        return
    click.echo(
        f"{answer['applyNo']}: {answer['transferStatus']} {answer['transferStatusName']};"
        f" paid {answer['paidCount']} ({answer['paidAmount']} yen),"
        f" not paid {answer['unpaidCount']} ({answer['unpaidAmount']} yen)"
    )
    for item in answer["items"]:
        if item["outcome"] == "not_paid":
            click.echo(f"  item {item['itemId']}: 不能 {item.get('reason', '')}")
