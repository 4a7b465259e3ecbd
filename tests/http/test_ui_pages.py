"""What the pages show beyond their own strings: the favicon, the clock badge, date-time fields in the
page's format, and the domain's English texts (reasons, event kinds, timeline lines) on Japanese pages."""

from __future__ import annotations

import re

from tests.http.test_ui import UI, login, post, shown_clock


def test_every_page_has_a_favicon(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/x-icon"
    assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO header
    login(client)
    for page in (f"{UI}/", "/docs", "/auth/v1/authorization?client_id=x"):
        assert '<link rel="icon" href="/favicon.ico"' in client.get(page).get_data(as_text=True), page


def test_a_frozen_clock_is_a_stopped_clock_not_a_suspended_contract(client):
    login(client)
    page = client.get(f"{UI}/contracts/C0001").get_data(as_text=True)
    assert '<span class="badge badge-frozen">時計停止</span>' in page and "停止中" not in page
    english = client.get(f"{UI}/contracts/C0001?lang=en").get_data(as_text=True)
    assert '<span class="badge badge-frozen">Clock stopped</span>' in english


def _set_to_value(page: str) -> str:
    return re.search(r'<input id="set-to" name="to" type="text"[^>]* value="([^"]*)"', page).group(1)


def test_the_date_time_field_is_in_the_pages_format_and_both_are_read(client):
    login(client)
    page = f"{UI}/contracts/C0001"
    assert _set_to_value(client.get(page).get_data(as_text=True)) == "2026/04/01 10:00"
    assert _set_to_value(client.get(f"{page}?lang=en").get_data(as_text=True)) == "2026-04-01 10:00"
    post(client, "/contracts/C0001/clock", {"action": "set", "to": "2026-04-01 11:00"}, page=page)
    assert shown_clock(client) == "2026-04-01T11:00:00+09:00"
    post(
        client, "/contracts/C0001/clock", {"action": "set", "to": "２０２６/04/01 12:30"}, page=page
    )  # an IME's digits
    assert shown_clock(client) == "2026-04-01T12:30:00+09:00"
    statement = client.get(f"{UI}/contracts/C0001/accounts/791011571600?from=2026/03/25&lang=ja")
    assert 'value="2026/03/25"' in statement.get_data(as_text=True)


def test_the_domains_english_is_translated_on_japanese_pages(client):
    login(client)
    overview = client.get(f"{UI}/contracts/C0001").get_data(as_text=True)
    assert "次のイベント: 振込実行" in overview and "transfer.execute" not in overview
    timeline = client.get(f"{UI}/contracts/C0001/timeline?limit=200").get_data(as_text=True)
    assert "振込 2026040100000006: 手続済 → 資金返却（銀行） 受取銀行で口座が解約済みでした" in timeline
    assert "時計イベント「承認期限切れ処理」実行（完了）" in timeline
    assert re.search(r"仕訳 \d+ 入金: 791", timeline)
    assert " by c0001-clerk" not in timeline and "clock event" not in timeline
    english = client.get(f"{UI}/contracts/C0001/timeline?limit=200&lang=en").get_data(as_text=True)
    assert (
        "transfer 2026040100000006 手続済 → 資金返却 by bank (account closed at the receiving bank)"
        in english
    )


def test_the_consent_pages_explain_authlibs_errors_in_japanese(client):
    unknown = client.get("/auth/v1/authorization?client_id=x&response_type=code").get_data(as_text=True)
    assert "このクライアントIDは登録されていません。" in unknown and "does not exist" not in unknown
    query = "client_id=c0001-c07c4c4128df&response_type=code&redirect_uri=http://evil.example/"
    wrong = client.get(f"/auth/v1/authorization?{query}").get_data(as_text=True)
    assert "redirect_uri がクライアントに登録されたWebサーバーのURLと一致しません。" in wrong
    assert "is not supported" not in wrong
    english = client.get(f"/auth/v1/authorization?{query}&lang=en").get_data(as_text=True)
    assert "Redirect URI http://evil.example/ is not supported by client" in english  # the detail, in English


def test_grants_privileges_and_deposits_read_in_japanese_on_the_timeline(client, control):
    demo = next(c for c in control("GET", "/contracts/C0001/clients")["clients"] if c.get("demoClientSecret"))
    body = {"userId": "c0001-viewer", "clientId": demo["clientId"], "scope": "account"}
    control("POST", "/contracts/C0001/authorizations", body, status=201)
    grant = control("GET", "/contracts/C0001/authorizations")["authorizations"][0]
    control("DELETE", f"/contracts/C0001/authorizations/{grant['grantId']}", status=200)
    body = {"accountId": "791011571600", "amount": 50000, "remitterName": "ｶ)ﾃｽﾄ"}
    control("POST", "/contracts/C0001/deposits", body, status=201)
    login(client)
    text = client.get(f"{UI}/contracts/C0001/timeline").get_data(as_text=True)
    assert f"c0001-viewer がクライアント {demo['clientId']} に account を許可" in text
    assert (
        f"アクセス許可 {grant['grantId']}（クライアント {demo['clientId']}）終了: サンドボックス管理操作で取消"
        in text
    )
    assert "791011571600 に 50,000円の入金（振込依頼人 ｶ)ﾃｽﾄ）" in text
    assert " granted " not in text and " revoked: " not in text and "deposit of" not in text


def test_the_docs_menu_shows_whole_paths_broken_only_after_a_slash(client):
    page = client.get("/docs").get_data(as_text=True)
    menu = page[page.index('<nav aria-label="operations">') : page.index("</nav>")]
    assert (
        "<b>DELETE</b> /<wbr>sandbox/<wbr>v1/<wbr>contracts/<wbr>{contractId}/<wbr>authorizations/<wbr>{grantId}"
        in menu
    )
    assert "text-overflow: ellipsis" not in page
