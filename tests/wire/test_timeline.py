"""The timeline: requests, faults, clock moves, incidents and state changes in contract-time order."""

from __future__ import annotations

import pytest

REQUEST = "/corporation/v1/transfer/request"


def entries(control, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return control("GET", f"/contracts/C0001/timeline?{query}", status=200)["entries"]


def test_a_lost_response_and_what_followed_in_order(client, control, bank):
    token = bank.token("C0001")
    control(
        "POST",
        "/faults",
        {
            "match": {"contractId": "C0001", "method": "POST", "path": REQUEST},
            "effect": "response_lost",
            "trigger": {"times": 1},
        },
        status=201,
    )
    body = bank.body("C0001", [bank.to_other_bank(40_000)])
    key = {"Idempotency-Key": "pay-1"}
    with pytest.raises(ConnectionResetError):
        bank.post("/transfer/request", body, token, key)
    apply_no = bank.post("/transfer/request", body, token, key).get_json()["applyNo"]
    bank.approve("C0001", apply_no)
    control(
        "POST",
        "/contracts/C0001/incidents",
        {"type": "return-funds", "applyNo": apply_no, "days": 1},
        status=201,
    )
    control.advance("C0001", "1d")
    shown = entries(control)
    # the frozen clock put the first thirteen at 10:00: their order is still what happened
    assert [e["kind"] for e in shown[:13]] == [
        "oauth",  # the clerk's consent
        "request",  # its token
        "fault-rule",
        "transfer",  # new → 申請中: the bank accepted the request...
        "fault",  # ...whose answer was lost
        "request",  # the retry with the same key: replayed, nothing created
        "oauth",  # the approver's consent
        "request",  # its token
        "transfer",  # 申請中 → 手続中
        "posting",  # the transfer's journal
        "transfer",  # 手続中 → 手続済
        "request",  # the approval that did it
        "incident",  # return-funds scheduled
    ]
    # a day later (whatever else the seeded world does that morning): the money comes back
    ours = [e for e in shown[13:] if apply_no in e["summary"] or e["kind"] == "clock"]
    assert [e["kind"] for e in ours] == ["posting", "transfer", "incident", "clock"]
    assert ours[1]["summary"].endswith(
        "手続済 → 資金返却 by bank (returned by the receiving bank (口座なし))"
    )
    lost = shown[4]
    assert lost["summary"].startswith(
        f"POST {REQUEST} → no answer: committed (the sandbox answered 201), then the connection was reset"
    )
    assert (lost["data"]["idempotencyKey"], lost["data"]["outcome"]) == ("pay-1", "reset_after_commit")
    assert shown[5]["data"]["outcome"] == "replayed"
    assert shown[18]["summary"].endswith(
        "手続済 → 資金返却 by bank (returned by the receiving bank (口座なし))"
    )
    assert [e["at"] for e in shown] == sorted(e["at"] for e in shown)


def test_incident_windows_open_and_close_on_the_timeline(control):
    control(
        "POST",
        "/contracts/C0001/incidents",
        {"type": "maintenance", "in": "1h", "duration": "30m"},
        status=201,
    )
    assert [e["summary"] for e in entries(control) if e["kind"] == "incident"] == [
        "incident #1 maintenance window from 2026-04-01T11:00:00+09:00 to 2026-04-01T11:30:00+09:00"
    ]
    control.advance("C0001", "2h")
    moments = [(e["at"], e["summary"]) for e in entries(control) if e["kind"] == "incident"]
    assert moments[1:] == [
        ("2026-04-01T11:00:00+09:00", "incident #1 maintenance starts"),
        ("2026-04-01T11:30:00+09:00", "incident #1 maintenance ends"),
    ]


def test_since_until_limit_and_cli(control, runner):
    control.advance("C0001", "1h")
    control.advance("C0001", "1h")
    assert [e["summary"][-28:] for e in entries(control, limit=1)] == ["to 2026-04-01T12:00:00+09:00"]
    assert len(entries(control, since="2026-04-01T11:30:00%2B09:00")) == 1
    assert len(entries(control, until="2026-04-01T11:30:00%2B09:00")) == 1
    assert control("GET", "/contracts/C0001/timeline?since=yesterday")["errorCode"] == "invalid_parameter"
    printed = runner("timeline", "--contract", "C0001").output.splitlines()
    assert printed == [
        "2026-04-01T11:00:00+09:00  clock      clock moved from 2026-04-01T10:00:00+09:00 to 2026-04-01T11:00:00+09:00",
        "2026-04-01T12:00:00+09:00  clock      clock moved from 2026-04-01T11:00:00+09:00 to 2026-04-01T12:00:00+09:00",
    ]


def test_grant_expiry_shows_when_it_happens(client, control):
    from tests.oauth_helpers import mint_tokens

    control("PATCH", "/contracts/C0001/settings", {"grantLifetime": 7200}, status=200)
    mint_tokens(client, control, "C0001", "c0001-viewer")
    control.advance("C0001", "3h")
    expired = [e for e in entries(control) if e["data"].get("reason") == "expired"]
    assert [(e["at"], e["kind"]) for e in expired] == [("2026-04-01T12:00:00+09:00", "oauth")]
    assert "expired: consent again" in expired[0]["summary"]
