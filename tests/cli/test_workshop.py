import csv
import io

from tests.oauth_helpers import bearer
from tests.transfer_helpers import OTHER_BANK, seal


def test_workshop_create_prints_a_sheet_of_isolated_participants(runner, control):
    result = runner("workshop", "create", "--participants", "3", "--frozen")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["contractId"] for r in rows] == ["W0001", "W0002", "W0003"]
    assert rows[0]["users"] == "w0001-approver w0001-clerk w0001-viewer"
    assert rows[0]["password"] == "Passw0rd!"
    keys = [r["contractKey"] for r in rows]
    assert len(set(keys)) == 3
    # each participant's key reaches its own contract and nothing else
    assert control("GET", "/contracts/W0002", key=keys[1], status=200)["contractId"] == "W0002"
    assert control("GET", "/contracts/W0001", key=keys[1], status=403)["errorCode"] == "sandbox_forbidden"
    control("POST", "/contracts/W0001/clock/advance", {"by": "3d"}, key=keys[0], status=200)
    assert (
        control("GET", "/contracts/W0002/clock", key=keys[1], status=200)["now"]
        != control("GET", "/contracts/W0001/clock", key=keys[0], status=200)["now"]
    )


def test_workshop_sheet_to_file(runner, tmp_path):
    out = tmp_path / "sheet.csv"
    pages = tmp_path / "sheet.html"
    assert (
        runner("workshop", "create", "--participants", "2", "--out", str(out)).output
        == f"2 participants; sheet written to {out}, printable pages to {pages}\n"
    )
    assert out.read_text().startswith(
        "contractId,contractKey,users,password,clientId,clientSecret,redirectUri,keyId,encryptionKey,sandboxUrl\n"
    )
    page = pages.read_text()
    assert page.count("<section>") == 2 and "暗号鍵ID (kid)" in page and "http://127.0.0.1:8021" in page


def test_the_sheet_is_enough_for_an_encrypted_transfer(runner, client, control):
    """A participant with the sheet alone: a token (headless consent) and a JWE-sealed transfer request."""
    rows = list(csv.DictReader(io.StringIO(runner("workshop", "create", "--participants", "1").output)))
    me = rows[0]
    key = me["contractKey"]
    user = next(u for u in me["users"].split() if u.endswith("-approver"))
    code = control(
        "POST",
        f"/contracts/{me['contractId']}/authorizations",
        {"userId": user, "clientId": me["clientId"], "scope": "account transfer"},
        key=key,
        status=201,
    )["code"]
    tokens = client.post(
        "/auth/v1/token",
        data={"grant_type": "authorization_code", "code": code},
        auth=(me["clientId"], me["clientSecret"]),
    ).get_json()
    accounts = client.get("/corporation/v1/accounts", headers=bearer(tokens)).get_json()["accounts"]
    body = {
        "accountId": accounts[0]["accountId"],
        "transfers": [
            {
                "itemId": "1",
                "transferAmount": "1000",
                "encryptedBeneficiary": seal(me["keyId"], me["encryptionKey"], OTHER_BANK),
            }
        ],
    }
    answer = client.post("/corporation/v1/transfer/request", json=body, headers=bearer(tokens))
    assert answer.status_code == 201, answer.get_json()
