"""The dashboard's 全銀 file form on the transfers tab: a valid file becomes a bulk request; a broken one shows its
problems (record, byte, field) in both languages and creates nothing; a POST without the CSRF token is refused."""

from __future__ import annotations

import io

from tests.http.test_ui import UI, csrf, login
from tests.zengin.test_upload import count_bulk, sample

PAGE = f"{UI}/contracts/C0001/transfers"


def send(client, data: bytes, lang: str = "ja"):
    token = csrf(client.get(PAGE, query_string={"lang": lang}).get_data(as_text=True))
    form = {"csrf_token": token, "file": (io.BytesIO(data), "sogo.txt")}
    sent = client.post(f"{UI}/contracts/C0001/bulk-files", data=form, content_type="multipart/form-data")
    assert sent.status_code == 302
    return client.get(PAGE).get_data(as_text=True)


def test_upload_form_accepts_a_file_and_shows_problems(client, bank, db_path):
    login(client)
    page = client.get(PAGE).get_data(as_text=True)
    assert "全銀ファイルの取込" in page and 'enctype="multipart/form-data"' in page
    account_id = bank.accounts("C0001")[0]["accountId"]
    data = sample(client, account_id, items="2")
    before = count_bulk(db_path)
    shown = send(client, data)
    assert "件を申請中として受け付けました" in shown and count_bulk(db_path) == before + 1
    broken = bytearray(data)
    broken[122 + 50 : 122 + 52] = "ｮｮ".encode("cp932")  # record 2, bytes 51-52: 受取人名
    shown = send(client, bytes(broken), lang="en")
    assert "record 2, byte 51" in shown and "small_kana" in shown and count_bulk(db_path) == before + 1


def test_upload_needs_the_csrf_token(client):
    login(client)
    form = {"file": (io.BytesIO(b"x"), "sogo.txt")}
    refused = client.post(f"{UI}/contracts/C0001/bulk-files", data=form, content_type="multipart/form-data")
    assert refused.status_code == 400
