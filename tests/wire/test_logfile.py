"""The request log in its own file: logging never takes the bank's write lock, entries are readable by
any connection as soon as they are written, and a reset clears them."""

from __future__ import annotations

import threading

from sandbox import store
from sandbox.store import connect
from sandbox.wire import logfile, requestlog
from tests.oauth_helpers import bearer, mint_tokens

BALANCES = "/corporation/v1/accounts/balances"


def test_a_read_is_served_and_logged_while_another_connection_holds_the_bank_write_lock(
    client, control, db_path
):
    viewer = bearer(mint_tokens(client, control, "C0001", "c0001-viewer"))
    holder = connect(db_path)
    holder.conn.execute("BEGIN IMMEDIATE")  # a long bank write elsewhere
    try:
        assert client.get(BALANCES, headers=viewer).status_code == 200
        logged = control("GET", "/requests?limit=1", status=200)["requests"]
    finally:
        holder.conn.execute("ROLLBACK")
        holder.conn.close()
    assert [(e["path"], e["sentStatus"]) for e in logged] == [(BALANCES, 200)]
    bank_tables = [r[0] for r in connect(db_path).conn.execute("SELECT name FROM sqlite_master")]
    assert "request_log" not in bank_tables


def test_an_entry_is_visible_to_another_connection_as_soon_as_it_is_written(db_path):
    bank = connect(db_path)
    reader = logfile.open_for(db_path)  # this thread's log connection, open before the write
    written: list[int] = []

    def write() -> None:  # another thread: another log connection, as in another worker
        entry = {c: None for c in requestlog.COLUMNS} | {
            "at": "2026-04-01T10:00:00.000000+09:00",
            "wall_at": "2026-04-01T10:00:00.000000+09:00",
            "method": "GET",
            "path": BALANCES,
            "outcome": "response",
            "latency_ms": 1.0,
            "body_size": 0,
        }
        written.append(requestlog.write(bank, logfile.open_for(db_path), entry, 1000))

    thread = threading.Thread(target=write)
    thread.start()
    thread.join()
    assert [e["id"] for e in requestlog.query(reader, after_id=0)] == written
    fresh = connect(store.log_path(db_path))
    assert fresh.conn.execute("SELECT count(*) FROM request_log").fetchone()[0] == 1
    fresh.conn.close()
    bank.conn.close()


def test_reset_clears_the_log(client, control):
    viewer = bearer(mint_tokens(client, control, "C0001", "c0001-viewer"))
    client.get(BALANCES, headers=viewer)
    assert control("GET", "/requests", status=200)["count"] == 2
    control("POST", "/reset", {"start": "2026-04-01T10:00:00+09:00", "frozen": True}, status=200)
    assert control("GET", "/requests", status=200)["count"] == 0
