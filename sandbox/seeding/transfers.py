"""Seed hook (listed in sandbox/seeding/worlds.py, HOOKS): every contract's first monthly-fee event, and a few transfer requests in each status.

The requests are made with the domain functions at past instants of the contract clock (the day
before the start and the start's morning), so their transitions, journals and events are the real
thing. Everything random comes from a generator seeded by the world's seed and the contract id (as
the OAuth demo clients do), so other subsystems' hooks never change these requests nor they theirs. The
statuses are: 5, 3, 4, 8 (the previous business day), then 20, 22, 40, 11 and 2 (the start's morning: 45
minutes before a start between 09:45 and 15:00 of a business day, else 14:00 of the last business day before
it, :mod:`sandbox.seeding.days`), so they and the balances they leave are the same whatever the start.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from sandbox import calendar, clock, events
from sandbox.bank import accounts, beneficiaries, contracts, fees, kana, users
from sandbox.bank.transfers import lifecycle as transfers
from sandbox.bank.transfers.lifecycle import Actor, Draft, Item
from sandbox.seeding.days import morning as demo_morning
from sandbox.seeding.model import World
from sandbox.store import Database, row

OTHER_BANKS = ("0001", "0005", "0010", "0017", "0033", "0036", "0038", "0150")
FALLBACK_NAME = "ｶ)ﾃﾞﾓｼﾖｳｼﾞ"


def seed_transfers(world: World) -> None:
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


def _other_bank(world: World, rng: random.Random) -> beneficiaries.Beneficiary:
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


class _Demo:
    """One contract's demo requests, made by its clerk and decided by its approver at given instants."""

    def __init__(self, world: World, contract: dict[str, Any], clerk: Actor, approver: Actor) -> None:
        self.world, self.db, self.contract = world, world.db, contract
        self.clerk, self.approver = clerk, approver
        self.rng = random.Random(f"transfers/{world.seed}/{contract['id']}")
        self.owned = accounts.for_contracts(self.db, [contract["id"]])

    def new(self, when: datetime, day: date | None, *bens: Any, amount: int = 0, source: Any = None) -> dict:
        bens = bens or (_other_bank(self.world, self.rng),)
        draft = _draft(self.rng, day, *bens, amount=amount)
        return transfers.create_at(self.db, self.contract, source or self.owned[0], draft, self.clerk, when)

    def approve(
        self, req: dict[str, Any], when: datetime, decision: str = "approve", comment: str | None = None
    ) -> None:
        transfers.decide_at(self.db, self.contract, req, decision, self.approver, comment, when)

    def previous_day(self, prev: date, next1: date, next2: date) -> None:
        """Expired (its cut-off runs through the event queue), returned, withdrawn, reserved then cancelled."""
        self.new(_at(prev, 9, 30), prev)
        self.approve(self.new(_at(prev, 10), next1), _at(prev, 16), "return", "ｷﾝｶﾞｸｦｶｸﾆﾝｼﾃｸﾀﾞｻｲ")
        transfers.cancel_at(self.db, self.new(_at(prev, 10, 30), next1), self.clerk, _at(prev, 11))
        cancelled = self.new(_at(prev, 13), next2)
        self.approve(cancelled, _at(prev, 14))
        transfers.cancel_at(self.db, cancelled, self.clerk, _at(prev, 15, 30))

    def morning(self, first: datetime, next1: date, other: dict[str, Any] | None) -> None:
        """Executed (one item to a sandbox account), funds returned, failed, reserved and pending."""
        step = [first + timedelta(minutes=n) for n in range(21)]
        internal = _sandbox_account(self.db, other["accounts"][0]["id"]) if other else None
        banks = [internal or _other_bank(self.world, self.rng), _other_bank(self.world, self.rng)]
        self.approve(self.new(step[0], None, *banks), step[1])
        bounced = self.new(step[2], None)
        self.approve(bounced, step[3])
        if bounced["status"] == "20":
            transfers.return_funds_at(self.db, bounced, step[20], "account closed at the receiving bank")
        smallest = min(self.owned, key=lambda a: a["balance"])
        too_much = min(smallest["balance"] + 1_000_000, accounts.MAX_AMOUNT)
        self.approve(self.new(step[4], None, amount=too_much, source=smallest), step[5])
        self.approve(self.new(step[6], next1), step[7])
        self.new(step[8], next1, _other_bank(self.world, self.rng), _other_bank(self.world, self.rng))


def _at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), clock.JST)


def _demo_requests(world: World, contract: dict[str, Any], other: dict[str, Any] | None) -> None:
    actors = _actors(world.db, contract["id"])
    if actors is None:
        return
    demo = _Demo(world, contract, *actors)
    first = demo_morning(world.start)  # the start's morning, or the last business day's before it
    next1 = calendar.next_business_day(world.start.date())
    demo.previous_day(calendar.previous_business_day(first.date()), next1, calendar.next_business_day(next1))
    events.run_due(world.db, contract, world.start)
    demo.morning(first, next1, other)
