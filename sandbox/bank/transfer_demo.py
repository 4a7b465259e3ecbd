"""Seed hook: every contract's first monthly-fee event, and a few transfer requests in each status.

The requests are made with the domain functions at past instants of the contract clock (the day
before the start and the start's morning), so their transitions, journals and events are the real
thing. Everything random comes from a generator seeded by the world's seed and the contract id (as
the OAuth demo clients do), so other subsystems' hooks never change these requests nor they theirs. With a start on a business day after 09:00 the
statuses are: 5, 3, 4, 8 (the previous business day), then 20, 22, 40, 11 and 2 (the start's morning).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from sandbox import calendar, clock, events, seeding
from sandbox.bank import accounts, beneficiaries, contracts, fees, kana, transfers, users
from sandbox.bank.transfers import Actor, Draft, Item
from sandbox.store import Database, row

OTHER_BANKS = ("0001", "0005", "0010", "0017", "0033", "0036", "0038", "0150")
FALLBACK_NAME = "ｶ)ﾃﾞﾓｼﾖｳｼﾞ"


@seeding.hook
def seed_transfers(world: seeding.World) -> None:
    """Queue the monthly fees, then give each contract its demo transfer requests."""
    db = world.db
    for built in world.contracts:
        contract = contracts.get(db, built["id"])
        fees.schedule_monthly_fee(db, contract, world.start)
    for index, built in enumerate(world.contracts):
        others = [c for c in world.contracts if c["id"] != built["id"]]
        _demo_requests(world, contracts.get(db, built["id"]), others[index % len(others)] if others else None)


def _actors(db: Database, contract_id: str) -> tuple[Actor, Actor] | None:
    """A clerk who applies and an approver who approves, when the contract has both."""
    people = users.for_contract(db, contract_id)
    applicants = [u for u in people if "transfer" in u["privileges"]]
    applicants.sort(key=lambda u: "transfer-approval" in u["privileges"])
    if not applicants:
        return None
    applicant = applicants[0]
    approvers = [u for u in people if "transfer-approval" in u["privileges"] and u["id"] != applicant["id"]]
    if not approvers:
        return None
    return tuple(Actor("user", u["id"], u["login_id"]) for u in (applicant, approvers[0]))  # type: ignore[return-value]


def _other_bank(world: seeding.World, rng: random.Random) -> beneficiaries.Beneficiary:
    bank = beneficiaries.bank(rng.choice(OTHER_BANKS))
    branch = bank.branches[rng.choice(sorted(bank.branches))]
    name = rng.choice(world.extras.get("partners") or [("", FALLBACK_NAME)])[1][:30]
    if kana.invalid_characters(name):
        name = FALLBACK_NAME
    return beneficiaries.Beneficiary(
        bank_code=bank.code,
        bank_name=kana.to_zengin(bank.kana),
        branch_code=branch.code,
        branch_name=kana.to_zengin(branch.kana),
        account_type="1",
        account_number=f"{rng.randrange(1, 9_999_999):07d}",
        name=name,
        account_id=None,
    )


def _sandbox_account(db: Database, account_id: str) -> beneficiaries.Beneficiary:
    acct = row(db, "SELECT * FROM accounts WHERE id = ?", (account_id,))
    bank = beneficiaries.bank(acct["bank_code"])
    return beneficiaries.Beneficiary(
        bank_code=acct["bank_code"],
        bank_name=kana.to_zengin(bank.kana),
        branch_code=acct["branch_code"],
        branch_name=kana.to_zengin(bank.branches[acct["branch_code"]].kana),
        account_type=acct["account_type"],
        account_number=acct["account_number"],
        name=acct["holder_kana"][:30],
        account_id=acct["id"],
    )


def _draft(rng: random.Random, day: date | None, *bens: beneficiaries.Beneficiary, amount: int = 0) -> Draft:
    items = [
        Item(n, amount or rng.randrange(500, 150_000) * 10, None, ben) for n, ben in enumerate(bens, start=1)
    ]
    return Draft(day, "1", items)


def _demo_requests(world: seeding.World, contract: dict[str, Any], other: dict[str, Any] | None) -> None:
    db, start = world.db, world.start
    actors = _actors(db, contract["id"])
    if actors is None:
        return
    clerk, approver = actors
    rng = random.Random(f"transfers/{world.seed}/{contract['id']}")
    owned = accounts.for_contracts(db, [contract["id"]])
    main, smallest = owned[0], min(owned, key=lambda a: a["balance"])
    today = start.date()
    prev = calendar.previous_business_day(today)
    next1 = calendar.next_business_day(today)
    next2 = calendar.next_business_day(next1)

    def at(day: date, hh: int, mm: int = 0) -> datetime:
        return datetime.combine(day, time(hh, mm), clock.JST)

    def new(when: datetime, draft: Draft, source: dict[str, Any] = main) -> dict[str, Any]:
        return transfers.create_at(db, contract, source, draft, clerk, when)

    # The previous business day: expired, returned, withdrawn, reserved then cancelled.
    new(at(prev, 9, 30), _draft(rng, prev, _other_bank(world, rng)))  # expires at its cut-off (run below)
    returned = new(at(prev, 10), _draft(rng, next1, _other_bank(world, rng)))
    transfers.decide_at(db, contract, returned, "return", approver, "ｷﾝｶﾞｸｦｶｸﾆﾝｼﾃｸﾀﾞｻｲ", at(prev, 16))
    withdrawn = new(at(prev, 10, 30), _draft(rng, next1, _other_bank(world, rng)))
    transfers.cancel_at(db, withdrawn, clerk, at(prev, 11))
    cancelled = new(at(prev, 13), _draft(rng, next2, _other_bank(world, rng)))
    transfers.decide_at(db, contract, cancelled, "approve", approver, None, at(prev, 14))
    transfers.cancel_at(db, cancelled, clerk, at(prev, 15, 30))
    events.run_due(db, contract, start)
    # The start's morning: executed (one to a sandbox account), returned funds, failed, reserved, pending.
    morning = max(start - timedelta(minutes=45), datetime.combine(today, time(0), clock.JST))
    internal = _sandbox_account(db, other["accounts"][0]["id"]) if other else _other_bank(world, rng)
    done = new(morning, _draft(rng, None, internal, _other_bank(world, rng)))
    transfers.decide_at(db, contract, done, "approve", approver, None, morning + timedelta(minutes=1))
    bounced = new(morning + timedelta(minutes=2), _draft(rng, None, _other_bank(world, rng)))
    transfers.decide_at(db, contract, bounced, "approve", approver, None, morning + timedelta(minutes=3))
    if bounced["status"] == "20":
        transfers.return_funds_at(
            db, bounced, morning + timedelta(minutes=20), "account closed at the receiving bank"
        )
    too_much = min(smallest["balance"] + 1_000_000, accounts.MAX_AMOUNT)
    failed = new(
        morning + timedelta(minutes=4), _draft(rng, None, _other_bank(world, rng), amount=too_much), smallest
    )
    transfers.decide_at(db, contract, failed, "approve", approver, None, morning + timedelta(minutes=5))
    reserved = new(morning + timedelta(minutes=6), _draft(rng, next1, _other_bank(world, rng)))
    transfers.decide_at(db, contract, reserved, "approve", approver, None, morning + timedelta(minutes=7))
    new(morning + timedelta(minutes=8), _draft(rng, next1, _other_bank(world, rng), _other_bank(world, rng)))
