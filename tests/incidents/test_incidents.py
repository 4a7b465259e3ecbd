"""Bank-side incidents: each changes real state, and the API answers with its code afterwards."""

from __future__ import annotations

import pytest

from sandbox.bank import users
from sandbox.incidents.types import KINDS
from sandbox.store import connect
from tests.oauth_helpers import bearer, mint_tokens, refresh
from tests.transfer_helpers import OTHER_BANK, seal

ACCOUNTS = "/corporation/v1/accounts"


def incident(control, body, *, status=201, contract="C0001"):
    return control("POST", f"/contracts/{contract}/incidents", body, status=status)


def code_of(response):
    return response.status_code, (response.get_json() or {}).get("errorCode")


def test_revoke_tokens_by_user_client_or_contract(client, control, bank):
    viewer = mint_tokens(client, control, "C0001", "c0001-viewer")
    clerk = bearer(bank.token("C0001", "account", user="c0001-clerk"))
    done = incident(control, {"type": "revoke-tokens", "userId": "c0001-viewer"})
    assert (done["status"], done["result"]) == ("done", {"grantsRevoked": 1})
    assert code_of(client.get(ACCOUNTS, headers=bearer(viewer))) == (401, "token_revoked")
    assert refresh(client, control, "C0001", viewer["refresh_token"]).get_json()["error"] == "invalid_grant"
    assert client.get(ACCOUNTS, headers=clerk).status_code == 200
    incident(control, {"type": "revoke-tokens"})
    assert code_of(client.get(ACCOUNTS, headers=clerk)) == (401, "token_revoked")


def test_withdraw_and_reinstate_service(client, control, bank):
    token = bearer(bank.token("C0001", "account", user="c0001-clerk"))
    incident(control, {"type": "withdraw-service", "services": ["account"]})
    assert code_of(client.get(ACCOUNTS, headers=token)) == (403, "insufficient_scope")
    again = incident(control, {"type": "withdraw-service", "services": ["account"]}, status=409)
    assert again["errorCode"] == "incident_not_applicable"
    back = incident(control, {"type": "reinstate-service"})
    assert back["params"]["services"] == ["account"]
    assert client.get(ACCOUNTS, headers=token).status_code == 200
    assert (
        incident(control, {"type": "reinstate-service"}, status=409)["errorCode"] == "incident_not_applicable"
    )


def test_suspend_resume_terminate(client, control, bank):
    token = bearer(bank.token("C0001", "account", user="c0001-viewer"))
    assert incident(control, {"type": "resume"}, status=409)["errorCode"] == "incident_not_applicable"
    incident(control, {"type": "suspend"})
    assert code_of(client.get(ACCOUNTS, headers=token)) == (403, "contract_not_active")
    incident(control, {"type": "resume"})
    assert client.get(ACCOUNTS, headers=token).status_code == 200
    scheduled = incident(control, {"type": "revoke-tokens", "in": "2h"})
    ended = incident(control, {"type": "terminate"})
    assert ended["result"]["after"] == "terminated" and ended["result"]["grantsRevoked"] >= 1
    assert code_of(client.get(ACCOUNTS, headers=token)) == (401, "token_revoked")
    cancelled = control("GET", f"/contracts/C0001/incidents/{scheduled['incidentId']}", status=200)
    assert cancelled["status"] == "cancelled"
    for body in ({"type": "resume"}, {"type": "terminate"}, {"type": "maintenance", "duration": "1h"}):
        assert incident(control, body, status=409)["errorCode"] == "contract_terminated"
    assert control("GET", "/contracts/C0001/incidents")["count"] == 4


def test_scheduled_incident_runs_when_the_clock_reaches_it(client, control, bank):
    token = bearer(bank.token("C0001", "account", user="c0001-viewer"))
    shown = incident(control, {"type": "suspend", "at": "2026-04-01T10:30:00+09:00"})
    assert (shown["status"], shown["dueAt"]) == ("scheduled", "2026-04-01T10:30:00+09:00")
    control.advance("C0001", "29m")
    assert client.get(ACCOUNTS, headers=token).status_code == 200
    control.advance("C0001", "1m")
    assert code_of(client.get(ACCOUNTS, headers=token)) == (403, "contract_not_active")
    ran = control("GET", f"/contracts/C0001/incidents/{shown['incidentId']}", status=200)
    assert (ran["status"], ran["appliedAt"]) == ("done", "2026-04-01T10:30:00+09:00")


def test_a_scheduled_incident_that_no_longer_fits_fails_with_its_reason(control):
    shown = incident(control, {"type": "resume", "in": "1h"}, status=409)  # not suspended now: refused
    assert shown["errorCode"] == "incident_not_applicable"
    later = incident(control, {"type": "withdraw-service", "services": ["transfer"], "in": "1h"})
    incident(control, {"type": "withdraw-service", "services": ["transfer"]})
    control.advance("C0001", "1h")
    failed = control("GET", f"/contracts/C0001/incidents/{later['incidentId']}", status=200)
    assert failed["status"] == "failed"  # already withdrawn when its time came
    assert failed["result"]["errorCode"] == "incident_not_applicable"


def test_cancel_a_scheduled_incident(control):
    shown = incident(control, {"type": "suspend", "in": "1h"})
    assert (
        control("DELETE", f"/contracts/C0001/incidents/{shown['incidentId']}", status=200)["status"]
        == "cancelled"
    )
    control.advance("C0001", "2h")
    assert control("GET", "/contracts/C0001", status=200)["status"] == "active"
    again = control("DELETE", f"/contracts/C0001/incidents/{shown['incidentId']}", status=409)
    assert again["errorCode"] == "incident_not_applicable"


def test_maintenance_window_once_and_nightly(client, control, bank):
    token = bearer(bank.token("C0001", "account", user="c0001-viewer"))
    incident(control, {"type": "maintenance", "in": "30m", "duration": "1h"})
    assert client.get(ACCOUNTS, headers=token).status_code == 200
    control.advance("C0001", "45m")
    answer = client.get(ACCOUNTS, headers=token)
    assert code_of(answer) == (503, "maintenance") and answer.headers["Retry-After"] == "2700"
    token_endpoint = refresh(client, control, "C0001", "any-refresh-token")  # the demo client: C0001's
    assert (token_endpoint.status_code, token_endpoint.get_json()["error"]) == (
        503,
        "temporarily_unavailable",
    )
    control.advance("C0001", "45m")
    bank.forget_tokens()
    token = bearer(bank.token("C0001", "account", user="c0001-viewer"))
    assert client.get(ACCOUNTS, headers=token).status_code == 200
    nightly = incident(
        control, {"type": "maintenance", "start": "2026-04-01T23:00", "duration": "2h", "recur": "nightly"}
    )
    assert nightly["recur"] == "nightly"
    control.advance("C0001", "25h")  # 2026-04-02 12:15: between two nights
    bank.forget_tokens()
    token = bearer(bank.token("C0001", "account", user="c0001-viewer"))
    assert client.get(ACCOUNTS, headers=token).status_code == 200
    control("PUT", "/contracts/C0001/clock", {"at": "2026-04-03T00:30:00+09:00"}, status=200)
    answer = client.get(ACCOUNTS, headers=token)
    assert code_of(answer) == (503, "maintenance") and answer.headers["Retry-After"] == "1800"
    ended = control("DELETE", f"/contracts/C0001/incidents/{nightly['incidentId']}", status=200)
    assert (
        ended["status"] == "done" and client.get(ACCOUNTS, headers=token).status_code == 401
    )  # expired by now


def test_double_login_blocks_that_users_tokens_while_it_lasts(client, control, bank):
    viewer = bearer(bank.token("C0001", "account", user="c0001-viewer"))
    clerk = bearer(bank.token("C0001", "account", user="c0001-clerk"))
    shown = incident(control, {"type": "double-login", "userId": "c0001-viewer", "duration": "10m"})
    blocked = client.get(ACCOUNTS, headers=viewer)
    assert code_of(blocked) == (403, "double_login")
    assert blocked.headers["WWW-Authenticate"].startswith(
        'Bearer realm="web21-sandbox", error="double_login"'
    )
    assert client.get(ACCOUNTS, headers=clerk).status_code == 200
    control.advance("C0001", "10m")
    assert client.get(ACCOUNTS, headers=viewer).status_code == 200
    again = incident(control, {"type": "double-login", "userId": "c0001-viewer"})
    assert code_of(client.get(ACCOUNTS, headers=viewer)) == (403, "double_login")
    control("DELETE", f"/contracts/C0001/incidents/{again['incidentId']}", status=200)  # logs out
    assert client.get(ACCOUNTS, headers=viewer).status_code == 200
    assert shown["endsAt"] == "2026-04-01T10:10:00+09:00"


def test_password_change_ends_the_users_grants_and_the_old_password(client, control, bank, db_path):
    token = mint_tokens(client, control, "C0001", "c0001-clerk", "account offline_access")
    shown = incident(control, {"type": "password-change", "userId": "c0001-clerk"})
    assert len(shown["password"]) >= 8 and "passwordHash" not in shown["params"]
    assert code_of(client.get(ACCOUNTS, headers=bearer(token))) == (401, "token_revoked")
    db = connect(db_path)
    user = users.get(db, "C0001", "c0001-clerk")
    db.conn.close()
    assert users.check_password(user, shown["password"]) and not users.check_password(user, "Passw0rd!")
    assert user["credentials_version"] == 2
    chosen = incident(
        control, {"type": "password-change", "userId": "c0001-clerk", "password": "N3w-passw0rd"}
    )
    assert "password" not in chosen


def test_privilege_change_narrows_then_ends_grants(client, control, bank):
    token = bearer(bank.token("C0001", "account transfer", user="c0001-clerk"))
    body = bank.body("C0001", [bank.to_account("C0003", 0, 1000)])
    incident(control, {"type": "privilege-change", "userId": "c0001-clerk", "privileges": ["account"]})
    assert client.get(ACCOUNTS, headers=token).status_code == 200
    assert code_of(bank.post("/transfer/request", body, bank_token(token))) == (403, "insufficient_scope")
    shown = incident(control, {"type": "privilege-change", "userId": "c0001-clerk", "privileges": []})
    assert shown["result"]["grantsRevoked"] == 1
    assert code_of(client.get(ACCOUNTS, headers=token)) == (401, "token_revoked")


def bank_token(headers):
    return headers["Authorization"].removeprefix("Bearer ")


def test_rotate_key_with_grace_then_old_key_is_retired(client, control, bank):
    kid, key = bank.client_key("C0001")
    item = {"itemId": "1", "transferAmount": "1000", "encryptedBeneficiary": seal(kid, key, OTHER_BANK)}
    body = {"accountId": bank.accounts("C0001")[0]["accountId"], "transfers": [item]}
    shown = incident(control, {"type": "rotate-key", "grace": "1h"})
    rotated = shown["result"]["clients"][0]
    assert rotated["retiredKeys"] == [kid] and rotated["keyId"] != kid
    assert bank.client_key("C0001")[0] == rotated["keyId"]
    assert bank.post("/transfer/request", body, bank.token("C0001")).status_code == 201  # grace
    control.advance("C0001", "1h")
    bank.forget_tokens()
    assert code_of(bank.post("/transfer/request", body, bank.token("C0001"))) == (400, "jwe_key_retired")


def test_return_funds_after_days(client, control, bank):
    apply_no = bank.request("C0001", [bank.to_other_bank(30_000)])
    assert incident(control, {"type": "return-funds", "applyNo": apply_no}, status=409)["errorCode"] == (
        "incident_not_applicable"
    )
    bank.approve("C0001", apply_no)
    assert bank.status("C0001", apply_no)["transferStatus"] == "20"
    shown = incident(control, {"type": "return-funds", "applyNo": apply_no, "days": 2})
    assert shown["status"] == "scheduled" and shown["dueAt"] == "2026-04-03T10:00:00+09:00"
    control.advance("C0001", "2d")
    bank.forget_tokens()
    assert bank.status("C0001", apply_no)["transferStatus"] == "22"
    ran = control("GET", f"/contracts/C0001/incidents/{shown['incidentId']}", status=200)
    assert ran["status"] == "done" and ran["result"]["applyNo"] == apply_no
    local = bank.request("C0001", [bank.to_account("C0003", 0, 5000)])
    bank.approve("C0001", local)
    assert incident(control, {"type": "return-funds", "applyNo": local}, status=409)["errorCode"] == (
        "incident_not_applicable"
    )


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"type": "earthquake"}, 400, "unknown_incident"),
        ({}, 400, "unknown_incident"),
        ({"type": "suspend", "userId": "c0001-clerk"}, 400, "invalid_parameter"),
        ({"type": "suspend", "at": "2026-04-01T09:00:00+09:00"}, 400, "invalid_parameter"),
        ({"type": "suspend", "at": "2026-04-01T11:00", "in": "1h"}, 400, "invalid_parameter"),
        ({"type": "maintenance"}, 400, "invalid_parameter"),
        (
            {"type": "maintenance", "start": "2026-04-01T12:00", "end": "2026-04-01T11:00"},
            400,
            "invalid_parameter",
        ),
        ({"type": "maintenance", "duration": "25h", "recur": "nightly"}, 400, "invalid_parameter"),
        ({"type": "maintenance", "duration": "1h", "recur": "hourly"}, 400, "invalid_parameter"),
        ({"type": "double-login"}, 400, "invalid_parameter"),
        ({"type": "double-login", "userId": "ghost"}, 404, "user_not_found"),
        ({"type": "revoke-tokens", "clientId": "nope"}, 404, "client_not_found"),
        ({"type": "withdraw-service", "services": ["coffee"]}, 400, "invalid_parameter"),
        ({"type": "privilege-change", "userId": "c0001-clerk"}, 400, "invalid_parameter"),
        (
            {"type": "privilege-change", "userId": "c0001-clerk", "privileges": ["root"]},
            400,
            "invalid_parameter",
        ),
        ({"type": "rotate-key", "grace": "soon"}, 400, "invalid_parameter"),
        ({"type": "return-funds"}, 400, "invalid_parameter"),
        ({"type": "return-funds", "applyNo": "0000"}, 404, "transfer_not_found"),
        ({"type": "password-change", "userId": "c0001-clerk", "password": "short"}, 400, "invalid_parameter"),
    ],
)
def test_bad_incidents_are_refused_and_nothing_is_stored(control, body, status, code):
    assert incident(control, body, status=status)["errorCode"] == code
    assert control("GET", "/contracts/C0001/incidents", status=200)["count"] == 0
    assert control("GET", "/contracts/C0001", status=200)["status"] == "active"


def test_contract_keys_reach_only_their_contract(control):
    made = control(
        "POST", "/contracts", {"contractId": "C0102", "issueKeys": True, "frozen": True}, status=201
    )
    key = made["contracts"][0]["key"]
    assert (
        control("POST", "/contracts/C0001/incidents", {"type": "suspend"}, key=key)["errorCode"]
        == "sandbox_forbidden"
    )
    assert (
        control("POST", "/contracts/C0102/incidents", {"type": "suspend"}, key=key, status=201)["status"]
        == "done"
    )


def test_cli_incidents(runner):
    shown = runner("incident", "suspend", "--contract", "C0001", "--in", "1h")
    assert shown.output == "#1 suspend scheduled at 2026-04-01T11:00:00+09:00\n"
    window = runner(
        "incident", "maintenance", "--contract", "C0001", "--duration", "2h", "--recur", "nightly"
    )
    assert window.output.startswith(
        "#2 maintenance active at 2026-04-01T10:00:00+09:00 2026-04-01T10:00:00+09:00.."
    )
    changed = runner(
        "incident", "privilege-change", "--contract", "C0001", "--user", "c0001-clerk", "--privileges", ""
    )
    assert "privileges=(none)" in changed.output and "after=(none) grantsRevoked=0" in changed.output
    password = runner("incident", "password-change", "--contract", "C0001", "--user", "c0001-viewer")
    assert "new password for c0001-viewer: " in password.output
    assert len(runner("incident", "list", "--contract", "C0001").output.splitlines()) == 4
    assert runner("incident", "end", "1", "--contract", "C0001").output.startswith("#1 suspend cancelled")
    bad = runner("incident", "resume", "--contract", "C0001")
    assert bad.exit_code == 1 and "incident_not_applicable" in bad.output


def test_every_incident_type_is_documented():
    from sandbox.config import PROJECT_ROOT

    text = (PROJECT_ROOT / "docs" / "faults.md").read_text(encoding="utf-8")
    assert not [kind for kind in KINDS if f"`{kind}`" not in text]


def test_maintenance_also_closes_the_consent_screen_mid_flow(client, control):
    from tests.oauth_helpers import csrf_of, demo_client

    demo = demo_client(control, "C0001")
    query = {
        "response_type": "code",
        "client_id": demo["clientId"],
        "redirect_uri": demo["redirectUri"],
        "scope": "account",
    }
    assert client.get("/auth/v1/authorization", query_string=query).status_code == 303
    token = csrf_of(client.get("/auth/v1/authorization/step").get_data(as_text=True))
    incident(control, {"type": "maintenance", "duration": "1h"})
    login = {"csrf_token": token, "login_id": "c0001-viewer", "password": "Passw0rd!"}
    answer = client.post("/auth/v1/authorization/login", data=login)
    assert (answer.status_code, answer.get_json()["error"]) == (503, "temporarily_unavailable")
    logged = control("GET", "/requests?faulted=true")["requests"][-1]
    assert (logged["contractId"], logged["clientId"], logged["fault"]) == (
        "C0001",
        demo["clientId"],
        "incident:maintenance#1",
    )
    assert client.get("/auth/v1/authorization", query_string=query).status_code == 503
