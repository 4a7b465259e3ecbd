"""Issue 13 item 16: every seeded user's password hash has its own salt, reproducible from the seed."""

from __future__ import annotations

import sqlite3

from sandbox.bank import users
from tests.conftest import seed_file


def hashes(path) -> dict[str, str]:
    conn = sqlite3.connect(path)
    found = dict(conn.execute("SELECT login_id, password_hash FROM users ORDER BY login_id").fetchall())
    conn.close()
    return found


def test_each_seeded_user_has_its_own_salt_and_the_password_still_checks(template_db):
    found = hashes(template_db)
    salts = [hashed.split("$")[1] for hashed in found.values()]
    assert len(found) >= 15 and len(set(salts)) == len(salts)
    assert all(users.check_password({"password_hash": h}, "Passw0rd!") for h in found.values())
    assert not any(users.check_password({"password_hash": h}, "Passw0rd?") for h in found.values())


def test_the_salts_follow_the_seed(tmp_path, template_db):
    seed_file(tmp_path / "again.db")  # the template's world and seed (21)
    assert hashes(tmp_path / "again.db") == hashes(template_db)
