"""Where notifications may go, and a receiver that hangs stalls no one else."""

from __future__ import annotations

import threading

import pytest

from sandbox.notify import targets, worker
from tests.notify.conftest import Hooks
from tests.notify.receiver import Receiver


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("ftp://127.0.0.1/hook", "notification_url_invalid"),
        ("127.0.0.1:9000/hook", "notification_url_invalid"),
        ("http://user:pw@127.0.0.1:9000/hook", "notification_url_invalid"),
        ("http://example.com/hook", "notification_url_not_allowed"),
        ("http://10.0.0.5:8080/hook", "notification_url_not_allowed"),
    ],
)
def test_a_url_the_bank_may_not_call_is_refused(control, url, code):
    answer = control("PATCH", "/contracts/C0003/settings", {"notificationUrl": url}, status=400)
    assert answer["errorCode"] == code
    assert control("GET", "/contracts/C0003", status=200)["settings"]["notificationUrl"] == ""


def test_loopback_urls_are_allowed_and_the_operator_may_allow_more():
    assert targets.allowed("http://localhost:9/x", "") and targets.allowed("http://[::1]:9/x", "")
    assert not targets.allowed("https://hooks.example.com/x", "")
    assert targets.allowed("https://hooks.example.com/x", "hooks.example.com, other")
    assert targets.allowed("https://any.example/x", "*")


def test_another_contracts_receiver_is_refused(control):
    control("PATCH", "/contracts/C0001/settings", {"notificationUrl": "http://127.0.0.1:9100/a"}, status=200)
    answer = control(
        "PATCH", "/contracts/C0003/settings", {"notificationUrl": "http://127.0.0.1:9100/b"}, status=400
    )
    assert answer["errorCode"] == "notification_url_not_allowed"
    control("PATCH", "/contracts/C0003/settings", {"notificationUrl": "http://127.0.0.1:9101/b"}, status=200)


def test_a_hanging_receiver_never_stalls_another_contracts_deliveries(app, control, bank):
    release = threading.Event()
    hanging, healthy = Receiver(hang=release), Receiver()
    slow, fast = Hooks(app, control, bank, "C0001"), Hooks(app, control, bank, "C0003")
    background = worker.Worker(str(app.config["DATABASE"]), {**app.config, "NOTIFY_TIMEOUT_MS": 30_000})
    try:
        for hooks, receiver in ((slow, hanging), (fast, healthy)):
            hooks.register(receiver.url)
            hooks.subscribe()
        for _ in range(4):
            slow.deposit(100)
        background.start()
        assert hanging.arrived.wait(10)
        fast.deposit(200)
        assert healthy.arrived.wait(10), "the healthy receiver waited for the hanging one"
        assert not release.is_set() and len(hanging.received) <= 2  # at most 2 in flight per contract
    finally:
        release.set()
        background.stop.set()
        hanging.close()
        healthy.close()
