"""Fixtures in layers: a seeded template database (once per session) → ``app`` on a private copy →
``client`` / ``runner`` / ``control`` → ``live_server`` (a real gunicorn process on a free loopback port).

The test world is the demo world, seed 21, with every contract clock frozen at ``START``
(Wednesday 2026-04-01 10:00 JST, a business day before the 15:00 cut-off).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from sandbox import create_app
from sandbox.bank import ledger
from sandbox.clock import JST
from sandbox.seeding import worlds as seeding
from sandbox.store import connect
from tests.transfer_helpers import Bank

pytest_plugins = ["pytester"]

START = datetime(2026, 4, 1, 10, 0, tzinfo=JST)
ADMIN_KEY = "test-admin-key"
ROOT = Path(__file__).resolve().parent.parent


def seed_file(
    path: Path, *, world: str = "demo", seed: int = 21, start: datetime = START, frozen: bool = True
) -> None:
    app = create_app({"DATABASE": str(path), "ADMIN_KEY": ADMIN_KEY})
    db = connect(path)
    with app.app_context():
        seeding.reset(db, world, seed, start, frozen=frozen)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "sandbox.db"
    seed_file(path)
    return path


@pytest.fixture
def db_path(template_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "sandbox.db"
    shutil.copyfile(template_db, path)
    return path


@pytest.fixture
def app(db_path: Path) -> Iterator[Flask]:
    app = create_app({"DATABASE": str(db_path), "ADMIN_KEY": ADMIN_KEY, "TESTING": True})
    yield app
    db = connect(db_path)
    problems = ledger.check(db)
    db.conn.close()
    assert not problems, f"ledger invariant broken: {problems}"


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class Control:
    """The control API through the test client, with the admin key."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def __call__(
        self, method: str, path: str, body: Any = None, *, status: int | None = None, key: str = ADMIN_KEY
    ) -> Any:
        response = self.client.open(
            f"/sandbox/v1{path}", method=method, json=body, headers={"X-Sandbox-Key": key}
        )
        if status is not None:
            assert response.status_code == status, response.get_data(as_text=True)
        return response.get_json()

    def advance(self, contract_id: str, by: str) -> Any:
        return self("POST", f"/contracts/{contract_id}/clock/advance", {"by": by}, status=200)


@pytest.fixture
def control(client: FlaskClient) -> Control:
    return Control(client)


@pytest.fixture
def bank(client: FlaskClient, control: Control) -> Bank:
    """The demo companies' side of the banking API: tokens, transfers, approvals (tests/transfer_helpers.py)."""
    return Bank(client, control)


@pytest.fixture
def runner(db_path: Path) -> Any:
    """Invoke the CLI in-process against the test database."""
    from sandbox.cli.main import main

    cli_runner = CliRunner()

    def invoke(*args: str, **kwargs: Any) -> Any:
        return cli_runner.invoke(
            main, ["--db", str(db_path), "--key", ADMIN_KEY, *args], catch_exceptions=False, **kwargs
        )

    return invoke


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    def __init__(self, url: str, db_path: Path, process: subprocess.Popen[bytes]) -> None:
        self.url, self.db_path, self.process = url, db_path, process

    def control(self, method: str, path: str, body: Any = None) -> requests.Response:
        return requests.request(
            method,
            f"{self.url}/sandbox/v1{path}",
            json=body,
            headers={"X-Sandbox-Key": ADMIN_KEY},
            timeout=30,
        )


def start_server(db_path: Path, *args: str) -> LiveServer:
    """Start ``web21-sandbox serve`` (gunicorn, 2 workers) on a free port and wait for it to answer."""
    port = free_port()
    env = {**os.environ, "WEB21_SANDBOX_ADMIN_KEY": ADMIN_KEY}
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "--db", str(db_path), "serve", "--port", str(port), *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            if requests.get(f"{url}/healthz", timeout=1).status_code == 200:
                return LiveServer(url, db_path, process)
        except requests.ConnectionError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not start within 30 s")


def stop_server(server: LiveServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture
def live_server(db_path: Path) -> Iterator[LiveServer]:
    """A real server process (gunicorn, 2 threaded workers) over a private copy of the test world."""
    server = start_server(db_path)
    yield server
    stop_server(server)
    db = connect(db_path)
    problems = ledger.check(db)
    db.conn.close()
    assert not problems, f"ledger invariant broken: {problems}"
