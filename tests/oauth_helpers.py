"""Real tokens in one line, for any test: headless consent + token exchange at ``/auth/v1/token``.

tokens = mint_tokens(client, control, "C0001", "c0001-viewer", "account offline_access")
client.get("/corporation/v1/accounts", headers=bearer(tokens))

tokens = mint_tokens_live(live_server, "C0001", "c0001-approver", "transfer-approval")
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from flask.testing import FlaskClient

DEMO_SECRET_FIELD = "demoClientSecret"


def demo_client(control: Any, contract_id: str) -> dict[str, Any]:
    """The contract's seeded demo client: ``clientId``, ``demoClientSecret``, ``redirectUri``..."""
    found = control("GET", f"/contracts/{contract_id}/clients", status=200)["clients"]
    return next(c for c in found if c.get(DEMO_SECRET_FIELD))


def bearer(tokens: dict[str, Any] | str) -> dict[str, str]:
    token = tokens if isinstance(tokens, str) else tokens["access_token"]
    return {"Authorization": f"Bearer {token}"}


def mint_tokens(
    client: FlaskClient,
    control: Any,
    contract_id: str,
    user: str,
    scope: str = "account offline_access",
    *,
    client_id: str | None = None,
    client_secret: str | None = None,
) -> dict[str, Any]:
    """Headless consent, then the code exchanged with HTTP Basic client auth; the token response."""
    if client_id is None:
        demo = demo_client(control, contract_id)
        client_id, client_secret = demo["clientId"], demo[DEMO_SECRET_FIELD]
    code = control(
        "POST",
        f"/contracts/{contract_id}/authorizations",
        {"userId": user, "clientId": client_id, "scope": scope},
        status=201,
    )["code"]
    response = client.post(
        "/auth/v1/token",
        data={"grant_type": "authorization_code", "code": code},
        auth=(client_id, client_secret or ""),
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def refresh(client: FlaskClient, control: Any, contract_id: str, refresh_token: str) -> Any:
    """Exchange a refresh token with the demo client; the raw test-client response."""
    demo = demo_client(control, contract_id)
    return client.post(
        "/auth/v1/token",
        data={"grant_type": "refresh_token", "refresh_token": refresh_token},
        auth=(demo["clientId"], demo[DEMO_SECRET_FIELD]),
    )


def mint_tokens_live(
    server: Any,
    contract_id: str,
    user: str,
    scope: str = "account offline_access",
) -> dict[str, Any]:
    """The same against a ``live_server`` over HTTP with requests."""
    found = server.control("GET", f"/contracts/{contract_id}/clients").json()["clients"]
    demo = next(c for c in found if c.get(DEMO_SECRET_FIELD))
    answer = server.control(
        "POST",
        f"/contracts/{contract_id}/authorizations",
        {"userId": user, "clientId": demo["clientId"], "scope": scope},
    )
    assert answer.status_code == 201, answer.text
    response = requests.post(
        f"{server.url}/auth/v1/token",
        data={"grant_type": "authorization_code", "code": answer.json()["code"]},
        auth=(demo["clientId"], demo[DEMO_SECRET_FIELD]),
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return response.json()


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, html[-1500:]
    return found.group(1)


def consent_pages(
    client: FlaskClient,
    control: Any,
    contract_id: str,
    user: str,
    scope: str = "account offline_access",
    *,
    services: list[str] | None = None,
    action: str = "approve",
    extra: dict[str, str] | None = None,
) -> Any:
    """Walk the real consent pages with the test client (login → OTP → decide); the final 302 response."""
    demo = demo_client(control, contract_id)
    start = client.get(
        "/auth/v1/authorization",
        query_string={
            "response_type": "code",
            "client_id": demo["clientId"],
            "redirect_uri": demo["redirectUri"],
            "scope": scope,
            "state": "st-1",
            **(extra or {}),
        },
    )
    assert start.status_code == 303, start.get_data(as_text=True)
    token = csrf_of(client.get("/auth/v1/authorization/step").get_data(as_text=True))
    form = {"csrf_token": token, "login_id": user, "password": "Passw0rd!"}
    assert client.post("/auth/v1/authorization/login", data=form).status_code == 303
    otp = control("GET", f"/contracts/{contract_id}/users/{user}/otp", status=200)["otp"]
    assert (
        client.post("/auth/v1/authorization/otp", data={"csrf_token": token, "otp": otp}).status_code == 303
    )
    chosen = services if services is not None else [s for s in scope.split() if s != "offline_access"]
    return client.post(
        "/auth/v1/authorization/consent", data={"csrf_token": token, "action": action, "service": chosen}
    )


def callback_params(response: Any) -> dict[str, str]:
    """The query parameters of a redirect back to the client."""
    location = response.headers["Location"]
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
