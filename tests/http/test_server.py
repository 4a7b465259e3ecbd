"""The real server process: gunicorn with 2 workers on a free loopback port, as `make serve` runs it."""

import os
import signal
import subprocess
import sys
import time

import requests

from tests.conftest import ADMIN_KEY, ROOT, free_port


def test_live_server_answers_and_shares_state_between_workers(live_server):
    headers = {"X-Sandbox-Key": ADMIN_KEY}
    assert (
        requests.get(f"{live_server.url}/sandbox/v1/health", headers=headers, timeout=5).json()["status"]
        == "ok"
    )
    assert requests.get(f"{live_server.url}/sandbox/v1/health", timeout=5).status_code == 401
    # the clock moved through one connection is seen on every following one, whichever worker answers
    live_server.control("POST", "/contracts/C0001/clock/advance", {"by": "1d"})
    seen = {
        requests.get(
            f"{live_server.url}/sandbox/v1/contracts/C0001/clock", headers=headers, timeout=5
        ).json()["now"]
        for _ in range(20)
    }
    assert seen == {"2026-04-02T10:00:00+09:00"}


def test_serve_seeds_a_missing_database_prints_credentials_and_stops_on_ctrl_c(tmp_path):
    db = tmp_path / "var" / "sandbox.db"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "WEB21_SANDBOX_ADMIN_KEY"}
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "--db", str(db), "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{url}/healthz", timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        key_file = db.parent / "admin.key"
        assert oct(key_file.stat().st_mode & 0o777) == "0o600"
        key = key_file.read_text().strip()
        listing = requests.get(
            f"{url}/sandbox/v1/contracts", headers={"X-Sandbox-Key": key}, timeout=5
        ).json()
        assert [c["contractId"] for c in listing["contracts"]] == ["C0001", "C0002", "C0003"]
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=15)
    assert process.returncode == 0
    assert f"on http://127.0.0.1:{port}" in output
    assert str(key_file) in output
    assert "c0001-approver" in output and "Passw0rd!" in output
    assert "Traceback" not in output
