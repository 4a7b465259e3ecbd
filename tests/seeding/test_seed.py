"""Seed determinism: the same world and seed give the same API answers, byte for byte."""

import hashlib

from sandbox import create_app
from tests.conftest import ADMIN_KEY, seed_file


def answers_digest(path) -> str:
    client = create_app({"DATABASE": str(path), "ADMIN_KEY": ADMIN_KEY}).test_client()
    digest = hashlib.sha256()
    headers = {"X-Sandbox-Key": ADMIN_KEY}
    listing = client.get("/sandbox/v1/contracts", headers=headers)
    digest.update(listing.data)
    for contract in listing.get_json()["contracts"]:
        digest.update(client.get(f"/sandbox/v1/contracts/{contract['contractId']}", headers=headers).data)
    return digest.hexdigest()


def statements_digest(path) -> str:
    import sqlite3

    conn = sqlite3.connect(path)
    rows = conn.execute(
        "SELECT account_id, amount, balance_after, posted_at, description, counterparty_kana, edi FROM postings ORDER BY id"
    ).fetchall()
    conn.close()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_same_seed_same_world(tmp_path):
    for name in ("a", "b"):
        seed_file(tmp_path / name / "s.db", seed=7)
    seed_file(tmp_path / "c" / "s.db", seed=8)
    a, b, c = (tmp_path / n / "s.db" for n in "abc")
    assert answers_digest(a) == answers_digest(b)
    assert statements_digest(a) == statements_digest(b)
    assert answers_digest(a) != answers_digest(c)
    assert statements_digest(a) != statements_digest(c)


def test_demo_world_shape(template_db):
    import sqlite3

    conn = sqlite3.connect(template_db)
    days = conn.execute(
        "SELECT MIN(value_date), MAX(value_date) FROM postings WHERE description != 'ｸﾘｺｼ'"
        " AND journal_id IN (SELECT id FROM journals WHERE kind NOT LIKE 'transfer%')"  # demo transfers: the start's morning
    ).fetchone()
    assert days[0] >= "2026-01-01" and days[1] <= "2026-03-31"
    lines = conn.execute(
        "SELECT COUNT(*) FROM postings p JOIN accounts a ON a.id = p.account_id WHERE a.kind = 'deposit'"
    ).fetchone()[0]
    assert lines > 300
    conn.close()


def test_the_same_seed_gives_the_same_world_whatever_the_start(tmp_path) -> None:
    """Names, accounts, users, clients, balances and the demo requests' statuses and amounts do not depend on
    --start (issue 15): only their times shift. Starts: the tests' and the README's (10:00 on a business day),
    a holiday's early morning (Golden Week), after the cut-off, and New Year's Day at midnight."""
    from datetime import datetime

    from sandbox.clock import JST
    from sandbox.store import connect
    from tests.conftest import seed_file

    def world(start: datetime) -> list[tuple]:
        path = tmp_path / f"{start:%m%d}.db"
        seed_file(path, start=start)
        db = connect(path)
        rows = [
            *db.conn.execute("SELECT id, name FROM contracts ORDER BY id"),
            *db.conn.execute("SELECT id, contract_id FROM accounts ORDER BY id"),
            *db.conn.execute("SELECT client_id, contract_id FROM oauth_clients ORDER BY client_id"),
            *db.conn.execute("SELECT id, balance FROM accounts WHERE kind = 'deposit' ORDER BY id"),
            *db.conn.execute(
                "SELECT contract_id, status, total_amount FROM transfer_requests ORDER BY apply_no"
            ),
        ]
        negative = "SELECT COUNT(*) FROM postings p JOIN accounts a ON a.id = p.account_id"
        assert (
            db.conn.execute(f"{negative} WHERE a.kind = 'deposit' AND p.balance_after < 0").fetchone()[0] == 0
        )
        db.conn.close()
        return [tuple(r) for r in rows]

    first = world(datetime(2026, 4, 1, 10, 0, tzinfo=JST))
    assert len(first) > 30
    for start in ((2026, 11, 27, 10, 0), (2026, 5, 3, 8, 0), (2026, 6, 2, 16, 30), (2027, 1, 1, 0, 0)):
        assert world(datetime(*start, tzinfo=JST)) == first, start
