"""The whole flow against a real server process: a real OAuth client library (requests-oauthlib, with
PKCE) through the real consent pages over HTTP, then balances, refresh and revocation; and the CI path
(`token mint --url`)."""

from __future__ import annotations

import json

import pytest
import requests
from click.testing import CliRunner
from requests_oauthlib import OAuth2Session

from sandbox.cli.main import main
from tests.conftest import ADMIN_KEY
from tests.oauth_helpers import csrf_of, mint_tokens_live

pytestmark = pytest.mark.live


def demo(server, contract_id="C0001"):
    found = server.control("GET", f"/contracts/{contract_id}/clients").json()["clients"]
    return next(c for c in found if c.get("demoClientSecret"))


def consent_in_browser(server, authorization_url, user, services):
    """What a person does in the browser: log in, type the OTP, tick the services, approve."""
    browser = requests.Session()
    login_page = browser.get(authorization_url, timeout=30)
    assert login_page.status_code == 200 and "利用者IDでログイン" in login_page.text
    token = csrf_of(login_page.text)
    form = {"csrf_token": token, "login_id": user, "password": "Passw0rd!"}
    otp_page = browser.post(f"{server.url}/auth/v1/authorization/login", data=form, timeout=30)
    assert "ワンタイムパスワード" in otp_page.text
    otp = server.control("GET", f"/contracts/C0001/users/{user}/otp").json()["otp"]
    consent = browser.post(
        f"{server.url}/auth/v1/authorization/otp", data={"csrf_token": token, "otp": otp}, timeout=30
    )
    assert "アクセス許可" in consent.text
    done = browser.post(
        f"{server.url}/auth/v1/authorization/consent",
        data={"csrf_token": token, "action": "approve", "service": services},
        allow_redirects=False,
        timeout=30,
    )
    assert done.status_code == 302
    return done.headers["Location"]


def test_requests_oauthlib_through_the_consent_pages(live_server, monkeypatch):
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the sandbox speaks plain HTTP on loopback
    client = demo(live_server)
    session = OAuth2Session(
        client["clientId"],
        redirect_uri=client["redirectUri"],
        scope=["account", "offline_access"],
        pkce="S256",
    )
    url, state = session.authorization_url(f"{live_server.url}/auth/v1/authorization")
    callback = consent_in_browser(live_server, url, "c0001-viewer", ["account"])
    assert f"state={state}" in callback
    token = session.fetch_token(
        f"{live_server.url}/auth/v1/token",
        authorization_response=callback,
        client_secret=client["demoClientSecret"],
    )
    assert token["scope"] == ["account", "offline_access"] and token["expires_in"] == 3600
    balances = session.get(f"{live_server.url}/corporation/v1/accounts/balances", timeout=30)
    assert balances.status_code == 200 and balances.json()["balances"][0]["balance"].isdigit()

    renewed = session.refresh_token(
        f"{live_server.url}/auth/v1/token", auth=(client["clientId"], client["demoClientSecret"])
    )
    assert renewed["refresh_token"] != token["refresh_token"]
    assert session.get(f"{live_server.url}/corporation/v1/accounts", timeout=30).status_code == 200

    revoked = requests.post(
        f"{live_server.url}/auth/v1/revoke",
        data={"token": renewed["refresh_token"], "token_type_hint": "refresh_token"},
        auth=(client["clientId"], client["demoClientSecret"]),
        timeout=30,
    )
    assert revoked.status_code == 200
    after = session.get(f"{live_server.url}/corporation/v1/accounts", timeout=30)
    assert after.status_code == 401 and after.json()["errorCode"] == "token_revoked"
    assert after.headers["WWW-Authenticate"].startswith("Bearer ")


def test_token_mint_over_http_for_ci(live_server):
    result = CliRunner().invoke(
        main,
        [
            "--url",
            live_server.url,
            "--key",
            ADMIN_KEY,
            "token",
            "mint",
            "--contract",
            "C0001",
            "--user",
            "c0001-viewer",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    tokens = json.loads(result.output)
    answer = requests.get(
        f"{live_server.url}/corporation/v1/accounts/balances",
        headers={"x-access-token": tokens["access_token"]},
        timeout=30,
    )
    assert answer.status_code == 200 and answer.json()["count"] == 5  # C0001 and its child C0002
    approval = mint_tokens_live(live_server, "C0001", "c0001-approver", "transfer-approval")
    denied = requests.get(
        f"{live_server.url}/corporation/v1/accounts",
        headers={"Authorization": f"Bearer {approval['access_token']}"},
        timeout=30,
    )
    assert denied.status_code == 403 and denied.json()["errorCode"] == "insufficient_scope"
    live_server.control("PUT", "/contracts/C0001/users/c0001-viewer/privileges", {"privileges": []})
    gone = requests.get(
        f"{live_server.url}/corporation/v1/accounts",
        headers={"x-access-token": tokens["access_token"]},
        timeout=30,
    )
    assert gone.status_code == 401 and gone.json()["errorCode"] == "token_revoked"
    assert gone.headers["WWW-Authenticate"].isascii()
