"""Issue 13: the token endpoint's answers to malformed client authentication and grant requests (RFC 6749)."""

from __future__ import annotations

import pytest

from tests.oauth_helpers import DEMO_SECRET_FIELD, demo_client


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
