"""Transfer limits (振込限度額): how much may leave by transfer on one execution day.

Two contract settings, both off (0) by default:

- ``transferLimitAmount`` — each account's 振込限度額: the most one account may send on one day. The
  accounts list shows it as the account's ``transferLimitAmount`` (as GMO Aozora's API does).
- ``dailyTransferLimit`` — the most all the contract's accounts together may send on one day.

A day's total is what single requests (by execution date) and bulk requests (by designated date) of the
account or contract will send or have sent: approved, executing or executed — not those awaiting
approval, returned, withdrawn, expired, cancelled or failed. A request is checked when it is made and
again when it is approved (other requests may have been approved in between); the one over the limit is
refused with its own code and nothing is written. Amounts only: fees do not count.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sandbox.bank import contracts
from sandbox.errors import BankError
from sandbox.store import Database

# statuses whose money does not leave (申請中, 差戻, 取下げ, 期限切れ, 予約取消, 手続不成立); every other counts
NOT_SENDING = ("2", "3", "4", "5", "8", "40")
_MARKS = ",".join("?" for _ in NOT_SENDING)
_SENT = (
    f"SELECT (SELECT COALESCE(SUM(total_amount), 0) FROM transfer_requests WHERE contract_id = ?"
    f" AND execution_date = ? AND status NOT IN ({_MARKS}) {{account}})"
    f" + (SELECT COALESCE(SUM(total_amount), 0) FROM bulk_requests WHERE contract_id = ?"
    f" AND designated_date = ? AND status NOT IN ({_MARKS}) {{account}})"
)


class TransferLimitExceeded(BankError):
    """The account's 振込限度額 (``transferLimitAmount``) for the day would be exceeded."""

    code, status = "transfer_limit_exceeded", 400
    message_ja = "振込限度額を超えています。"
    message_en = "The transfer exceeds the account's transfer limit for the day."


class DailyTransferLimitExceeded(BankError):
    """The contract's daily total for all its accounts (``dailyTransferLimit``) would be exceeded."""

    code, status = "daily_transfer_limit_exceeded", 400
    message_ja = "1日あたりの振込限度額（契約全体）を超えています。"
    message_en = "The transfer exceeds the contract's daily transfer limit."


def account_limit(contract: dict[str, Any]) -> int | None:
    """The 振込限度額 of each of the contract's accounts, or None when there is none."""
    return contracts.settings(contract)["transferLimitAmount"] or None


def sent_on(db: Database, contract_id: str, day: date, account_id: str | None = None) -> int:
    """Yen the contract (or one of its accounts) sends by transfer on ``day``, by the rule above."""
    account = "AND account_id = ?" if account_id else ""
    one = [contract_id, day.isoformat(), *NOT_SENDING, *([account_id] if account_id else [])]
    return int(db.conn.execute(_SENT.format(account=account), one + one).fetchone()[0])


def check(db: Database, contract: dict[str, Any], account_id: str, day: date, amount: int) -> None:
    """Refuse ``amount`` more from ``account_id`` on ``day`` when it would pass either limit."""
    settings = contracts.settings(contract)
    per_account, daily = settings["transferLimitAmount"], settings["dailyTransferLimit"]
    if per_account:
        sent = sent_on(db, contract["id"], day, account_id)
        if sent + amount > per_account:
            raise TransferLimitExceeded(
                f"{account_id} may send {per_account} yen on {day}: {sent} already, {amount} more asked",
                field="totalAmount",
            )
    if daily:
        sent = sent_on(db, contract["id"], day)
        if sent + amount > daily:
            raise DailyTransferLimitExceeded(
                f"contract {contract['id']} may send {daily} yen on {day}: {sent} already, {amount} more asked",
                field="totalAmount",
            )
