"""Downloading 全銀 files: the 入出金取引明細 (03) and 振込入金通知 (01) of an account over the banking API and
the control API parse back to the same lines the JSON statements show, and write back byte for byte."""

from __future__ import annotations

from datetime import date

from sandbox.bank.zengin import codec, layouts, parse, render

ZENGIN = "/corporation/v1/accounts"
KEY = {"X-Sandbox-Key": "test-admin-key"}


def era(iso: str) -> str:
    return render.era(date.fromisoformat(iso))


def reencoded(parsed: parse.Parsed, table: dict[str, layouts.Layout]) -> bytes:
    return render.join(codec.encode(table[r.kind], r.values) for r in parsed.records)


def test_statement_file_parses_back_to_the_api_lines(client, bank, control):
    account_id = bank.accounts("C0001")[0]["accountId"]
    control("POST", "/contracts/C0001/deposits", {"accountId": account_id, "amount": 1234, "edi": "INV9"})
    token = bank.token("C0001", "account")
    params = {"accountId": account_id, "dateFrom": "2026-03-01", "dateTo": "2026-04-01"}
    answer = client.get(
        f"{ZENGIN}/transactions/zengin", query_string=params, headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 200 and answer.content_type == "text/plain; charset=Shift_JIS"
    data = answer.data
    parsed = parse.read(data, layouts.STATEMENT)
    assert parsed.problems == [] and reencoded(parsed, layouts.STATEMENT) == data
    lines, after = [], None
    while True:
        page = bank.get(
            "/accounts/transactions", token, **params, **({"nextItemKey": after} if after else {})
        )
        lines += page.get_json()["transactions"]
        if not page.get_json()["hasNext"]:
            break
        after = page.get_json()["nextItemKey"]
    rows = parsed.of_kind("2")
    assert len(rows) == len(lines) > 20
    for rec, line in zip(rows, lines, strict=True):
        values = rec.values
        assert values["valueOn"] == era(line["valueDate"])
        assert values["direction"] == line["transactionType"]
        assert int(values["amount"]) == int(line["amount"])
        assert " ".join(p for p in (values["description"], values["counterparty"]) if p) == line["remarks"]
        assert values["edi"] == line.get("ediInfo", "")
    (header,), (trailer,) = parsed.of_kind("1"), parsed.of_kind("8")
    opening = int(lines[0]["balance"]) + (-1 if lines[0]["transactionType"] == "1" else 1) * int(
        lines[0]["amount"]
    )
    assert int(header.values["openingBalance"]) == opening and header.values["dateFrom"] == "080301"
    assert int(trailer.values["closingBalance"]) == int(lines[-1]["balance"])
    assert int(trailer.values["recordCount"]) == len(lines)
    credits = sum(int(x["amount"]) for x in lines if x["transactionType"] == "1")
    assert int(trailer.values["creditTotal"]) == credits


def test_notice_file_holds_the_deposit_statement(client, bank, control):
    account_id = bank.accounts("C0001")[0]["accountId"]
    deposit = {
        "accountId": account_id,
        "amount": 5000,
        "remitterName": "ｶ)ﾃｽﾄ",
        "edi": "EDI1",
        "paymentBankCode": "0005",
        "paymentBranchCode": "001",
    }
    control("POST", "/contracts/C0001/deposits", deposit)
    found = client.get(
        f"/sandbox/v1/contracts/C0001/accounts/{account_id}/zengin/01",
        query_string={"dateFrom": "2026-03-01"},
        headers=KEY,
    )
    assert found.status_code == 200
    parsed = parse.read(found.data, layouts.NOTICE)
    assert parsed.problems == [] and reencoded(parsed, layouts.NOTICE) == found.data
    token = bank.token("C0001", "account")
    json_lines = bank.get(
        "/accounts/deposit-transactions", token, accountId=account_id, dateFrom="2026-03-01"
    )
    expected = json_lines.get_json()["depositTransactions"]
    rows = parsed.of_kind("2")
    assert [int(r.values["amount"]) for r in rows] == [int(x["amount"]) for x in expected]
    last = rows[-1].values
    assert (last["remitterName"], last["edi"], last["payingBank"]) == (
        "ｶ)ﾃｽﾄ",
        "EDI1",
        expected[-1]["paymentBankName"],
    )
    (trailer,) = parsed.of_kind("8")
    assert int(trailer.values["count"]) == len(rows)


def test_downloads_refuse_like_the_statement(client, bank):
    token = bank.token("C0001", "account")
    other = bank.accounts("C0003")[0]["accountId"]
    refused = client.get(
        f"{ZENGIN}/transactions/zengin",
        query_string={"accountId": other},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert refused.status_code == 404 and refused.get_json()["errorCode"] == "account_not_found"
    account_id = bank.accounts("C0001")[0]["accountId"]
    future = client.get(
        f"{ZENGIN}/deposit-transactions/zengin",
        query_string={"accountId": account_id, "dateTo": "2027-01-01"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert future.status_code == 400 and future.get_json()["errorCode"] == "invalid_parameter"
    wrong = client.get(f"/sandbox/v1/contracts/C0001/accounts/{account_id}/zengin/02", headers=KEY)
    assert wrong.status_code == 400
    foreign = client.get(f"/sandbox/v1/contracts/C0001/accounts/{other}/zengin/03", headers=KEY)
    assert foreign.status_code == 404
