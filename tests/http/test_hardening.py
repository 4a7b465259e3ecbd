"""Issue 13 (hardening): bad input is a JSON error with a stable code, never a 500 or an HTML page."""

from __future__ import annotations

import hashlib
import hmac
import io
import json

import pytest
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.test import EnvironBuilder, run_wsgi_app

from sandbox import clock, create_app
from sandbox.bank import contracts
from sandbox.bank.transfers import lifecycle as transfers
from tests.conftest import ADMIN_KEY
from tests.http.test_ui import UI, login, post
from tests.oauth_helpers import bearer


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
    assert create_app({"DATABASE": str(db_path)}).config["MAX_CONTENT_LENGTH"] == 8 * 1024 * 1024
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


# -- item 2: text must be Unicode scalar values -------------------------------------------------------

LONE = "\udc00"  # json.dumps writes it as the escape "\\udc00", which json.loads turns back into a lone surrogate


def refused_for(response, field_name: str) -> None:
    assert response.status_code == 400, response.get_data(as_text=True)
    body = response.get_json()
    assert body["errorCode"] == "invalid_parameter"
    assert body["errorDetails"][0]["errorDetailsCode"] == field_name


@pytest.mark.parametrize(
    ("path", "body", "field_name"),
    [
        ("/contracts/C0001/deposits", {"accountId": LONE, "amount": 1000}, "accountId"),
        ("/contracts/C0001/clients", {"redirectUri": f"https://x.example/{LONE}"}, "redirectUri"),
        ("/contracts/C0001/clients", {"redirectUri": "https://x.example/cb", "name": LONE}, "name"),
        ("/contracts/C0001/authorizations", {"userId": "c0001-clerk", "clientId": LONE}, "clientId"),
        ("/contracts/C0001/incidents", {"type": "revoke-tokens", "clientId": LONE}, "clientId"),
        ("/faults", {"match": {"path": f"/{LONE}"}, "effect": "reset"}, "match.path"),
        ("/contracts/C0001/deposits", {LONE: 1}, LONE.encode("unicode_escape").decode()),
    ],
)
def test_a_lone_surrogate_in_a_control_body_is_invalid_parameter_naming_the_field(
    client, path, body, field_name
):
    response = client.post(
        f"/sandbox/v1{path}",
        data=json.dumps(body),
        content_type="application/json",
        headers={"X-Sandbox-Key": ADMIN_KEY},
    )
    refused_for(response, field_name)


def test_a_lone_surrogate_in_a_banking_body_is_invalid_parameter_naming_the_field(bank):
    body = bank.body("C0001", [bank.to_other_bank(1000)])
    token = bank.token("C0001")
    for changed, name in (
        ({"accountId": LONE}, "accountId"),
        ({"applyComment": f"x{LONE}"}, "applyComment"),
        ({"transfers": [{**body["transfers"][0], "itemId": LONE}]}, "transfers[0].itemId"),
    ):
        response = bank.client.post(
            "/corporation/v1/transfer/request",
            data=json.dumps({**body, **changed}),
            content_type="application/json",
            headers=bearer(token),
        )
        refused_for(response, name)
    response = bank.client.post(
        "/corporation/v1/transfer/approval",
        data=json.dumps({"accountId": body["accountId"], "applyNo": LONE, "decision": "approve"}),
        content_type="application/json",
        headers=bearer(bank.token("C0001", "transfer-approval")),
    )
    refused_for(response, "applyNo")


def test_a_lone_surrogate_in_the_dashboards_fault_options_is_refused_not_a_500(client, control):
    login(client)
    page = f"{UI}/contracts/C0001/faults"
    options = '{"status": 503, "errorCode": "\\udc00"}'
    response = post(
        client, "/contracts/C0001/faults", {"effect": "http_error", "options": options}, page=page
    )
    assert response.status_code == 302
    assert "errorCode is not valid Unicode text" in client.get(page).get_data(as_text=True)
    assert control("GET", "/faults?contractId=C0001")["faults"] == []


# -- item 4: 405 says what is allowed ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/sandbox/v1/contracts", {"GET", "POST"}),
        ("PUT", "/auth/v1/token", {"POST"}),
        ("POST", "/corporation/v1/accounts", {"GET"}),
    ],
)
def test_a_405_answer_carries_an_allow_header(client, method, path, allowed):
    response = client.open(path, method=method, headers={"X-Sandbox-Key": ADMIN_KEY})
    assert response.status_code == 405 and response.get_json()["errorCode"] == "method_not_allowed"
    assert allowed <= {m.strip() for m in response.headers["Allow"].split(",")}


# -- item 15: identifiers and durations are ASCII ----------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"contractId": "Ｃ００９９"},  # full-width
        {"contractId": "C٠٠٩٩"},  # Arabic-Indic digits
        {"contractId": "Cé99"},
        {"contractId": "C" * 17},
        {"prefix": "Ｃ"},
    ],
)
def test_contract_ids_and_prefixes_are_ascii_letters_and_digits(control, body):
    refused = control("POST", "/contracts", body, status=400)
    assert refused["errorCode"] == "invalid_parameter"
    assert refused["errorDetails"][0]["errorDetailsCode"] in ("contractId", "prefix")


def test_an_ascii_contract_id_is_still_accepted(control):
    assert (
        control("POST", "/contracts", {"contractId": "Zz0099"}, status=201)["contracts"][0]["contractId"]
        == "Zz0099"
    )


@pytest.mark.parametrize("text", ["１d", "٢h", "PT１H", "P１D", "1d\u3000"])
def test_durations_refuse_non_ascii_digits(text):
    with pytest.raises(ValueError):
        clock.parse_duration(text)


def test_the_clock_refuses_a_full_width_duration(control):
    refused = control("POST", "/contracts/C0001/clock/advance", {"by": "１d"}, status=400)
    assert refused["errorCode"] == "invalid_parameter"


# -- item 14: the dashboard cannot be framed ---------------------------------------------------------


def test_every_dashboard_page_refuses_to_be_framed(client):
    pages = [client.get(f"{UI}/login")]
    login(client)
    pages += [
        client.get(f"{UI}/"),
        client.get(f"{UI}/contracts/C0001/faults"),
        client.get(f"{UI}/contracts/NONE"),
    ]
    for response in pages:
        assert response.headers["X-Frame-Options"] == "DENY", response.request.path
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("path", [f"{UI}/login", "/auth/v1/token", "/sandbox/v1/contracts/C0001/deposits"])
def test_a_chunked_body_over_the_limit_is_cut_at_the_limit(db_path, path):
    app = create_app({"DATABASE": str(db_path), "ADMIN_KEY": ADMIN_KEY, "MAX_BODY": 1024})
    environ = EnvironBuilder(
        path=path, method="POST", content_type="application/x-www-form-urlencoded"
    ).get_environ()
    environ.pop("CONTENT_LENGTH", None)
    environ.update({"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input_terminated": True})
    environ.update({"HTTP_X_SANDBOX_KEY": ADMIN_KEY, "wsgi.input": io.BytesIO(b"key=" + b"k" * 5000)})
    body, status, _headers = run_wsgi_app(app, environ, buffered=True)
    assert status.startswith("413"), status
    assert json.loads(b"".join(body))["errorCode"] == "payload_too_large"


# -- item 13 (part): the dashboard cookie gives no offline check of a guessed key ---------------------


@pytest.mark.parametrize("key", [ADMIN_KEY, "contract"])
def test_the_dashboard_cookie_cannot_be_checked_against_a_guessed_key(client, control, key):
    if key == "contract":
        key = control("POST", "/contracts/C0002/keys", status=201)["key"]
    assert login(client, key).status_code == 302
    cookie = client.get_cookie("web21_ui", path=UI).value
    _ok, payload = URLSafeSerializer("x").loads_unsafe(cookie)
    assert contracts.key_hash(key) not in json.dumps(payload) and key not in json.dumps(payload)
    old_scheme = hmac.new(key.encode(), b"web21-sandbox ui session", hashlib.sha256).hexdigest()
    with pytest.raises(BadSignature):  # a guess of the admin key no longer verifies the signature
        URLSafeSerializer(old_scheme, salt="ui-session").loads(cookie)
    assert client.get(f"{UI}/contracts/C0002").status_code == 200  # and the session still works
