"""Field encryption (§5(2)②): the beneficiary as a JWE (dir, A256GCM, kid) under the client's key,
with the contract setting required / optional / off, and its own error for each kind of bad key."""

from __future__ import annotations

import base64
import os
from datetime import timedelta

import pytest

from sandbox import clock
from sandbox.bank import keys
from sandbox.store import connect, transaction
from tests.conftest import START
from tests.transfer_helpers import OTHER_BANK, Bank, seal, unseal


def post_item(bank: Bank, item: dict, contract: str = "C0003") -> tuple[int, dict]:
    body = {"accountId": bank.accounts(contract)[0]["accountId"], "transfers": [item]}
    response = bank.post("/transfer/request", body, bank.token(contract))
    return response.status_code, response.get_json()


def sealed_item(token: str) -> dict:
    return {"itemId": "1", "transferAmount": "1000", "encryptedBeneficiary": token}


def set_mode(control, mode: str, contract: str = "C0003") -> None:
    control("PATCH", f"/contracts/{contract}/settings", {"fieldEncryption": mode}, status=200)


def test_required_accepts_the_jwe_refuses_clear_text_and_answers_sealed(bank):
    kid, key = bank.client_key("C0003")
    status, body = post_item(bank, sealed_item(seal(kid, key, OTHER_BANK)))
    assert status == 201
    status, refused = post_item(bank, bank.to_other_bank(1000))
    assert (status, refused["errorCode"]) == (400, "field_encryption_required")
    assert refused["transferErrorDetails"][0]["errorDetails"][0]["errorDetailsCode"] == "encryptedBeneficiary"
    shown = bank.get(
        "/transfer/status", bank.token("C0003"), accountId=body["accountId"], applyNo=body["applyNo"]
    ).get_json()
    item = shown["transferDetails"][0]["transfers"][0]
    assert "beneficiaryName" not in item and item["transferAmount"] == "1000"
    assert unseal(key, item["encryptedBeneficiary"])["beneficiaryName"] == OTHER_BANK["beneficiaryName"]


def test_optional_takes_both_and_off_refuses_the_jwe(bank, control):
    kid, key = bank.client_key("C0003")
    set_mode(control, "optional")
    assert post_item(bank, sealed_item(seal(kid, key, OTHER_BANK)))[0] == 201
    status, body = post_item(bank, bank.to_other_bank(1000))
    assert status == 201
    shown = bank.get(
        "/transfer/status", bank.token("C0003"), accountId=body["accountId"], applyNo=body["applyNo"]
    ).get_json()
    assert shown["transferDetails"][0]["transfers"][0]["beneficiaryName"] == OTHER_BANK["beneficiaryName"]
    set_mode(control, "off")
    assert post_item(bank, bank.to_other_bank(1000))[0] == 201
    status, refused = post_item(bank, sealed_item(seal(kid, key, OTHER_BANK)))
    assert (status, refused["errorCode"]) == (400, "field_encryption_off")


def test_a_kid_of_another_client_is_unknown(bank):
    kid, key = bank.client_key("C0001")  # C0001's demo client, not C0003's
    status, body = post_item(bank, sealed_item(seal(kid, key, OTHER_BANK)))
    assert (status, body["errorCode"]) == (400, "jwe_key_unknown")
    status, body = post_item(bank, sealed_item(seal("k-nothing", key, OTHER_BANK)))
    assert (status, body["errorCode"]) == (400, "jwe_key_unknown")


def test_the_right_kid_with_the_wrong_key_does_not_decrypt(bank):
    kid, _key = bank.client_key("C0003")
    wrong = base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")
    status, body = post_item(bank, sealed_item(seal(kid, wrong, OTHER_BANK)))
    assert (status, body["errorCode"]) == (400, "jwe_decrypt_failed")


def test_a_retired_key_after_its_grace_period(bank, db_path, control):
    kid, key = bank.client_key("C0003")
    db = connect(db_path)
    with transaction(db):
        new = keys.add_key(db, _client_id(control), START)
        # a rotation with a grace period: the old key keeps working for one more hour of contract time
        db.conn.execute(
            "UPDATE oauth_client_keys SET retired_at = ? WHERE kid = ?",
            (clock.to_db(START + timedelta(hours=1)), kid),
        )
    db.conn.close()
    assert post_item(bank, sealed_item(seal(kid, key, OTHER_BANK)))[0] == 201  # within the grace period
    assert post_item(bank, sealed_item(seal(new["kid"], new["key"], OTHER_BANK)))[0] == 201
    control("POST", "/contracts/C0003/clock/advance", {"by": "61m"}, status=200)
    bank.forget_tokens()
    status, body = post_item(bank, sealed_item(seal(kid, key, OTHER_BANK)))
    assert (status, body["errorCode"]) == (400, "jwe_key_retired")
    assert post_item(bank, sealed_item(seal(new["kid"], new["key"], OTHER_BANK)))[0] == 201


def seal_without_kid(key: str) -> str:
    from joserfc import jwe
    from joserfc.jwk import OctKey

    raw = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
    return jwe.encrypt_compact({"alg": "dir", "enc": "A256GCM"}, b"{}", OctKey.import_key(raw))


def _client_id(control) -> str:
    from tests.oauth_helpers import demo_client

    return demo_client(control, "C0003")["clientId"]


@pytest.mark.parametrize(
    "make",
    [
        lambda kid, key: "not-a-jwe",
        lambda kid, key: "a.b.c.d.e",
        lambda kid, key: seal(kid, key, OTHER_BANK).replace(".", "", 1),
        lambda kid, key: seal(kid, key, OTHER_BANK, alg="A256KW"),
        lambda kid, key: seal(
            kid, base64.urlsafe_b64encode(os.urandom(16)).decode(), OTHER_BANK, enc="A128GCM"
        ),
        lambda kid, key: 42,
        lambda kid, key: seal_without_kid(key),
    ],
)
def test_malformed_jwe(bank, make):
    kid, key = bank.client_key("C0003")
    status, body = post_item(bank, sealed_item(make(kid, key)))
    assert (status, body["errorCode"]) == (400, "jwe_invalid")


def test_plaintext_must_be_the_beneficiary_object(bank):
    kid, key = bank.client_key("C0003")
    status, body = post_item(bank, sealed_item(seal(kid, key, {**OTHER_BANK, "transferAmount": "5"})))
    assert (status, body["errorCode"]) == (400, "transfer_item_invalid")
    status, body = post_item(bank, sealed_item(seal(kid, key, {**OTHER_BANK, "beneficiaryName": "ｼｮｳｼﾞ"})))
    assert (status, body["errorCode"]) == (400, "transfer_item_invalid")
    detail = body["transferErrorDetails"][0]["errorDetails"][0]
    assert detail["errorDetailsCode"] == "beneficiaryName" and "ｮ" in detail["errorDetailsMessage"]


def test_clear_and_sealed_together_is_refused(bank):
    kid, key = bank.client_key("C0003")
    item = {**bank.to_other_bank(1000), "encryptedBeneficiary": seal(kid, key, OTHER_BANK)}
    status, body = post_item(bank, item)
    assert (status, body["errorCode"]) == (400, "transfer_item_invalid")
