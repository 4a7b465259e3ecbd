"""The consent pages in headless Chromium (Debian's package) with Playwright, one screenshot per step
kept under test-artifacts/consent/."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts" / "consent"

pytestmark = [
    pytest.mark.live,
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium"
    ),
]


def test_consent_in_a_real_browser(live_server):
    from playwright.sync_api import expect, sync_playwright

    clients = live_server.control("GET", "/contracts/C0001/clients").json()["clients"]
    demo = next(c for c in clients if c.get("demoClientSecret"))
    query = (
        f"response_type=code&client_id={demo['clientId']}&redirect_uri={demo['redirectUri']}"
        "&scope=account%20transfer%20offline_access&state=browser-1"
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        try:
            page = browser.new_page(viewport={"width": 900, "height": 860})
            seen: list[str] = []
            # Nothing listens on the client's web server URL: catch the redirect as the client would.
            page.route(
                "http://127.0.0.1:8080/**",
                lambda route: (seen.append(route.request.url), route.fulfill(body="callback received"))[1],
            )
            page.goto(f"{live_server.url}/auth/v1/authorization?{query}")
            expect(page.locator("h1")).to_have_text("利用者IDでログイン")
            page.screenshot(path=str(ARTIFACTS / "01-login-ja.png"), full_page=True)

            page.get_by_role("link", name="English").click()
            expect(page.locator("h1")).to_have_text("Log in with your user ID")
            page.screenshot(path=str(ARTIFACTS / "02-login-en.png"), full_page=True)
            page.get_by_role("link", name="日本語").click()

            page.fill("#login_id", "c0001-viewer")
            page.fill("#password", "wrong-password")
            page.click("#next")
            expect(page.locator("[data-error=bad_credentials]")).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "03-login-error.png"), full_page=True)

            page.fill("#login_id", "c0001-viewer")
            page.fill("#password", "Passw0rd!")
            page.click("#next")
            expect(page.locator("h1")).to_have_text("ワンタイムパスワードの入力")
            page.screenshot(path=str(ARTIFACTS / "04-otp.png"), full_page=True)

            otp = live_server.control("GET", "/contracts/C0001/users/c0001-viewer/otp").json()["otp"]
            page.fill("#otp", otp)
            page.click("#verify")
            expect(page.locator("h1")).to_have_text("アクセス許可")
            expect(page.locator("input[value=account]")).to_be_checked()
            expect(page.locator(".service.refused")).to_contain_text("transfer")
            page.screenshot(path=str(ARTIFACTS / "05-consent.png"), full_page=True)

            page.click("#approve")
            expect(page.locator("body")).to_have_text("callback received")
            page.screenshot(path=str(ARTIFACTS / "06-callback.png"))
        finally:
            browser.close()

    params = {k: v[0] for k, v in parse_qs(urlsplit(seen[-1]).query).items()}
    assert params["state"] == "browser-1"
    tokens = requests.post(
        f"{live_server.url}/auth/v1/token",
        data={
            "grant_type": "authorization_code",
            "code": params["code"],
            "redirect_uri": demo["redirectUri"],
        },
        auth=(demo["clientId"], demo["demoClientSecret"]),
        timeout=30,
    ).json()
    assert tokens["scope"] == "account offline_access"
    balances = requests.get(
        f"{live_server.url}/corporation/v1/accounts/balances",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=30,
    )
    assert balances.status_code == 200
    assert len(list(ARTIFACTS.glob("*.png"))) >= 6
