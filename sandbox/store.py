"""The SQLite store: one file, WAL, versioned migrations, one handle per request on ``flask.g``.

No state is held in a process: several server workers share the file, and every write runs in
one ``BEGIN IMMEDIATE`` transaction (:func:`transaction`) so that nothing is ever half-written.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import sqlite_utils
from flask import Flask, current_app, g

Database = sqlite_utils.Database
logger = logging.getLogger(__name__)


def connect(path: str | Path) -> Database:
    """Open the database file with the pragmas every connection needs."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=30000")
    if AUTOCHECKPOINT is not None:
        conn.execute(f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT}")
    return Database(conn)


# Pages in the WAL after which a commit also checkpoints (None: SQLite's 1000). A server worker sets 0 and
# checkpoints from a thread of its own instead (checkpointer.start): under a steady stream of reads the
# WAL never shrinks below the threshold, and then every commit checkpoints and syncs the disk itself.
AUTOCHECKPOINT: int | None = None


def migrations() -> list[tuple[int, str, str]]:
    """The schema migrations shipped in ``sandbox/migrations``, as ``(version, name, sql)`` in order."""
    found = []
    for entry in resources.files("sandbox.migrations").iterdir():
        if entry.name.endswith(".sql"):
            version = int(entry.name.split("_", 1)[0])
            found.append((version, entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def migrate(db: Database) -> int:
    """Apply pending migrations under an exclusive lock; return the schema version."""
    conn = db.conn
    conn.execute("BEGIN EXCLUSIVE")
    try:
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        for version, _name, sql in migrations():
            if version > current:
                for statement in _statements(sql):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version}")
                current = version
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return current


def _statements(sql: str) -> Iterator[str]:
    buffer = ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                yield buffer
            buffer = ""


@contextlib.contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """One atomic unit of work. Takes the write lock at once; nests as a savepoint."""
    conn = db.conn
    if conn.in_transaction:
        with db.atomic():
            yield db
        return
    begin_immediate(conn)
    try:
        yield db
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


# Under gevent a wait for another process's write lock must not stop the whole worker: SQLite's own busy
# wait sleeps inside C, where no other greenlet runs. The server's gevent workers turn this on.
_cooperative = False
_PAUSES = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.02)  # then 0.02 s each, up to the connections' 30 s


def wait_cooperatively() -> None:
    """Take the write lock with ``time.sleep`` between tries (gevent's: other greenlets run meanwhile)."""
    global _cooperative
    _cooperative = True


def begin_immediate(conn: sqlite3.Connection) -> None:
    """``BEGIN IMMEDIATE``: the write lock now, waiting while another connection holds it."""
    if not _cooperative:
        conn.execute("BEGIN IMMEDIATE")
        return
    conn.execute("PRAGMA busy_timeout=0")
    try:
        slept, tries = 0.0, 0
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or slept >= 30:
                    raise
            pause = _PAUSES[min(tries, len(_PAUSES) - 1)]
            time.sleep(pause)
            slept, tries = slept + pause, tries + 1
    finally:
        conn.execute("PRAGMA busy_timeout=30000")


def tables(db: Database) -> list[str]:
    return [
        row[0]
        for row in db.conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]


def wipe(db: Database) -> None:
    """Delete every row of every table, inside the caller's transaction (used by reset)."""
    db.conn.execute("PRAGMA defer_foreign_keys=ON")
    for name in tables(db):
        db.conn.execute(f'DELETE FROM "{name}"')
    if db.conn.execute("SELECT 1 FROM sqlite_master WHERE name='sqlite_sequence'").fetchone():
        db.conn.execute("DELETE FROM sqlite_sequence")


def main_path(db: Database) -> str:
    """The file of ``db``'s main database ("" for an in-memory one)."""
    return str(db.conn.execute("PRAGMA database_list").fetchone()[2] or "")


def log_path(path: str | Path) -> str:
    """The request log's own SQLite file beside the store at ``path``: logging a request never takes
    the bank's write lock (``sandbox/wire/logfile.py`` owns its schema)."""
    return ":memory:" if str(path) in ("", ":memory:") else f"{path}.requests.db"


def wipe_file(path: str | Path) -> None:
    """Delete every row of every table of the SQLite file at ``path``, if there is one (used by reset)."""
    if str(path) == ":memory:" or not Path(path).exists():
        return
    db = connect(path)
    try:
        with transaction(db):
            wipe(db)
    finally:
        db.conn.close()


def row(db: Database, sql: str, params: Any = ()) -> dict[str, Any] | None:
    found = db.conn.execute(sql, params).fetchone()
    return dict(found) if found is not None else None


def rows(db: Database, sql: str, params: Any = ()) -> list[dict[str, Any]]:
    return [dict(r) for r in db.conn.execute(sql, params).fetchall()]


def insert(db: Database, table: str, values: dict[str, Any]) -> int:
    """Insert one row (JSON-encoding lists and dicts) and return its rowid."""
    encoded = [_JSON(v) if isinstance(v, list | dict) else v for v in values.values()]
    cursor = db.conn.execute(_insert_sql(table, tuple(values)), encoded)
    return cursor.lastrowid or 0


_JSON = json.JSONEncoder(
    ensure_ascii=False
).encode  # json.dumps(..., ensure_ascii=False) without a new encoder


@functools.lru_cache(maxsize=256)
def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    names = ", ".join(f'"{k}"' for k in columns)
    return f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" for _ in columns)})'


def get_meta(db: Database, key: str) -> str | None:
    found = db.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return found[0] if found else None


def set_meta(db: Database, key: str, value: str) -> None:
    db.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))


def open_app_db(app: Flask) -> Database:
    return connect(app.config["DATABASE"])


_local = threading.local()


def renew_thread_cache() -> None:
    """Start a new per-thread cache: after gevent patches ``threading``, one made before would be shared
    by every greenlet of the process (they all run on its one thread)."""
    global _local
    _local = threading.local()


def thread_db(path: str) -> Database:
    """This thread's connection to ``path``, opened once and reused by the thread's later requests.

    Opening a connection and setting its pragmas costs more than most queries; a worker thread keeps
    one. The key holds the process id so that a connection never crosses a fork.
    """
    key = (os.getpid(), path)
    cached = getattr(_local, "db", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    if cached is not None and cached[0][0] == key[0]:
        cached[1].conn.close()
    db = connect(path)
    _local.db = (key, db)
    return db


def get_db() -> Database:
    """The request's database handle (the worker thread's own), rolled back if left open on teardown."""
    if "db" not in g:
        if current_app.config.get("REUSE_CONNECTIONS", True):
            g.db = thread_db(str(current_app.config["DATABASE"]))
        else:
            g.db = open_app_db(current_app)
    return g.db


def close_db(_exc: BaseException | None = None) -> None:
    db = g.pop("db", None)
    if db is None:
        return
    if db.conn.in_transaction:  # never carry an open transaction into the next request
        db.conn.execute("ROLLBACK")
    if not current_app.config.get("REUSE_CONNECTIONS", True):
        db.conn.close()


def init_app(app: Flask) -> None:
    db = open_app_db(app)
    try:
        migrate(db)
    finally:
        db.conn.close()
    app.teardown_appcontext(close_db)
