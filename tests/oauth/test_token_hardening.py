"""Issue 13: the token endpoint's answers to malformed client authentication and grant requests (RFC 6749)."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.oauth_helpers import DEMO_SECRET_FIELD, callback_params, consent_pages, demo_client


def code_and_client(control) -> tuple[str, str, str]:
    demo = demo_client(control, "C0001")
    code = control(
        "POST",
        "/contracts/C0001/authorizations",
        {"userId": "c0001-viewer", "clientId": demo["clientId"], "scope": "account"},
        status=201,
    )["code"]
    return code, demo["clientId"], demo[DEMO_SECRET_FIELD]


def test_two_ways_of_client_authentication_at_once_is_invalid_request(client, control):
    code, client_id, secret = code_and_client(control)
    form = {"grant_type": "authorization_code", "code": code, "client_id": client_id, "client_secret": secret}
    both = client.post("/auth/v1/token", data=form, auth=(client_id, secret))
    assert both.status_code == 400 and both.get_json()["error"] == "invalid_request"
    assert "one" in both.get_json()["error_description"]
    alone = client.post("/auth/v1/token", data=form)  # the code was not spent by the refused request
    assert alone.status_code == 200, alone.get_data(as_text=True)


def test_a_missing_grant_type_is_invalid_request(client, control):
    code, client_id, secret = code_and_client(control)
    answer = client.post("/auth/v1/token", data={"code": code}, auth=(client_id, secret))
    assert answer.status_code == 400 and answer.get_json()["error"] == "invalid_request"
    assert "grant_type" in answer.get_json()["error_description"]


@pytest.mark.parametrize("auth", [("no-such", "secret"), None])
def test_invalid_client_is_described_in_a_sentence(client, control, auth):
    code, _client_id, _secret = code_and_client(control)
    answer = client.post("/auth/v1/token", data={"grant_type": "authorization_code", "code": code}, auth=auth)
    assert answer.status_code == 401 and answer.get_json()["error"] == "invalid_client"
    description = answer.get_json()["error_description"]
    assert "[" not in description and "'" not in description, description
    assert description.endswith("."), description


def test_a_code_whose_pkce_check_failed_is_burnt(client, control):
    demo = demo_client(control, "C0001")
    verifier = "v" * 50
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    body = {
        "userId": "c0001-viewer",
        "clientId": demo["clientId"],
        "scope": "account",
        "codeChallenge": challenge,
    }
    code = control("POST", "/contracts/C0001/authorizations", body, status=201)["code"]
    form = {"grant_type": "authorization_code", "code": code}
    auth = (demo["clientId"], demo[DEMO_SECRET_FIELD])
    wrong = client.post("/auth/v1/token", data={**form, "code_verifier": "w" * 50}, auth=auth)
    assert wrong.status_code == 400 and wrong.get_json()["error"] == "invalid_grant"
    right = client.post("/auth/v1/token", data={**form, "code_verifier": verifier}, auth=auth)
    assert right.status_code == 400 and right.get_json()["error"] == "invalid_grant", right.get_json()
    assert "PKCE" in right.get_json()["error_description"]
    [grant] = [
        g
        for g in control("GET", "/contracts/C0001/authorizations")["authorizations"]
        if g.get("revokedReason")
    ]
    assert grant["revokedReason"] == "pkce_failed"


# -- item 8: RFC 9207, the issuer in authorization responses ----------------------------------------

BODY = {"userId": "c0001-viewer", "scope": "account", "state": "s"}
ISSUER = "http://localhost"  # the test client's url_root, as the metadata's issuer


def test_authorization_responses_name_the_issuer(client, control):
    meta = client.get("/.well-known/oauth-authorization-server").get_json()
    assert meta["issuer"] == ISSUER and meta["authorization_response_iss_parameter_supported"] is True
    granted = callback_params(consent_pages(client, control, "C0001", "c0001-viewer", "account"))
    assert granted["iss"] == ISSUER and granted["code"] and granted["state"] == "st-1"
    denied = callback_params(
        consent_pages(client, control, "C0001", "c0001-viewer", "account", action="deny")
    )
    assert denied["iss"] == ISSUER and denied["error"] == "access_denied"
    demo = demo_client(control, "C0001")
    query = {"response_type": "code", "client_id": demo["clientId"], "redirect_uri": demo["redirectUri"]}
    refused = client.get("/auth/v1/authorization", query_string={**query, "scope": "account payroll"})
    assert refused.status_code == 302
    assert callback_params(refused)["iss"] == ISSUER and callback_params(refused)["error"] == "invalid_scope"
    headless = control(
        "POST", "/contracts/C0001/authorizations", {**BODY, "clientId": demo["clientId"]}, status=201
    )
    assert parse_qs(urlsplit(headless["location"]).query)["iss"] == [ISSUER]


# -- item 12: an unknown user ID costs what a known one does ----------------------------------------


def test_an_unknown_user_id_costs_the_same_password_hash_as_a_known_one(client, control, monkeypatch):
    """No timing here (that goes to make bench): the work that made the difference, one password hash with
    the configured method, is done for an unknown user ID as for a known one."""
    from sandbox.bank import users
    from tests.oauth.test_oauth_consent import login_page

    hashed: list[str] = []
    real = users.check_password_hash
    monkeypatch.setattr(
        users, "check_password_hash", lambda h, p: hashed.append(h.split("$")[0]) or real(h, p)
    )
    _page, token = login_page(client, control)
    for login_id in ("c0001-viewer", "ghost"):
        answer = client.post(
            "/auth/v1/authorization/login",
            data={"csrf_token": token, "login_id": login_id, "password": "wrong"},
        )
        assert 'data-error="bad_credentials"' in answer.get_data(as_text=True)
    assert hashed == ["pbkdf2:sha256:20000", "pbkdf2:sha256:20000"]


# -- item 10 (part): a contract may require PKCE from every client -----------------------------------


def test_the_pkce_required_setting_holds_confidential_clients_to_pkce(client, control):
    demo = demo_client(control, "C0001")
    query = {"response_type": "code", "client_id": demo["clientId"], "redirect_uri": demo["redirectUri"]}
    query |= {"scope": "account", "state": "s"}
    assert client.get("/auth/v1/authorization", query_string=query).status_code == 303  # default: optional
    control("PATCH", "/contracts/C0001/settings", {"pkceRequired": True}, status=200)
    refused = client.get("/auth/v1/authorization", query_string=query)
    assert refused.status_code == 302 and callback_params(refused)["error"] == "invalid_request"
    assert "PKCE" in callback_params(refused)["error_description"]
    body = {**BODY, "clientId": demo["clientId"]}
    headless = control("POST", "/contracts/C0001/authorizations", body, status=400)
    assert headless["errorDetails"][0]["errorDetailsCode"] == "codeChallenge"
    challenge = base64.urlsafe_b64encode(hashlib.sha256(b"v" * 50).digest()).decode().rstrip("=")
    pkce = {"code_challenge": challenge, "code_challenge_method": "S256"}
    assert client.get("/auth/v1/authorization", query_string={**query, **pkce}).status_code == 303
    control("POST", "/contracts/C0001/authorizations", {**body, "codeChallenge": challenge}, status=201)
    control("PATCH", "/contracts/C0001/settings", {"pkceRequired": "yes"}, status=400)
