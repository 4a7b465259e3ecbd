"""``web21-sandbox transfer request|approve``: consent, JWE and Idempotency-Key done by the CLI, in-process
and over HTTP; the body file the README's curl sends."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from sandbox.cli.main import main
from tests.conftest import ADMIN_KEY, ROOT
from tests.transfer_helpers import unseal

TO = ["--to", "0001-001-1-1234567", "--name", "ｶ)ﾃｽﾄｼﾖｳｼﾞ"]
ACCOUNT = "791011571600"  # C0001's first account in the test world (seed 21)


def _apply_no(output: str) -> str:
    return output.split()[1]


def _balance(runner, account_id: str = ACCOUNT) -> int:
    accounts = json.loads(runner("contracts", "show", "C0001").output)["accounts"]
    return next(int(a["balance"]) for a in accounts if a["accountId"] == account_id)


def test_request_then_approve_moves_the_money_once(runner, control):
    before = _balance(runner)
    asked = runner(
        "transfer", "request", "--contract", "C0001", "--account", ACCOUNT, *TO, "--amount", "250000"
    )
    assert asked.exit_code == 0, asked.output
    lines = asked.output.splitlines()
    apply_no = _apply_no(lines[0])
    assert lines[0] == (
        f"requested {apply_no} by c0001-clerk: 2 申請中, 250,000 yen, fee 660, execution 2026-04-01,"
        " approve by 2026-04-01T15:00:00+09:00"
    )
    assert lines[1].startswith("  Idempotency-Key: cli-") and " 2 申請中 " in lines[2]
    assert lines[3] == f"  next: web21-sandbox transfer approve --contract C0001 --apply-no {apply_no}"
    approved = runner("transfer", "approve", "--contract", "C0001", "--apply-no", apply_no)
    assert approved.output.splitlines()[0] == (
        f"approved {apply_no} by c0001-approver: 20 手続済, execution 2026-04-01"
    )
    assert _balance(runner) == before - 250_000 - 660
    shown = control("GET", f"/contracts/C0001/transfers/{apply_no}", status=200)
    item = shown["transfers"][0]
    assert (item["beneficiaryBankCode"], item["accountNumber"], item["beneficiaryName"]) == (
        "0001",
        "1234567",
        "ｶ)ﾃｽﾄｼﾖｳｼﾞ",
    )


def test_a_later_date_is_reserved_and_return_sends_it_back(runner):
    later = runner(
        "transfer", "request", "--contract", "C0001", *TO, "--amount", "1000", "--date", "2026-04-03"
    )
    reserved = runner("transfer", "approve", "--contract", "C0001", "--apply-no", _apply_no(later.output))
    assert ": 11 予約中, execution 2026-04-03" in reserved.output.splitlines()[0]
    other = runner("transfer", "request", "--contract", "C0001", *TO, "--amount", "1000")
    back = runner(
        "transfer", "approve", "--contract", "C0001", "--apply-no", _apply_no(other.output), "--return"
    )
    assert " 3 差戻" in back.output.splitlines()[0] and back.output.startswith("returned ")


def test_the_body_is_sealed_with_the_clients_key(runner, control):
    printed = runner("transfer", "request", "--contract", "C0001", *TO, "--amount", "5000", "--print-body")
    body = json.loads(printed.output)
    item = body["transfers"][0]
    assert set(item) == {"itemId", "transferAmount", "encryptedBeneficiary"}  # nothing in clear
    demo = next(c for c in control("GET", "/contracts/C0001/clients")["clients"] if c.get("demoClientSecret"))
    assert unseal(demo["encryptionKey"], item["encryptedBeneficiary"])["accountNumber"] == "1234567"
    assert control("GET", "/contracts/C0001/transfers?status=2")["count"] == 1  # the demo's; nothing sent


def test_a_lost_answer_is_sent_again_with_the_same_key_and_processed_once(runner, control):
    runner(
        "fault",
        "add",
        "response_lost",
        "--contract",
        "C0001",
        "--path",
        "/corporation/v1/transfer/request",
        "--times",
        "1",
    )
    pending = control("GET", "/contracts/C0001/transfers?status=2")["count"]
    asked = runner("transfer", "request", "--contract", "C0001", *TO, "--amount", "1000")
    assert asked.exit_code == 0, asked.output
    key = asked.stdout.splitlines()[1].split()[-1]
    assert f"sending again with the same Idempotency-Key {key}" in asked.stderr
    assert control("GET", "/contracts/C0001/transfers?status=2")["count"] == pending + 1
    outcomes = [
        r["outcome"]
        for r in control("GET", "/requests?contractId=C0001")["requests"]
        if r.get("idempotencyKey") == key
    ]
    assert sorted(outcomes) == ["replayed", "reset_after_commit"]


def test_refusals_are_one_line(runner):
    small_kana = runner(
        "transfer",
        "request",
        "--contract",
        "C0001",
        "--to",
        "0001-001-1-1234567",
        "--name",
        "ｶ)ﾃｽﾄｼｮｳｼﾞ",
        "--amount",
        "1",
    )
    assert small_kana.exit_code == 1
    assert small_kana.output == (
        "Error: /transfer/request refused (400 transfer_item_invalid): 1 of 1 items are invalid;"
        " item 1 beneficiaryName: beneficiaryName[6]: small kana ｮ is not in the Zengin set; use ﾖ\n"
    )
    bad_to = runner(
        "transfer", "request", "--contract", "C0001", "--to", "0001-001", "--name", "ｶ)ﾃｽﾄ", "--amount", "1"
    )
    assert bad_to.exit_code == 2 and "is not BANK-BRANCH-TYPE-NUMBER" in bad_to.output
    missing = runner("transfer", "approve", "--contract", "C0001", "--apply-no", "2026049999999999")
    assert missing.exit_code == 1 and missing.output.startswith("Error: transfer_not_found")


def test_over_http_with_url(live_server, tmp_path):
    base = ["--db", str(tmp_path / "none.db"), "--url", live_server.url, "--key", ADMIN_KEY, "transfer"]
    cli = CliRunner()
    asked = cli.invoke(main, [*base, "request", "--contract", "C0003", *TO, "--amount", "30000"])
    assert asked.exit_code == 0, asked.output
    approved = cli.invoke(
        main, [*base, "approve", "--contract", "C0003", "--apply-no", _apply_no(asked.output)]
    )
    assert approved.exit_code == 0, approved.output
    assert ": 20 手続済" in approved.output.splitlines()[0]


def test_the_documented_body_file_is_accepted_as_it_ships(bank, client):
    body = json.loads(Path(ROOT, "docs/examples/transfer.json").read_text())
    kid, key = bank.client_key("C0001")
    sealed = body["transfers"][0]["encryptedBeneficiary"]
    assert json.loads(_header(sealed))["kid"] == kid  # seed 21's demo client key, whatever the start date
    assert unseal(key, sealed)["beneficiaryName"] == "ｶ)ﾃｽﾄｼﾖｳｼﾞ"
    response = bank.post("/transfer/request", body, bank.token("C0001"), {"Idempotency-Key": "docs-example"})
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["totalFee"] == "660"


def _header(token: str) -> str:
    import base64

    part = token.split(".")[0]
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)).decode()
