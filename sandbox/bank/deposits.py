"""An incoming transfer from another bank, credited as an operator (or a scenario, or the payer simulator)
asks: one use case shared by the control API, the dashboard, the CLI and the clock's payer events.

Every incoming payment goes through :func:`receive` — to an account, or to a virtual account (振込入金口座)
that credits its parent account or, when it takes no money, sends it back to the payer (資金返却).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sandbox import clock, events
from sandbox.bank import accounts, ledger, notices, remitters
from sandbox.bank.va import payments as va_payments
from sandbox.bank.va import records as va_records
from sandbox.store import Database, transaction

DEFAULT_REMITTER = "ｻﾝﾄﾞﾎﾞﾂｸｽ"


def receive(
    db: Database,
    contract_id: str,
    account_id: str | None,
    amount: Any,
    remitter: Any = DEFAULT_REMITTER,
    edi: Any = None,
    paying: tuple[Any, Any] = (None, None),
    *,
    va_id: Any = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """Credit ``amount`` yen to the contract's account (or, with ``va_id``, to the virtual account's parent)
    at the contract's time, noted on its timeline; return the deposit as ``POST …/deposits`` answers it.
    ``at`` is given by a clock event (the contract is already caught up, inside its transaction). Amount,
    kana and the paying bank (``paying``: its Zengin bank and branch codes, both or neither) are checked."""
    now = at if at is not None else events.touch(db, contract_id)[1]
    va, refused = va_payments.target(db, contract_id, va_id, now) if va_id is not None else (None, None)
    account = accounts.get(db, [contract_id], va["ra_id"] if va else account_id)
    amount, remitter = _checked(amount, remitter, edi)
    bank = remitters.checked(*paying)
    with transaction(db):
        if va is not None and refused is not None:
            return _returned(db, va, (amount, remitter, edi), refused, now)
        journal = _credit(db, contract_id, account, (amount, remitter, edi), now, bank, va)
    return _answer(db, journal, account["id"], va, amount, now)


def _credit(
    db: Database,
    contract_id: str,
    account: dict[str, Any],
    paid: tuple[int, str, str | None],
    now: datetime,
    bank: remitters.PayingBank | None,
    va: dict[str, Any] | None,
) -> int:
    """The journal of a credited deposit, its paying bank, its notifications (the outbox, in the same
    transaction), the VA it paid and its timeline line; returns the journal id."""
    amount, remitter, edi = paid
    journal = accounts.deposit(
        db,
        contract_id=contract_id,
        acct_id=account["id"],
        amount=amount,
        remitter_kana=remitter,
        edi=edi,
        at=now,
    )
    if bank is not None:
        remitters.record(db, journal, bank)
    notices.on_deposit(db, contract_id, journal, account, now, bank, va_records.brief(va) if va else None)
    if va is not None:
        va_payments.note(db, va, journal, paid, now)
    summary = f"deposit of {amount} yen to {account['id']} from {remitter}"
    events.record(db, contract_id, now, "deposit", summary, {"journalId": journal, **_va_data(va)})
    return journal


def _answer(
    db: Database, journal: int, account_id: str, va: dict[str, Any] | None, amount: int, now: datetime
) -> dict[str, Any]:
    """A credited deposit as ``POST …/deposits`` answers it (with the VA it was paid to, if any)."""
    return {
        "journalId": journal,
        "accountId": account_id,
        **_va_data(va),
        "amount": str(amount),
        "balance": str(ledger.balance(db, account_id)),
        "at": clock.to_api(now),
    }


def _va_data(va: dict[str, Any] | None) -> dict[str, str]:
    return {"vaId": va["va_id"]} if va else {}


def _returned(
    db: Database, va: dict[str, Any], paid: tuple[int, str, str | None], reason: str, now: datetime
) -> dict[str, Any]:
    """A payment the VA does not take: noted, on the timeline, and back with the payer (資金返却)."""
    va_payments.note(db, va, None, paid, now, reason)
    summary = f"payment of {paid[0]} yen to VA {va['va_id']} returned to {paid[1]} ({reason})"
    events.record(db, va["contract_id"], now, "va-return", summary, {"vaId": va["va_id"], "reason": reason})
    return va_payments.returned(va, paid[0], reason, now)


def _checked(amount: Any, remitter: Any, edi: Any) -> tuple[int, str]:
    """The amount and the remitter's kana name, checked (and the EDI field when given)."""
    amount = accounts.check_amount(amount)
    remitter = accounts.check_kana(remitter, "remitterName", max_length=48)
    if edi is not None:
        accounts.check_kana(edi, "edi", max_length=20)
    return amount, remitter
