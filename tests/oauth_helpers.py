"""Real tokens in one line, for any test: headless consent + token exchange at ``/auth/v1/token``.

tokens = mint_tokens(client, control, "C0001", "c0001-viewer", "account offline_access")
client.get("/corporation/v1/accounts", headers=bearer(tokens))

tokens = mint_tokens_live(live_server, "C0001", "c0001-approver", "transfer-approval")
"""

from __future__ import annotations

from typing import Any

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
