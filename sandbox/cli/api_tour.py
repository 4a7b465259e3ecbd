"""The tour of the API that ``sandbox/cli/api_examples.py`` records: every operation called once as a client and
an operator would, on the demo world at 2026-11-27 10:00 JST (a Friday; clocks frozen)."""

from __future__ import annotations

from typing import Any

from sandbox.cli import api_tour_more
from sandbox.cli.api_tour_calls import OTHER_BANK, Call, basic, token
from sandbox.cli.transfer import seal


def tour(call: Call, admin: str) -> None:
    """Operator calls, OAuth, the read API, transfers, bulk transfers, the rest of the control API, then the second
    half (:mod:`sandbox.cli.api_tour_more`): recall, 全銀 files, VAs, payers, invoices, notifications, archive."""
    key = {"X-Sandbox-Key": admin}
    demo = _operator(call, key)
    tokens = _oauth(call, key, demo)
    _reads(call, tokens["access_token"])
    _transfers(call, key, demo)
    _bulk(call, key, demo)
    _control(call, key)
    api_tour_more.more(call, key, demo)
    call("POST", "/auth/v1/revoke", data={"token": tokens["refresh_token"]}, auth=basic(demo))
    call("POST", "/sandbox/v1/reset", json={"world": "demo", "seed": 21, "start": "2026-11-27T10:00:00+09:00", "frozen": True}, headers=key)  # fmt: skip


def _operator(call: Call, key: dict[str, str]) -> dict[str, Any]:
    call("GET", "/healthz")
    for path in ("/health", "/errors", "/contracts", "/contracts/C0001", "/contracts/C0001/clock"):
        call("GET", f"/sandbox/v1{path}", headers=key)
    demo = call("GET", "/sandbox/v1/contracts/C0001/clients", headers=key)["clients"][0]
    call("GET", f"/sandbox/v1/contracts/C0001/clients/{demo['clientId']}", headers=key)
    call("GET", "/sandbox/v1/contracts/C0001/users/c0001-viewer/otp", headers=key)
    return demo


def _oauth(call: Call, key: dict[str, str], demo: dict[str, Any]) -> dict[str, Any]:
    call("GET", "/.well-known/oauth-authorization-server")
    query = {"response_type": "code", "client_id": demo["clientId"], "redirect_uri": demo["redirectUri"]}
    call(
        "GET",
        "/auth/v1/authorization",
        query={**query, "scope": "account offline_access", "state": "af0ifjsldkj"},
    )
    tokens = token(call, key, demo, "c0001-viewer", "account offline_access")
    call("POST", "/auth/v1/introspect", data={"token": tokens["access_token"]}, auth=basic(demo))
    form = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    return call("POST", "/auth/v1/token", data=form, auth=basic(demo))


def _reads(call: Call, access: str) -> None:
    bearer = {"Authorization": f"Bearer {access}"}
    call("GET", "/corporation/v1/accounts", headers=bearer)
    call("GET", "/corporation/v1/accounts/balances", query={"accountId": "791011571600"}, headers=bearer)
    span = {"accountId": "791011571600", "dateFrom": "2026-11-20", "dateTo": "2026-11-27"}
    call("GET", "/corporation/v1/accounts/transactions", query=span, headers=bearer)
    call("GET", "/corporation/v1/accounts/deposit-transactions", query=span, headers=bearer)


def _sealed(demo: dict[str, Any], amount: str, item: str = "1") -> dict[str, Any]:
    sealed = seal(demo["keyId"], demo["encryptionKey"], OTHER_BANK)
    return {"itemId": item, "transferAmount": amount, "ediInfo": "INV202611", "encryptedBeneficiary": sealed}


def _transfers(call: Call, key: dict[str, str], demo: dict[str, Any]) -> None:
    clerk = {"Authorization": f"Bearer {token(call, key, demo, 'c0001-clerk', 'transfer')['access_token']}"}
    body = {"accountId": "791011571600", "transfers": [_sealed(demo, "250000")]}
    call("POST", "/corporation/v1/transfer/transferfee", json=body, headers=clerk)
    headers = {**clerk, "Idempotency-Key": "invoice-2026-1127-001"}
    apply_no = call("POST", "/corporation/v1/transfer/request", json=body, headers=headers)["applyNo"]
    which = {"accountId": "791011571600", "applyNo": apply_no}
    call("GET", "/corporation/v1/transfer/request-result", query=which, headers=clerk)
    call("GET", "/corporation/v1/transfer/status", query=which, headers=clerk)
    approval = token(call, key, demo, "c0001-approver", "transfer-approval")["access_token"]
    decision = {**which, "decision": "approve", "comment": "ｼﾖｳﾆﾝ"}
    call(
        "POST",
        "/corporation/v1/transfer/approval",
        json=decision,
        headers={"Authorization": f"Bearer {approval}"},
    )
    second = {"accountId": "791011571600", "transfers": [_sealed(demo, "32000")]}
    other = call("POST", "/corporation/v1/transfer/request", json=second, headers=clerk)["applyNo"]
    call(
        "POST",
        "/corporation/v1/transfer/cancel",
        json={"accountId": "791011571600", "applyNo": other},
        headers=clerk,
    )
    call("GET", "/sandbox/v1/contracts/C0001/transfers", query={"status": "20"}, headers=key)
    call("GET", f"/sandbox/v1/contracts/C0001/transfers/{apply_no}", headers=key)


def _bulk(call: Call, key: dict[str, str], demo: dict[str, Any]) -> None:
    clerk = {"Authorization": f"Bearer {token(call, key, demo, 'c0001-clerk', 'transfer')['access_token']}"}
    items = [_sealed(demo, "120000", "1"), _sealed(demo, "80000", "2")]
    body = {"accountId": "791026518518", "transferDesignatedDate": "2026-12-01", "typeCode": "21",
            "totalCount": "2", "totalAmount": "200000", "transfers": items}  # fmt: skip
    call("POST", "/corporation/v1/bulktransfer/transferfee", json=body, headers=clerk)
    apply_no = call("POST", "/corporation/v1/bulktransfer/request", json=body, headers=clerk)["applyNo"]
    which = {"accountId": "791026518518", "applyNo": apply_no}
    call("GET", "/corporation/v1/bulktransfer/request-result", query=which, headers=clerk)
    call(
        "GET",
        "/corporation/v1/bulktransfer/status",
        query={**which, "detailInfoNecessity": "true"},
        headers=clerk,
    )
    approval = token(call, key, demo, "c0001-approver", "transfer-approval")["access_token"]
    decision = {**which, "decision": "approve"}
    call(
        "POST",
        "/corporation/v1/bulktransfer/approval",
        json=decision,
        headers={"Authorization": f"Bearer {approval}"},
    )
    other = call("POST", "/corporation/v1/bulktransfer/request", json=body, headers=clerk)["applyNo"]
    cancel = {"accountId": "791026518518", "applyNo": other, "cancelTargetKeyClass": "3"}
    call("POST", "/corporation/v1/bulktransfer/cancel", json=cancel, headers=clerk)


def _control(call: Call, key: dict[str, str]) -> None:
    base = "/sandbox/v1/contracts/C0003"
    deposit = {"accountId": "736014338175", "amount": 50000, "remitterName": "ｶ)ﾃｽﾄ", "edi": "INV0001"}
    call("POST", f"{base}/deposits", json=deposit, headers=key)
    call("PATCH", f"{base}/settings", json={"selfApproval": False}, headers=key)
    call("PUT", f"{base}/clock", json={"mode": "frozen"}, headers=key)
    call("POST", f"{base}/clock/advance", json={"by": "90m"}, headers=key)
    call("POST", "/sandbox/v1/clock/advance", json={"by": "1m"}, headers=key)
    client = {
        "redirectUri": "https://erp.example.com/callback",
        "name": "経理システム",
        "clientSecret": "s3cret-of-the-erp-0001",
    }
    drawn = {"clientId": "<client ID>", "keyId": "<key id>", "encryptionKey": "<32-byte key, base64url>"}
    call("POST", f"{base}/clients", json=client, headers=key, volatile=drawn)
    grants = call("GET", "/sandbox/v1/contracts/C0001/authorizations", headers=key)
    call(
        "DELETE",
        f"/sandbox/v1/contracts/C0001/authorizations/{grants['authorizations'][0]['grantId']}",
        headers=key,
    )
    call("PUT", f"{base}/users/c0003-viewer/privileges", json={"privileges": ["account"]}, headers=key)
    call("POST", f"{base}/users/c0003-viewer/unlock", headers=key)
    rule = {"match": {"contractId": "C0003", "method": "GET", "path": "/corporation/v1/accounts/*"},
            "effect": {"type": "latency", "ms": 800}, "trigger": {"times": 3}}  # fmt: skip
    fault = call("POST", "/sandbox/v1/faults", json=rule, headers=key)
    call("GET", "/sandbox/v1/faults", query={"contractId": "C0003"}, headers=key)
    call("DELETE", f"/sandbox/v1/faults/{fault['faultId']}", headers=key)
    call("DELETE", "/sandbox/v1/faults", query={"contractId": "C0003"}, headers=key)
    reads = {"contractId": "C0001", "path": "/corporation/v1/accounts/balances", "limit": 2}
    call("GET", "/sandbox/v1/requests", query=reads, headers=key)
    window = {"type": "maintenance", "in": "1d", "duration": "2h"}
    incident = call("POST", f"{base}/incidents", json=window, headers=key)
    call("GET", f"{base}/incidents", headers=key)
    call("GET", f"{base}/incidents/{incident['incidentId']}", headers=key)
    call("DELETE", f"{base}/incidents/{incident['incidentId']}", headers=key)
    call("GET", f"{base}/timeline", query={"limit": 4}, headers=key)
    call("POST", f"{base}/keys", headers=key)
    fresh = {"count": 1, "prefix": "W", "start": "2026-11-27T10:00:00+09:00", "frozen": True}
    call("POST", "/sandbox/v1/contracts", json=fresh, headers=key)
