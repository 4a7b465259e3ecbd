"""Notifications delivered for real to a receiver on loopback: subscribe, deliver, retry, the unsent list."""

from __future__ import annotations

import base64
import hashlib
import hmac

from sandbox.bank import notices
from tests.conftest import ADMIN_KEY
from tests.notify.receiver import Receiver


def test_a_deposit_is_delivered_signed_with_the_issued_credentials(hooks, receiver):
    issued = hooks.register(receiver.url)["credentials"]
    assert hooks.subscribe().status_code == 200
    hooks.deposit(12000)
    assert hooks.deliver()["delivered"] == 1
    (got,) = receiver.received
    body = got["body"]
    assert body["eventType"] == "deposit-transaction" and len(body["messageId"]) == 19
    assert body["depositTransaction"]["amount"] == "12000"
    assert body["account"]["raId"] == hooks.account()
    basic = base64.b64encode(f"{issued['username']}:{issued['password']}".encode()).decode()
    assert got["headers"]["Authorization"] == f"Basic {basic}"
    mac = hmac.new(issued["signatureSecret"].encode(), got["raw"], hashlib.sha256).hexdigest()
    assert got["headers"]["X-Web21-Signature"] == f"sha256={mac}"
    assert hooks.state()["counts"]["delivered"] == 1
    assert hooks.deliver()["delivered"] == 0  # never twice
    assert hooks.unsent().status_code == 404


def test_no_subscription_no_message(hooks, receiver):
    hooks.register(receiver.url)
    hooks.deposit(500)
    hooks.deliver()
    assert receiver.received == [] and hooks.state()["counts"]["pending"] == 0


def test_a_failing_receiver_is_retried_after_back_off_on_the_contract_clock(hooks, control):
    failing = Receiver(status=500)
    try:
        hooks.register(failing.url)
        hooks.subscribe()
        hooks.deposit(3000)
        assert hooks.deliver()["retry"] == 1
        assert hooks.deliver()["retry"] == 0  # the back-off is on the contract clock, which is frozen
        failing.status = 200
        control.advance(hooks.contract_id, "30s")
        assert hooks.deliver()["delivered"] == 1
        assert len(failing.received) == 2 and len(set(failing.ids())) == 1
    finally:
        failing.close()


def test_every_attempt_is_in_the_request_log_and_on_the_timeline(hooks, receiver, control):
    hooks.register(receiver.url)
    hooks.subscribe()
    hooks.deposit(7000)
    hooks.deliver()
    logged = control("GET", f"/requests?contractId={hooks.contract_id}", status=200)["requests"]
    (attempt,) = [r for r in logged if r["method"] == "NOTIFY"]
    assert attempt["status"] == 200 and attempt["path"] == receiver.url
    assert attempt["idempotencyKey"] == receiver.ids()[0] and "latencyMs" in attempt
    timeline = control("GET", f"/contracts/{hooks.contract_id}/timeline", status=200)["entries"]
    notes = [e for e in timeline if e["kind"] == "notification" and "attempt" in e["data"]]
    assert notes[-1]["data"]["status"] == 200 and notes[-1]["data"]["response"] == '{"ok": true}'


def test_stopped_delivery_piles_up_for_the_unsent_list_which_ends_in_404(hooks, receiver):
    hooks.register(receiver.url)
    hooks.subscribe()
    hooks.subscribe("0")
    for amount in (100, 200, 300):
        hooks.deposit(amount)
    hooks.deliver()
    assert receiver.received == []  # stopped: nothing is pushed
    first = hooks.unsent()
    assert first.status_code == 200, first.get_data(as_text=True)
    messages = first.get_json()["messages"]
    assert [m["depositTransaction"]["amount"] for m in messages] == ["100", "200", "300"]
    assert hooks.unsent().status_code == 404  # fetched counts as delivered
    hooks.subscribe()
    hooks.deliver()
    assert receiver.received == [] and hooks.state()["counts"]["fetched"] == 3


def test_the_unsent_list_gives_500_a_call(hooks, receiver):
    hooks.register(receiver.url)
    hooks.subscribe()
    hooks.subscribe("0")
    for _ in range(notices.UNSENT_PAGE + 1):
        hooks.deposit(1)
    assert hooks.unsent().get_json()["count"] == 500
    assert hooks.unsent().get_json()["count"] == 1
    assert hooks.unsent().status_code == 404


def test_unknown_event_type_and_bad_subscriptions(hooks, receiver):
    assert hooks.unsent("nope").get_json()["errorCode"] == "unknown_event_type"
    assert hooks.subscribe().get_json()["errorCode"] == "notification_url_missing"
    hooks.register(receiver.url)
    assert hooks.subscribe(event="nope").get_json()["errorCode"] == "unknown_event_type"
    assert hooks.subscribe(status="2").get_json()["errorCode"] == "invalid_parameter"


def test_the_cli_shows_and_delivers(hooks, receiver, runner):
    hooks.register(receiver.url)
    hooks.subscribe()
    hooks.deposit(4321)
    shown = runner("notifications", "show", "--contract", hooks.contract_id)
    assert shown.exit_code == 0 and "pending" in shown.output and "4321 yen" in shown.output
    done = runner("notifications", "deliver", "--contract", hooks.contract_id)
    assert done.output.startswith("delivered 1,") and len(receiver.received) == 1


def test_answers_match_the_openapi_document(hooks, receiver, client):
    from sandbox.http.api import docs as api_docs
    from tests.openapi_helpers import assert_conforms

    with hooks.app.app_context():
        doc = api_docs.document()
    hooks.register(receiver.url)
    headers = {"Authorization": f"Bearer {hooks.token()}"}
    body = {"subscribeStatus": "0", "eventTypes": [{"eventType": "deposit-transaction"}]}
    assert_conforms(
        doc,
        "/webhooks/v1/subscribe",
        "post",
        client.post("/webhooks/v1/subscribe", json=body, headers=headers),
    )
    bad = {"subscribeStatus": "1", "eventTypes": [{"eventType": "x"}]}
    assert_conforms(
        doc,
        "/webhooks/v1/subscribe",
        "post",
        client.post("/webhooks/v1/subscribe", json=bad, headers=headers),
    )
    hooks.deposit(10)
    path = "/webhooks/v1/unsentlist/{eventType}"
    for _ in range(2):  # 200 with the message, then 404
        assert_conforms(
            doc, path, "get", client.get("/webhooks/v1/unsentlist/deposit-transaction", headers=headers)
        )
    assert_conforms(doc, path, "get", client.get("/webhooks/v1/unsentlist/nope", headers=headers))
    control_path = "/sandbox/v1/contracts/{contractId}/notifications"
    shown = client.get(
        f"/sandbox/v1/contracts/{hooks.contract_id}/notifications",
        headers={"X-Sandbox-Key": ADMIN_KEY},
    )
    assert_conforms(doc, control_path, "get", shown)
    done = client.post(
        f"/sandbox/v1/contracts/{hooks.contract_id}/notifications/deliver",
        headers={"X-Sandbox-Key": ADMIN_KEY},
    )
    assert_conforms(doc, control_path + "/deliver", "post", done)


def test_notification_lines_read_in_japanese_on_the_dashboard(app):
    from sandbox.http.ui import localize

    with app.test_request_context("/sandbox/ui"):
        line = localize.summary(
            {
                "source": "activity",
                "kind": "notification",
                "data": {},
                "summary": "notification 2026040110000000001 attempt 2 → 500 (retry)",
            }
        )
    assert line == "入金通知 2026040110000000001 の送信 2 回目 → 500（retry）"
