"""Outgoing fault rules on real deliveries to a receiver on loopback."""

from __future__ import annotations

import pytest

from tests.notify.receiver import Receiver


@pytest.fixture
def started(hooks, receiver):
    hooks.register(receiver.url)
    hooks.subscribe()
    return hooks


def test_duplicate_sends_the_same_message_id_twice(started, receiver):
    started.fault({"type": "duplicate"}, nth=1)
    started.deposit(1000)
    started.deposit(2000)
    started.deliver()
    ids = receiver.ids()
    assert len(ids) == 3 and len(set(ids)) == 2  # the first message twice, the second once
    assert ids.count(min(ids)) == 2


def test_drop_counts_a_failed_attempt_and_the_retry_delivers(started, receiver, control):
    started.fault("drop", nth=1)
    started.deposit(1000)
    assert started.deliver()["retry"] == 1 and receiver.received == []
    control.advance(started.contract_id, "30s")
    assert started.deliver()["delivered"] == 1 and len(receiver.received) == 1


def test_report_failure_delivers_and_then_delivers_again(started, receiver, control):
    started.fault("report_failure", nth=1)
    started.deposit(1000)
    started.deliver()
    control.advance(started.contract_id, "1m")
    started.deliver()
    ids = receiver.ids()
    assert len(ids) == 2 and ids[0] == ids[1]


def test_delay_waits_on_the_contract_clock(started, receiver, control):
    started.fault({"type": "delay", "seconds": 600}, nth=1)
    started.deposit(1000)
    assert started.deliver()["held"] == 1 and receiver.received == []
    control.advance(started.contract_id, "9m")
    started.deliver()
    assert receiver.received == []
    control.advance(started.contract_id, "1m")
    started.deliver()
    assert len(receiver.received) == 1


def test_reorder_delivers_the_next_message_first(started, receiver):
    started.fault("reorder", nth=1)
    started.deposit(1111)
    started.deposit(2222)
    started.deliver()
    amounts = [r["body"]["depositTransaction"]["amount"] for r in receiver.received]
    assert amounts == ["2222", "1111"]


def test_stop_delivery_for_a_window_piles_up_for_the_unsent_list(started, receiver, control):
    window = {"start": "2026-04-01T00:00:00+09:00", "end": "2026-04-02T10:00:00+09:00"}
    started.fault("stop_delivery", window=window)
    for amount in (1, 2, 3):
        started.deposit(amount)
    assert started.deliver()["held"] == 3 and receiver.received == []
    fetched = started.unsent().get_json()
    assert fetched["count"] == 3
    control.advance(started.contract_id, "1d")
    started.deliver()
    assert receiver.received == []  # fetched counts as delivered: nothing is pushed afterwards


def test_stop_delivery_ends_with_its_window(started, receiver, control):
    window = {"start": "2026-04-01T00:00:00+09:00", "end": "2026-04-01T12:00:00+09:00"}
    started.fault("stop_delivery", window=window)
    started.deposit(5)
    started.deliver()
    control.advance(started.contract_id, "2h")
    assert started.deliver()["delivered"] == 1 and len(receiver.received) == 1


def test_bad_signature_is_refused_by_a_careful_receiver_and_retried_signed(started, control):
    strict = Receiver(status=401)
    try:
        started.register(strict.url)
        started.fault("bad_signature", nth=1)
        started.deposit(9)
        assert started.deliver()["retry"] == 1
        strict.status = 200
        control.advance(started.contract_id, "30s")
        assert started.deliver()["delivered"] == 1
        first, second = (r["headers"]["X-Web21-Signature"] for r in strict.received)
        assert first != second
    finally:
        strict.close()


def test_outgoing_rules_never_touch_requests(started, bank, client):
    started.fault("drop")
    token = bank.token(started.contract_id, "account")
    assert (
        client.get("/corporation/v1/accounts", headers={"Authorization": f"Bearer {token}"}).status_code
        == 200
    )
    rules = started.control("GET", "/faults", status=200)["faults"]
    assert rules[-1]["hits"] == 0


def test_reorder_on_every_message_holds_them_until_max_seconds_then_delivers_each_once(
    started, receiver, control
):
    started.fault("reorder")  # no trigger: every message waits for a later one, which never comes
    for amount in (1, 2, 3):
        started.deposit(amount)
    assert started.deliver()["held"] == 3 and receiver.received == []
    control.advance(started.contract_id, "1h")
    assert started.deliver()["delivered"] == 3
    assert len(receiver.ids()) == 3 == len(set(receiver.ids()))
