"""The operator's dashboard /sandbox/ui: login, pages in both languages, tenant isolation, clock controls, CSRF."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from itsdangerous import URLSafeSerializer

from tests.conftest import ADMIN_KEY, ROOT
from tests.oauth_helpers import bearer, mint_tokens

UI = "/sandbox/ui"
ARTIFACTS = ROOT / "test-artifacts" / "ui"
CHROMIUM = Path("/usr/bin/chromium")


def csrf(page_text: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page_text).group(1)


def login(client, key: str = ADMIN_KEY):
    token = csrf(client.get(f"{UI}/login").get_data(as_text=True))
    return client.post(f"{UI}/login", data={"key": key, "csrf_token": token})


def post(client, path: str, data: dict, *, page: str | None = None):
    """POST a dashboard form with the CSRF token of ``page`` (default: the contract list)."""
    token = csrf(client.get(page or f"{UI}/").get_data(as_text=True))
    return client.post(f"{UI}{path}", data={**data, "csrf_token": token})


def shown_clock(client, contract_id: str = "C0001") -> str:
    return client.get(
        f"/sandbox/v1/contracts/{contract_id}/clock", headers={"X-Sandbox-Key": ADMIN_KEY}
    ).get_json()["now"]


def test_every_page_requires_login_and_a_valid_key(client):
    for path in ("/", "/contracts/C0001", "/contracts/C0001/accounts/00101000001"):
        response = client.get(UI + path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith(f"{UI}/login?next=")
    assert login(client, "not-a-key").status_code == 401
    assert client.get(f"{UI}/").status_code == 302
    assert login(client).headers["Location"] == f"{UI}/"
    assert client.get(f"{UI}/").status_code == 200


def test_login_returns_to_the_page_asked_for_but_never_off_site(client):
    token = csrf(client.get(f"{UI}/login").get_data(as_text=True))
    for target, expected in (
        (f"{UI}/contracts/C0002", f"{UI}/contracts/C0002"),
        ("https://evil.example/", f"{UI}/"),
        (f"{UI}//evil.example/", f"{UI}/"),
    ):
        response = client.post(f"{UI}/login", data={"key": ADMIN_KEY, "csrf_token": token, "next": target})
        assert response.headers["Location"] == expected
        token = csrf(client.get(f"{UI}/").get_data(as_text=True))


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("ja", ["契約一覧", "契約時計", "口座と残高", "利用者と権限", "1日進める", "入出金明細"]),
        (
            "en",
            [
                "Contracts",
                "Contract clock",
                "Accounts and balances",
                "Users and privileges",
                "+1 day",
                "Statement",
            ],
        ),
    ],
)
def test_pages_render_in_both_languages(client, lang, words):
    login(client)
    listing = client.get(f"{UI}/?lang={lang}")
    assert listing.status_code == 200
    assert f'<html lang="{lang}">' in listing.get_data(as_text=True)
    contract = client.get(f"{UI}/contracts/C0001").get_data(as_text=True)  # the choice is kept in a cookie
    account = re.search(r"/accounts/(\d{12})", contract).group(1)
    statement = client.get(f"{UI}/contracts/C0001/accounts/{account}?from=2026-01-01")
    assert statement.status_code == 200
    text = listing.get_data(as_text=True) + contract + statement.get_data(as_text=True)
    for word in words:
        assert word in text
    assert ("円" in text) == (lang == "ja")


def test_japanese_is_the_default(client):
    login(client)
    assert '<html lang="ja">' in client.get(f"{UI}/contracts/C0001").get_data(as_text=True)


def test_a_contract_key_sees_only_its_contract(client, control):
    key = control("POST", "/contracts/C0003/keys", status=201)["key"]
    login(client, key)
    listing = client.get(f"{UI}/").get_data(as_text=True)
    assert "C0003" in listing and "C0001" not in listing
    assert client.get(f"{UI}/contracts/C0003").status_code == 200
    assert client.get(f"{UI}/contracts/C0001").status_code == 403
    assert client.get(f"{UI}/contracts/C0002/accounts/00101000001").status_code == 403
    before = shown_clock(client, "C0001")
    response = post(
        client, "/contracts/C0001/clock", {"action": "advance", "by": "1d"}, page=f"{UI}/contracts/C0003"
    )
    assert response.status_code == 403
    assert shown_clock(client, "C0001") == before


def test_a_replaced_contract_key_logs_the_browser_out(client, control):
    key = control("POST", "/contracts/C0003/keys", status=201)["key"]
    login(client, key)
    control("POST", "/contracts/C0003/keys", status=201)
    assert client.get(f"{UI}/contracts/C0003").status_code == 302


def session_cookie_text(client) -> str:
    """What anyone can read in the dashboard cookie: itsdangerous signs it (maybe zlib-compressed), not encrypts."""
    _signed, payload = URLSafeSerializer("any secret").loads_unsafe(
        client.get_cookie("web21_ui", path=UI).value
    )
    assert payload and "csrf" in payload  # really decoded
    return json.dumps(payload)


def test_the_session_cookie_proves_the_key_without_revealing_it(client, control):
    login(client)
    assert ADMIN_KEY not in session_cookie_text(client)
    key = control("POST", "/contracts/C0003/keys", status=201)["key"]
    login(client, key)
    assert key not in session_cookie_text(client)
    assert client.get(f"{UI}/contracts/C0003").status_code == 200
    assert client.get(f"{UI}/contracts/C0001").status_code == 403  # still only its own contract


def test_clock_controls_move_the_clock(client):
    login(client)
    page = f"{UI}/contracts/C0001"
    assert (
        post(client, "/contracts/C0001/clock", {"action": "advance", "by": "1h"}, page=page).status_code
        == 302
    )
    assert shown_clock(client) == "2026-04-01T11:00:00+09:00"
    post(client, "/contracts/C0001/clock", {"action": "advance", "by": "1d"}, page=page)
    assert shown_clock(client) == "2026-04-02T11:00:00+09:00"
    post(client, "/contracts/C0001/clock", {"action": "advance", "by": "90m"}, page=page)
    assert shown_clock(client) == "2026-04-02T12:30:00+09:00"
    post(client, "/contracts/C0001/clock", {"action": "set", "to": "2026-04-04T09:15"}, page=page)
    assert shown_clock(client) == "2026-04-04T09:15:00+09:00"
    text = client.get(page).get_data(as_text=True)
    assert "2026/04/04(土) 09:15:00" in text and "休業日（土曜日）" in text
    assert "時計を 2026/04/04(土) 09:15:00 に進めました" in text
    assert shown_clock(client, "C0002") == "2026-04-01T10:00:00+09:00"  # other contracts keep their time


def test_freeze_and_resume_switch_the_clock_mode(client, control):
    login(client)
    page = f"{UI}/contracts/C0001"
    post(client, "/contracts/C0001/clock", {"action": "resume"}, page=page)
    assert control("GET", "/contracts/C0001/clock")["mode"] == "running"
    assert 'data-mode="running"' in client.get(page).get_data(as_text=True)
    post(client, "/contracts/C0001/clock", {"action": "freeze"}, page=page)
    assert control("GET", "/contracts/C0001/clock")["mode"] == "frozen"


def test_a_bad_move_is_a_message_on_the_page_not_an_error(client):
    login(client)
    page = f"{UI}/contracts/C0001?lang=en"
    post(client, "/contracts/C0001/clock", {"action": "set", "to": "2026-03-01T10:00"}, page=page)
    assert "The clock only moves forward." in client.get(page).get_data(as_text=True)
    post(client, "/contracts/C0001/clock", {"action": "advance", "by": "soon"}, page=page)
    text = client.get(page).get_data(as_text=True)
    assert "A request parameter is invalid. (not a duration: &#39;soon&#39;" in text
    assert shown_clock(client) == "2026-04-01T10:00:00+09:00"


def test_a_post_without_the_csrf_token_is_rejected(client):
    login(client)
    for data in (
        {"action": "advance", "by": "1d"},
        {"action": "advance", "by": "1d", "csrf_token": "forged"},
    ):
        response = client.post(f"{UI}/contracts/C0001/clock", data=data)
        assert response.status_code == 400
        assert "再読み込み" in response.get_data(as_text=True)
    assert shown_clock(client) == "2026-04-01T10:00:00+09:00"
    assert client.post(f"{UI}/logout").status_code == 400  # logging out is a state change too


def test_non_ascii_csrf_tokens_and_keys_are_refused_not_a_crash(client):
    assert client.post(f"{UI}/logout", data={"csrf_token": "é"}).status_code == 400
    assert login(client, "é").status_code == 401
    login(client)
    assert client.post(f"{UI}/logout", data={"csrf_token": "é"}).status_code == 400
    assert client.get(f"{UI}/").status_code == 200  # still logged in


def test_a_forged_session_cookie_is_ignored(client):
    client.set_cookie("web21_ui", "eyJrZXkiOiJ4In0.forged", path=UI)
    assert client.get(f"{UI}/").status_code == 302


def test_logout_forgets_the_key(client):
    login(client)
    assert post(client, "/logout", {}).status_code == 302
    assert client.get(f"{UI}/").status_code == 302


def test_the_statement_pages_forward_and_back(client):
    login(client)
    contract = client.get(f"{UI}/contracts/C0001").get_data(as_text=True)
    account = re.search(r"/accounts/(\d{12})", contract).group(1)
    base = f"{UI}/contracts/C0001/accounts/{account}?from=2025-12-01&to=2026-04-01"
    first = client.get(base).get_data(as_text=True)
    assert first.count('class="num credit"') == 50
    following = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    second = client.get(following).get_data(as_text=True)
    back = re.search(r'href="([^"]+)" rel="prev"', second).group(1).replace("&amp;", "&")
    assert not re.search(r"after=\d", back)  # the first page: no key
    assert client.get(back).get_data(as_text=True).count('class="num credit"') == 50
    assert client.get(f"{UI}/contracts/C0001/accounts/999999999999").status_code == 404


# -- transfers -------------------------------------------------------------------------------------


def test_transfers_show_status_items_and_history_in_both_languages(client, control):
    login(client)
    listed = control("GET", "/contracts/C0001/transfers")["transfers"]
    failed = next(tr for tr in listed if tr["transferStatus"] == "40")
    text = client.get(f"{UI}/contracts/C0001/transfers").get_data(as_text=True)
    assert f'id="transfer-{failed["applyNo"]}"' in text
    assert "手続不成立" in text and "申請中" in text
    # the reason the domain records in English, in Japanese on the Japanese page
    assert failed["failureReason"] == "insufficient funds in 791019347542: 9222880 yen needed"
    assert "口座 791019347542 の残高不足（9,222,880円が必要）" in text and "insufficient" not in text
    english = client.get(f"{UI}/contracts/C0001/transfers?lang=en&status=40").get_data(as_text=True)
    assert failed["failureReason"] in english
    assert "Failed" in english and english.count('id="transfer-') == sum(
        tr["transferStatus"] == "40" for tr in listed
    )
    assert client.get(f"{UI}/contracts/C0001/transfers?status=nonsense").status_code == 200


def test_the_transfers_tab_follows_the_clock(client, control):
    login(client)
    page = f"{UI}/contracts/C0001/transfers"
    reserved = [tr["applyNo"] for tr in control("GET", "/contracts/C0001/transfers?status=11")["transfers"]]
    assert reserved
    post(client, "/contracts/C0001/clock", {"action": "advance", "by": "1d"}, page=page)
    text = client.get(f"{page}?status=11").get_data(as_text=True)
    assert all(f'id="transfer-{no}"' not in text for no in reserved)  # executed on their date at 09:00


# -- grants and tokens -----------------------------------------------------------------------------


def test_grants_show_their_tokens_and_why_they_ended(client, control):
    first = mint_tokens(client, control, "C0001", "c0001-viewer")
    mint_tokens(client, control, "C0001", "c0001-viewer")  # consenting again supersedes the first grant
    login(client)
    text = client.get(f"{UI}/contracts/C0001/oauth").get_data(as_text=True)
    assert "デモ会計システム" in text and "アクセス許可" in text
    assert "同じ利用者が同じクライアントに再度許可" in text
    assert text.count('<span class="badge badge-ok">有効</span>') >= 1
    english = client.get(f"{UI}/contracts/C0001/oauth?lang=en").get_data(as_text=True)
    assert "The user consented again for the same client" in english
    assert first["access_token"] not in text + english  # never a token value


def test_revoking_a_grant_from_the_dashboard_ends_its_tokens(client, control):
    tokens = mint_tokens(client, control, "C0001", "c0001-viewer")
    grant = control("GET", "/contracts/C0001/authorizations")["authorizations"][-1]["grantId"]
    login(client)
    page = f"{UI}/contracts/C0001/oauth"
    assert post(client, f"/contracts/C0001/oauth/grants/{grant}/revoke", {}, page=page).status_code == 302
    assert client.get("/corporation/v1/accounts", headers=bearer(tokens)).status_code == 401
    shown = control("GET", "/contracts/C0001/authorizations")["authorizations"][-1]
    assert (shown["status"], shown["revokedReason"]) == ("revoked", "control")
    assert "サンドボックス管理操作で取消" in client.get(page).get_data(as_text=True)


def test_privileges_are_edited_on_the_users_table(client, control):
    mint_tokens(client, control, "C0001", "c0001-clerk")
    login(client)
    page = f"{UI}/contracts/C0001"
    post(client, "/contracts/C0001/users/c0001-clerk/privileges", {"privileges": ["account"]}, page=page)
    user = next(u for u in control("GET", "/contracts/C0001")["users"] if u["userId"] == "c0001-clerk")
    assert user["privileges"] == ["account"]
    post(client, "/contracts/C0001/users/c0001-clerk/privileges", {}, page=page)  # none: grants end (§5(5)①)
    assert "終了したアクセス許可 1 件" in client.get(page).get_data(as_text=True)
    grant = control("GET", "/contracts/C0001/authorizations")["authorizations"][-1]
    assert grant["revokedReason"] == "privilege_removed"


# -- faults, incidents, timeline ------------------------------------------------------------------


def test_a_fault_rule_added_on_the_page_fires_and_can_be_removed(client, control):
    tokens = mint_tokens(client, control, "C0001", "c0001-viewer")
    login(client)
    page = f"{UI}/contracts/C0001/faults"
    rule = {
        "effect": "http_error",
        "options": '{"status": 503}',
        "path": "/corporation/v1/accounts",
        "times": "1",
    }
    post(client, "/contracts/C0001/faults", rule, page=page)
    assert client.get("/corporation/v1/accounts", headers=bearer(tokens)).status_code == 503
    assert client.get("/corporation/v1/accounts", headers=bearer(tokens)).status_code == 200
    [shown] = control("GET", "/faults?contractId=C0001")["faults"]
    assert (shown["effect"], shown["fired"]) == ({"type": "http_error", "status": 503}, 1)
    text = client.get(page).get_data(as_text=True)
    assert f'id="fault-{shown["faultId"]}"' in text
    post(client, f"/contracts/C0001/faults/{shown['faultId']}/delete", {}, page=page)
    assert control("GET", "/faults?contractId=C0001")["faults"] == []
    post(client, "/contracts/C0001/faults", {"effect": "latency", "options": "{ms"}, page=page)
    assert "effect options are not JSON" in client.get(page).get_data(as_text=True)


def test_incident_buttons_change_real_state(client, control):
    login(client)
    page = f"{UI}/contracts/C0003/faults"
    post(client, "/contracts/C0003/incidents", {"type": "suspend"}, page=page)
    assert control("GET", "/contracts/C0003")["status"] == "suspended"
    text = client.get(page).get_data(as_text=True)
    assert "インシデント #1（suspend）: 完了" in text and "利用停止" in text
    post(client, "/contracts/C0003/incidents", {"type": "resume", "in": "2h"}, page=page)
    [scheduled] = [
        i for i in control("GET", "/contracts/C0003/incidents")["incidents"] if i["type"] == "resume"
    ]
    assert scheduled["status"] == "scheduled"
    post(client, "/contracts/C0003/clock", {"action": "advance", "by": "2h"}, page=page)
    assert control("GET", "/contracts/C0003")["status"] == "active"
    post(
        client, "/contracts/C0003/incidents", {"type": "password-change", "userId": "c0003-clerk"}, page=page
    )
    assert "この1回のみ表示" in client.get(page).get_data(as_text=True)
    post(
        client,
        "/contracts/C0003/incidents",
        {"type": "withdraw-service", "services": ["transfer"]},
        page=page,
    )
    assert control("GET", "/contracts/C0003")["linkageScope"] == ["account", "transfer-approval"]
    post(client, "/contracts/C0003/incidents", {"type": "resume"}, page=f"{page}?lang=en")
    assert "not suspended" in client.get(f"{page}?lang=en").get_data(
        as_text=True
    )  # not applicable: a message


def test_a_maintenance_window_can_be_ended_from_the_page(client, control):
    login(client)
    page = f"{UI}/contracts/C0001/faults"
    post(client, "/contracts/C0001/incidents", {"type": "maintenance", "duration": "2h"}, page=page)
    [window] = control("GET", "/contracts/C0001/incidents")["incidents"]
    assert window["status"] == "active"
    post(client, f"/contracts/C0001/incidents/{window['incidentId']}/end", {}, page=page)
    assert control("GET", "/contracts/C0001/incidents")["incidents"][0]["status"] == "done"


def test_the_timeline_shows_clock_moves_and_requests(client, control):
    login(client)
    page = f"{UI}/contracts/C0001/timeline"
    post(client, "/contracts/C0001/clock", {"action": "advance", "by": "1d"}, page=page)
    text = client.get(page).get_data(as_text=True)
    assert "clock moved from 2026-04-01T10:00:00+09:00 to 2026-04-02T10:00:00+09:00" in text
    assert "tl-event" in text  # the reserved transfer ran at 09:00 on the way
    only = client.get(f"{page}?source=request&lang=en").get_data(as_text=True)
    assert "clock moved" not in only and "Timeline" in only
    assert client.get(f"{page}?since=yesterday").status_code == 200


def test_every_message_has_both_languages_and_every_literal_key_exists():
    from sandbox.http.ui.messages import MESSAGES

    assert all(ja and en and ja != key for key, (ja, en) in MESSAGES.items())
    sources = [
        *(ROOT / "sandbox" / "http" / "ui").rglob("*.html"),
        *(ROOT / "sandbox" / "http" / "ui").glob("*.py"),
    ]
    used = {
        key
        for path in sources
        for key in re.findall(r"""\bt\(["']([a-z0-9_-]+)["']\s*[,)]""", path.read_text())
    }
    assert used and used <= set(MESSAGES), sorted(used - set(MESSAGES))


def test_no_message_key_is_in_two_pages_of_the_table():
    from sandbox.http.ui.messages import MESSAGES, PARTS

    assert sum(len(part) for part in PARTS) == len(MESSAGES)


def test_a_contract_key_neither_sees_nor_removes_rules_for_every_contract(client, control):
    control("POST", "/faults", {"effect": "reset", "match": {"path": "/auth/v1/*"}}, status=201)
    key = control("POST", "/contracts/C0003/keys", status=201)["key"]
    login(client, key)
    page = f"{UI}/contracts/C0003/faults"
    assert "/auth/v1/*" not in client.get(page).get_data(as_text=True)
    rule = control("GET", "/faults")["faults"][0]["faultId"]
    post(client, f"/contracts/C0003/faults/{rule}/delete", {}, page=page)
    assert len(control("GET", "/faults")["faults"]) == 1


# -- the browser ------------------------------------------------------------------------------------


@pytest.mark.live
@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium")
def test_in_a_browser_log_in_advance_a_day_and_switch_to_english(live_server):
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{live_server.url}{UI}/")
            expect(page.locator("h1")).to_have_text("ログイン")
            page.screenshot(path=str(ARTIFACTS / "01-login.png"), full_page=True)
            page.fill("#key", ADMIN_KEY)
            page.click("button[type=submit]")
            expect(page.locator("h1")).to_have_text("契約一覧")
            page.screenshot(path=str(ARTIFACTS / "02-contracts.png"), full_page=True)
            page.click("text=C0001")
            expect(page.locator("#clock-now")).to_have_text("2026/04/01(水) 10:00:00")
            page.click("[data-testid=advance-1d]")
            expect(page.locator("#clock-now")).to_have_text("2026/04/02(木) 10:00:00")
            expect(page.locator(".flash-ok")).to_contain_text("2026/04/02(木) 10:00:00")
            page.screenshot(path=str(ARTIFACTS / "03-contract-ja.png"), full_page=True)
            page.click("text=English")
            expect(page.locator("#clock-now")).to_have_text("Thu 2026-04-02 10:00:00")
            expect(page.locator("h2#accounts-title")).to_have_text("Accounts and balances")
            page.screenshot(path=str(ARTIFACTS / "04-contract-en.png"), full_page=True)
            for number, (tab, heading) in enumerate(
                [
                    ("Transfers", "Transfer requests"),
                    ("Grants and tokens", "Clients"),
                    ("Faults and incidents", "Fault rules"),
                    ("Timeline", None),
                ],
                start=5,
            ):
                page.click(f"nav.tabs >> text={tab}")
                if heading:
                    expect(page.locator("h2.card-title").first).to_contain_text(heading.split()[0])
                page.screenshot(
                    path=str(ARTIFACTS / f"{number:02d}-{tab.split()[0].lower()}-en.png"), full_page=True
                )
            page.click("nav.tabs >> text=Overview")
            page.click("text=Statement >> nth=0")
            expect(page.locator("h1")).to_contain_text("Statement")
            page.screenshot(path=str(ARTIFACTS / "09-statement-en.png"), full_page=True)
            # a phone: nothing wider than the screen, and the clock set in the Japanese page's own format
            page.set_viewport_size({"width": 390, "height": 844})
            for lang in ("en", "ja"):
                page.goto(f"{live_server.url}{UI}/contracts/C0001?lang={lang}")
                assert page.evaluate("document.documentElement.scrollWidth") <= 390
                page.screenshot(path=str(ARTIFACTS / f"10-contract-{lang}-390.png"), full_page=True)
            expect(page.locator("#set-to")).to_have_value("2026/04/02 10:00")
            page.on("dialog", lambda dialog: dialog.accept())
            page.fill("#set-to", "2026/04/03 09:30")
            page.click("button[data-confirm]")
            expect(page.locator("#clock-now")).to_have_text("2026/04/03(金) 09:30:00")
        finally:
            browser.close()
    assert live_server.control("GET", "/contracts/C0001/clock").json()["now"] == "2026-04-03T09:30:00+09:00"
