"""The transfer domain without HTTP: dates on the business calendar, the state machine and its records,
fees, the monthly contract fee event, 資金返却, and the demo world's requests."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from sandbox import clock, events
from sandbox.bank import accounts, beneficiaries, contracts, fees, ledger
from sandbox.bank.transfers import lifecycle as transfers
from sandbox.bank.transfers.errors import (
    SelfApprovalForbidden,
    TransferAlreadyApproved,
    TransferDateHoliday,
    TransferDateInvalid,
    TransferNotAwaitingApproval,
    TransferNotCancellable,
)
from sandbox.bank.transfers.lifecycle import Actor, Draft, Item
from sandbox.clock import JST
from sandbox.store import connect, rows
from tests.conftest import START


@pytest.fixture
def db(app, db_path):
    handle = connect(db_path)
    yield handle
    handle.conn.close()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=JST)


def people(db, contract_id: str) -> tuple[Actor, Actor]:
    found = {
        u["login_id"].split("-")[1]: u
        for u in rows(db, "SELECT * FROM users WHERE contract_id = ?", (contract_id,))
    }
    return tuple(
        Actor("user", found[n]["id"], found[n]["login_id"], "test-client") for n in ("clerk", "approver")
    )


def other_bank() -> beneficiaries.Beneficiary:
    ben, problems = beneficiaries.check(
        None,
        {
            "beneficiaryBankCode": "0005",
            "beneficiaryBranchCode": "001",
            "accountTypeCode": "1",
            "accountNumber": "7654321",
            "beneficiaryName": "ｶ)ﾄﾘﾋｷｻｷ",
        },
    )
    assert not problems
    return ben


def draft(amount: int = 10_000, day: date | None = None) -> Draft:
    return Draft(day, "1", [Item(1, amount, "EDI1", other_bank())])


# -- dates ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("designated", "code", "now", "expected"),
    [
        (None, "1", "2026-04-01T10:00", date(2026, 4, 1)),  # today, before the cut-off
        (None, "1", "2026-04-01T15:00", date(2026, 4, 2)),  # after the cut-off: next business day
        (None, "1", "2026-04-04T10:00", date(2026, 4, 6)),  # Saturday: Monday
        (date(2026, 4, 4), "1", "2026-04-01T10:00", date(2026, 4, 6)),
        (date(2026, 4, 4), "2", "2026-04-01T10:00", date(2026, 4, 3)),
        (date(2026, 12, 31), "1", "2026-12-01T10:00", date(2027, 1, 4)),  # year-end closure
        (date(2026, 5, 2), "1", "2026-04-01T10:00", date(2026, 5, 7)),  # weekend + Golden Week
    ],
)
def test_execution_date(designated, code, now, expected):
    assert transfers.execution_date(designated, code, at(now), "15:00") == expected


@pytest.mark.parametrize(
    ("designated", "code", "now", "error"),
    [
        (date(2026, 3, 31), "1", "2026-04-01T10:00", TransferDateInvalid),  # past
        (date(2026, 4, 1), "1", "2026-04-01T15:00", TransferDateInvalid),  # today after the cut-off
        (date(2026, 4, 4), "2", "2026-04-03T16:00", TransferDateInvalid),  # previous business day is past
        (date(2027, 4, 2), "1", "2026-04-01T10:00", TransferDateInvalid),  # more than a year ahead
        (date(2026, 4, 29), "3", "2026-04-01T10:00", TransferDateHoliday),  # 昭和の日 with code 3
    ],
)
def test_execution_date_errors(designated, code, now, error):
    with pytest.raises(error):
        transfers.execution_date(designated, code, at(now), "15:00")


# -- fees -------------------------------------------------------------------------------------------


def test_fee_tiers_and_the_30000_yen_step():
    settings = contracts.settings({"settings": {}})
    assert fees.tier("0009", "101", own_bank="0009", own_branch="101") == "sameBranch"
    assert fees.tier("0009", "102", own_bank="0009", own_branch="101") == "sameBank"
    assert fees.tier("0005", "101", own_bank="0009", own_branch="101") == "otherBank"
    assert [fees.transfer_fee(settings, "otherBank", a) for a in (29_999, 30_000)] == [440, 660]
    custom = contracts.settings(
        {
            "settings": {
                "transferFees": {**settings["transferFees"], "sameBranch": {"under30000": 5, "from30000": 7}}
            }
        }
    )
    assert fees.transfer_fee(custom, "sameBranch", 30_000) == 7


def test_monthly_fee_dates():
    contract = {"settings": {}}
    assert fees.next_monthly_fee(contract, at("2026-04-01T10:00")) == at("2026-04-10T08:00")
    assert fees.next_monthly_fee(contract, at("2026-04-11T00:00")) == at(
        "2026-05-11T08:00"
    )  # 5/10 is a Sunday
    assert fees.next_monthly_fee({"settings": {"monthlyFeeDay": 31}}, at("2026-02-02T00:00")) == at(
        "2026-03-02T08:00"
    )


def monthly_fees(db, contract_id: str) -> list[tuple[str, str, int]]:
    """(when, from which account, how much) of each monthly fee charged since START."""
    found = rows(
        db,
        "SELECT p.posted_at, p.account_id, -p.amount AS amount FROM postings p JOIN journals j ON j.id = p.journal_id"
        " WHERE j.kind = 'fee' AND j.contract_id = ? AND p.amount < 0 AND p.posted_at >= ? ORDER BY p.id",
        (contract_id, clock.to_db(START)),
    )
    return [(r["posted_at"][:16], r["account_id"], r["amount"]) for r in found]


def test_monthly_fee_is_charged_when_the_clock_passes_it(db, control):
    fee_account = contracts.get(db, "C0002")["fee_account_id"]
    assert fee_account == accounts.for_contracts(db, ["C0001"])[0]["id"]  # the parent's account (§2(5))
    control("POST", "/contracts/C0002/clock/advance", {"to": "2026-04-10T07:59:00+09:00"}, status=200)
    assert monthly_fees(db, "C0002") == []
    control("POST", "/contracts/C0002/clock/advance", {"to": "2026-05-12T00:00:00+09:00"}, status=200)
    assert monthly_fees(db, "C0002") == [
        ("2026-04-10T08:00", fee_account, 2200),
        ("2026-05-11T08:00", fee_account, 2200),  # 5/10 is a Sunday
    ]
    nxt = control("GET", "/contracts/C0002/clock", status=200)["nextEvent"]
    assert nxt == {"at": "2026-06-10T08:00:00+09:00", "kind": "fee.monthly"}


def test_an_unpaid_monthly_fee_is_recorded_not_forced(db, control):
    control("PATCH", "/contracts/C0003/settings", {"monthlyFee": 9_999_999_999}, status=200)
    control("POST", "/contracts/C0003/clock/advance", {"to": "2026-04-10T09:00:00+09:00"}, status=200)
    assert monthly_fees(db, "C0003") == []
    note = rows(db, "SELECT summary FROM activity WHERE contract_id = 'C0003' AND kind = 'fee'")
    assert note[-1]["summary"].endswith("insufficient funds")


# -- the state machine -------------------------------------------------------------------------------


def account_of(db, contract_id: str, index: int = 0) -> dict:
    return accounts.for_contracts(db, [contract_id])[index]


def test_transitions_are_recorded_with_time_and_user(db):
    clerk, approver = people(db, "C0003")
    contract, acct = contracts.get(db, "C0003"), account_of(db, "C0003", 1)
    req = transfers.create_at(db, contract, acct, draft(day=date(2026, 4, 2)), clerk, START)
    transfers.decide_at(db, contract, req, "approve", approver, "OK", START + timedelta(minutes=5))
    events.move_clock(db, "C0003", at("2026-04-02T09:30"))
    history = transfers.transitions_of(db, req["id"])
    assert [(h["from_status"], h["to_status"], h["actor"], h["login_id"], h["at"][:16]) for h in history] == [
        (None, "2", "user", "c0003-clerk", "2026-04-01T10:00"),
        ("2", "11", "user", "c0003-approver", "2026-04-01T10:05"),
        ("11", "12", "clock", None, "2026-04-02T09:00"),
        ("12", "20", "clock", None, "2026-04-02T09:00"),
    ]
    assert history[0]["client_id"] == "test-client"
    timeline = rows(
        db,
        "SELECT summary FROM activity WHERE kind = 'transfer' AND summary LIKE ?",
        (f"%{req['apply_no']}%",),
    )
    assert len(timeline) == 4 and "予約中 → 手続中" in timeline[2]["summary"]


def test_decisions_on_the_wrong_status(db):
    clerk, approver = people(db, "C0003")
    contract, acct = contracts.get(db, "C0003"), account_of(db, "C0003")
    req = transfers.create_at(db, contract, acct, draft(), clerk, START)
    with pytest.raises(SelfApprovalForbidden):
        transfers.decide_at(db, contract, req, "approve", clerk, None, START)
    transfers.decide_at(db, contract, req, "approve", approver, None, START)
    assert req["status"] == "20"
    with pytest.raises(TransferAlreadyApproved):
        transfers.decide_at(db, contract, req, "approve", approver, None, START)
    with pytest.raises(TransferNotCancellable):
        transfers.cancel_at(db, req, clerk, START)
    returned = transfers.create_at(db, contract, acct, draft(), clerk, START)
    transfers.decide_at(db, contract, returned, "return", approver, "NG", START)
    with pytest.raises(TransferNotAwaitingApproval):
        transfers.decide_at(db, contract, returned, "approve", approver, None, START)


def test_insufficient_funds_at_a_reserved_execution(db):
    clerk, approver = people(db, "C0003")
    contract, acct = contracts.get(db, "C0003"), account_of(db, "C0003", 1)
    req = transfers.create_at(db, contract, acct, draft(acct["balance"], date(2026, 4, 3)), clerk, START)
    transfers.decide_at(db, contract, req, "approve", approver, None, START)
    # meanwhile the money leaves in a same-day transfer
    spend = transfers.create_at(db, contract, acct, draft(1_000), clerk, START)
    transfers.decide_at(db, contract, spend, "approve", approver, None, START)
    balance = ledger.balance(db, acct["id"])
    events.move_clock(db, "C0003", at("2026-04-03T10:00"))
    found = transfers.load(db, req["id"])
    assert (
        found["status"] == "40" and found["journal_id"] is None and "insufficient" in found["failure_reason"]
    )
    assert ledger.balance(db, acct["id"]) == balance


def test_a_suspended_contract_does_not_execute(db):
    clerk, approver = people(db, "C0003")
    contract, acct = contracts.get(db, "C0003"), account_of(db, "C0003")
    req = transfers.create_at(db, contract, acct, draft(day=date(2026, 4, 2)), clerk, START)
    transfers.decide_at(db, contract, req, "approve", approver, None, START)
    db.conn.execute("UPDATE contracts SET status = 'suspended' WHERE id = 'C0003'")
    events.move_clock(db, "C0003", at("2026-04-02T10:00"))
    assert transfers.load(db, req["id"])["failure_reason"] == "contract C0003 is suspended"


def test_funds_returned_come_back_without_the_fee(db):
    clerk, approver = people(db, "C0003")
    contract, acct = contracts.get(db, "C0003"), account_of(db, "C0003", 1)
    before = ledger.balance(db, acct["id"])
    req = transfers.create_at(db, contract, acct, draft(50_000), clerk, START)
    transfers.decide_at(db, contract, req, "approve", approver, None, START)
    assert ledger.balance(db, acct["id"]) == before - 50_000
    transfers.return_funds(db, "C0003", req["apply_no"], "no such account")
    found = transfers.load(db, req["id"])
    assert found["status"] == "22" and found["return_journal_id"]
    assert ledger.balance(db, acct["id"]) == before
    assert transfers.transitions_of(db, req["id"])[-1]["actor"] == "bank"
    with pytest.raises(TransferNotCancellable):
        transfers.return_funds(db, "C0003", req["apply_no"])


def test_expiry_days_setting_moves_the_deadline(db, control):
    control("PATCH", "/contracts/C0003/settings", {"requestExpiryDays": 2}, status=200)
    clerk, _ = people(db, "C0003")
    contract, acct = contracts.get(db, "C0003"), account_of(db, "C0003")
    req = transfers.create_at(db, contract, acct, draft(day=date(2026, 4, 2)), clerk, START)
    assert req["expires_at"].startswith("2026-04-06T15:00")  # 2 business days after Thu 4/2: Mon 4/6


def test_the_demo_world_has_requests_in_each_status(db):
    found = {
        r["status"] for r in rows(db, "SELECT status FROM transfer_requests WHERE contract_id = 'C0001'")
    }
    assert found == {"2", "3", "4", "5", "8", "11", "20", "22", "40"}
    pending = rows(
        db, "SELECT kind FROM events WHERE contract_id = 'C0001' AND status = 'pending' ORDER BY due_at"
    )
    assert [p["kind"] for p in pending] == ["transfer.execute", "transfer.expire", "fee.monthly"]
