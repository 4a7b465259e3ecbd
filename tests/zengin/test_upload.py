"""Uploading 総合振込 files over the control API: a valid file becomes a bulk request 申請中 through the bulk
domain (approved and executed like an API one); each kind of problem is named by record, byte position and
field, all at once; nothing is created when one record is wrong.

Demo world at START (Wed 2026-04-01 10:00 JST): the first designated date a 総合振込 may name is Thu 04-02
(requested and approved by the business day before).
"""

from __future__ import annotations

import pytest

from sandbox.bank.zengin import codec, layouts, render
from sandbox.store import connect

FILES = "/contracts/C0001/bulk-files"
KEY = {"X-Sandbox-Key": "test-admin-key"}


def upload(client, data: bytes, **params):
    return client.post(f"/sandbox/v1{FILES}", data=data, query_string=params, headers=KEY)


def sample(client, account_id: str, **params) -> bytes:
    params = {"accountId": account_id, **params}
    found = client.get(f"/sandbox/v1{FILES}/sample", query_string=params, headers=KEY)
    assert found.status_code == 200, found.get_json()
    return found.data


def count_bulk(db_path) -> int:
    db = connect(db_path)
    try:
        return db.conn.execute("SELECT COUNT(*) FROM bulk_requests").fetchone()[0]
    finally:
        db.conn.close()


def lines(data: bytes) -> list[bytes]:
    return data.split(b"\r\n")[:-1]


def put(record: bytes, layout: layouts.Layout, key: str, value: bytes) -> bytes:
    f = layout.field(key)
    return record[: f.start - 1] + value.ljust(f.length, b" ") + record[f.end :]


@pytest.fixture
def account_id(bank):
    return bank.accounts("C0001")[0]["accountId"]


def test_sample_uploads_and_executes_as_one_bulk_request(client, bank, control, account_id):
    data = sample(client, account_id)
    assert all(len(line) == 120 for line in lines(data)) and data.endswith(b"\r\n")
    created = upload(client, data, accountId=account_id)
    assert created.status_code == 201, created.get_json()
    shown = created.get_json()["bulkTransfer"]
    items = len(lines(data)) - 3
    assert shown["transferStatus"] == "2" and shown["totalCount"] == str(items)
    assert (
        shown["transferDesignatedDate"] == "2026-04-02"
        and created.get_json()["applicantLoginId"] == "c0001-clerk"
    )
    approved = bank.post(
        "/bulktransfer/approval",
        {"accountId": account_id, "applyNo": shown["applyNo"], "decision": "approve"},
        bank.token("C0001", "transfer-approval"),
    )
    assert approved.get_json()["transferStatus"] == "11"
    control.advance("C0001", "1d")
    result = control("GET", f"/contracts/C0001/bulk-transfers/{shown['applyNo']}/result")
    assert result["transferStatus"] == "20" and result["paidCount"] == items
    assert result["paidAmount"] == int(shown["totalAmount"])


def test_the_headers_remitter_name_is_the_requests(client, bank, account_id):
    """依頼人名 of the header becomes the bulk request's ``remitterName`` (what the payees' statements show)."""
    records = lines(sample(client, account_id))
    records[0] = put(records[0], layouts.TRANSFER_HEADER, "remitterName", "ｷﾕｳﾖ ﾀﾝﾄｳ".encode("cp932"))
    created = upload(client, b"\r\n".join(records) + b"\r\n", accountId=account_id)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["bulkTransfer"]["remitterName"] == "ｷﾕｳﾖ ﾀﾝﾄｳ"


def test_without_crlf_and_with_trailing_eof_mark(client, account_id):
    data = sample(client, account_id, crlf="false", items="3") + b"\x1a"
    assert len(data) == 120 * 6 + 1
    created = upload(client, data)
    assert created.status_code == 201 and created.get_json()["bulkTransfer"]["totalCount"] == "3"


def problems_of(response) -> list[dict]:
    assert response.status_code == 400, response.get_json()
    body = response.get_json()
    assert body["errorCode"] == "zengin_file_invalid"
    return body["fileErrorDetails"]


def test_every_problem_at_once_named_by_record_position_and_field(client, db_path, account_id):
    records = lines(sample(client, account_id, items="5"))
    data, trailer = layouts.TRANSFER_DATA, layouts.TRANSFER_TRAILER
    records[1] = put(records[1], data, "beneficiaryName", "ｼｮｳｼﾞ".encode("cp932"))  # small kana
    records[2] = put(records[2], data, "beneficiaryName", "山田".encode("cp932"))  # not JIS X 0201
    records[3] = put(records[3], data, "bankCode", b"9998")  # no such bank
    records[4] = put(records[4], data, "branchCode", b"999")  # no such branch of a real bank
    records[5] = records[5][:119]  # one byte short
    records[6] = put(records[6], trailer, "totalAmount", b"000000000001")
    before = count_bulk(db_path)
    found = problems_of(upload(client, b"\r\n".join(records) + b"\r\n"))
    assert count_bulk(db_path) == before
    by_code = {p["code"]: p for p in found}
    assert by_code["small_kana"] == {
        "record": 2,
        "position": 52,
        "field": "受取人名",
        "code": "small_kana",
        "message": by_code["small_kana"]["message"],
    }
    assert "ｮ" in by_code["small_kana"]["message"]
    assert by_code["character_set"]["record"] == 3 and by_code["character_set"]["position"] == 51
    assert "山" in by_code["character_set"]["message"]
    assert (by_code["unknown_bank"]["record"], by_code["unknown_bank"]["position"]) == (4, 2)
    assert (by_code["unknown_branch"]["record"], by_code["unknown_branch"]["field"]) == (5, "被仕向支店番号")
    assert by_code["record_length"]["record"] == 6 and "119" in by_code["record_length"]["message"]
    assert by_code["totals_mismatch"]["record"] == 7 and by_code["totals_mismatch"]["field"] == "合計金額"


def _header_with(client, account_id, key: str, value: bytes, **params) -> list[dict]:
    records = lines(sample(client, account_id, items="2", **params))
    records[0] = put(records[0], layouts.TRANSFER_HEADER, key, value)
    return problems_of(upload(client, b"\r\n".join(records) + b"\r\n"))


def test_designated_date_not_a_business_day(client, account_id):
    (found,) = _header_with(client, account_id, "designatedDate", b"0404")  # Saturday 2026-04-04
    assert found["code"] == "not_business_day" and (found["record"], found["position"]) == (1, 55)


def test_designated_date_not_a_date(client, account_id):
    (found,) = _header_with(client, account_id, "designatedDate", b"0230")
    assert found["code"] == "value" and (found["record"], found["position"]) == (1, 55)
    (found,) = _header_with(client, account_id, "designatedDate", b"1301")
    assert found["code"] == "value" and "1301" in found["message"]


def test_designated_date_too_late(client, account_id):
    (found,) = _header_with(
        client, account_id, "designatedDate", b"0401"
    )  # today: the lead day was yesterday
    assert found["code"] == "too_late" and found["field"] == "振込指定日"


def test_salary_file_too_late_for_its_three_days(client, account_id):
    (found,) = _header_with(client, account_id, "designatedDate", b"0403", typeCode="11")
    assert found["code"] == "too_late"


def test_header_account_must_be_the_contracts(client, account_id, bank):
    (found,) = _header_with(client, account_id, "accountNumber", b"0000001")
    assert found["code"] == "unknown_account" and found["position"] == 97
    other = bank.accounts("C0001")[1]["accountId"]
    found = problems_of(upload(client, sample(client, account_id, items="1"), accountId=other))
    assert [p["code"] for p in found] == ["account_mismatch"]


def test_field_values_and_file_shape(client, account_id):
    records = lines(sample(client, account_id, items="3"))
    data = layouts.TRANSFER_DATA
    records[1] = put(records[1], data, "amount", b"00000A0000")
    records[2] = put(records[2], data, "designatedType", b"8")
    records[3] = put(records[3], data, "accountType", b"3")
    records = [records[0], records[4], *records[1:4], records[5]]  # trailer before the data
    found = problems_of(upload(client, b"\r\n".join(records) + b"\r\n"))
    codes = {(p["record"], p["code"], p.get("field")) for p in found}
    assert (3, "not_numeric", "振込金額") in codes
    assert (4, "value", "振込指定区分") in codes and (5, "value", "預金種目") in codes
    assert (2, "file_shape", "データ区分") in codes


def test_empty_and_non_multiple_files(client):
    assert problems_of(upload(client, b""))[0]["code"] == "empty_file"
    found = problems_of(upload(client, b"1" * 250))
    assert {"record": 3, "code": "record_length", "message": "the record is 10 bytes, not 120"} in found


def test_codec_refuses_what_it_cannot_write():
    with pytest.raises(ValueError):
        codec.encode(layouts.TRANSFER_TRAILER, {"totalCount": 1_000_000})
    assert render.era(render.date(2026, 4, 1)) == "080401"
    assert render.era(render.date(2019, 4, 30)) == "310430"


def test_a_9999_item_file_uploads_and_one_bad_record_creates_nothing(client, db_path, account_id):
    data = sample(client, account_id, items="9999")
    records = lines(data)
    assert len(records) == 10_002
    bad = list(records)
    bad[5000] = put(bad[5000], layouts.TRANSFER_DATA, "accountNumber", b"12345X7")
    before = count_bulk(db_path)
    found = problems_of(upload(client, b"\r\n".join(bad) + b"\r\n"))
    assert [(p["record"], p["position"], p["code"]) for p in found] == [(5001, 44, "not_numeric")]
    assert count_bulk(db_path) == before
    created = upload(client, data)
    assert created.status_code == 201 and created.get_json()["bulkTransfer"]["totalCount"] == "9999"
    assert count_bulk(db_path) == before + 1


def test_more_items_than_the_contract_allows(client, control, account_id):
    data = sample(client, account_id, items="3")
    control("PATCH", "/contracts/C0001/settings", {"bulkTransferMaxItems": 2})
    (found,) = problems_of(upload(client, data))
    assert found["code"] == "too_many_items" and "record" not in found


def test_a_refusal_of_the_domain_names_the_record_and_field(client, account_id):
    from sandbox.bank.transfers.errors import TransferItemInvalid
    from sandbox.bank.zengin import transferfile
    from sandbox.bank.zengin import upload as file_upload

    file = transferfile.read_transfer(sample(client, account_id, items="2"))
    refused = TransferItemInvalid(
        "1 of 2 items are invalid",
        field="transfers",
        transfer_details=[
            {
                "itemId": "2",
                "errorDetails": [{"errorDetailsCode": "transferAmount", "errorDetailsMessage": "too much"}],
            }
        ],
    )
    (found,) = file_upload.translate(refused, file)
    assert (found.record, found.position, found.field, found.code) == (
        3,
        81,
        "振込金額",
        "transfer_item_invalid",
    )


def test_mangled_files_are_refused_never_a_500(client, db_path, account_id):
    import random

    rng = random.Random(11)
    data = sample(client, account_id, items="3")
    before = count_bulk(db_path)
    created = 0
    for _ in range(60):
        mangled = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            where = rng.randrange(len(mangled))
            choice = rng.random()
            if choice < 0.6:
                mangled[where] = rng.randrange(256)
            elif choice < 0.8:
                del mangled[where]
            else:
                mangled.insert(where, rng.randrange(256))
        answer = upload(client, bytes(mangled))
        assert answer.status_code in (201, 400), answer.get_data(as_text=True)
        created += answer.status_code == 201
    assert count_bulk(db_path) == before + created
