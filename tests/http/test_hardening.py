"""Issue 13 (hardening): bad input is a JSON error with a stable code, never a 500 or an HTML page."""

from __future__ import annotations

import json

import pytest
from werkzeug.test import EnvironBuilder, run_wsgi_app

from sandbox import create_app
from sandbox.bank.transfers import lifecycle as transfers
from tests.conftest import ADMIN_KEY
from tests.http.test_ui import UI, login


def test_the_transfer_status_filter_answers_200_for_every_status(client, control):
    login(client)
    listed = control("GET", "/contracts/C0001/transfers")["transfers"]
    for code in transfers.STATUS_NAMES:
        response = client.get(f"{UI}/contracts/C0001/transfers?status={code}")
        assert response.status_code == 200, code
        shown = response.get_data(as_text=True).count('id="transfer-')
        assert shown == min(50, sum(tr["transferStatus"] == code for tr in listed)), code


# -- item 5: bounded bodies -------------------------------------------------------------------------


class Unreadable:
    """A request body stream that fails the test if anything reads it."""

    def read(self, *args: object) -> bytes:
        raise AssertionError("the body was read")

    readline = read

    def __iter__(self):
        raise AssertionError("the body was read")


def declared_huge(path: str, content_type: str) -> dict:
    """A WSGI environ declaring a 200 MiB body that must be refused before anything reads it."""
    environ = EnvironBuilder(path=path, method="POST", content_type=content_type, data=b"x").get_environ()
    environ.update(CONTENT_LENGTH=str(200 * 1024 * 1024), **{"wsgi.input": Unreadable()})
    return environ


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        (f"{UI}/login", "application/x-www-form-urlencoded"),  # unauthenticated, the review's 525 MB case
        ("/auth/v1/token", "application/x-www-form-urlencoded"),  # through the fault layer
        ("/sandbox/v1/contracts/C0001/deposits", "application/json"),
    ],
)
def test_a_body_over_the_limit_is_refused_413_before_it_is_read(app, path, content_type):
    body, status, headers = run_wsgi_app(app, declared_huge(path, content_type), buffered=True)
    assert status.startswith("413"), status
    assert json.loads(b"".join(body))["errorCode"] == "payload_too_large"
    assert dict(headers)["Content-Type"].startswith("application/json")


def test_the_body_limit_is_a_setting(db_path, monkeypatch):
    assert create_app({"DATABASE": str(db_path)}).config["MAX_CONTENT_LENGTH"] == 1024 * 1024
    monkeypatch.setenv("WEB21_SANDBOX_MAX_BODY", "2048")
    small = create_app({"DATABASE": str(db_path), "ADMIN_KEY": ADMIN_KEY}).test_client()
    headers = {"X-Sandbox-Key": ADMIN_KEY}
    response = small.post("/sandbox/v1/contracts/C0001/deposits", json={"pad": "x" * 3000}, headers=headers)
    assert response.status_code == 413 and response.get_json()["errorCode"] == "payload_too_large"
    response = small.post(f"{UI}/login", data={"key": "k" * 3000})
    assert response.status_code == 413 and response.get_json()["errorCode"] == "payload_too_large"
    assert (
        small.post("/sandbox/v1/contracts/C0001/deposits", json={"pad": 1}, headers=headers).status_code
        == 400
    )
