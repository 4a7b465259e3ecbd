"""The OpenAPI document is valid 3.1, covers the endpoints, and real responses match it."""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate

from tests.oauth_helpers import bearer, demo_client, mint_tokens
from tests.openapi_helpers import assert_conforms

# Blueprints whose every route the document must describe (others document theirs in their own fragment).
DOCUMENTED_BLUEPRINTS = {
    "api_accounts",
    "oauth_endpoints",
    "oauth_control",
    "control",
    "transfers",
    "transfers_control",
    "bulk",
    "faults",
    "api_zengin",
    "zengin_control",
}


@pytest.fixture
def doc(client):
    return client.get("/openapi.json").get_json()


def test_document_is_valid_openapi_31(doc):
    validate(doc)
    assert doc["openapi"].startswith("3.1")
    assert doc["servers"][0]["url"] == "http://localhost"


def _descriptions(node: object, path: str = "") -> list[tuple[str, object]]:
    """Every (path, value) under a ``description`` key, and every null-valued key beside one (a YAML split)."""
    found: list[tuple[str, object]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{path}/{key}"
            split = value is None and "description" in node  # the rest of a description cut at a comma
            if key == "description" and not isinstance(value, dict) or split:
                found.append((here, value))
            found.extend(_descriptions(value, here))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(_descriptions(value, f"{path}[{index}]"))
    return found


def test_every_description_is_a_string(doc):
    # An unquoted comma inside a YAML flow mapping splits a description into null-valued keys.
    found = _descriptions(doc)
    broken = [(where, value) for where, value in found if not isinstance(value, str)]
    assert not broken, f"quote these descriptions in sandbox/http/api/openapi/: {broken}"
    assert len(found) > 100 and any(w.endswith("/resultCode/description") for w, _ in found)


def _template(rule: str) -> str:
    return re.sub(r"<(?:[^:>]+:)?[^>]+>", "{}", rule)


def test_every_route_is_documented(app, doc):
    documented = {
        (_template(re.sub(r"\{[^}]+\}", "<x>", p)), m) for p, item in doc["paths"].items() for m in item
    }
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in DOCUMENTED_BLUEPRINTS and rule.endpoint != "healthz":
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if (_template(rule.rule), method.lower()) not in documented:
                missing.append(f"{method} {rule.rule}")
    assert not missing, f"add these to a fragment in sandbox/http/api/openapi/: {sorted(missing)}"
    assert ("/auth/v1/authorization", "get") in {(p, m) for p, item in doc["paths"].items() for m in item}


def test_docs_page_works_offline(client):
    page = client.get("/docs")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "/corporation/v1/accounts/transactions" in html
    assert not re.search(r'(src|href)="(https?:)?//', html), (
        "the docs page must not load anything from outside"
    )
    assert 'id="schema-TransactionList"' in html


def test_banking_responses_match(client, control, doc):
    tokens = mint_tokens(client, control, "C0001", "c0001-viewer")
    listed = client.get("/corporation/v1/accounts", headers=bearer(tokens))
    assert_conforms(doc, "/corporation/v1/accounts", "get", listed)
    account_id = listed.get_json()["accounts"][0]["accountId"]
    control(
        "POST",
        "/contracts/C0001/deposits",
        {"accountId": account_id, "amount": 99, "edi": "EDI1"},
        status=201,
    )
    for path, params in [
        ("/corporation/v1/accounts/balances", {}),
        ("/corporation/v1/accounts/balances", {"accountId": account_id}),
        ("/corporation/v1/accounts/transactions", {"accountId": account_id, "dateFrom": "2026-01-01"}),
        ("/corporation/v1/accounts/transactions", {"accountId": account_id, "dateFrom": "x"}),
        ("/corporation/v1/accounts/transactions", {"accountId": "999999999999"}),
    ]:
        assert_conforms(doc, path, "get", client.get(path, headers=bearer(tokens), query_string=params))
    assert_conforms(doc, "/corporation/v1/accounts", "get", client.get("/corporation/v1/accounts"))
    approval = mint_tokens(client, control, "C0001", "c0001-approver", "transfer-approval")
    assert_conforms(
        doc,
        "/corporation/v1/accounts",
        "get",
        client.get("/corporation/v1/accounts", headers=bearer(approval)),
    )


def test_oauth_responses_match(client, control, doc):
    demo = demo_client(control, "C0001")
    auth = (demo["clientId"], demo["demoClientSecret"])
    granted = control(
        "POST",
        "/contracts/C0001/authorizations",
        {
            "userId": "c0001-viewer",
            "clientId": demo["clientId"],
            "scope": "account offline_access",
            "state": "s",
        },
        status=201,
    )
    exchanged = client.post(
        "/auth/v1/token", data={"grant_type": "authorization_code", "code": granted["code"]}, auth=auth
    )
    assert_conforms(doc, "/auth/v1/token", "post", exchanged)
    replay = client.post(
        "/auth/v1/token", data={"grant_type": "authorization_code", "code": granted["code"]}, auth=auth
    )
    assert_conforms(doc, "/auth/v1/token", "post", replay)
    token = exchanged.get_json()["access_token"]
    assert_conforms(
        doc,
        "/auth/v1/introspect",
        "post",
        client.post("/auth/v1/introspect", data={"token": token}, auth=auth),
    )
    assert_conforms(
        doc, "/auth/v1/revoke", "post", client.post("/auth/v1/revoke", data={"token": token}, auth=auth)
    )
    assert_conforms(
        doc, "/auth/v1/revoke", "post", client.post("/auth/v1/revoke", data={"token": token}, auth=("x", "y"))
    )
    assert_conforms(
        doc,
        "/.well-known/oauth-authorization-server",
        "get",
        client.get("/.well-known/oauth-authorization-server"),
    )


def _call(client, method, path, body=None):
    from tests.conftest import ADMIN_KEY

    return client.open(path, method=method, json=body, headers={"X-Sandbox-Key": ADMIN_KEY})


def test_control_responses_match(client, control, doc):
    demo = demo_client(control, "C0001")
    checks = [
        ("get", "/sandbox/v1/contracts/{contractId}/clients", "/sandbox/v1/contracts/C0001/clients", None),
        (
            "post",
            "/sandbox/v1/contracts/{contractId}/clients",
            "/sandbox/v1/contracts/C0001/clients",
            {"redirectUri": "http://127.0.0.1:9000/cb"},
        ),
        (
            "post",
            "/sandbox/v1/contracts/{contractId}/clients",
            "/sandbox/v1/contracts/C0001/clients",
            {"redirectUri": "ftp://x"},
        ),
        (
            "get",
            "/sandbox/v1/contracts/{contractId}/clients/{clientId}",
            f"/sandbox/v1/contracts/C0001/clients/{demo['clientId']}",
            None,
        ),
        (
            "post",
            "/sandbox/v1/contracts/{contractId}/authorizations",
            "/sandbox/v1/contracts/C0001/authorizations",
            {"userId": "c0001-viewer", "clientId": demo["clientId"], "scope": "account"},
        ),
        (
            "post",
            "/sandbox/v1/contracts/{contractId}/authorizations",
            "/sandbox/v1/contracts/C0001/authorizations",
            {"userId": "c0001-viewer", "clientId": demo["clientId"], "scope": "transfer"},
        ),
        (
            "get",
            "/sandbox/v1/contracts/{contractId}/authorizations",
            "/sandbox/v1/contracts/C0001/authorizations",
            None,
        ),
        (
            "delete",
            "/sandbox/v1/contracts/{contractId}/authorizations/{grantId}",
            "/sandbox/v1/contracts/C0001/authorizations/1",
            None,
        ),
        (
            "put",
            "/sandbox/v1/contracts/{contractId}/users/{userId}/privileges",
            "/sandbox/v1/contracts/C0001/users/c0001-clerk/privileges",
            {"privileges": ["account"]},
        ),
        (
            "post",
            "/sandbox/v1/contracts/{contractId}/users/{userId}/unlock",
            "/sandbox/v1/contracts/C0001/users/c0001-clerk/unlock",
            None,
        ),
        ("get", "/sandbox/v1/contracts/{contractId}", "/sandbox/v1/contracts/C0001", None),
        ("get", "/sandbox/v1/contracts/{contractId}/clock", "/sandbox/v1/contracts/C0001/clock", None),
        (
            "get",
            "/sandbox/v1/contracts/{contractId}/users/{userId}/otp",
            "/sandbox/v1/contracts/C0001/users/c0001-viewer/otp",
            None,
        ),
        (
            "patch",
            "/sandbox/v1/contracts/{contractId}/settings",
            "/sandbox/v1/contracts/C0001/settings",
            {"codeLifetime": 60},
        ),
        ("get", "/sandbox/v1/errors", "/sandbox/v1/errors", None),
    ]
    for method, template, path, body in checks:
        assert_conforms(doc, template, method, _call(client, method.upper(), path, body))
