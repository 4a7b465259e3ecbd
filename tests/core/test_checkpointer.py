"""WAL checkpoints in a server worker: connections stop checkpointing on commit and a thread of the
worker copies the WAL into the database file instead (checkpointer.start, server.post_fork)."""

from __future__ import annotations

import threading
import time

import pytest

from sandbox import checkpointer, store


@pytest.fixture
def restore(monkeypatch):
    monkeypatch.setattr(store, "AUTOCHECKPOINT", None)
    monkeypatch.setattr(checkpointer, "EVERY", 0.01)


def test_connections_take_the_process_setting(tmp_path, restore, monkeypatch):
    db = store.connect(tmp_path / "a.db")
    assert db.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000  # SQLite's own
    monkeypatch.setattr(store, "AUTOCHECKPOINT", 0)
    assert store.connect(tmp_path / "a.db").conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0


def test_the_checkpointer_moves_the_wal_into_the_database(tmp_path, restore):
    path = tmp_path / "b.db"
    store.connect(path).conn.execute(
        "CREATE TABLE t (x TEXT)"
    )  # as a server's file exists before its workers
    stop = threading.Event()
    thread = checkpointer.start(path, stop)
    assert store.AUTOCHECKPOINT == 0
    writer = store.connect(path)
    with store.transaction(writer):
        writer.conn.executemany("INSERT INTO t VALUES (?)", [("x" * 1000,) for _ in range(2000)])
    deadline = time.monotonic() + 20  # a bound for a loaded machine, not a speed requirement
    while path.stat().st_size < 2000 * 1000 and time.monotonic() < deadline:
        time.sleep(0.02)
    stop.set()
    thread.join(timeout=20)
    assert path.stat().st_size >= 2000 * 1000  # the rows reached the database file by the thread alone
    assert not thread.is_alive()
    busy, frames, done = checkpointer.checkpoint(writer)
    assert (busy, done) == (0, frames)
    writer.conn.close()
