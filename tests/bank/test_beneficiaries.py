"""Beneficiary rules: zengin-code banks and branches, 7-digit numbers, types 1/2/4/9, Zengin kana names
(the offending character named), EDI ≤ 20, and which beneficiaries are sandbox accounts."""

from __future__ import annotations

import pytest

from sandbox.bank import accounts, beneficiaries
from sandbox.store import connect
from tests.transfer_helpers import OTHER_BANK, Bank


@pytest.fixture
def db(app, db_path):
    handle = connect(db_path)
    yield handle
    handle.conn.close()


@pytest.mark.parametrize(
    ("patch", "field", "words"),
    [
        ({"beneficiaryBankCode": "9999"}, "beneficiaryBankCode", "no bank"),
        ({"beneficiaryBankCode": "01"}, "beneficiaryBankCode", "4 digits"),
        ({"beneficiaryBranchCode": "998"}, "beneficiaryBranchCode", "has no branch"),
        ({"accountNumber": "123456"}, "accountNumber", "7 digits"),
        ({"accountNumber": "12345678"}, "accountNumber", "7 digits"),
        ({"accountNumber": "12345a7"}, "accountNumber", "7 digits"),
        ({"accountTypeCode": "3"}, "accountTypeCode", "1 普通"),
        ({"beneficiaryName": "ｼｮｳｼﾞ"}, "beneficiaryName", "small kana ｮ"),
        ({"beneficiaryName": "ｺｰﾋｰ"}, "beneficiaryName", "long-vowel mark ｰ"),
        ({"beneficiaryName": "ﾀﾅｶ!"}, "beneficiaryName", "'!'"),
        ({"beneficiaryName": "たなか"}, "beneficiaryName", "'た'"),
        ({"beneficiaryName": "ｱ" * 31}, "beneficiaryName", "more than 30"),
        ({"beneficiaryName": None}, "beneficiaryName", "required"),
        ({"accountNumber": 1234567}, "accountNumber", "required"),
    ],
)
def test_rules(db, patch, field, words):
    ben, problems = beneficiaries.check(db, {**OTHER_BANK, **patch})
    assert ben is None
    assert problems[0]["errorDetailsCode"] == field and words in problems[0]["errorDetailsMessage"]


def test_the_position_of_a_bad_character_is_named(db):
    _ben, problems = beneficiaries.check(db, {**OTHER_BANK, "beneficiaryName": "ｶ)ｼｮｳｼﾞｰ"})
    assert [p["errorDetailsMessage"].split(":")[0] for p in problems] == [
        "beneficiaryName[3]",
        "beneficiaryName[7]",
    ]


def test_types_4_and_9_and_names_as_the_bank_writes_them(db):
    for account_type in ("1", "2", "4", "9"):
        ben, problems = beneficiaries.check(db, {**OTHER_BANK, "accountTypeCode": account_type})
        assert not problems
    assert (ben.bank_name, ben.branch_name, ben.account_id) == ("ﾐｽﾞﾎ", "ﾄｳｷﾖｳ", None)


def test_sandbox_accounts_are_found_by_bank_code_0009(db):
    acct = accounts.for_contracts(db, ["C0003"])[0]
    fields = {
        "beneficiaryBankCode": "0009",
        "beneficiaryBranchCode": acct["branch_code"],
        "accountTypeCode": acct["account_type"],
        "accountNumber": acct["account_number"],
        "beneficiaryName": "ﾃｽﾄ",
    }
    assert beneficiaries.check(db, fields)[0].account_id == acct["id"]
    # a 0009 account the sandbox does not hold is another customer of the bank: it leaves via clearing
    unknown = {**fields, "accountNumber": "0000001"}
    assert beneficiaries.check(db, unknown)[0].account_id is None


def test_every_bad_item_is_reported_at_once(client, control):
    bank = Bank(client, control)
    control("PATCH", "/contracts/C0003/settings", {"fieldEncryption": "off"}, status=200)
    items = [
        bank.to_other_bank(1000, 1),
        bank.to_other_bank(1000, 2, beneficiaryBankCode="9999", accountNumber="1"),
        bank.to_other_bank(1000, 3, ediInfo="X" * 21),
        bank.to_account("C0003", 0, 1000, 4),  # the debited account itself
    ]
    body = bank.body("C0003", items, clear=True)
    answer = bank.post("/transfer/request", body, bank.token("C0003")).get_json()
    assert answer["errorCode"] == "transfer_item_invalid"
    assert [
        (d["itemId"], [e["errorDetailsCode"] for e in d["errorDetails"]])
        for d in answer["transferErrorDetails"]
    ] == [
        ("2", ["beneficiaryBankCode", "accountNumber"]),
        ("3", ["ediInfo"]),
    ]
    body["transfers"] = items[:1] + items[3:]
    body["totalCount"], body["totalAmount"] = "2", "2000"
    answer = bank.post("/transfer/request", body, bank.token("C0003")).get_json()
    assert answer["transferErrorDetails"] == [
        {
            "itemId": "4",
            "errorDetails": [
                {
                    "errorDetailsCode": "accountNumber",
                    "errorDetailsMessage": "the beneficiary is the debited account",
                }
            ],
        }
    ]


def test_banks_are_read_one_at_a_time_as_zengin_code_has_them():
    """bank() reads only the bank asked for, and gives what the zengin-code package loads for it."""
    from zengin_code import Bank as Zengin

    for code in ("0001", "0005", "0009", "2010"):
        ours, theirs = beneficiaries.bank(code), Zengin.all[code]
        assert (ours.code, ours.name, ours.kana) == (theirs.code, theirs.name, theirs.kana)
        assert {c: (b.name, b.kana) for c, b in ours.branches.items()} == {
            c: (b.name, b.kana) for c, b in theirs.branches.items()
        }
        assert list(ours.branches) == sorted(ours.branches)
    assert beneficiaries.bank("9998") is None
