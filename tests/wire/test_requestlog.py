"""The request log: every API and OAuth request, attributed, bounded, and never a secret in clear."""

from __future__ import annotations

import shutil

from sandbox import create_app
from sandbox.store import connect, log_path
from sandbox.wire.requestlog import digest
from tests.conftest import ADMIN_KEY, Control
from tests.oauth_helpers import bearer, demo_client, mint_tokens

ACCOUNTS = "/corporation/v1/accounts"


def test_every_api_and_oauth_request_is_logged_with_who_and_what(client, control):
    tokens = mint_tokens(client, control, "C0001", "c0001-viewer")
    client.get(ACCOUNTS, headers=bearer(tokens))
    client.get(ACCOUNTS, headers=bearer("not-a-token"))
    client.post(
        "/corporation/v1/transfer/request",
        json={"a": 1},
        headers={**bearer(tokens), "Idempotency-Key": "k-1"},
    )
    client.get("/sandbox/v1/health", headers={"X-Sandbox-Key": ADMIN_KEY})  # control calls are not logged
    entries = control("GET", "/requests", status=200)["requests"]
    assert [(e["method"], e["path"], e.get("sentStatus")) for e in entries] == [
        ("POST", "/auth/v1/token", 200),
        ("GET", ACCOUNTS, 200),
        ("GET", ACCOUNTS, 401),
        ("POST", "/corporation/v1/transfer/request", 403),
    ]
    token_call, ok, unknown, refused = entries
    demo = demo_client(control, "C0001")
    assert (token_call["contractId"], token_call["clientId"], token_call["userId"]) == (
        "C0001",
        demo["clientId"],
        "c0001-viewer",
    )
    assert (
        ok["grantId"] == token_call["grantId"]
        and ok["at"] == "2026-04-01T10:00:00+09:00"
        and ok["latencyMs"] > 0
    )
    assert "contractId" not in unknown and unknown["errorCode"] == "token_invalid"
    assert (refused["errorCode"], refused["idempotencyKey"], refused["bodySize"]) == (
        "insufficient_scope",
        "k-1",
        8,
    )
    assert refused["bodyDigest"] == digest(b'{"a": 1}', "application/json")


def test_no_secret_is_stored(client, control, db_path):
    demo = demo_client(control, "C0001")
    tokens = mint_tokens(client, control, "C0001", "c0001-viewer")
    client.get(ACCOUNTS, headers=bearer(tokens))
    client.post(
        "/auth/v1/token",
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        auth=(demo["clientId"], demo["demoClientSecret"]),
    )
    db = connect(log_path(db_path))
    logged = repr([tuple(r) for r in db.conn.execute("SELECT * FROM request_log")])
    db.conn.close()
    assert "c0001-viewer" in logged and len(logged) > 500
    for secret in (tokens["access_token"], tokens["refresh_token"], demo["demoClientSecret"]):
        assert secret not in logged
    # a form body is hashed with its secrets blanked: the same request with another secret has the same digest
    assert digest(b"grant_type=password&password=a", "application/x-www-form-urlencoded") == digest(
        b"grant_type=password&password=b", "application/x-www-form-urlencoded"
    )


def test_the_log_rolls_over_at_its_bound(db_path, tmp_path):
    small = tmp_path / "small.db"
    shutil.copyfile(db_path, small)
    app = create_app(
        {"DATABASE": str(small), "ADMIN_KEY": ADMIN_KEY, "TESTING": True, "REQUEST_LOG_MAX_ROWS": 5}
    )
    client = app.test_client()
    for _ in range(12):
        client.get(ACCOUNTS)
    entries = Control(client)("GET", "/requests?limit=100", status=200)["requests"]
    assert [e["requestId"] for e in entries] == [8, 9, 10, 11, 12]


def test_paging_filters_and_contract_keys(client, control):
    viewer = bearer(mint_tokens(client, control, "C0001", "c0001-viewer"))
    other = bearer(mint_tokens(client, control, "C0003", "c0003-viewer"))
    for headers in (viewer, other, viewer):
        client.get(ACCOUNTS, headers=headers)
    first = control("GET", "/requests?contractId=C0001&limit=1", status=200)
    assert first["count"] == 1 and first["requests"][0]["contractId"] == "C0001"
    after = control("GET", f"/requests?afterId={first['lastId'] - 3}", status=200)
    assert [e["requestId"] for e in after["requests"]] == [
        first["lastId"] - 2,
        first["lastId"] - 1,
        first["lastId"],
    ]
    assert control("GET", "/requests?faulted=true", status=200)["count"] == 0
    assert control("GET", "/requests?limit=0")["errorCode"] == "invalid_parameter"
    made = control(
        "POST", "/contracts", {"contractId": "C0103", "issueKeys": True, "frozen": True}, status=201
    )
    key = made["contracts"][0]["key"]
    assert control("GET", "/requests", key=key, status=200)["count"] == 0
    assert control("GET", "/requests?contractId=C0001", key=key)["errorCode"] == "sandbox_forbidden"


def test_cli_requests_and_follow(runner, client, control):
    viewer = bearer(mint_tokens(client, control, "C0001", "c0001-viewer"))
    control(
        "POST",
        "/faults",
        {"match": {"path": ACCOUNTS}, "effect": "rate_limit", "trigger": {"nth": 2}},
        status=201,
    )
    for _ in range(2):
        client.get(ACCOUNTS, headers=viewer)
    lines = runner("requests", "--contract", "C0001").output.splitlines()
    assert lines[-2].startswith(
        "#2 2026-04-01T10:00:00+09:00 C0001/c0001-viewer GET /corporation/v1/accounts → 200 "
    )
    assert " → 429 rate_limited [rate_limit #1] " in lines[-1]
    assert len(runner("requests", "--faulted").output.splitlines()) == 1
    followed = runner("requests", "--follow", "--interval", "0", "--polls", "2", "--json")
    assert followed.exit_code == 0 and len(followed.output.splitlines()) == 3


def test_the_log_keeps_the_retry_after_received_the_account_named_and_the_wall_time(client, control):
    tokens = mint_tokens(client, control, "C0001", "c0001-viewer")
    rule = {
        "match": {"path": ACCOUNTS, "contractId": "C0001"},
        "effect": {"type": "rate_limit", "retryAfter": 7},
    }
    control("POST", "/faults", rule, status=201)
    answer = client.get(ACCOUNTS, query_string={"accountId": "123456789012"}, headers=bearer(tokens))
    assert (answer.status_code, answer.headers["Retry-After"]) == (429, "7")
    token_call, limited = control("GET", "/requests", status=200)["requests"]
    assert limited["retryAfter"] == 7 and "retryAfter" not in token_call
    assert limited["accountId"] == "123456789012" and "accountId" not in token_call
    assert limited["wallAt"] > token_call["wallAt"] and "." in limited["wallAt"], "microseconds, for waits"
