"""Reading a bulk transfer body: every problem of every item at once, the cap and the timing rule first."""

from __future__ import annotations

from datetime import datetime

import pytest

from sandbox.bank.bulk import input as bulk_input
from sandbox.bank.bulk.errors import BulkTransferTooLate, BulkTransferTooManyItems
from sandbox.bank.transfers.errors import FieldEncryptionRequired, TransferItemInvalid, TransferTotalsMismatch
from sandbox.clock import JST
from sandbox.errors import InvalidParameter

CLEAR = {"settings": {"fieldEncryption": "off"}}
NOW = datetime(2026, 12, 7, 10, tzinfo=JST)  # a Monday


def item(n: int, amount: str = "1000", account: str = "7654321") -> dict:
    return {
        "itemId": str(n),
        "transferAmount": amount,
        "beneficiaryBankCode": "0005",
        "beneficiaryBranchCode": "001",
        "accountTypeCode": "1",
        "accountNumber": account,
        "beneficiaryName": "ｶ)ﾄﾘﾋｷｻｷ",
    }


def body(items: list, **extra) -> dict:
    amounts = sum(
        int(i["transferAmount"]) for i in items if isinstance(i, dict) and i["transferAmount"].isdigit()
    )
    return {
        "transferDesignatedDate": "2026-12-09",
        "totalCount": str(len(items)),
        "totalAmount": str(amounts),
        "transfers": items,
        **extra,
    }


def parse(data: dict, contract: dict = CLEAR):
    return bulk_input.parse_request(None, data, contract=contract, client_id=None, now=NOW)


def test_a_large_request_parses_with_item_numbers_past_99():
    draft = parse(body([item(n) for n in range(1, 1201)], remitterCode="1234567890", identification="Y"))
    assert len(draft.items) == 1200 and draft.items[-1].item_id == 1200
    assert draft.type_code == "21" and draft.identification and draft.remitter_code == "1234567890"


def test_every_bad_item_is_named_at_once():
    items = [item(n) for n in range(1, 501)]
    items[9] = item(10, amount="12x")
    items[399] = item(400, account="12")
    items[449] = item(3)  # a repeated itemId
    with pytest.raises(TransferItemInvalid) as caught:
        parse(body(items))
    named = {
        d["itemId"]: [p["errorDetailsCode"] for p in d["errorDetails"]] for d in caught.value.transfer_details
    }
    assert named == {"10": ["transferAmount"], "400": ["accountNumber"], "3": ["itemId"]}


def test_cap_timing_and_totals_are_their_own_codes():
    with pytest.raises(BulkTransferTooManyItems):
        parse(body([item(n) for n in range(1, 32)]), {"settings": {"bulkTransferMaxItems": 30}})
    with pytest.raises(BulkTransferTooLate):
        parse(body([item(1)], transferDesignatedDate="2026-12-08", typeCode="11"))
    with pytest.raises(TransferTotalsMismatch):
        parse({**body([item(1), item(2)]), "totalAmount": "1"})


@pytest.mark.parametrize(
    ("extra", "name"),
    [
        ({"typeCode": "99"}, "typeCode"),
        ({"remitterCode": "123"}, "remitterCode"),
        ({"identification": "X"}, "identification"),
    ],
)
def test_bad_header_fields_are_named(extra, name):
    with pytest.raises(InvalidParameter) as caught:
        parse(body([item(1)], **extra))
    assert caught.value.details[0]["errorDetailsCode"] == name


def test_clear_beneficiaries_are_refused_when_encryption_is_required():
    with pytest.raises(FieldEncryptionRequired) as caught:
        parse(body([item(1), item(2)]), {"settings": {}})
    assert len(caught.value.transfer_details) == 2


def test_new_code_and_designated_type_are_checked():
    items = [item(1), {**item(2), "newCode": "5"}, {**item(3), "newCode": "1"}]
    with pytest.raises(TransferItemInvalid) as caught:
        parse(body(items))
    assert [d["itemId"] for d in caught.value.transfer_details] == ["2"]
    with pytest.raises(InvalidParameter):
        parse(body([item(1)], transferDesignatedType="1"))
    assert parse(body([item(1)], transferDesignatedType="7")).items
