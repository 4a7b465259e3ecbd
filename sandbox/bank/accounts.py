"""Customer deposit accounts (普通 / 当座) and incoming transfers credited to them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sandbox import clock
from sandbox.bank import kana, ledger
from sandbox.errors import AccountNotFound, InvalidParameter
from sandbox.store import Database, insert, row, rows

BANK_CODE = "0009"  # the Zengin code of the sandbox's own bank: every account it holds (DESIGN §3)
ACCOUNT_TYPES = {"1": "普通", "2": "当座"}
MAX_AMOUNT = 9_999_999_999  # the largest amount a single movement may carry in the sandbox


def account_id(branch_code: str, account_type: str, number: str) -> str:
    """``accountId`` as the API shows it: branch (3) + type (2) + number (7)."""
    return f"{branch_code}{int(account_type):02d}{number}"


def open_account(
    db: Database,
    *,
    contract_id: str,
    bank_code: str,
    branch_code: str,
    branch_name: str,
    account_type: str,
    number: str,
    holder_kana: str,
    at: datetime,
    nickname: str | None = None,
) -> str:
    new_id = account_id(branch_code, account_type, number)
    insert(
        db,
        "accounts",
        {
            "id": new_id,
            "contract_id": contract_id,
            "kind": "deposit",
            "bank_code": bank_code,
            "branch_code": branch_code,
            "branch_name": branch_name,
            "account_type": account_type,
            "account_number": number,
            "holder_kana": holder_kana,
            "nickname": nickname,
            "balance": 0,
            "opened_on": at.date().isoformat(),
            "created_at": clock.to_db(at),
        },
    )
    return new_id


def for_contracts(db: Database, contract_ids: list[str]) -> list[dict[str, Any]]:
    """The deposit accounts of the given contracts, in a stable order."""
    marks = ",".join("?" for _ in contract_ids)
    return rows(
        db,
        f"SELECT * FROM accounts WHERE kind = 'deposit' AND contract_id IN ({marks}) ORDER BY contract_id, id",
        contract_ids,
    )


def get(db: Database, contract_ids: list[str], acct_id: str) -> dict[str, Any]:
    """One deposit account that belongs to one of ``contract_ids``; other contracts' accounts are not found."""
    found = row(db, "SELECT * FROM accounts WHERE id = ? AND kind = 'deposit'", (str(acct_id),))
    if found is None or found["contract_id"] not in contract_ids:
        raise AccountNotFound(f"no account {acct_id!r} in this contract", field="accountId")
    return found


def find_by_number(
    db: Database, bank_code: str, branch_code: str, account_type: str, number: str
) -> dict[str, Any] | None:
    """A sandbox deposit account addressed the way a transfer addresses its beneficiary."""
    return row(
        db,
        "SELECT * FROM accounts WHERE kind = 'deposit' AND bank_code = ? AND branch_code = ?"
        " AND account_type = ? AND account_number = ?",
        (bank_code, branch_code, account_type, number),
    )


def check_amount(value: Any, field: str = "amount") -> int:
    """A positive whole number of yen, given as a JSON integer or a string of digits."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidParameter(f"{field} must be a positive integer of yen", field=field)
    text = str(value)
    if not (text.isascii() and text.isdigit()) or int(text) <= 0:
        raise InvalidParameter(f"{field} must be a positive integer of yen, got {value!r}", field=field)
    if int(text) > MAX_AMOUNT:
        raise InvalidParameter(f"{field} exceeds {MAX_AMOUNT}", field=field)
    return int(text)


def check_kana(value: Any, field: str, *, max_length: int) -> str:
    if not isinstance(value, str) or not value:
        raise InvalidParameter(f"{field} must be a non-empty string of half-width kana", field=field)
    bad = kana.invalid_characters(value)
    if bad:
        position, _char, why = bad[0]
        raise InvalidParameter(f"{field}[{position}]: {why}", field=field)
    if len(value) > max_length:
        raise InvalidParameter(f"{field} is longer than {max_length} characters", field=field)
    return value


def deposit(
    db: Database,
    *,
    contract_id: str,
    acct_id: str,
    amount: int,
    remitter_kana: str,
    edi: str | None,
    at: datetime,
) -> int:
    """Credit an incoming transfer from another bank (振込入金); return the journal id."""
    return ledger.post(
        db,
        contract_id=contract_id,
        kind="deposit",
        at=at,
        legs=[
            ledger.Leg(ledger.CLEARING, -amount, "ﾌﾘｺﾐ", remitter_kana, edi),
            ledger.Leg(acct_id, amount, "ﾌﾘｺﾐ", remitter_kana, edi),
        ],
    )


def public(account: dict[str, Any]) -> dict[str, Any]:
    """The API representation of an account (camelCase, amounts as strings)."""
    return {
        "accountId": account["id"],
        "branchCode": account["branch_code"],
        "branchName": account["branch_name"],
        "accountTypeCode": account["account_type"],
        "accountTypeName": ACCOUNT_TYPES.get(account["account_type"], ""),
        "accountNumber": account["account_number"],
        "accountName": account["holder_kana"],
        **({"nickname": account["nickname"]} if account.get("nickname") else {}),
        "balance": str(account["balance"]),
        "contractId": account["contract_id"],
    }
