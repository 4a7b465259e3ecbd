"""An incoming transfer from another bank, credited as an operator (or a scenario) asks: one use case
shared by the control API, the dashboard and the CLI."""

from __future__ import annotations

from typing import Any

from sandbox import clock, events
from sandbox.bank import accounts, ledger, notices, remitters
from sandbox.store import Database, transaction

DEFAULT_REMITTER = "ｻﾝﾄﾞﾎﾞﾂｸｽ"


def receive(
    db: Database,
    contract_id: str,
    account_id: str,
    amount: Any,
    remitter: Any = DEFAULT_REMITTER,
    edi: Any = None,
    paying: tuple[Any, Any] = (None, None),
) -> dict[str, Any]:
    """Credit ``amount`` yen to the contract's account at the contract's time, noted on its timeline;
    return the deposit as ``POST …/deposits`` answers it. Amount, kana and the paying bank (``paying``: its
    Zengin bank and branch codes, both or neither) are checked here."""
    _contract, now = events.touch(db, contract_id)
    account = accounts.get(db, [contract_id], account_id)
    amount, remitter = _checked(amount, remitter, edi)
    bank = remitters.checked(*paying)
    with transaction(db):
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
        notices.on_deposit(db, contract_id, journal, account, now, bank)  # the outbox, same transaction
        summary = f"deposit of {amount} yen to {account['id']} from {remitter}"
        events.record(db, contract_id, now, "deposit", summary, {"journalId": journal})
    return {
        "journalId": journal,
        "accountId": account["id"],
        "amount": str(amount),
        "balance": str(ledger.balance(db, account["id"])),
        "at": clock.to_api(now),
    }


def _checked(amount: Any, remitter: Any, edi: Any) -> tuple[int, str]:
    """The amount and the remitter's kana name, checked (and the EDI field when given)."""
    amount = accounts.check_amount(amount)
    remitter = accounts.check_kana(remitter, "remitterName", max_length=48)
    if edi is not None:
        accounts.check_kana(edi, "edi", max_length=20)
    return amount, remitter
