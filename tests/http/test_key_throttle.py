"""Issue 13 item 13: guessing keys is throttled, per client address, on the control API and the dashboard."""

from __future__ import annotations

from sandbox.http.control import throttle
from tests.conftest import ADMIN_KEY
from tests.http.test_ui import UI, csrf

GUESSER = {"REMOTE_ADDR": "192.0.2.7"}
OTHER = {"REMOTE_ADDR": "192.0.2.8"}


def control_get(client, key: str, environ: dict):
    return client.get("/sandbox/v1/contracts", headers={"X-Sandbox-Key": key}, environ_base=environ)


def test_wrong_keys_from_one_address_lock_it_out_for_a_while(client):
    for _ in range(throttle.LIMIT):
        assert control_get(client, "guess", GUESSER).status_code == 401
    locked = control_get(client, ADMIN_KEY, GUESSER)  # even the right key: a guesser must not learn it
    assert locked.status_code == 429 and locked.get_json()["errorCode"] == "sandbox_key_throttled"
    assert 0 < int(locked.headers["Retry-After"]) <= throttle.LOCKOUT.total_seconds()
    assert control_get(client, ADMIN_KEY, OTHER).status_code == 200  # another address is not affected


def test_dashboard_sign_in_failures_count_too(client):
    token = csrf(client.get(f"{UI}/login", environ_base=GUESSER).get_data(as_text=True))
    for _ in range(throttle.LIMIT):
        failed = client.post(f"{UI}/login", data={"key": "guess", "csrf_token": token}, environ_base=GUESSER)
        assert failed.status_code == 401
    locked = client.post(f"{UI}/login", data={"key": ADMIN_KEY, "csrf_token": token}, environ_base=GUESSER)
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0  # the dashboard's error page
    assert control_get(client, ADMIN_KEY, GUESSER).status_code == 429  # one count for both doors


def test_a_right_key_clears_the_count(client):
    for _ in range(throttle.LIMIT - 1):
        control_get(client, "guess", GUESSER)
    assert control_get(client, ADMIN_KEY, GUESSER).status_code == 200
    assert control_get(client, "guess", GUESSER).status_code == 401
    assert control_get(client, ADMIN_KEY, GUESSER).status_code == 200
