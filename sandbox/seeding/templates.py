"""Template worlds: a reset to a (world, seed, start) this process has already built is a copy, not a rebuild.

A test suite resets to the same world before each test. Generating it again (names, a year of
statements, demo transfers, salted password hashes) costs tens of milliseconds; copying the rows of a
template file built once, with ``ATTACH`` and ``INSERT … SELECT`` in one transaction, costs a few.
Templates live in a directory of this process (removed at exit), keyed by everything that decides a
world's rows, so a copy is the world a rebuild would give (``tests/seeding/test_templates.py``).
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sandbox.store import Database, connect, migrate, tables, transaction, wipe

KEEP = 4  # templates kept per process (least recently used dropped first); the demo world is ~1 MiB each


@dataclass(frozen=True)
class Template:
    """A built world in a file of its own, and what its build returned besides the rows."""

    path: Path
    summary: dict[str, Any]


_lock = threading.Lock()
_cache: OrderedDict[str, Template] = OrderedDict()
_dir: list[Path] = []
_owner = [os.getpid()]  # a forked worker starts its own templates and never deletes its parent's
_asked: set[str] = set()  # keys reset to once already (worth_it)


def key(*parts: Any) -> str:
    """A stable key of everything that decides a world's rows (name, spec, seed, start, clock mode, schema)."""
    text = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def worth_it(name: str) -> bool:
    """Whether a reset to ``name`` should go through a template: only from its second time in this process.
    A one-off reset (the CLI, a seed) generates straight into the store and pays for no copy."""
    with _lock:
        if _owner[0] != os.getpid():  # a forked worker: its own templates, its own count
            _owner[0] = os.getpid()
            _cache.clear()
            _dir.clear()
            _asked.clear()
        if name in _cache or name in _asked:
            return True
        _asked.add(name)
        return False


def obtain(name: str, build: Callable[[Database], dict[str, Any]]) -> Template:
    """The template ``name``, built now by ``build(db)`` on a fresh migrated file if this process has none."""
    with _lock:
        if _owner[0] != os.getpid():
            _owner[0] = os.getpid()
            _cache.clear()
            _dir.clear()
        found = _cache.get(name)
        if found is not None:
            _cache.move_to_end(name)
            return found
        path = _directory() / f"{name}.db"
        db = connect(path)
        try:
            migrate(db)
            summary = build(db)
            db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the rows in the main file: ATTACH reads it
        finally:
            db.conn.close()
        _cache[name] = Template(path, summary)
        while len(_cache) > KEEP:
            _drop(_cache.popitem(last=False)[1])
        return _cache[name]


def copy_into(db: Database, template: Template) -> None:
    """Replace every row of ``db`` with the template's, in one transaction (``db`` must not be in one)."""
    conn = db.conn
    conn.execute("ATTACH DATABASE ? AS template", (str(template.path),))
    try:
        with transaction(db):
            wipe(db)
            for name in tables(db):
                columns = ", ".join(f'"{c[1]}"' for c in conn.execute(f'PRAGMA main.table_info("{name}")'))
                conn.execute(f'INSERT INTO main."{name}" ({columns}) SELECT {columns} FROM template."{name}"')
            if _has_sequence(conn):
                conn.execute("INSERT INTO main.sqlite_sequence SELECT * FROM template.sqlite_sequence")
    finally:
        conn.execute("DETACH DATABASE template")


def clear() -> None:
    """Forget every template of this process and delete their files."""
    with _lock:
        while _cache:
            _drop(_cache.popitem()[1])


def _has_sequence(conn: sqlite3.Connection) -> bool:
    found = conn.execute("SELECT 1 FROM template.sqlite_master WHERE name = 'sqlite_sequence'").fetchone()
    return found is not None


def _directory() -> Path:
    if not _dir:
        _dir.append(Path(tempfile.mkdtemp(prefix="web21-sandbox-templates-")))
        atexit.register(_remove, _dir[0], os.getpid())
    return _dir[0]


def _remove(directory: Path, owner: int) -> None:
    if os.getpid() == owner:  # atexit handlers are inherited by forked children
        shutil.rmtree(directory, ignore_errors=True)


def _drop(template: Template) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{template.path}{suffix}").unlink(missing_ok=True)
