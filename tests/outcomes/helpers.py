"""Shared helpers of the outcome tests: magic beneficiaries at another bank, statements, the ledger."""

from __future__ import annotations

from typing import Any

from sandbox.bank import ledger
from sandbox.store import connect

OTHER = {"beneficiaryBankCode": "0001", "beneficiaryBranchCode": "001", "accountTypeCode": "1"}


def magic_item(number: str, amount: int, item_id: int = 1, name: str = "ｶ)ﾄﾘﾋｷｻｷ") -> dict[str, Any]:
    """An item paying the magic account ``number`` at another bank (docs/transfers.md)."""
    return {
        "itemId": str(item_id),
        "transferAmount": str(amount),
        **OTHER,
        "accountNumber": number,
        "beneficiaryName": name,
    }


def balanced(db_path: Any) -> list[str]:
    """The ledger invariant's problems (none when sound), read from the file as another process would."""
    db = connect(db_path)
    try:
        return ledger.check(db)
    finally:
        db.conn.close()


def lines(bank: Any, contract_id: str, account_id: str, date_from: str, date_to: str) -> list[dict[str, Any]]:
    response = bank.get(
        "/accounts/transactions",
        bank.token(contract_id, "account"),
        accountId=account_id,
        dateFrom=date_from,
        dateTo=date_to,
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["transactions"]
