"""The ledger invariant as a property: any sequence of deposits and movements keeps it."""

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sandbox.bank import accounts, ledger, statements
from sandbox.store import connect, transaction
from tests.conftest import START

movement = st.tuples(
    st.sampled_from(["deposit", "move", "fee", "unbalanced"]),
    st.integers(0, 6),
    st.integers(0, 6),
    st.integers(1, 5_000_000),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(movement, min_size=1, max_size=25))
def test_invariant_holds_over_random_movements(app, db_path, steps):
    db = connect(db_path)
    ids = [r[0] for r in db.conn.execute("SELECT id FROM accounts WHERE kind = 'deposit' ORDER BY id")]
    before = db.conn.execute("SELECT SUM(balance) FROM accounts").fetchone()[0]
    at = START
    for kind, a, b, amount in steps:
        at += timedelta(minutes=1)
        src, dst = ids[a % len(ids)], ids[b % len(ids)]
        try:
            with transaction(db):
                if kind == "deposit":
                    accounts.deposit(
                        db,
                        contract_id="C0001",
                        acct_id=dst,
                        amount=amount,
                        remitter_kana="ﾃｽﾄ",
                        edi=None,
                        at=at,
                    )
                elif kind == "move":
                    ledger.post(
                        db,
                        contract_id="C0001",
                        kind="transfer",
                        at=at,
                        legs=[ledger.Leg(src, -amount), ledger.Leg(dst, amount)],
                    )
                elif kind == "fee":
                    ledger.post(
                        db,
                        contract_id="C0001",
                        kind="fee",
                        at=at,
                        legs=[ledger.Leg(src, -amount), ledger.Leg(ledger.FEE_INCOME, amount)],
                    )
                else:  # an unbalanced journal must leave nothing behind
                    ledger.post(
                        db,
                        contract_id="C0001",
                        kind="bad",
                        at=at,
                        legs=[ledger.Leg(src, -amount), ledger.Leg(dst, amount + 1)],
                    )
        except ledger.Unbalanced:
            assert kind == "unbalanced"
        assert ledger.check(db) == []
    assert db.conn.execute("SELECT SUM(balance) FROM accounts").fetchone()[0] == before == 0
    db.conn.close()


def test_unbalanced_journal_writes_nothing(app, db_path):
    db = connect(db_path)
    journals = db.conn.execute("SELECT COUNT(*) FROM journals").fetchone()[0]
    with pytest.raises(ledger.Unbalanced), transaction(db):
        ledger.post(
            db,
            contract_id="C0001",
            kind="bad",
            at=START,
            legs=[ledger.Leg(ledger.CLEARING, -5), ledger.Leg(ledger.FEE_INCOME, 4)],
        )
    assert db.conn.execute("SELECT COUNT(*) FROM journals").fetchone()[0] == journals


def test_seeded_world_is_balanced_with_positive_customer_balances(app, db_path):
    db = connect(db_path)
    assert ledger.check(db) == []
    assert db.conn.execute("SELECT MIN(balance) FROM accounts WHERE kind = 'deposit'").fetchone()[0] > 0
    kinds = {r[0] for r in db.conn.execute("SELECT DISTINCT description FROM postings")}
    assert {"ﾌﾘｺﾐ", "ｷﾕｳﾖ", "ｺｳｻﾞﾌﾘｶｴ", "ﾃｽｳﾘﾖｳ"} <= kinds


def test_statement_lines_follow_postings(app, db_path, control):
    acct = control("GET", "/contracts/C0003", status=200)["accounts"][0]
    control(
        "POST",
        "/contracts/C0003/deposits",
        {"accountId": acct["accountId"], "amount": 12345, "remitterName": "ｶ)ﾄﾘﾋｷｻｷ", "edi": "INV001"},
        status=201,
    )
    db = connect(db_path)
    lines = statements.lines(db, acct["accountId"], "2026-04-01", "2026-04-01")
    assert lines[-1]["amount"] == 12345
    assert lines[-1]["counterparty_kana"] == "ｶ)ﾄﾘﾋｷｻｷ" and lines[-1]["edi"] == "INV001"
    assert lines[-1]["balance_after"] == int(acct["balance"]) + 12345
