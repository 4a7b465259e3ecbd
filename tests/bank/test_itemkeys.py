"""Statement item keys: 20 digits shaped like the posting's time, unique and increasing per account; the
0009 migration gives existing postings the keys the ledger would have given them."""

from __future__ import annotations

import sqlite3

from sandbox import store
from sandbox.bank import itemkeys, statements

STAMPS = [
    ("A", "2026-04-01T09:00:00.000000+09:00"),
    ("A", "2026-04-01T09:00:00.000000+09:00"),
    ("A", "2026-04-01T09:00:00.000001+09:00"),
    ("B", "2026-04-01T09:00:00.000000+09:00"),
    ("A", "2026-04-01T08:00:00.999999+09:00"),
    ("A", "2026-04-01T23:59:59.999999+09:00"),
    ("A", "2026-04-01T23:59:59.999999+09:00"),
]


def python_keys() -> list[str]:
    last: dict[str, str] = {}
    keys = []
    for account, stamp in STAMPS:
        last[account] = itemkeys.following(stamp, last.get(account))
        keys.append(last[account])
    return keys


def test_keys_follow_time_and_break_ties_by_a_microsecond():
    assert python_keys() == [
        "20260401090000000000",
        "20260401090000000001",
        "20260401090000000002",
        "20260401090000000000",  # another account keeps its own sequence
        "20260401090000000003",  # stamped earlier, written later: after the account's last key
        "20260401235959999999",
        "20260402000000000000",  # a tie at the day's last microsecond rolls into the next day
    ]
    assert itemkeys.well_formed("20260401090000000000")
    assert not any(itemkeys.well_formed(v) for v in ("709", "2026040109000000000", "²" * 20, "2" * 21))


def test_the_migration_backfills_the_same_keys():
    sql = next(text for version, _name, text in store.migrations() if version == 9)
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE postings (id INTEGER PRIMARY KEY, account_id TEXT, posted_at TEXT)")
    conn.execute("CREATE INDEX postings_account_order ON postings(account_id, id)")
    conn.executemany("INSERT INTO postings (account_id, posted_at) VALUES (?, ?)", STAMPS)
    head = sql.split("DROP INDEX")[0]  # the postings part (later statements touch other tables)
    conn.executescript(head)
    assert [r[0] for r in conn.execute("SELECT item_key FROM postings ORDER BY id")] == python_keys()


def test_the_key_range_starts_at_date_from():
    bound = statements.lower_bound("", "2026-04-01")
    assert "20260331235959999999" < bound < "20260401000000000000"
    assert statements.lower_bound("20260402090000000000", "2026-04-01") == "20260402090000000000"
