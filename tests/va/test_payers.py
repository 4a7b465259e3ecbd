"""The payer simulator: payers scheduled through the control API pay on the contract clock — one-off or
recurring, with each amount pattern — into accounts or virtual accounts, through the one deposit use case;
deleting a payer cancels what it had pending. The ledger stays balanced."""

from __future__ import annotations

from sandbox.bank import ledger
from sandbox.store import connect

PAYERS = "/contracts/C0001/payers"


def lines(bank, account_id, date_from="2026-04-01"):
    token = bank.token("C0001", "account")
    answer = bank.get("/accounts/deposit-transactions", token, accountId=account_id, dateFrom=date_from)
    return [t for t in answer.get_json()["depositTransactions"] if t["transactionDate"] >= date_from]


def test_each_pattern_pays_what_it_says(bank, control, db_path):
    account_id = bank.accounts("C0001")[0]["accountId"]
    base = {
        "accountId": account_id,
        "amount": 110_000,
        "remitterName": "ｶ)ﾄﾘﾋｷｻｷ",
        "edi": "INV0001",
        "in": "1h",
    }
    for pattern in ("exact", "short", "over", "split", "other-name", "wrong-edi"):
        control("POST", PAYERS, {**base, "pattern": pattern}, status=201)
    mine = [p for p in control("GET", PAYERS, status=200)["payers"] if p.get("edi") == "INV0001"]
    assert len(mine) == 6  # besides the seeded payers of the month's invoices
    control.advance("C0001", "2d")
    bank._tokens.clear()
    found = [t for t in lines(bank, account_id) if t.get("ediInfo") in ("INV0001", "INV0010")]
    paid = [(t["amount"], t["applicantName"], t.get("ediInfo")) for t in found]
    assert ("110000", "ｶ)ﾄﾘﾋｷｻｷ", "INV0001") in paid  # exact
    assert ("109340", "ｶ)ﾄﾘﾋｷｻｷ", "INV0001") in paid  # short by the 660-yen fee
    assert ("111000", "ｶ)ﾄﾘﾋｷｻｷ", "INV0001") in paid  # over
    assert ("55000", "ｶ)ﾄﾘﾋｷｻｷ", "INV0001") in paid and ("55000", "ｶ)ﾄﾘﾋｷｻｷ", "INV0001") in paid  # split
    assert (
        sum(1 for a, n, e in paid if a == "110000" and n != "ｶ)ﾄﾘﾋｷｻｷ" and e == "INV0001") == 1
    )  # other name
    assert ("110000", "ｶ)ﾄﾘﾋｷｻｷ", "INV0010") in paid  # wrong EDI
    assert len(paid) == 7
    after = control("GET", PAYERS, status=200)["payers"]
    assert all(p["status"] == "done" for p in after if p.get("edi") == "INV0001")
    assert ledger.check(connect(db_path)) == []


def test_recurring_payer_into_a_va_and_delete(bank, control):
    ra_id = bank.accounts("C0001")[0]["accountId"]
    token = bank.token("C0001", "account")
    va_id = bank.post(
        "/va/issue", {"raId": ra_id, "vaTypeCode": "2", "issueRequestCount": 1}, token
    ).get_json()["vaList"][0]["vaId"]
    weekly = control(
        "POST", PAYERS, {"vaId": va_id, "amount": 30_000, "every": "weekly", "times": 3}, status=201
    )
    forever = control("POST", PAYERS, {"vaId": va_id, "amount": 1_000, "every": "daily"}, status=201)
    assert weekly["accountId"] == ra_id and weekly["nextAt"].startswith("2026-04-01")
    control.advance("C0001", "30d")
    bank._tokens.clear()
    vas = bank.get(
        "/va/deposit-transactions", bank.token("C0001", "account"), raId=ra_id, dateFrom="2026-04-01"
    )
    amounts = [t["depositAmount"] for t in vas.get_json()["vaTransactions"]]
    assert amounts.count("30000") == 3  # three weekly payments, then done
    assert amounts.count("1000") == 22  # every business day from 4/1 to 5/1 (4/29 a holiday)
    control("DELETE", f"{PAYERS}/{forever['payerId']}", status=200)
    control.advance("C0001", "7d")
    bank._tokens.clear()
    again = bank.get(
        "/va/deposit-transactions", bank.token("C0001", "account"), raId=ra_id, dateFrom="2026-04-01"
    )
    assert [t["depositAmount"] for t in again.get_json()["vaTransactions"]].count("1000") == 22


def test_bad_payers_are_refused_whole(control, bank):
    account_id = bank.accounts("C0001")[0]["accountId"]
    bad = [
        ({"amount": 1000}, 400, "invalid_parameter"),
        ({"accountId": account_id, "amount": 1000, "pattern": "late"}, 400, "invalid_parameter"),
        ({"vaId": "0000099999", "amount": 1000}, 404, "va_not_found"),
        ({"accountId": account_id, "amount": 1000, "every": "hourly"}, 400, "invalid_parameter"),
        ({"payers": [{"accountId": account_id, "amount": 1}, {"amount": 2}]}, 400, "invalid_parameter"),
    ]
    seeded = control("GET", PAYERS, status=200)["count"]
    for body, status, code in bad:
        assert control("POST", PAYERS, body, status=status)["errorCode"] == code
    assert control("GET", PAYERS, status=200)["count"] == seeded  # nothing half-written
    assert control("DELETE", f"{PAYERS}/999", status=404)["errorCode"] == "not_found"


def test_cli_adds_lists_and_deletes_payers(runner, bank):
    account_id = bank.accounts("C0001")[0]["accountId"]
    added = runner(
        "payers",
        "add",
        "--contract",
        "C0001",
        "--account",
        account_id,
        "--amount",
        "50000",
        "--pattern",
        "short",
        "--every",
        "weekly",
        "--in",
        "1d",
    )
    assert added.exit_code == 0 and " 50000 yen short weekly to " in added.output
    payer_id = added.output.split(":")[0].split()[1]
    listed = runner("payers", "list", "--contract", "C0001")
    assert f"{payer_id:>5}  active  short " in listed.output
    assert runner("payers", "delete", "--contract", "C0001", payer_id).output == f"payer {payer_id} deleted\n"
    assert f"{payer_id:>5}  " not in runner("payers", "list", "--contract", "C0001").output
    assert runner("invoices", "--contract", "C0001").exit_code == 0
