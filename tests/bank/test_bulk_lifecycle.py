"""Bulk requests in the domain: stored with every item, approved ahead of the date, cancelled by class,
executed at the designated date's opening as ONE balanced journal, or 手続不成立 with nothing moved."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

import pytest

from sandbox import events
from sandbox.bank import accounts, beneficiaries, contracts, ledger
from sandbox.bank.bulk import execution, records
from sandbox.bank.bulk import lifecycle as bulk
from sandbox.bank.bulk.errors import BulkTransferNotCancellable, BulkTransferTooLate
from sandbox.bank.bulk.input import BulkDraft
from sandbox.bank.transfers.errors import (
    SelfApprovalForbidden,
    TransferDateHoliday,
    TransferNotAwaitingApproval,
)
from sandbox.bank.transfers.records import Actor, Item
from sandbox.clock import JST
from sandbox.errors import BankError
from sandbox.store import connect, rows
from tests.conftest import START

FRIDAY = date(
    2026, 4, 3
)  # START is Wednesday 2026-04-01: a 総合振込 for Friday may be approved until Thursday


@pytest.fixture
def db(app, db_path):
    handle = connect(db_path)
    yield handle
    handle.conn.close()


def people(db, contract_id: str) -> tuple[Actor, Actor]:
    found = {
        u["login_id"].split("-")[1]: u
        for u in rows(db, "SELECT * FROM users WHERE contract_id = ?", (contract_id,))
    }
    return tuple(
        Actor("user", found[n]["id"], found[n]["login_id"], "test-client") for n in ("clerk", "approver")
    )


def beneficiary(db, acct: dict | None = None) -> beneficiaries.Beneficiary:
    fields = (
        {
            "beneficiaryBankCode": "0009",
            "beneficiaryBranchCode": acct["branch_code"],
            "accountTypeCode": acct["account_type"],
            "accountNumber": acct["account_number"],
            "beneficiaryName": acct["holder_kana"][:30],
        }
        if acct
        else {
            "beneficiaryBankCode": "0005",
            "beneficiaryBranchCode": "001",
            "accountTypeCode": "1",
            "accountNumber": "7654321",
            "beneficiaryName": "ｶ)ﾄﾘﾋｷｻｷ",
        }
    )
    ben, problems = beneficiaries.check(db, fields)
    assert not problems, problems
    return ben


def draft(items: list[Item], day: date = FRIDAY, kind: str = "21", identification: bool = True) -> BulkDraft:
    return BulkDraft("4月支払", "1234567890", day, kind, identification, items, False)


def setup(db):
    clerk, approver = people(db, "C0003")
    contract = contracts.get(db, "C0003")
    source = accounts.for_contracts(db, ["C0003"])[1]
    payee = accounts.for_contracts(db, ["C0001"])[0]
    return clerk, approver, contract, source, payee


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=JST)


def test_request_approve_and_one_journal_at_the_opening(db):
    clerk, approver, contract, source, payee = setup(db)
    ours, theirs = beneficiary(db, payee), beneficiary(db)
    items = [Item(1, 1_000, "INV1", ours), Item(2, 2_000, "INV2", theirs), Item(3, 3_000, None, ours)]
    req = bulk.create_at(db, contract, source, draft(items), clerk, START)
    assert req["status"] == "2" and len(records.items(db, req["id"])) == 3
    bulk.decide_at(db, contract, req, "approve", approver, None, START + timedelta(minutes=1))
    events.move_clock(db, "C0003", at("2026-04-03T08:59"))
    assert records.load(db, req["id"])["status"] == "11"  # not before the opening
    events.move_clock(db, "C0003", at("2026-04-03T09:00"))
    done = records.load(db, req["id"])
    assert done["status"] == "20" and done["executed_at"].startswith("2026-04-03T09:00")
    lines = rows(db, "SELECT * FROM postings WHERE journal_id = ? ORDER BY id", (done["journal_id"],))
    remitter = [
        p
        for p in lines
        if p["account_id"] == source["id"] and p["amount"] < 0 and p["description"] == "ｿｳｺﾞｳﾌﾘｺﾐ"
    ]
    assert [p["amount"] for p in remitter] == [-6_000]  # one debit line for the total
    credits = [
        (p["amount"], p["counterparty_kana"], p["edi"]) for p in lines if p["account_id"] == payee["id"]
    ]
    assert credits == [(1_000, source["holder_kana"], "INV1"), (3_000, source["holder_kana"], None)]
    assert [p["amount"] for p in lines if p["account_id"] == ledger.CLEARING] == [2_000]
    assert sum(p["amount"] for p in lines) == 0 and ledger.check(db) == []
    fee = sum(-p["amount"] for p in lines if p["description"] == "ｿｳｺﾞｳﾌﾘｺﾐﾃｽｳﾘﾖｳ" and p["amount"] < 0)
    assert fee == done["total_fee"] > 0


def test_without_identification_the_payee_sees_no_edi(db):
    clerk, approver, contract, source, payee = setup(db)
    req = bulk.create_at(
        db,
        contract,
        source,
        draft([Item(1, 500, "SECRET", beneficiary(db, payee))], identification=False),
        clerk,
        START,
    )
    bulk.decide_at(db, contract, req, "approve", approver, None, START)
    events.move_clock(db, "C0003", at("2026-04-03T09:00"))
    journal = records.load(db, req["id"])["journal_id"]
    assert rows(
        db, "SELECT edi FROM postings WHERE journal_id = ? AND account_id = ?", (journal, payee["id"])
    ) == [{"edi": None}]


def test_insufficient_funds_is_40_with_nothing_moved(db):
    clerk, approver, contract, source, _payee = setup(db)
    big = ledger.balance(db, source["id"]) + 1
    req = bulk.create_at(db, contract, source, draft([Item(1, big, None, beneficiary(db))]), clerk, START)
    bulk.decide_at(db, contract, req, "approve", approver, None, START)
    events.move_clock(db, "C0003", at("2026-04-03T10:00"))
    found = records.load(db, req["id"])
    assert (
        found["status"] == "40" and "insufficient" in found["failure_reason"] and found["journal_id"] is None
    )
    assert rows(db, "SELECT id FROM journals WHERE ref = ?", (req["apply_no"],)) == []


def test_late_approval_self_approval_and_expiry(db):
    clerk, approver, contract, source, _payee = setup(db)
    req = bulk.create_at(db, contract, source, draft([Item(1, 100, None, beneficiary(db))]), clerk, START)
    with pytest.raises(SelfApprovalForbidden):
        bulk.decide_at(db, contract, req, "approve", clerk, None, START)
    with pytest.raises(BulkTransferTooLate):  # Friday's data must be approved by Thursday
        bulk.decide_at(db, contract, req, "approve", approver, None, at("2026-04-03T08:00"))
    events.move_clock(db, "C0003", at("2026-04-03T09:00"))
    assert records.load(db, req["id"])["status"] == "5"  # 期限切れ at the opening


def test_cancel_classes(db):
    clerk, approver, contract, source, _payee = setup(db)
    first = bulk.create_at(db, contract, source, draft([Item(1, 100, None, beneficiary(db))]), clerk, START)
    with pytest.raises(BulkTransferNotCancellable):
        bulk.cancel_at(db, first, "4", clerk, START)
    assert bulk.cancel_at(db, first, "3", clerk, START)["status"] == "4"
    second = bulk.create_at(db, contract, source, draft([Item(1, 100, None, beneficiary(db))]), clerk, START)
    bulk.decide_at(db, contract, second, "approve", approver, None, START)
    with pytest.raises(BulkTransferNotCancellable):
        bulk.cancel_at(db, second, "3", clerk, START)
    assert bulk.cancel_at(db, second, "4", clerk, START)["status"] == "8"
    with pytest.raises(TransferNotAwaitingApproval):
        bulk.decide_at(db, contract, second, "approve", approver, None, START)
    events.move_clock(db, "C0003", at("2026-04-03T10:00"))
    assert records.load(db, second["id"])["status"] == "8"  # the opening event was dropped


def test_designated_holiday_is_refused_and_nothing_is_written(db):
    clerk, _approver, contract, source, _payee = setup(db)
    with pytest.raises(TransferDateHoliday):
        bulk.create_at(
            db,
            contract,
            source,
            draft([Item(1, 100, None, beneficiary(db))], day=date(2026, 4, 4)),
            clerk,
            START,
        )
    assert db.conn.execute("SELECT COUNT(*) FROM bulk_requests").fetchone()[0] == 0


def test_9999_items_are_stored_and_executed_as_one_journal(db):
    clerk, approver, contract, source, payee = setup(db)
    ours, theirs = beneficiary(db, payee), beneficiary(db)
    items = [Item(n, 10, f"E{n}", ours if n % 2 else theirs) for n in range(1, 10_000)]
    req = bulk.create(db, ["C0003"], source["id"], draft(items), clerk)[0]
    bulk.decide(db, ["C0003"], source["id"], req["apply_no"], "approve", approver, None)
    events.move_clock(db, "C0003", at("2026-04-03T09:00"))
    done = records.load(db, req["id"])
    assert done["status"] == "20" and done["total_count"] == 9_999 and done["total_amount"] == 99_990
    count = db.conn.execute(
        "SELECT COUNT(*) FROM postings WHERE journal_id = ?", (done["journal_id"],)
    ).fetchone()[0]
    assert count == 1 + 5_000 + 1 + 2  # total debit, sandbox credits, clearing, fee pair
    assert execution.EVENT == "bulk.open" and ledger.check(db) == []


def test_a_concurrent_approval_and_cancel_resolve_once(db, db_path):
    clerk, approver, _contract, source, _payee = setup(db)
    req = bulk.create(db, ["C0003"], source["id"], draft([Item(1, 100, None, beneficiary(db))]), clerk)[0]
    outcomes: list[str] = []

    def act(call) -> None:
        handle = connect(db_path)
        try:
            outcomes.append(call(handle)[0]["status"])
        except BankError as exc:
            outcomes.append(exc.code)
        finally:
            handle.conn.close()

    calls = [
        lambda h: bulk.decide(h, ["C0003"], source["id"], req["apply_no"], "approve", approver, None),
        lambda h: bulk.cancel(h, ["C0003"], source["id"], req["apply_no"], "3", clerk),
    ]
    threads = [threading.Thread(target=act, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = records.load(db, req["id"])["status"]
    assert final in ("11", "4") and final in outcomes
    assert len([o for o in outcomes if o in ("11", "4")]) == 1  # the other met the new status
    assert set(outcomes) - {"11", "4"} <= {"bulk_transfer_not_cancellable", "transfer_not_awaiting_approval"}
