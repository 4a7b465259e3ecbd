"""Reserved transfers due at the same instant run as one batch (``bank/transfer_batch.py``): the database
after a clock move is row for row what running the events one by one leaves, including the failures."""

from __future__ import annotations

import shutil
from datetime import date, datetime

import pytest

from sandbox import events, timetable
from sandbox.bank import accounts, beneficiaries, contracts, ledger
from sandbox.bank.transfers import lifecycle as transfers
from sandbox.bank.transfers.lifecycle import Actor, Draft, Item
from sandbox.clock import JST
from sandbox.store import connect, rows, transaction
from tests.conftest import START

DAY = date(2026, 4, 3)  # a Friday: every reservation below executes at 09:00 that day
TABLES = (
    "transfer_requests",
    "transfer_transitions",
    "activity",
    "journals",
    "postings",
    "accounts",
    "events",
)


def people(db, contract_id: str) -> tuple[Actor, Actor]:
    found = {
        u["login_id"].split("-")[1]: u
        for u in rows(db, "SELECT * FROM users WHERE contract_id = ?", (contract_id,))
    }
    return tuple(
        Actor("user", found[n]["id"], found[n]["login_id"], "test-client") for n in ("clerk", "approver")
    )


def beneficiary(db, account: dict | None = None) -> beneficiaries.Beneficiary:
    """Another bank's account (money leaves through clearing), or a sandbox account (credited)."""
    fields = {
        "beneficiaryBankCode": "0005",
        "beneficiaryBranchCode": "001",
        "accountTypeCode": "1",
        "accountNumber": "7654321",
        "beneficiaryName": "ｶ)ﾄﾘﾋｷｻｷ",
    }
    if account is not None:
        fields.update(
            beneficiaryBankCode=account["bank_code"],
            beneficiaryBranchCode=account["branch_code"],
            accountTypeCode=account["account_type"],
            accountNumber=account["account_number"],
            beneficiaryName=account["holder_kana"],
        )
    found, problems = beneficiaries.check(db, fields)
    assert not problems, problems
    return found


def reserve(db, contract_id: str, index: int, items: list[tuple[int, beneficiaries.Beneficiary]]) -> dict:
    clerk, approver = people(db, contract_id)
    contract, account = contracts.get(db, contract_id), accounts.for_contracts(db, [contract_id])[index]
    draft = Draft(DAY, "1", [Item(n + 1, amount, f"EDI{n}", ben) for n, (amount, ben) in enumerate(items)])
    req = transfers.create_at(db, contract, account, draft, clerk, START)
    transfers.decide_at(db, contract, req, "approve", approver, None, START)
    assert req["status"] == "11"
    return req


def world(db) -> list[int]:
    """C0003: transfers that drain an account, fail while it is short, and succeed again for small amounts;
    an internal transfer credits an account that pays later in the same batch; a multi-item request; a
    cancelled reservation. C0001 (a parent) is suspended: every reservation of it fails."""
    c3 = accounts.for_contracts(db, ["C0003"])
    outside, inside, back = beneficiary(db), beneficiary(db, c3[1]), beneficiary(db, c3[0])
    first = c3[0]["balance"]
    before = db.conn.execute("SELECT MAX(id) FROM transfer_requests").fetchone()[0]
    with transaction(db):
        reserve(db, "C0003", 0, [(first // 2, outside)])
        reserve(db, "C0003", 0, [(first // 2, inside)])  # leaves too little for its fee: 手続不成立
        reserve(db, "C0003", 0, [(first // 3, outside)])
        reserve(db, "C0003", 1, [(first // 4, outside), (25_000, back), (31_000, outside)])
        cancelled = reserve(db, "C0003", 0, [(1_000, outside)])
        transfers.cancel_at(db, cancelled, people(db, "C0003")[0], START)
        reserve(db, "C0003", 0, [(1_000, outside)])
        for _ in range(3):
            reserve(db, "C0001", 0, [(2_000, outside)])
        db.conn.execute("UPDATE contracts SET status = 'suspended' WHERE id = 'C0001'")
    return [
        r[0] for r in db.conn.execute("SELECT id FROM transfer_requests WHERE id > ? ORDER BY id", (before,))
    ]


def dump(path) -> dict[str, list[tuple]]:
    db = connect(path)
    found = {
        name: [tuple(r) for r in db.conn.execute(f"SELECT * FROM {name} ORDER BY rowid")] for name in TABLES
    }
    db.conn.close()
    return found


def test_a_batch_leaves_what_one_by_one_leaves(app, db_path, tmp_path, monkeypatch):
    db = connect(db_path)
    made = world(db)
    db.conn.close()
    single = tmp_path / "single.db"
    shutil.copyfile(db_path, single)
    until = datetime(2026, 4, 3, 10, 0, tzinfo=JST)
    for path, batched in ((db_path, True), (single, False)):
        if not batched:
            monkeypatch.delitem(timetable.BATCH_HANDLERS, transfers.EXECUTE_EVENT)
        db = connect(path)
        for contract_id in ("C0003", "C0001"):
            events.move_clock(db, contract_id, until)
        assert not ledger.check(db)
        db.conn.close()
    batched, alone = dump(db_path), dump(single)
    for name in TABLES:
        assert batched[name] == alone[name], name
    db = connect(db_path)
    statuses = [transfers.load(db, i)["status"] for i in made]
    db.conn.close()
    assert statuses == ["20", "40", "20", "20", "8", "20", "40", "40", "40"]


def test_a_failing_batch_falls_back_to_one_by_one(app, db_path, monkeypatch):
    """A batch handler that raises changes nothing; each event then runs (and is recorded) alone."""
    db = connect(db_path)
    world(db)

    def broken(*_args):
        raise RuntimeError("boom")

    monkeypatch.setitem(timetable.BATCH_HANDLERS, transfers.EXECUTE_EVENT, broken)
    events.move_clock(db, "C0003", datetime(2026, 4, 3, 10, 0, tzinfo=JST))
    done = rows(
        db,
        "SELECT status, result FROM events WHERE kind = ? AND contract_id = 'C0003'",
        (transfers.EXECUTE_EVENT,),
    )
    assert {d["status"] for d in done} <= {"done", "cancelled"} and any(d["status"] == "done" for d in done)
    assert not ledger.check(db)
    db.conn.close()


def test_the_book_needs_a_write_transaction(db_path):
    db = connect(db_path)
    with pytest.raises(RuntimeError):
        ledger.Book(db, {ledger.CLEARING})
    db.conn.close()
