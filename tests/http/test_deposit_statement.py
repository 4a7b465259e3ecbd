"""The deposit statement (振込入金明細): incoming transfers only, with the remitter and the paying bank, paged
like statements; deposits through the control API name their paying bank, transfers between sandbox accounts
show the sending branch of the sandbox's own bank."""

from __future__ import annotations

import pytest

from sandbox.bank import accounts, remitters
from sandbox.store import connect, transaction
from tests.conftest import START
from tests.http.test_accounts_api import first_account, get
from tests.oauth_helpers import mint_tokens
from tests.openapi_helpers import assert_conforms

PATH = "/accounts/deposit-transactions"


@pytest.fixture
def viewer(client, control):
    return mint_tokens(client, control, "C0003", "c0003-viewer")


def deposit(control, account_id, **extra):
    body = {"accountId": account_id, "amount": 50000, "remitterName": "ｶ)ﾃｽﾄ", **extra}
    return control("POST", "/contracts/C0003/deposits", body, status=201)


def test_a_deposit_with_its_paying_bank(client, control, viewer):
    account_id = first_account(client, viewer)
    deposit(control, account_id, edi="INV0001", paymentBankCode="0005", paymentBranchCode="001")
    answer = get(client, viewer, PATH, accountId=account_id)
    assert_conforms(client.get("/openapi.json").get_json(), f"/corporation/v1{PATH}", "get", answer)
    line = answer.get_json()["depositTransactions"][-1]
    assert line == {
        "transactionDate": "2026-04-01",
        "valueDate": "2026-04-01",
        "amount": "50000",
        "applicantName": "ｶ)ﾃｽﾄ",
        "paymentBankName": "ﾐﾂﾋﾞｼﾕ-ｴﾌｼﾞｴｲ",
        "paymentBranchName": "ﾎﾝﾃﾝ",
        "ediInfo": "INV0001",
        "remarks": "振込 INV0001 ｶ)ﾃｽﾄ",
        "itemKey": line["itemKey"],
    }
    statement = get(client, viewer, "/accounts/transactions", accountId=account_id).get_json()
    assert statement["transactions"][-1]["itemKey"] == line["itemKey"]  # the same line, the same key


def test_only_incoming_transfers_with_believable_banks(client, control, viewer):
    """Over a month of seeded history: credits only, every line with a real bank's kana name; a remitter
    without a given bank pays from the same bank each time."""
    account_id = first_account(client, viewer)
    deposit(control, account_id)
    deposit(control, account_id)
    month = {"accountId": account_id, "dateFrom": "2026-03-01"}
    lines = get(client, viewer, PATH, **month).get_json()["depositTransactions"]
    statement = get(client, viewer, "/accounts/transactions", **month).get_json()["transactions"]
    credits = [
        t["itemKey"] for t in statement if t["transactionType"] == "1" and t["remarks"].startswith("ﾌﾘｺﾐ ")
    ]
    assert [t["itemKey"] for t in lines] == credits and len(credits) < len(statement)
    usual = {remitters.usual(name).bank_name for name in ("ｶ)ﾃｽﾄ", "ｱ", "ﾍﾞﾝﾁ", "ﾕ)ﾔﾏﾀﾞ", "ｶ)ｻﾄｳｼﾖｳｼﾞ")}
    assert all(t["paymentBankName"] and t["paymentBranchName"] and t["applicantName"] for t in lines)
    assert lines[-1]["paymentBankName"] == lines[-2]["paymentBankName"] in usual | {"ﾐﾂﾋﾞｼﾕ-ｴﾌｼﾞｴｲ"}
    assert lines[-1]["remarks"] == "振込 ｶ)ﾃｽﾄ"  # no EDI, no double space


def test_every_usual_bank_is_in_the_zengin_data():
    for code, branch in remitters._USUAL:
        assert remitters.paying_bank(code, branch) is not None


def test_a_transfer_between_sandbox_accounts_shows_the_sending_branch(bank):
    c1, c3 = bank.accounts("C0001"), bank.accounts("C0003")
    item = bank.to_account("C0003", 0, 40_000, ediInfo="INV202604002")
    created = bank.post("/transfer/request", bank.body("C0001", [item], account=1), bank.token("C0001"))
    bank.approve("C0001", created.get_json()["applyNo"], account=1)
    target = c3[0]["accountId"]
    answer = bank.get(PATH, bank.token("C0003", "account"), accountId=target)
    line = answer.get_json()["depositTransactions"][-1]
    sender = remitters.sandbox_branch(c1[1]["branchCode"])
    assert (line["amount"], line["applicantName"], line["ediInfo"]) == (
        "40000",
        c1[1]["accountName"],
        "INV202604002",
    )
    assert (line["paymentBankName"], line["paymentBranchName"]) == ("ﾐﾂｲｽﾐﾄﾓ", sender.branch_name)
    source_lines = bank.get(PATH, bank.token("C0001", "account"), accountId=c1[1]["accountId"]).get_json()
    assert all(t["amount"] != "40000" for t in source_lines["depositTransactions"])  # the debit is not there


@pytest.mark.parametrize(
    "extra, field",
    [
        ({"paymentBankCode": "0005"}, "paymentBranchCode"),
        ({"paymentBranchCode": "001"}, "paymentBankCode"),
        ({"paymentBankCode": "9998", "paymentBranchCode": "001"}, "paymentBankCode"),
        ({"paymentBankCode": "0005", "paymentBranchCode": "999"}, "paymentBranchCode"),
        ({"paymentBankCode": 5, "paymentBranchCode": "001"}, "paymentBankCode"),
        ({"paymentBankCode": "０００５", "paymentBranchCode": "001"}, "paymentBankCode"),
    ],
)
def test_a_bad_paying_bank_is_refused_and_nothing_moves(client, control, viewer, extra, field):
    account_id = first_account(client, viewer)
    before = get(client, viewer, "/accounts/balances", accountId=account_id).get_json()["balances"][0][
        "balance"
    ]
    body = {"accountId": account_id, "amount": 50000, "remitterName": "ｶ)ﾃｽﾄ", **extra}
    answer = control("POST", "/contracts/C0003/deposits", body, status=400)
    assert (
        answer["errorCode"] == "invalid_parameter" and answer["errorDetails"][0]["errorDetailsCode"] == field
    )
    after = get(client, viewer, "/accounts/balances", accountId=account_id).get_json()["balances"][0][
        "balance"
    ]
    assert after == before


def test_pages_of_500_by_item_key(client, viewer, db_path):
    account_id = first_account(client, viewer)
    already = get(client, viewer, PATH, accountId=account_id).get_json()["count"]
    db = connect(db_path)
    with transaction(db):
        for n in range(520):
            accounts.deposit(
                db,
                contract_id="C0003",
                acct_id=account_id,
                amount=n + 1,
                remitter_kana="ﾃｽﾄ",
                edi=None,
                at=START,
            )
    db.conn.close()
    first = get(client, viewer, PATH, accountId=account_id).get_json()
    assert first["count"] == 500 and first["hasNext"] is True and len(first["nextItemKey"]) == 20
    second = get(client, viewer, PATH, accountId=account_id, nextItemKey=first["nextItemKey"]).get_json()
    amounts = [int(t["amount"]) for t in first["depositTransactions"] + second["depositTransactions"]]
    assert amounts[already:] == list(range(1, 521)) and second["hasNext"] is False
    bad = get(client, viewer, PATH, accountId=account_id, nextItemKey="709")
    assert bad.status_code == 400 and bad.get_json()["errorCode"] == "item_key_invalid"
