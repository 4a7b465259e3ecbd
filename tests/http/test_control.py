"""The control API: authentication, contracts, settings, deposits, reset, errors in the DESIGN §4 shape."""

import importlib
import pkgutil

import pytest

import sandbox
from sandbox.errors import BankError
from sandbox.http import catalogue
from tests.conftest import ADMIN_KEY


@pytest.mark.parametrize("path", ["/health", "/contracts", "/contracts/C0001", "/contracts/C0001/clock"])
def test_every_call_needs_a_key(client, path):
    missing = client.get(f"/sandbox/v1{path}")
    assert missing.status_code == 401
    assert missing.get_json()["errorCode"] == "sandbox_key_missing"
    assert "WWW-Authenticate" in missing.headers
    wrong = client.get(f"/sandbox/v1{path}", headers={"X-Sandbox-Key": "nope"})
    assert wrong.status_code == 401
    assert wrong.get_json()["errorCode"] == "sandbox_key_invalid"


def test_healthz_needs_no_key(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_health(control):
    body = control("GET", "/health", status=200)
    assert (
        body["status"] == "ok"
        and body["world"] == "demo"
        and body["seed"] == 21
        and body["ledgerBalanced"] is True
    )


def test_contract_detail(control):
    body = control("GET", "/contracts/C0001", status=200)
    assert body["children"] == ["C0002"] and body["parentId"] is None
    roles = [u["role"] for u in body["users"]]
    assert roles.count("master") == 1 and roles.count("security_admin") == 1 and roles.count("user") == 3
    privileges = {u["userId"]: u["privileges"] for u in body["users"]}
    assert privileges["c0001-approver"] == ["account", "transfer", "transfer-approval"]
    assert privileges["c0001-viewer"] == ["account"]
    assert 2 <= len(body["accounts"]) <= 4
    assert {a["accountTypeCode"] for a in body["accounts"]} == {"1", "2"}
    assert all(len(a["accountId"]) == 12 and a["balance"].isdigit() for a in body["accounts"])
    assert body["settings"]["cutoffTime"] == "15:00"
    assert body["clock"]["now"] == "2026-04-01T10:00:00+09:00"
    child = control("GET", "/contracts/C0002", status=200)
    assert child["parentId"] == "C0001"
    assert (
        child["feeAccountId"] == body["accounts"][0]["accountId"]
    )  # a child's fees go to its parent's (§2(5))


def test_unknown_contract_and_account(control):
    assert control("GET", "/contracts/C9999", status=404)["errorCode"] == "contract_not_found"
    other = control("GET", "/contracts/C0003", status=200)["accounts"][0]["accountId"]
    answer = control("POST", "/contracts/C0001/deposits", {"accountId": other, "amount": 1000}, status=404)
    assert answer["errorCode"] == "account_not_found"
    assert answer["errorDetails"][0]["errorDetailsCode"] == "accountId"


def test_unknown_endpoint_and_method_are_json(client):
    assert (
        client.get("/sandbox/v1/nothing-here", headers={"X-Sandbox-Key": ADMIN_KEY}).get_json()["errorCode"]
        == "not_found"
    )
    assert (
        client.delete("/sandbox/v1/contracts", headers={"X-Sandbox-Key": ADMIN_KEY}).get_json()["errorCode"]
        == "method_not_allowed"
    )


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"accountId": "x", "amount": 5}, "account_not_found", "accountId"),
        ({"amount": 5}, "invalid_parameter", "accountId"),
        ({"accountId": None, "amount": 5}, "invalid_parameter", "accountId"),
    ],
)
def test_deposit_bad_input(control, body, code, field):
    answer = control(
        "POST", "/contracts/C0001/deposits", body, status=400 if code == "invalid_parameter" else 404
    )
    assert answer["errorCode"] == code and answer["errorDetails"][0]["errorDetailsCode"] == field


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": -5}, "amount"),
        ({"amount": "1e3"}, "amount"),
        ({"amount": True}, "amount"),
        ({"amount": 10, "remitterName": "ｼｮｳｼﾞ"}, "remitterName"),
        ({"amount": 10, "remitterName": "ｺｰﾋｰ"}, "remitterName"),
        ({"amount": 10, "edi": "X" * 21}, "edi"),
    ],
)
def test_deposit_rejects_bad_fields(control, patch, field):
    acct = control("GET", "/contracts/C0001", status=200)["accounts"][0]["accountId"]
    before = control("GET", "/contracts/C0001", status=200)["accounts"][0]["balance"]
    answer = control("POST", "/contracts/C0001/deposits", {"accountId": acct, **patch}, status=400)
    assert answer["errorDetails"][0]["errorDetailsCode"] == field
    assert control("GET", "/contracts/C0001", status=200)["accounts"][0]["balance"] == before


def test_malformed_json(client):
    response = client.post(
        "/sandbox/v1/contracts/C0001/deposits",
        data="{not json",
        headers={"X-Sandbox-Key": ADMIN_KEY, "Content-Type": "application/json"},
    )
    assert response.status_code == 400 and response.get_json()["errorCode"] == "malformed_json"


def test_deposit_credits_the_account(control):
    acct = control("GET", "/contracts/C0001", status=200)["accounts"][1]
    answer = control(
        "POST",
        "/contracts/C0001/deposits",
        {"accountId": acct["accountId"], "amount": "250000", "remitterName": "ｶ)ﾃｽﾄｼﾖｳｼﾞ"},
        status=201,
    )
    assert answer["balance"] == str(int(acct["balance"]) + 250000)
    assert answer["at"] == "2026-04-01T10:00:00+09:00"


def test_settings(control):
    merged = control(
        "PATCH", "/contracts/C0001/settings", {"cutoffTime": "14:30", "accessTokenLifetime": 60}, status=200
    )["settings"]
    assert (
        merged["cutoffTime"] == "14:30"
        and merged["accessTokenLifetime"] == 60
        and merged["grantLifetime"] == 90 * 86400
    )
    assert (
        control("PATCH", "/contracts/C0001/settings", {"nope": 1}, status=400)["errorCode"]
        == "unknown_setting"
    )
    assert (
        control("PATCH", "/contracts/C0001/settings", {"accessTokenLifetime": "60"}, status=400)["errorCode"]
        == "invalid_parameter"
    )
    assert (
        control("PATCH", "/contracts/C0001/settings", {"cutoffTime": "25:00"}, status=400)["errorCode"]
        == "invalid_parameter"
    )
    assert (
        control("PATCH", "/contracts/C0001/settings", {"fieldEncryption": "maybe"}, status=400)["errorCode"]
        == "invalid_parameter"
    )
    assert control("GET", "/contracts/C0001", status=200)["settings"]["cutoffTime"] == "14:30"


def test_contract_key_reaches_only_its_contract(control):
    key = control("POST", "/contracts/C0003/keys", status=201)["key"]
    assert control("GET", "/contracts/C0003", key=key, status=200)["contractId"] == "C0003"
    assert control("GET", "/contracts/C0001", key=key, status=403)["errorCode"] == "sandbox_forbidden"
    assert [c["contractId"] for c in control("GET", "/contracts", key=key, status=200)["contracts"]] == [
        "C0003"
    ]
    assert control("POST", "/reset", {}, key=key, status=403)["errorCode"] == "sandbox_forbidden"
    assert (
        control("POST", "/clock/advance", {"by": "1d"}, key=key, status=403)["errorCode"]
        == "sandbox_forbidden"
    )
    assert control("POST", "/contracts/C0003/keys", key=key, status=403)["errorCode"] == "sandbox_forbidden"


def test_reset_rebuilds_the_world(control):
    control.advance("C0001", "3d")
    answer = control(
        "POST",
        "/reset",
        {"world": "demo", "seed": 21, "start": "2026-04-01T10:00:00+09:00", "frozen": True},
        status=200,
    )
    assert answer["contracts"] == ["C0001", "C0002", "C0003"]
    assert control("GET", "/contracts/C0001/clock", status=200)["now"] == "2026-04-01T10:00:00+09:00"
    assert control("POST", "/reset", {"world": "../etc/passwd"}, status=400)["errorCode"] == "unknown_world"


def test_otp_changes_with_the_contract_clock(control):
    first = control("GET", "/contracts/C0001/users/c0001-approver/otp", status=200)
    assert len(first["otp"]) == 6 and first["validUntil"] == "2026-04-01T10:00:30+09:00"
    control.advance("C0001", "1m")
    assert control("GET", "/contracts/C0001/users/c0001-approver/otp", status=200)["otp"] != first["otp"]
    assert control("GET", "/contracts/C0001/users/nobody/otp", status=404)["errorCode"] == "user_not_found"


def test_error_catalogue(control):
    codes = {e["code"] for e in control("GET", "/errors", status=200)["errors"]}
    assert {"clock_backwards", "contract_not_found", "sandbox_key_missing", "invalid_parameter"} <= codes


def _subclasses(cls: type) -> list[type]:
    return [c for sub in cls.__subclasses__() for c in (sub, *_subclasses(sub))]


def test_the_written_out_catalogue_holds_every_error_code():
    """Every BankError subclass with a code, in whatever module of the sandbox it lives, is listed once."""
    for found in pkgutil.walk_packages(sandbox.__path__, "sandbox."):
        if not found.name.endswith("__main__"):
            importlib.import_module(found.name)
    coded = {
        c for c in _subclasses(BankError) if "code" in c.__dict__ and c.__module__.startswith("sandbox.")
    }
    assert coded == set(catalogue.ERRORS)
    assert len(catalogue.BY_CODE) == len(catalogue.ERRORS)  # no two classes share a code


def test_the_catalogue_refuses_a_duplicate_code():
    class Twin(BankError):
        code = "invalid_parameter"

    with pytest.raises(TypeError, match="duplicate error code invalid_parameter"):
        catalogue._by_code((*catalogue.ERRORS, Twin))


def test_create_isolated_contracts(control):
    answer = control(
        "POST",
        "/contracts",
        {"count": 2, "prefix": "W", "issueKeys": True, "frozen": True, "start": "2026-04-01T10:00:00+09:00"},
        status=201,
    )
    assert [c["contractId"] for c in answer["contracts"]] == ["W0001", "W0002"]
    first, second = answer["contracts"]
    assert first["parentId"] is None and first["clock"]["now"] == "2026-04-01T10:00:00+09:00"
    assert {a["accountId"] for a in first["accounts"]}.isdisjoint(a["accountId"] for a in second["accounts"])
    assert {c["userId"] for c in answer["credentials"]} >= {"w0001-approver", "w0002-viewer"}
    assert control("GET", "/contracts/W0001", key=first["key"], status=200)["contractId"] == "W0001"
    assert (
        control("GET", "/contracts/W0002", key=first["key"], status=403)["errorCode"] == "sandbox_forbidden"
    )
    assert (
        control("POST", "/contracts", {"contractId": "W0001"}, status=409)["errorCode"] == "contract_exists"
    )
    assert (
        control("POST", "/contracts", {"count": 0}, status=400)["errorDetails"][0]["errorDetailsCode"]
        == "count"
    )
    assert control("POST", "/contracts", {"template": "C0404"}, status=400)["errorCode"] == "unknown_world"
    assert (
        control("POST", "/contracts", {"settings": {"bogus": 1}}, status=400)["errorCode"]
        == "unknown_setting"
    )
    assert (
        control(
            "POST", "/contracts", {"contractId": "SOLO", "settings": {"cutoffTime": "14:00"}}, status=201
        )["contracts"][0]["settings"]["cutoffTime"]
        == "14:00"
    )


def test_unicode_digits_are_not_amounts(control, client):
    acct = control("GET", "/contracts/C0001", status=200)["accounts"][0]["accountId"]
    answer = control("POST", "/contracts/C0001/deposits", {"accountId": acct, "amount": "²"}, status=400)
    assert answer["errorDetails"][0]["errorDetailsCode"] == "amount"
    assert (
        client.get("/sandbox/v1/requests?limit=²", headers={"X-Sandbox-Key": "test-admin-key"}).status_code
        == 400
    )


def test_json_answers_declare_utf8(client):
    assert client.get("/sandbox/v1/health").headers["Content-Type"] == "application/json;charset=UTF-8"


def test_create_a_fresh_parent_and_child(control):
    parent = control("POST", "/contracts", {"contractId": "P1", "frozen": True}, status=201)["contracts"][0]
    child = control(
        "POST", "/contracts", {"contractId": "P1C", "parentId": "P1", "frozen": True}, status=201
    )["contracts"][0]
    assert child["parentId"] == "P1"
    assert child["feeAccountId"] == parent["feeAccountId"]  # the child's fees are the parent's (§2(5))
    assert control("GET", "/contracts/P1", status=200)["children"] == ["P1C"]
    assert (
        control("POST", "/contracts", {"parentId": "P1C"}, status=400)["errorDetails"][0]["errorDetailsCode"]
        == "parentId"
    )
    assert (
        control("POST", "/contracts", {"parentId": "NOPE"}, status=404)["errorCode"] == "contract_not_found"
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"by": "999999999d"}, "by"),
        ({"by": "99999999999d"}, "by"),
        ({"by": "P1000000000D"}, "by"),
        ({"to": "9999-12-31T20:00:00+09:00"}, "to"),
        ({"to": "2100-01-01T00:00:00+09:00"}, "to"),
        ({"by": "7321d"}, "by"),
    ],
)
def test_clocks_stop_short_of_the_horizon(control, body, field):
    answer = control("POST", "/contracts/C0001/clock/advance", body, status=400)
    assert answer["errorDetails"][0]["errorDetailsCode"] == field
    assert control("GET", "/contracts/C0001/clock", status=200)["now"] == "2026-04-01T10:00:00+09:00"


def test_deeply_nested_json_is_malformed_not_a_crash(client):
    body = "[" * 100_000 + "]" * 100_000
    response = client.post(
        "/sandbox/v1/contracts/C0001/clock/advance",
        data=body,
        headers={"X-Sandbox-Key": ADMIN_KEY, "Content-Type": "application/json"},
    )
    assert response.status_code == 400 and response.get_json()["errorCode"] == "malformed_json"


def test_non_ascii_key_is_invalid_not_a_crash(client):
    response = client.get("/sandbox/v1/health", headers={"X-Sandbox-Key": "é".encode().decode("latin-1")})
    assert response.status_code == 401 and response.get_json()["errorCode"] == "sandbox_key_invalid"


def test_huge_ids_and_counts_are_refused(control, client):
    assert (
        client.delete("/sandbox/v1/faults/" + "9" * 40, headers={"X-Sandbox-Key": ADMIN_KEY}).status_code
        == 404
    )
    assert (
        client.get(
            "/sandbox/v1/requests?afterId=" + "9" * 40, headers={"X-Sandbox-Key": ADMIN_KEY}
        ).status_code
        == 400
    )
    rule = {
        "match": {"contractId": "C0001"},
        "effect": {"type": "latency", "ms": 1},
        "trigger": {"times": 10**30},
    }
    assert (
        control("POST", "/faults", rule, status=400)["errorDetails"][0]["errorDetailsCode"] == "trigger.times"
    )


def test_advance_all_moves_every_clock_or_none(control):
    control("POST", "/contracts/C0003/clock/advance", {"to": "2026-05-01T00:00:00+09:00"}, status=200)
    answer = control("POST", "/clock/advance", {"to": "2026-04-15T00:00:00+09:00"}, status=409)
    assert answer["errorCode"] == "clock_backwards"
    assert control("GET", "/contracts/C0001/clock", status=200)["now"] == "2026-04-01T10:00:00+09:00"


def test_a_bad_field_creates_no_contract(control):
    before = len(control("GET", "/contracts", status=200)["contracts"])
    control("POST", "/contracts", {"count": 2, "issueKeys": "yes"}, status=400)
    assert len(control("GET", "/contracts", status=200)["contracts"]) == before


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"transferFees": {}}, "transferFees.sameBranch"),
        (
            {
                "transferFees": {
                    "sameBranch": {"under30000": 0, "from30000": 0},
                    "sameBank": {"under30000": 110, "from30000": 220},
                    "otherBank": {"under30000": -5000, "from30000": 660},
                }
            },
            "transferFees.otherBank.under30000",
        ),
        (
            {"transferFees": {"sameBranch": {"under30000": "abc", "from30000": 0}}},
            "transferFees.sameBranch.under30000",
        ),
        ({"grantLifetime": 10**15}, "grantLifetime"),
        ({"accessTokenLifetime": 0}, "accessTokenLifetime"),
        ({"requestExpiryDays": 20000}, "requestExpiryDays"),
        ({"serviceHours": {"start": "21:00", "end": "08:00"}}, "serviceHours"),
        ({"serviceHours": {"start": "8:00"}}, "serviceHours"),
        ({"cutoffTime": "１５:００"}, "cutoffTime"),
    ],
)
def test_settings_are_checked_deeply(control, patch, field):
    answer = control("PATCH", "/contracts/C0001/settings", patch, status=400)
    assert answer["errorDetails"][0]["errorDetailsCode"] == field
    assert (
        control("GET", "/contracts/C0001", status=200)["settings"]["transferFees"]["otherBank"]["under30000"]
        == 440
    )
