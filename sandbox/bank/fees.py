"""Fees (§2(5)): transfer fees by tier, and the monthly contract fee charged by a clock event.

Both are debited from the contract's EB fee account (EB手数料決済口座), which for a child contract is
its parent's. The amounts are sandbox defaults (contract settings ``transferFees``, ``monthlyFee``),
not any bank's real fees.
"""

from __future__ import annotations

import calendar as monthcal
from datetime import date, datetime, time, timedelta
from typing import Any

from sandbox import calendar, clock, events
from sandbox.bank import contracts, ledger
from sandbox.store import Database

TIERS = ("sameBranch", "sameBank", "otherBank")
THRESHOLD = 30_000  # yen: the fee table has an "under 30,000" and a "from 30,000" column
MONTHLY_FEE_TIME = time(8, 0)  # the fee is drawn before the bank opens on its day
MONTHLY_FEE_EVENT = "fee.monthly"


def tier(bank_code: str, branch_code: str, *, own_bank: str, own_branch: str) -> str:
    """Which column of the fee table a beneficiary falls in, seen from the debited account."""
    if bank_code != own_bank:
        return "otherBank"
    return "sameBranch" if branch_code == own_branch else "sameBank"


def transfer_fee(settings: dict[str, Any], fee_tier: str, amount: int) -> int:
    """The fee for one transfer item under the contract's ``transferFees`` table."""
    band = "under30000" if amount < THRESHOLD else "from30000"
    return int(settings["transferFees"][fee_tier][band])


def fee_account(contract: dict[str, Any], fallback: str) -> str:
    """The EB fee account (§2(5)); the debited account when the contract has none on record."""
    return contract.get("fee_account_id") or fallback


# -- the monthly contract fee ----------------------------------------------------------------------


def monthly_fee_at(year: int, month: int, day: int) -> datetime:
    """When the month's fee is drawn: ``monthlyFeeDay`` (clamped to the month), next business day, 08:00."""
    last = monthcal.monthrange(year, month)[1]
    target = calendar.next_business_day(date(year, month, min(day, last)), include=True)
    return datetime.combine(target, MONTHLY_FEE_TIME, clock.JST)


def next_monthly_fee(contract: dict[str, Any], after: datetime) -> datetime:
    """The next monthly draw on or after ``after``'s day (a draw earlier that same day is still due)."""
    day = int(contracts.settings(contract)["monthlyFeeDay"]) or 1
    local = after.astimezone(clock.JST)
    this_month = monthly_fee_at(local.year, local.month, day)
    if this_month.date() >= local.date():
        return this_month
    year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    return monthly_fee_at(year, month, day)


def schedule_monthly_fee(db: Database, contract: dict[str, Any], after: datetime) -> int:
    """Queue the next monthly fee event of a contract."""
    due = next_monthly_fee(contract, after)
    return events.schedule(db, contract["id"], due, MONTHLY_FEE_EVENT, {"month": due.strftime("%Y-%m")})


def charge_monthly_fee(db: Database, contract: dict[str, Any], event: dict[str, Any], at: datetime) -> Any:
    """Draw the monthly contract fee from the EB fee account, then queue next month's (§2(5))."""
    amount = int(contracts.settings(contract)["monthlyFee"])
    outcome: dict[str, Any] = {"month": event["payload"].get("month"), "amount": amount}
    if contract["status"] == "terminated":
        return {**outcome, "charged": False, "reason": "terminated"}  # no fee and no next month (§9)
    outcome.update(_draw(db, contract, amount, outcome["month"], at))
    events.record(
        db,
        contract["id"],
        at,
        "fee",
        f"monthly fee {amount} yen for {outcome['month']}: "
        + ("charged" if outcome["charged"] else outcome["reason"]),
        outcome,
    )
    schedule_monthly_fee(db, contract, at + timedelta(days=1))
    return outcome


def _draw(
    db: Database, contract: dict[str, Any], amount: int, month: str | None, at: datetime
) -> dict[str, Any]:
    """The fee's journal from the EB fee account, or why there is none."""
    payer = contract.get("fee_account_id")
    if amount <= 0 or not payer or ledger.balance(db, payer) < amount:
        # No overdraft in the sandbox: an unpaid fee is recorded on the timeline, not forced.
        return {"charged": False, "reason": "no fee" if amount <= 0 else "insufficient funds"}
    journal = ledger.post(
        db,
        contract_id=contract["id"],
        kind="fee",
        at=at,
        ref=f"monthly:{month}",
        legs=[ledger.Leg(payer, -amount, "ﾃｽｳﾘﾖｳ"), ledger.Leg(ledger.FEE_INCOME, amount, "ﾃｽｳﾘﾖｳ")],
    )
    return {"charged": True, "journalId": journal, "accountId": payer}
