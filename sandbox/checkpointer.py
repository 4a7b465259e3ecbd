"""WAL checkpoints from a thread of a server worker's own, off the request path (``http/server.py``
post_fork): the worker's connections stop checkpointing on commit (``store.AUTOCHECKPOINT``), and this
thread copies the WAL into the database file every :data:`EVERY` seconds instead."""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

from sandbox import store
from sandbox.store import Database

logger = logging.getLogger(__name__)
EVERY = 0.25  # seconds between two background checkpoints


def checkpoint(db: Database) -> tuple[int, int, int]:
    """Copy what the readers allow from the WAL into the database file, without waiting for anyone.

    Returns SQLite's ``(busy, frames in the WAL, frames checkpointed)``.
    """
    busy, frames, done = db.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    return busy, frames, done


def start(path: str | Path, stop: threading.Event | None = None) -> threading.Thread:
    """Checkpoint ``path`` every :data:`EVERY` seconds from a daemon thread (until ``stop``), and stop this
    process's connections from checkpointing on commit: call it before they open."""
    store.AUTOCHECKPOINT = 0
    stop = stop or threading.Event()

    def run() -> None:
        db = None
        try:
            while not stop.wait(EVERY):
                try:
                    db = db or store.connect(path)
                    checkpoint(db)
                except sqlite3.Error:  # whatever failed now is tried again on the next turn
                    logger.exception("WAL checkpoint of %s failed", path)
        finally:
            if db is not None:
                db.conn.close()

    thread = threading.Thread(target=run, name="wal-checkpointer", daemon=True)
    thread.start()
    return thread
