"""The consent screen through the Flask test client: the happy path, RFC 6749 §4.1.2.1 errors, lockout,
OTP on the contract clock, CSRF, language switch, and services offered only within the privileges."""

from __future__ import annotations

import re

from sandbox.store import connect
from tests.oauth_helpers import bearer, callback_params, consent_pages, csrf_of, demo_client

AUTHORIZE = "/auth/v1/authorization"


def start(client, control, contract_id="C0001", **params):
    demo = demo_client(control, contract_id)
    query = {
        "response_type": "code",
        "client_id": demo["clientId"],
        "redirect_uri": demo["redirectUri"],
        "scope": "account offline_access",
        "state": "s1",
        **params,
    }
    return client.get(AUTHORIZE, query_string={k: v for k, v in query.items() if v is not None})


def login_page(client, control, **params):
    assert start(client, control, **params).status_code == 303
    page = client.get("/auth/v1/authorization/step")
    return page, csrf_of(page.get_data(as_text=True))


def test_full_consent_issues_a_working_code(client, control):
    answer = consent_pages(client, control, "C0001", "c0001-clerk", "account transfer offline_access")
    assert answer.status_code == 302
    params = callback_params(answer)
    assert answer.headers["Location"].startswith("http://127.0.0.1:8080/callback?")
    assert params["state"] == "st-1"
    demo = demo_client(control, "C0001")
    tokens = client.post(
        "/auth/v1/token",
        data={
            "grant_type": "authorization_code",
            "code": params["code"],
            "redirect_uri": demo["redirectUri"],
        },
        auth=(demo["clientId"], demo["demoClientSecret"]),
    ).get_json()
    assert tokens["scope"] == "account transfer offline_access"
    assert client.get("/corporation/v1/accounts", headers=bearer(tokens)).status_code == 200
    grant = control("GET", "/contracts/C0001/authorizations", status=200)["authorizations"][-1]
    assert grant["via"] == "consent" and grant["userId"] == "c0001-clerk"


def test_user_may_grant_fewer_services_than_asked(client, control):
    answer = consent_pages(
        client, control, "C0001", "c0001-clerk", "account transfer offline_access", services=["account"]
    )
    grant = control("GET", "/contracts/C0001/authorizations", status=200)["authorizations"][-1]
    assert callback_params(answer)["code"] and grant["scope"] == "account offline_access"


def test_services_outside_the_privileges_are_not_offered(client, control):
    page, token = login_page(client, control, scope="account transfer")
    client.post(
        "/auth/v1/authorization/login",
        data={"csrf_token": token, "login_id": "c0001-viewer", "password": "Passw0rd!"},
    )
    otp = control("GET", "/contracts/C0001/users/c0001-viewer/otp")["otp"]
    client.post("/auth/v1/authorization/otp", data={"csrf_token": token, "otp": otp})
    html = client.get("/auth/v1/authorization/step").get_data(as_text=True)
    assert 'value="account" checked' in html and 'value="transfer"' not in html
    assert "利用権限がないため許可できません" in html
    forged = client.post(
        "/auth/v1/authorization/consent",
        data={"csrf_token": token, "action": "approve", "service": ["transfer"]},
    )
    assert 'data-error="choose_one"' in forged.get_data(as_text=True)


def test_deny_returns_access_denied(client, control):
    answer = consent_pages(client, control, "C0001", "c0001-viewer", action="deny")
    params = callback_params(answer)
    assert params["error"] == "access_denied" and params["state"] == "st-1" and "code" not in params


def test_errors_without_a_valid_redirect_uri_stay_on_an_error_page(client, control):
    unknown = start(client, control, client_id="no-such-client")
    assert unknown.status_code == 400 and 'data-error="error_unknown_client"' in unknown.get_data(
        as_text=True
    )
    mismatch = start(client, control, redirect_uri="http://evil.example/cb")
    assert mismatch.status_code == 400 and "Location" not in mismatch.headers


def test_errors_with_a_valid_redirect_uri_go_back_to_the_client(client, control):
    bad_scope = start(client, control, scope="account payroll")
    assert bad_scope.status_code == 302 and callback_params(bad_scope)["error"] == "invalid_scope"
    mixed = start(client, control, scope="account transfer-approval")
    params = callback_params(mixed)
    assert (
        params["error"] == "invalid_scope"
        and "own" in params["error_description"]
        and params["state"] == "s1"
    )
    wrong_type = start(client, control, response_type="token")
    assert callback_params(wrong_type)["error"] == "unsupported_response_type"
    plain = start(client, control, code_challenge="a" * 43, code_challenge_method="plain")
    assert callback_params(plain)["error"] == "invalid_request"


def test_wrong_password_then_lockout(client, control):
    control("PATCH", "/contracts/C0001/settings", {"loginLockoutThreshold": 3}, status=200)
    _page, token = login_page(client, control)
    for _ in range(2):
        wrong = client.post(
            "/auth/v1/authorization/login",
            data={"csrf_token": token, "login_id": "c0001-viewer", "password": "x"},
        )
        assert 'data-error="bad_credentials"' in wrong.get_data(as_text=True)
    locked = client.post(
        "/auth/v1/authorization/login",
        data={"csrf_token": token, "login_id": "c0001-viewer", "password": "x"},
    )
    assert 'data-error="locked"' in locked.get_data(as_text=True)
    right = client.post(
        "/auth/v1/authorization/login",
        data={"csrf_token": token, "login_id": "c0001-viewer", "password": "Passw0rd!"},
    )
    assert 'data-error="locked"' in right.get_data(as_text=True)
    users = control("GET", "/contracts/C0001", status=200)["users"]
    assert next(u for u in users if u["userId"] == "c0001-viewer")["locked"] is True
    headless = {
        "userId": "c0001-viewer",
        "clientId": demo_client(control, "C0001")["clientId"],
        "scope": "account",
    }
    assert (
        control("POST", "/contracts/C0001/authorizations", headless, status=403)["errorCode"] == "user_locked"
    )
    control("POST", "/contracts/C0001/users/c0001-viewer/unlock", status=200)
    again = client.post(
        "/auth/v1/authorization/login",
        data={"csrf_token": token, "login_id": "c0001-viewer", "password": "Passw0rd!"},
    )
    assert again.status_code == 303


def test_unknown_user_and_user_without_privileges(client, control):
    _page, token = login_page(client, control)
    nobody = client.post(
        "/auth/v1/authorization/login", data={"csrf_token": token, "login_id": "ghost", "password": "x"}
    )
    assert 'data-error="bad_credentials"' in nobody.get_data(as_text=True)
    other_contract = client.post(
        "/auth/v1/authorization/login",
        data={"csrf_token": token, "login_id": "c0003-viewer", "password": "Passw0rd!"},
    )
    assert 'data-error="bad_credentials"' in other_contract.get_data(as_text=True)
    master = client.post(
        "/auth/v1/authorization/login",
        data={"csrf_token": token, "login_id": "c0001-master", "password": "Passw0rd!"},
    )
    assert 'data-error="no_privilege"' in master.get_data(as_text=True)


def test_otp_follows_the_contract_clock(client, control):
    _page, token = login_page(client, control)
    client.post(
        "/auth/v1/authorization/login",
        data={"csrf_token": token, "login_id": "c0001-viewer", "password": "Passw0rd!"},
    )
    stale = control("GET", "/contracts/C0001/users/c0001-viewer/otp")["otp"]
    control.advance("C0001", "5m")
    old = client.post("/auth/v1/authorization/otp", data={"csrf_token": token, "otp": stale})
    assert 'data-error="bad_otp"' in old.get_data(as_text=True)
    fresh = control("GET", "/contracts/C0001/users/c0001-viewer/otp")["otp"]
    assert (
        client.post("/auth/v1/authorization/otp", data={"csrf_token": token, "otp": fresh}).status_code == 303
    )


def test_csrf_and_session_are_required(client, control):
    _page, token = login_page(client, control)
    forged = client.post(
        "/auth/v1/authorization/login", data={"login_id": "c0001-viewer", "password": "Passw0rd!"}
    )
    assert forged.status_code == 400 and 'data-error="error_csrf"' in forged.get_data(as_text=True)
    client.delete_cookie("web21_consent", path="/auth/v1/")
    lost = client.post(
        "/auth/v1/authorization/login",
        data={"csrf_token": token, "login_id": "c0001-viewer", "password": "Passw0rd!"},
    )
    assert lost.status_code == 400 and 'data-error="error_session"' in lost.get_data(as_text=True)


def test_a_non_ascii_csrf_token_is_a_csrf_error_not_a_crash(client, control):
    login_page(client, control)
    answer = client.post(
        "/auth/v1/authorization/login",
        data={"csrf_token": "é", "login_id": "c0001-viewer", "password": "Passw0rd!"},
    )
    assert answer.status_code == 400 and 'data-error="error_csrf"' in answer.get_data(as_text=True)


def test_session_expires_on_the_contract_clock(client, control):
    _page, token = login_page(client, control)
    control.advance("C0001", "31m")
    late = client.post(
        "/auth/v1/authorization/login",
        data={"csrf_token": token, "login_id": "c0001-viewer", "password": "Passw0rd!"},
    )
    assert late.status_code == 400 and 'data-error="error_session"' in late.get_data(as_text=True)


def test_language_switch(client, control):
    page, _token = login_page(client, control)
    assert "利用者IDでログイン" in page.get_data(as_text=True)
    english = client.get("/auth/v1/authorization/step?lang=en").get_data(as_text=True)
    assert "Log in with your user ID" in english and 'lang="en"' in english
    assert "Log in with your user ID" in client.get("/auth/v1/authorization/step").get_data(as_text=True)
    assert start(client, control, lang="ja").status_code == 303  # a new request starts in its own language
    assert "利用者IDでログイン" in client.get("/auth/v1/authorization/step").get_data(as_text=True)


def test_suspended_contract_is_refused_at_the_start(client, control, db_path):
    db = connect(db_path)
    db.conn.execute("UPDATE contracts SET status = 'suspended' WHERE id = 'C0001'")
    db.conn.close()
    answer = start(client, control)
    assert callback_params(answer)["error"] == "access_denied"


def test_language_switch_after_a_form_error_keeps_the_page(client, control):
    _page, token = login_page(client, control)
    wrong = client.post(
        "/auth/v1/authorization/login",
        data={"csrf_token": token, "login_id": "c0001-viewer", "password": "x"},
    ).get_data(as_text=True)
    link = re.search(r'class="lang" href="([^"]+)"', wrong).group(1).replace("&amp;", "&")
    assert "Log in with your user ID" in client.get(link).get_data(as_text=True)


def test_odd_characters_never_cause_a_server_error(client, control):
    for params in (
        {"scope": "口座"},
        {"scope": 'a"b'},
        {"scope": "a\\b"},
        {"redirect_uri": 'http://x/"quoted"'},
        {"redirect_uri": "http://x/口座"},
        {"response_type": 'co"de'},
        {"client_id": "口座"},
        {"state": "状態"},
    ):
        answer = start(client, control, **params)
        assert answer.status_code in (302, 303, 400), (params, answer.status_code)
        if answer.status_code == 302:
            assert callback_params(answer)["error"] in ("invalid_scope", "unsupported_response_type")
