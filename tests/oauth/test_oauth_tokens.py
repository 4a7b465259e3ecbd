"""Tokens on the contract clock: expiry, rotation and reuse, code replay, approval-token separation,
privilege narrowing, revocation, introspection truthfulness, cross-contract denial, bad input."""

from __future__ import annotations

import base64
import hashlib
import os

import pytest
from authlib.oauth2.rfc6749.errors import InvalidGrantError

from sandbox.clock import to_db
from sandbox.oauth.models import Owner
from sandbox.oauth.server import generate_token
from sandbox.store import connect
from tests.conftest import START
from tests.oauth_helpers import bearer, demo_client, mint_tokens, refresh

ACCOUNTS = "/corporation/v1/accounts"


def demo_auth(control, contract_id="C0001"):
    demo = demo_client(control, contract_id)
    return demo["clientId"], demo["demoClientSecret"]


def code_for(control, user="c0001-viewer", scope="account offline_access", contract_id="C0001", **extra):
    client_id, _ = demo_auth(control, contract_id)
    body = {"userId": user, "clientId": client_id, "scope": scope, **extra}
    return control("POST", f"/contracts/{contract_id}/authorizations", body, status=201)


def exchange(client, control, code, contract_id="C0001", **extra):
    return client.post(
        "/auth/v1/token",
        data={"grant_type": "authorization_code", "code": code, **extra},
        auth=demo_auth(control, contract_id),
    )


def error_code(response):
    return response.get_json()["errorCode"]


def test_access_token_expires_on_the_contract_clock(client, control):
    tokens = mint_tokens(client, control, "C0001", "c0001-viewer")
    assert tokens["expires_in"] == 3600 and tokens["token_type"] == "Bearer"
    control.advance("C0001", "59m")
    assert client.get(ACCOUNTS, headers=bearer(tokens)).status_code == 200
    control.advance("C0001", "1m")
    expired = client.get(ACCOUNTS, headers=bearer(tokens))
    assert expired.status_code == 401 and error_code(expired) == "token_expired"
    assert 'error="invalid_token"' in expired.headers["WWW-Authenticate"]
    renewed = refresh(client, control, "C0001", tokens["refresh_token"]).get_json()
    assert client.get(ACCOUNTS, headers=bearer(renewed)).status_code == 200


def test_lifetimes_come_from_contract_settings(client, control):
    control(
        "PATCH", "/contracts/C0001/settings", {"accessTokenLifetime": 120, "codeLifetime": 30}, status=200
    )
    granted = code_for(control)
    control.advance("C0001", "31s")
    late = exchange(client, control, granted["code"])
    assert late.status_code == 400 and late.get_json()["error"] == "invalid_grant"
    assert "expired" in late.get_json()["error_description"]
    tokens = mint_tokens(client, control, "C0001", "c0001-viewer")
    assert tokens["expires_in"] == 120


def test_grant_expiry_is_absolute_and_refreshing_never_extends_it(client, control):
    control("PATCH", "/contracts/C0001/settings", {"grantLifetime": 3 * 3600}, status=200)
    tokens = mint_tokens(client, control, "C0001", "c0001-viewer")
    for _ in range(2):
        control.advance("C0001", "1h")
        tokens = refresh(client, control, "C0001", tokens["refresh_token"]).get_json()
    control.advance("C0001", "30m")
    last = refresh(client, control, "C0001", tokens["refresh_token"]).get_json()
    assert last["expires_in"] == 1800  # capped at the grant's end, not a full hour
    control.advance("C0001", "30m")
    assert client.get(ACCOUNTS, headers=bearer(last)).status_code == 401
    refused = refresh(client, control, "C0001", last["refresh_token"])
    assert refused.status_code == 400 and "consent again" in refused.get_json()["error_description"]


def test_a_code_of_an_expired_grant_issues_nothing(client, control):
    control("PATCH", "/contracts/C0001/settings", {"grantLifetime": 60}, status=200)
    granted = code_for(control)
    control.advance("C0001", "5m")  # the code (codeLifetime 600 s) is still fresh, its grant is not
    late = exchange(client, control, granted["code"])
    assert late.status_code == 400 and late.get_json()["error"] == "invalid_grant"
    assert "grant has expired" in late.get_json()["error_description"]
    assert "consent again" in late.get_json()["error_description"]
    assert "access_token" not in late.get_json()


def test_no_token_is_ever_generated_for_an_expired_grant():
    owner = Owner(user={}, grant={"expires_at": to_db(START)}, contract={"settings": {}}, now=START)
    with pytest.raises(InvalidGrantError, match="consent again"):
        generate_token("authorization_code", None, user=owner, scope="account")


def test_rotation_and_reuse_detection_revoke_the_whole_grant(client, control):
    first = mint_tokens(client, control, "C0001", "c0001-viewer")
    second = refresh(client, control, "C0001", first["refresh_token"]).get_json()
    assert second["refresh_token"] != first["refresh_token"]
    assert client.get(ACCOUNTS, headers=bearer(second)).status_code == 200
    reused = refresh(client, control, "C0001", first["refresh_token"])
    assert reused.status_code == 400 and reused.get_json()["error"] == "invalid_grant"
    revoked = client.get(ACCOUNTS, headers=bearer(second))
    assert revoked.status_code == 401 and error_code(revoked) == "token_revoked"
    assert refresh(client, control, "C0001", second["refresh_token"]).status_code == 400
    grant = control("GET", "/contracts/C0001/authorizations", status=200)["authorizations"][-1]
    assert grant["status"] == "revoked" and grant["revokedReason"] == "refresh_reuse"


def test_without_rotation_the_refresh_token_stays(client, control):
    control("PATCH", "/contracts/C0001/settings", {"refreshTokenRotation": False}, status=200)
    first = mint_tokens(client, control, "C0001", "c0001-viewer")
    for _ in range(2):
        answer = refresh(client, control, "C0001", first["refresh_token"]).get_json()
        assert (
            "refresh_token" not in answer and client.get(ACCOUNTS, headers=bearer(answer)).status_code == 200
        )


def test_refresh_token_only_with_offline_access(client, control):
    tokens = mint_tokens(client, control, "C0001", "c0001-viewer", "account")
    assert "refresh_token" not in tokens and tokens["scope"] == "account"


def test_replayed_code_revokes_what_it_issued(client, control):
    granted = code_for(control)
    tokens = exchange(client, control, granted["code"]).get_json()
    replay = exchange(client, control, granted["code"])
    assert replay.status_code == 400 and "already used" in replay.get_json()["error_description"]
    assert error_code(client.get(ACCOUNTS, headers=bearer(tokens))) == "token_revoked"


def test_approval_token_is_separate(client, control):
    mixed = control(
        "POST",
        "/contracts/C0001/authorizations",
        {"userId": "c0001-approver", "clientId": demo_auth(control)[0], "scope": "account transfer-approval"},
        status=400,
    )
    assert mixed["errorCode"] == "scope_invalid" and "own" in mixed["errorDetails"][0]["errorDetailsMessage"]
    approval = mint_tokens(client, control, "C0001", "c0001-approver", "transfer-approval offline_access")
    assert approval["scope"] == "transfer-approval offline_access"
    denied = client.get(ACCOUNTS, headers=bearer(approval))
    assert denied.status_code == 403 and error_code(denied) == "insufficient_scope"
    assert 'error="insufficient_scope"' in denied.headers["WWW-Authenticate"]
    assert 'scope="account"' in denied.headers["WWW-Authenticate"]


def test_scope_beyond_privileges_is_refused(client, control):
    refused = control(
        "POST",
        "/contracts/C0001/authorizations",
        {"userId": "c0001-viewer", "clientId": demo_auth(control)[0], "scope": "transfer"},
        status=403,
    )
    assert refused["errorCode"] == "scope_not_permitted"
    bad = control(
        "POST",
        "/contracts/C0001/authorizations",
        {"userId": "c0001-viewer", "clientId": demo_auth(control)[0], "scope": "account admin"},
        status=400,
    )
    assert bad["errorCode"] == "scope_invalid"


def test_privilege_narrowing_applies_on_the_next_request(client, control):
    tokens = mint_tokens(client, control, "C0001", "c0001-clerk", "account transfer")
    assert client.get(ACCOUNTS, headers=bearer(tokens)).status_code == 200
    control("PUT", "/contracts/C0001/users/c0001-clerk/privileges", {"privileges": ["transfer"]}, status=200)
    narrowed = client.get(ACCOUNTS, headers=bearer(tokens))
    assert narrowed.status_code == 403 and error_code(narrowed) == "insufficient_scope"
    control("PUT", "/contracts/C0001/users/c0001-clerk/privileges", {"privileges": ["account"]}, status=200)
    assert client.get(ACCOUNTS, headers=bearer(tokens)).status_code == 200


def test_removing_every_privilege_revokes_the_grants(client, control):
    tokens = mint_tokens(client, control, "C0001", "c0001-viewer")
    answer = control("PUT", "/contracts/C0001/users/c0001-viewer/privileges", {"privileges": []}, status=200)
    assert answer["grantsRevoked"] == 1
    control("PUT", "/contracts/C0001/users/c0001-viewer/privileges", {"privileges": ["account"]}, status=200)
    gone = client.get(ACCOUNTS, headers=bearer(tokens))
    assert error_code(gone) == "token_revoked" and "privileges were removed" in gone.get_data(as_text=True)
    assert refresh(client, control, "C0001", tokens["refresh_token"]).status_code == 400


def test_linkage_and_applied_services_narrow_the_scope(client, control, db_path):
    tokens = mint_tokens(client, control, "C0001", "c0001-viewer")
    db = connect(db_path)
    db.conn.execute("""UPDATE contracts SET linkage = '["transfer"]' WHERE id = 'C0001'""")
    db.conn.close()
    assert error_code(client.get(ACCOUNTS, headers=bearer(tokens))) == "insufficient_scope"


def test_suspended_contract(client, control, db_path):
    tokens = mint_tokens(client, control, "C0001", "c0001-viewer")
    db = connect(db_path)
    db.conn.execute("UPDATE contracts SET status = 'suspended' WHERE id = 'C0001'")
    db.conn.close()
    answer = client.get(ACCOUNTS, headers=bearer(tokens))
    assert answer.status_code == 403 and error_code(answer) == "contract_not_active"
    assert "WWW-Authenticate" in answer.headers
    assert introspect(client, control, tokens["access_token"])["active"] is False
    assert refresh(client, control, "C0001", tokens["refresh_token"]).status_code == 400


def introspect(client, control, token, contract_id="C0001", **extra):
    answer = client.post(
        "/auth/v1/introspect", data={"token": token, **extra}, auth=demo_auth(control, contract_id)
    )
    assert answer.status_code == 200
    return answer.get_json()


def test_introspection_is_truthful(client, control):
    tokens = mint_tokens(client, control, "C0001", "c0001-clerk", "account transfer offline_access")
    live = introspect(client, control, tokens["access_token"])
    assert live["active"] is True and live["scope"] == "account transfer offline_access"
    assert live["username"] == "c0001-clerk" and live["client_id"] == demo_auth(control)[0]
    assert live["exp"] - live["iat"] == 3600
    assert introspect(client, control, tokens["refresh_token"], token_type_hint="refresh_token")["active"]
    control("PUT", "/contracts/C0001/users/c0001-clerk/privileges", {"privileges": ["transfer"]}, status=200)
    assert introspect(client, control, tokens["access_token"])["scope"] == "transfer offline_access"
    assert introspect(client, control, "not-a-token")["active"] is False
    assert introspect(client, control, tokens["access_token"], "C0003")["active"] is False  # another client
    control.advance("C0001", "1h")
    assert introspect(client, control, tokens["access_token"])["active"] is False
    assert introspect(client, control, tokens["refresh_token"])["active"] is True


def test_client_revocation_ends_the_token_family(client, control):
    tokens = mint_tokens(client, control, "C0001", "c0001-viewer")
    answer = client.post("/auth/v1/revoke", data={"token": tokens["access_token"]}, auth=demo_auth(control))
    assert answer.status_code == 200
    assert error_code(client.get(ACCOUNTS, headers=bearer(tokens))) == "token_revoked"
    assert refresh(client, control, "C0001", tokens["refresh_token"]).status_code == 400
    assert introspect(client, control, tokens["refresh_token"])["active"] is False
    unknown = client.post("/auth/v1/revoke", data={"token": "whatever"}, auth=demo_auth(control))
    assert unknown.status_code == 200  # RFC 7009 §2.2


def test_new_consent_supersedes_the_earlier_grant(client, control):
    first = mint_tokens(client, control, "C0001", "c0001-viewer")
    mint_tokens(client, control, "C0001", "c0001-viewer")
    assert error_code(client.get(ACCOUNTS, headers=bearer(first))) == "token_revoked"
    control("PATCH", "/contracts/C0001/settings", {"revokePreviousGrant": False}, status=200)
    third = mint_tokens(client, control, "C0001", "c0001-viewer")
    mint_tokens(client, control, "C0001", "c0001-viewer")
    assert client.get(ACCOUNTS, headers=bearer(third)).status_code == 200


def test_cross_contract_access_is_denied(client, control):
    c3 = mint_tokens(client, control, "C0003", "c0003-viewer")
    own = {a["accountId"] for a in client.get(ACCOUNTS, headers=bearer(c3)).get_json()["accounts"]}
    c1 = mint_tokens(client, control, "C0001", "c0001-viewer")
    others = [a["accountId"] for a in client.get(ACCOUNTS, headers=bearer(c1)).get_json()["accounts"]]
    assert own.isdisjoint(others)
    for account_id in others:
        found = client.get(f"{ACCOUNTS}/balances?accountId={account_id}", headers=bearer(c3))
        assert found.status_code == 404 and error_code(found) == "account_not_found"
    # a C0003 client cannot exchange a C0001 code, nor consent for another contract's user
    granted = code_for(control)
    assert exchange(client, control, granted["code"], "C0003").status_code == 400
    control(
        "POST",
        "/contracts/C0003/authorizations",
        {"userId": "c0001-viewer", "clientId": demo_auth(control, "C0003")[0], "scope": "account"},
        status=404,
    )


@pytest.mark.parametrize(
    "headers, code, status",
    [
        ({}, "token_missing", 401),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, "token_missing", 401),
        ({"Authorization": "Bearer"}, "authorization_malformed", 400),
        ({"Authorization": "Bearer a b"}, "authorization_malformed", 400),
        ({"Authorization": "Bearer " + "x" * 5000}, "token_invalid", 401),
        ({"Authorization": "Bearer ☃☃☃"}, "token_invalid", 401),
        ({"Authorization": "Bearer unknown-token"}, "token_invalid", 401),
        ({"x-access-token": "unknown-token"}, "token_invalid", 401),
    ],
)
def test_bad_authorization_headers(client, headers, code, status):
    answer = client.get(ACCOUNTS, headers=headers)
    assert answer.status_code == status and error_code(answer) == code
    assert answer.headers["WWW-Authenticate"].startswith('Bearer realm="web21-sandbox"')


def test_x_access_token_header_and_mismatch(client, control):
    tokens = mint_tokens(client, control, "C0001", "c0001-viewer")
    assert client.get(ACCOUNTS, headers={"x-access-token": tokens["access_token"]}).status_code == 200
    both = {**bearer(tokens), "x-access-token": "other"}
    assert error_code(client.get(ACCOUNTS, headers=both)) == "authorization_malformed"


def test_token_endpoint_bad_input(client, control):
    granted = code_for(control)
    client_id, secret = demo_auth(control)
    wrong = client.post(
        "/auth/v1/token",
        data={"grant_type": "authorization_code", "code": granted["code"]},
        auth=(client_id, "nope"),
    )
    assert wrong.status_code == 401 and wrong.get_json()["error"] == "invalid_client"
    unknown = client.post(
        "/auth/v1/token", data={"grant_type": "authorization_code", "code": "x"}, auth=("no-such", "secret")
    )
    assert unknown.status_code == 401 and unknown.get_json()["error"] == "invalid_client"
    garbage = exchange(client, control, "x" * 4000)
    assert garbage.status_code == 400 and garbage.get_json()["error"] == "invalid_grant"
    assert client.post("/auth/v1/token", data={"grant_type": "password"}).status_code == 400
    assert client.post("/auth/v1/token", json={"grant_type": "authorization_code"}).status_code == 400
    # client_secret_post works as well as Basic, and the code is still good after the failures
    posted = client.post(
        "/auth/v1/token",
        data={
            "grant_type": "authorization_code",
            "code": granted["code"],
            "client_id": client_id,
            "client_secret": secret,
        },
    )
    assert posted.status_code == 200 and posted.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("endpoint", ["token", "revoke", "introspect"])
@pytest.mark.parametrize(
    "value",
    [
        "Basic //46eA==",  # base64 of bytes that are not UTF-8
        "Basic é",  # not base64 at all (and not ASCII)
        "Basic !!!",
        "Basic " + base64.b64encode(b"no-colon").decode(),
        "Basic Y2lkOnNlY3JldA== trailing",
        "Basic\t//46eA== x",
        "Basic",
    ],
)
def test_an_unreadable_basic_header_is_invalid_client(client, control, endpoint, value):
    client_id, secret = demo_auth(control)
    form = {"grant_type": "refresh_token", "refresh_token": "x", "token": "x"}
    # RFC 6749 §2.3: one method per request, so a readable client_secret_post does not rescue it
    form.update(client_id=client_id, client_secret=secret)
    answer = client.post(f"/auth/v1/{endpoint}", data=form, headers={"Authorization": value})
    assert answer.status_code == 401 and answer.get_json()["error"] == "invalid_client"
    assert answer.headers["WWW-Authenticate"].startswith("Basic ")


def test_redirect_uri_must_match_the_code(client, control):
    client_id, _ = demo_auth(control)
    granted = code_for(control, redirectUri="http://127.0.0.1:8080/callback")
    other = exchange(client, control, granted["code"], redirect_uri="http://127.0.0.1:8080/other")
    assert other.status_code == 400 and other.get_json()["error"] == "invalid_grant"
    control(
        "POST",
        "/contracts/C0001/authorizations",
        {
            "userId": "c0001-viewer",
            "clientId": client_id,
            "scope": "account",
            "redirectUri": "http://evil/cb",
        },
        status=400,
    )


def test_public_client_needs_pkce(client, control):
    registered = control(
        "POST",
        "/contracts/C0001/clients",
        {"redirectUri": "http://localhost:5173/cb", "clientType": "public"},
        status=201,
    )
    assert (
        "clientSecret" not in registered
        and len(base64.urlsafe_b64decode(registered["encryptionKey"] + "=")) == 32
    )
    body = {"userId": "c0001-viewer", "clientId": registered["clientId"], "scope": "account"}
    assert (
        control("POST", "/contracts/C0001/authorizations", body, status=400)["errorCode"]
        == "invalid_parameter"
    )
    verifier = "v" * 50
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    code = control(
        "POST", "/contracts/C0001/authorizations", {**body, "codeChallenge": challenge}, status=201
    )["code"]
    form = {"grant_type": "authorization_code", "code": code, "client_id": registered["clientId"]}
    missing = client.post("/auth/v1/token", data=form)
    assert missing.status_code == 400 and "code_verifier" in missing.get_json()["error_description"]
    good = client.post("/auth/v1/token", data={**form, "code_verifier": verifier})
    assert good.status_code == 200, good.get_json()


def test_metadata(client):
    meta = client.get("/.well-known/oauth-authorization-server").get_json()
    assert meta["token_endpoint"].endswith("/auth/v1/token")
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert set(meta["scopes_supported"]) == {"account", "transfer", "transfer-approval", "offline_access"}


def test_unknown_token_type_hint_is_ignored(client, control):
    tokens = mint_tokens(client, control, "C0001", "c0001-viewer")
    looked = introspect(client, control, tokens["access_token"], token_type_hint="id_token")
    assert looked["active"] is True
    answer = client.post(
        "/auth/v1/revoke",
        data={"token": tokens["access_token"], "token_type_hint": "x"},
        auth=demo_auth(control),
    )
    assert (
        answer.status_code == 200
        and error_code(client.get(ACCOUNTS, headers=bearer(tokens))) == "token_revoked"
    )
    assert (
        client.post("/auth/v1/revoke", data={}, auth=demo_auth(control)).get_json()["error"]
        == "invalid_request"
    )


def test_fresh_contracts_get_their_own_demo_client(client, control):
    created = control("POST", "/contracts", {"count": 1, "frozen": True}, status=201)
    contract_id = created["contracts"][0]["contractId"]
    registered = created["clients"][0]
    assert registered["contractId"] == contract_id and registered["clientId"].startswith(contract_id.lower())
    tokens = mint_tokens(client, control, contract_id, f"{contract_id.lower()}-viewer")
    seen = client.get(ACCOUNTS, headers=bearer(tokens)).get_json()["accounts"]
    assert {a["contractId"] for a in seen} == {contract_id}


def test_plain_http_on_a_lan_address_without_the_process_wide_switch(client, control, monkeypatch):
    """A workshop container answers on http://<LAN address>: Authlib's HTTPS check is passed for this
    server's requests only, not by setting AUTHLIB_INSECURE_TRANSPORT in the process environment."""
    monkeypatch.delenv("AUTHLIB_INSECURE_TRANSPORT", raising=False)
    client_id, secret = demo_auth(control)
    code = code_for(control)["code"]
    lan = {"base_url": "http://10.0.0.5:8021"}
    answer = client.post(
        "/auth/v1/token",
        data={"grant_type": "authorization_code", "code": code},
        auth=(client_id, secret),
        **lan,
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    token = answer.get_json()["access_token"]
    data = {"token": token}
    assert client.post("/auth/v1/introspect", data=data, auth=(client_id, secret), **lan).get_json()["active"]
    assert "AUTHLIB_INSECURE_TRANSPORT" not in os.environ
