"""Fault rules through the control API and the CLI, and how effects behave under Flask's test client."""

from __future__ import annotations

import pytest

from sandbox.wire.engine import draw
from sandbox.wire.rules import EFFECTS
from tests.conftest import ADMIN_KEY
from tests.oauth_helpers import bearer, demo_client, mint_tokens

ACCOUNTS = "/corporation/v1/accounts"


def add(control, effect, *, status=201, path=ACCOUNTS, contract="C0001", **trigger):
    match = {"path": path, **({"contractId": contract} if contract else {})}
    return control("POST", "/faults", {"match": match, "effect": effect, "trigger": trigger}, status=status)


@pytest.fixture
def viewer(client, control):
    return bearer(mint_tokens(client, control, "C0001", "c0001-viewer"))


# -- bad input: clear errors, nothing stored ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"effect": "explode"}, "unknown_fault_effect"),
        ({"effect": {"type": "reset", "ms": 5}}, "unknown_fault_effect"),
        ({}, "unknown_fault_effect"),
        ({"effect": "reset", "trigger": {"every": 2}}, "unknown_fault_trigger"),
        ({"effect": "reset", "trigger": {"probability": 1.5}}, "invalid_parameter"),
        ({"effect": "reset", "trigger": {"probability": -0.1}}, "invalid_parameter"),
        ({"effect": "reset", "trigger": {"probability": "half"}}, "invalid_parameter"),
        ({"effect": "reset", "trigger": {"nth": 0}}, "invalid_parameter"),
        ({"effect": "reset", "trigger": {"times": True}}, "invalid_parameter"),
        (
            {
                "effect": "reset",
                "trigger": {"window": {"start": "2026-04-01T12:00", "end": "2026-04-01T11:00"}},
            },
            "invalid_parameter",
        ),
        ({"effect": "reset", "trigger": {"window": {"start": "noon"}}}, "invalid_parameter"),
        ({"effect": {"type": "latency"}}, "invalid_parameter"),
        ({"effect": {"type": "http_error", "status": 302}}, "invalid_parameter"),
        ({"effect": {"type": "commit_then_error", "status": 404}}, "invalid_parameter"),
        ({"effect": {"type": "timeout", "holdMs": 10_000_000}}, "invalid_parameter"),
        ({"effect": "reset", "match": {"method": "BREW"}}, "invalid_parameter"),
        ({"effect": "reset", "match": {"verb": "GET"}}, "invalid_parameter"),
        ({"effect": "reset", "match": {"contractId": "C9999"}}, "contract_not_found"),
        ({"effect": "reset", "match": {"contractId": "C0001", "userId": "nobody"}}, "user_not_found"),
        ({"effect": "reset", "match": {"userId": "c0001-viewer"}}, "invalid_parameter"),
        ({"effect": "reset", "match": {"clientId": "no-such-client"}}, "client_not_found"),
        ({"effect": "reset", "extra": 1}, "invalid_parameter"),
    ],
)
def test_bad_rules_are_refused_and_nothing_is_stored(control, body, code):
    answer = control("POST", "/faults", body)
    assert answer["errorCode"] == code, answer
    assert control("GET", "/faults", status=200)["count"] == 0


def test_a_glob_matching_no_known_path_is_stored_with_a_warning(control):
    unknown = add(control, "reset", path="/corporation/v1/nothing-here")
    assert "matches no known" in unknown["warnings"][0]
    known = add(control, "reset", path="/corporation/v1/transfer/*")
    assert known["warnings"] == []
    assert control("GET", "/faults", status=200)["count"] == 2


def test_rules_list_delete_and_contract_keys(control):
    made = control(
        "POST", "/contracts", {"contractId": "C0101", "issueKeys": True, "frozen": True}, status=201
    )
    contract_key = made["contracts"][0]["key"]
    mine = control("POST", "/faults", {"effect": "reset"}, key=contract_key, status=201)
    assert mine["match"]["contractId"] == "C0101"  # a contract key's rule is always its own
    forbidden = control(
        "POST", "/faults", {"effect": "reset", "match": {"contractId": "C0001"}}, key=contract_key
    )
    assert forbidden["errorCode"] == "sandbox_forbidden"
    other = add(control, "reset")
    assert [r["faultId"] for r in control("GET", "/faults", key=contract_key)["faults"]] == [mine["faultId"]]
    assert (
        control("DELETE", f"/faults/{other['faultId']}", key=contract_key)["errorCode"] == "fault_not_found"
    )
    assert control("DELETE", "/faults", key=contract_key, status=200)["deleted"] == 1
    assert control("DELETE", f"/faults/{other['faultId']}", status=200)["deleted"] == 1
    assert control("DELETE", "/faults/999")["errorCode"] == "fault_not_found"


# -- triggers and effects under the test client -------------------------------------------------------------


def statuses(client, headers, count):
    return [client.get(ACCOUNTS, headers=headers).status_code for _ in range(count)]


def test_triggers_nth_after_times_probability(client, control, viewer):
    add(control, {"type": "http_error", "status": 500}, nth=2)
    assert statuses(client, viewer, 3) == [200, 500, 200]
    control("DELETE", "/faults", status=200)
    add(control, {"type": "http_error", "status": 500}, after=1, times=2)
    assert statuses(client, viewer, 5) == [200, 500, 500, 200, 200]
    control("DELETE", "/faults", status=200)
    add(control, {"type": "http_error", "status": 500}, probability=0.3, seed=11)
    assert statuses(client, viewer, 12) == [500 if draw(11, n) < 0.3 else 200 for n in range(1, 13)]


def test_matching_by_method_client_and_user(client, control, viewer):
    other = bearer(mint_tokens(client, control, "C0001", "c0001-clerk"))
    control(
        "POST",
        "/faults",
        {"match": {"contractId": "C0001", "userId": "c0001-clerk"}, "effect": "rate_limit"},
        status=201,
    )
    control(
        "POST",
        "/faults",
        {"match": {"method": "POST", "path": ACCOUNTS}, "effect": "maintenance"},
        status=201,
    )
    assert client.get(ACCOUNTS, headers=viewer).status_code == 200
    assert client.get(ACCOUNTS, headers=other).status_code == 429
    demo = demo_client(control, "C0001")
    control("DELETE", "/faults", status=200)
    control("POST", "/faults", {"match": {"clientId": demo["clientId"]}, "effect": "maintenance"}, status=201)
    assert client.get(ACCOUNTS, headers=viewer).status_code == 503


def test_the_first_firing_rule_wins_and_later_ones_keep_their_times(client, control, viewer):
    first = add(control, {"type": "http_error", "status": 500}, times=1)
    second = add(control, {"type": "http_error", "status": 502}, times=1)
    assert statuses(client, viewer, 3) == [500, 502, 200]
    stored = {r["faultId"]: (r["hits"], r["fired"]) for r in control("GET", "/faults")["faults"]}
    assert stored == {first["faultId"]: (3, 1), second["faultId"]: (3, 1)}


def test_window_is_on_the_contract_clock(client, control, viewer):
    add(
        control,
        "maintenance",
        window={"start": "2026-04-01T10:30:00+09:00", "end": "2026-04-01T10:45:00+09:00"},
    )
    assert statuses(client, viewer, 1) == [200]
    control.advance("C0001", "30m")
    assert statuses(client, viewer, 1) == [503]
    control.advance("C0001", "15m")
    assert statuses(client, viewer, 1) == [200]


def test_connection_effects_degrade_to_exceptions_under_the_test_client(client, control, viewer):
    add(control, "reset", times=1)
    with pytest.raises(ConnectionResetError):
        client.get(ACCOUNTS, headers=viewer)
    add(control, {"type": "timeout", "holdMs": 60_000}, times=1)
    with pytest.raises(TimeoutError):
        client.get(ACCOUNTS, headers=viewer)  # no socket to hold: raised at once
    add(control, {"type": "truncated", "bytes": 10}, times=1)
    cut = client.get(ACCOUNTS, headers=viewer)
    assert len(cut.data) == 10 < int(cut.headers["Content-Length"])
    assert client.get(ACCOUNTS, headers=viewer).status_code == 200


def test_response_lost_commits_under_the_test_client_too(client, control):
    demo = demo_client(control, "C0001")
    auth = (demo["clientId"], demo["demoClientSecret"])
    code = control(
        "POST",
        "/contracts/C0001/authorizations",
        {"userId": "c0001-viewer", "clientId": demo["clientId"], "scope": "account"},
        status=201,
    )["code"]
    add(control, "response_lost", path="/auth/v1/token", times=1)
    form = {"grant_type": "authorization_code", "code": code}
    with pytest.raises(ConnectionResetError):
        client.post("/auth/v1/token", data=form, auth=auth)
    assert client.post("/auth/v1/token", data=form, auth=auth).get_json()["error"] == "invalid_grant"
    entry = control("GET", "/requests?faulted=true")["requests"][-1]
    assert (entry["status"], entry["outcome"], entry["clientId"]) == (
        200,
        "reset_after_commit",
        demo["clientId"],
    )


def test_latency_jitter_is_deterministic(client, control, viewer):
    add(control, {"type": "latency", "ms": 1, "jitterMs": 40}, seed=3, times=1)
    client.get(ACCOUNTS, headers=viewer)
    entry = control("GET", "/requests")["requests"][-1]
    assert entry["fault"] == "latency" and entry["latencyMs"] >= 1 + round(draw(3, 1, "jitter") * 40)


def test_other_paths_are_never_faulted(client, control):
    add(control, "reset", path="*", contract=None)
    assert client.get("/sandbox/v1/health", headers={"X-Sandbox-Key": ADMIN_KEY}).status_code == 200
    assert client.get("/healthz").status_code == 200


# -- CLI ----------------------------------------------------------------------------------------------------


def test_cli_fault_add_list_clear(runner):
    added = runner(
        "fault", "add", "response_lost", "--contract", "C0001", "--method", "POST",
        "--path", "/corporation/v1/transfer/request", "--times", "1",
    )  # fmt: skip
    assert added.exit_code == 0
    assert added.output == (
        "added #1 response_lost on POST /corporation/v1/transfer/request contractId=C0001 [seed=1 times=1] hits=0 fired=0\n"
    )
    warned = runner(
        "fault", "add", "http_error", "--status", "503", "--retry-after", "9", "--path", "/x", "--nth", "2"
    )
    assert "warning: path '/x' matches no known" in warned.output
    listed = runner("fault", "list")
    assert (
        listed.output.splitlines()[1]
        == "#2 http_error status=503 retryAfter=9 on * /x [seed=2 nth=2] hits=0 fired=0"
    )
    bad = runner("fault", "add", "reset", "--ms", "5")
    assert bad.exit_code == 1 and "unknown_fault_effect" in bad.output
    assert runner("fault", "clear", "1").output == "deleted fault rule #1\n"
    assert runner("fault", "clear").output == "deleted 1 fault rule(s)\n"
    assert runner("fault", "list").output == "no fault rules\n"


def test_every_effect_is_documented():
    from sandbox.config import PROJECT_ROOT

    text = (PROJECT_ROOT / "docs" / "faults.md").read_text(encoding="utf-8")
    missing = [effect for effect in EFFECTS if f"`{effect}`" not in text]
    assert not missing


def test_the_openapi_document_covers_and_matches_the_fault_endpoints(app, client, control):
    import re

    from tests.openapi_helpers import assert_conforms

    doc = client.get("/openapi.json").get_json()
    documented = {(re.sub(r"\{[^}]+\}", "<>", p), m) for p, item in doc["paths"].items() for m in item}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("faults."):
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (re.sub(r"<[^>]+>", "<>", rule.rule), method.lower()) in documented, rule.rule
    headers = {"X-Sandbox-Key": ADMIN_KEY}
    viewer = bearer(mint_tokens(client, control, "C0001", "c0001-viewer"))
    calls = [
        (
            "post",
            "/sandbox/v1/faults",
            {"effect": {"type": "http_error", "status": 503}, "trigger": {"nth": 1}},
        ),
        ("post", "/sandbox/v1/faults", {"effect": "explode"}),
        ("get", "/sandbox/v1/faults", None),
        (
            "post",
            "/sandbox/v1/contracts/{contractId}/incidents",
            {"type": "double-login", "userId": "c0001-clerk"},
        ),
        ("post", "/sandbox/v1/contracts/{contractId}/incidents", {"type": "resume"}),
        ("get", "/sandbox/v1/contracts/{contractId}/incidents", None),
        ("get", "/sandbox/v1/contracts/{contractId}/incidents/{incidentId}", None),
        ("delete", "/sandbox/v1/contracts/{contractId}/incidents/{incidentId}", None),
    ]
    for method, template, body in calls:
        path = template.replace("{contractId}", "C0001").replace("{incidentId}", "1")
        assert_conforms(
            doc, template, method, client.open(path, method=method.upper(), json=body, headers=headers)
        )
    client.get(ACCOUNTS, headers=viewer)
    for template in ("/sandbox/v1/requests", "/sandbox/v1/contracts/{contractId}/timeline"):
        path = template.replace("{contractId}", "C0001")
        assert_conforms(doc, template, "get", client.get(path, headers=headers))
    assert_conforms(
        doc, "/sandbox/v1/faults/{faultId}", "delete", client.delete("/sandbox/v1/faults/1", headers=headers)
    )
    assert_conforms(doc, "/sandbox/v1/faults", "delete", client.delete("/sandbox/v1/faults", headers=headers))


def test_service_hours_close_the_api_on_the_contract_clock(client, control):
    """§2(4): outside the contract's service hours the API answers 503 with Retry-After until they open."""
    from tests.oauth_helpers import bearer, mint_tokens

    tokens = mint_tokens(client, control, "C0003", "c0003-viewer")
    assert client.get("/corporation/v1/accounts", headers=bearer(tokens)).status_code == 200
    control(
        "PATCH", "/contracts/C0003/settings", {"serviceHours": {"start": "10:30", "end": "21:00"}}, status=200
    )
    closed = client.get("/corporation/v1/accounts", headers=bearer(tokens))  # 10:00 on the contract clock
    assert closed.status_code == 503
    assert closed.get_json()["errorCode"] == "outside_service_hours"
    assert closed.headers["Retry-After"] == "1800"
    control("POST", "/contracts/C0003/clock/advance", {"by": "30m"}, status=200)
    assert client.get("/corporation/v1/accounts", headers=bearer(tokens)).status_code == 200
