"""Reset from a template: the copy is the world a regeneration gives, row for row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sandbox import create_app
from sandbox.seeding import templates
from sandbox.seeding import worlds as seeding
from sandbox.store import connect, tables
from tests.conftest import ADMIN_KEY, START

# Salted hashes differ between any two generations (werkzeug draws a new salt each time), and the
# event queue notes the wall-clock time an event was queued: left out of the comparison.
SALTED = {"password_hash", "secret_hash"}
WALL_CLOCK = {("events", "created_at")}


def _world(path: Path, **reset: Any) -> dict[str, list[tuple]]:
    """Every table of a database after ``seeding.reset(**reset)``, salted columns left out."""
    app = create_app({"DATABASE": str(path), "ADMIN_KEY": ADMIN_KEY})
    db = connect(path)
    with app.app_context():
        built = seeding.reset(db, "demo", 21, START, frozen=True, **reset)
    rows = {}
    for name in tables(db):
        columns = [
            c[1]
            for c in db.conn.execute(f'PRAGMA table_info("{name}")')
            if c[1] not in SALTED and (name, c[1]) not in WALL_CLOCK
        ]
        listed = ", ".join(f'"{c}"' for c in columns)
        # sorted here, not by rowid: some tables (bulk_items) are WITHOUT ROWID; every id column is compared
        rows[name] = sorted((tuple(r) for r in db.conn.execute(f'SELECT {listed} FROM "{name}"')), key=repr)
    rows["answer"] = [(c["id"],) for c in built.contracts] + [(repr(built.credentials),)]
    db.conn.close()
    return rows


def test_reset_from_template_equals_regenerated_world(tmp_path: Path) -> None:
    templates.clear()
    regenerated = _world(tmp_path / "a.db", use_template=False)
    _world(tmp_path / "b.db")  # builds the template
    copied = _world(tmp_path / "c.db")  # copies it
    assert copied.keys() == regenerated.keys()
    assert [n for n in regenerated if copied[n] != regenerated[n]] == []
    assert sum(len(r) for r in copied.values()) > 1000


def test_reset_from_template_wipes_what_was_added(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.db"
    before = _world(path)
    app = create_app({"DATABASE": str(path), "ADMIN_KEY": ADMIN_KEY})
    db = connect(path)
    with app.app_context():
        seeding.add_contracts(db, ["Z0001"], start=START, frozen=True)
    db.conn.close()
    assert _world(path) == before


def test_a_forked_child_builds_its_own_templates_and_leaves_the_parents(tmp_path: Path) -> None:
    import os

    _world(tmp_path / "parent.db")
    _world(tmp_path / "parent.db")  # the second reset to a world builds its template
    parent_dir, parent_pid = templates._directory(), os.getpid()
    parent_files = sorted(p.name for p in parent_dir.iterdir())
    pid = os.fork()
    if pid == 0:  # the child: builds its own, and the exit handler it inherited spares the parent's
        try:
            _world(tmp_path / "child.db")
            _world(tmp_path / "child.db")
            templates._remove(parent_dir, parent_pid)
            own = templates._directory()
            templates._remove(own, os.getpid())  # os._exit skips the child's own exit handler
            os._exit(0 if own != parent_dir else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert sorted(p.name for p in parent_dir.iterdir()) == parent_files


def test_only_a_second_reset_to_a_world_builds_its_template(tmp_path: Path, monkeypatch) -> None:
    """A one-off reset (the CLI, ``make bench``'s seed) generates straight into the store: no template
    to build and copy. From the second reset to the same world on, resets copy the template."""
    monkeypatch.setattr(templates, "_cache", type(templates._cache)())
    monkeypatch.setattr(templates, "_asked", set())
    first = _world(tmp_path / "a.db")
    assert not templates._cache
    second = _world(tmp_path / "b.db")
    assert len(templates._cache) == 1 and first == second
