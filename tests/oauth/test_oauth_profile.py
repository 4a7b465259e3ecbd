"""Issue 13, item 10: the contract setting ``oauthProfile`` — ``default`` (as before) and ``fapi``."""

from __future__ import annotations

import base64
import hashlib

from tests.oauth_helpers import DEMO_SECRET_FIELD, callback_params, consent_pages, demo_client

VERIFIER = "v" * 50
CHALLENGE = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).decode().rstrip("=")
ISSUER = "http://localhost"  # the test client's base URL: the metadata's issuer


def headless(control, status: int, **extra: str) -> dict:
    demo = demo_client(control, "C0001")
    body = {"userId": "c0001-viewer", "clientId": demo["clientId"], "scope": "account", **extra}
    return control("POST", "/contracts/C0001/authorizations", body, status=status)


def test_the_default_profile_is_as_before(client, control):
    assert control("GET", "/contracts/C0001", status=200)["settings"]["oauthProfile"] == "default"
    answer = headless(control, 201)  # a confidential client without PKCE
    assert answer["codeExpiresIn"] == 600
    page = consent_pages(client, control, "C0001", "c0001-viewer", "account", extra={"nonce": "n-1"})
    params = callback_params(page)  # an OpenID-style nonce is accepted and ignored: there is no id_token
    assert params["code"] and params["iss"] == ISSUER
    assert client.get("/.well-known/oauth-authorization-server").get_json()["issuer"] == ISSUER


def test_the_fapi_profile_requires_pkce_of_every_client_and_short_codes(client, control):
    control("PATCH", "/contracts/C0001/settings", {"oauthProfile": "fapi"}, status=200)
    refused = headless(control, 400)
    assert refused["errorDetails"][0]["errorDetailsCode"] == "codeChallenge"
    demo = demo_client(control, "C0001")
    query = {"response_type": "code", "client_id": demo["clientId"], "redirect_uri": demo["redirectUri"]}
    page = client.get("/auth/v1/authorization", query_string={**query, "scope": "account", "state": "s"})
    assert callback_params(page)["error"] == "invalid_request" and callback_params(page)["iss"] == ISSUER
    answer = headless(control, 201, codeChallenge=CHALLENGE)
    assert answer["codeExpiresIn"] == 60  # codeLifetime 600, capped by the profile
    form = {"grant_type": "authorization_code", "code": answer["code"], "code_verifier": VERIFIER}
    token = client.post("/auth/v1/token", data=form, auth=(demo["clientId"], demo[DEMO_SECRET_FIELD]))
    assert token.status_code == 200 and "id_token" not in token.get_json()
    late = headless(control, 201, codeChallenge=CHALLENGE)
    control.advance("C0001", "61s")
    form["code"] = late["code"]
    expired = client.post("/auth/v1/token", data=form, auth=(demo["clientId"], demo[DEMO_SECRET_FIELD]))
    assert expired.status_code == 400 and expired.get_json()["error"] == "invalid_grant"


def test_only_known_profiles_are_taken(control):
    answer = control("PATCH", "/contracts/C0001/settings", {"oauthProfile": "fapi2"}, status=400)
    assert answer["errorDetails"][0]["errorDetailsCode"] == "oauthProfile"
