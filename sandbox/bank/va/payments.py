"""Money paid to a virtual account: it credits the parent account (``raId``) with the VA on the line, or —
when the VA is stopped, deleted, closed or expired — it is refused and goes back to the payer (資金返却).

Called by the one deposit-crediting use case (:func:`sandbox.bank.deposits.receive`) inside its
transaction: a returned payment moves no money in the ledger (it never reached the customer's account) and
is noted in ``va_payments`` and on the timeline.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sandbox import clock
from sandbox.bank.va import records
from sandbox.errors import InvalidParameter
from sandbox.store import Database, insert


def target(db: Database, contract_id: str, va_id: Any, now: datetime) -> tuple[dict[str, Any], str | None]:
    """The VA a payment is addressed to and why it is refused (None: it is credited to ``va['ra_id']``)."""
    if not isinstance(va_id, str) or not va_id:
        raise InvalidParameter("vaId must be a string of digits", field="vaId")
    va = records.get(db, contract_id, va_id)
    return va, records.refusal(va, now.astimezone(clock.JST).date())


def note(
    db: Database,
    va: dict[str, Any],
    journal_id: int | None,
    paid: tuple[int, str, str | None],
    at: datetime,
    reason: str | None = None,
) -> None:
    """Record a payment to the VA (``paid``: amount, remitter, EDI): credited by ``journal_id``, or returned."""
    amount, remitter, edi = paid
    stamp = clock.to_db(at)
    insert(
        db,
        "va_payments",
        {
            "contract_id": va["contract_id"],
            "va_id": va["va_id"],
            "journal_id": journal_id,
            "amount": amount,
            "remitter_kana": remitter,
            "edi": edi,
            "at": stamp,
            "outcome": "returned" if journal_id is None else "credited",
            "reason": reason,
        },
    )
    if journal_id is not None:
        db.conn.execute(
            "UPDATE virtual_accounts SET deposit_count = deposit_count + 1, deposit_amount = deposit_amount + ?,"
            " latest_deposit_at = ? WHERE id = ?",
            (amount, stamp, va["id"]),
        )


def returned(va: dict[str, Any], amount: int, reason: str, at: datetime) -> dict[str, Any]:
    """What a deposit answers when the VA refused it: nothing credited, the money back with the payer."""
    return {
        "result": "returned",
        "vaId": va["va_id"],
        "accountId": va["ra_id"],
        "amount": str(amount),
        "reason": reason,
        "at": clock.to_api(at),
    }
