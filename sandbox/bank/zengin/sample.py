"""A valid 総合振込 / 給与振込 file to start from (``web21-sandbox bulk make``).

Its payees are the beneficiaries the contract's transfers already paid (the seeded ones included) and the
contract's own other accounts (never another tenant's), cycled to the number of items asked for; its designated date is the first one a
request made now may still name (the lead-day rule on the contract's clock), so the file uploads as it is.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sandbox.bank import accounts, beneficiaries
from sandbox.bank.bulk import timing
from sandbox.bank.zengin import render
from sandbox.errors import InvalidParameter
from sandbox.store import Database, rows

_PAID = (
    "SELECT DISTINCT i.bank_code, i.bank_name, i.branch_code, i.branch_name, i.account_type, i.account_number,"
    " i.beneficiary_name FROM transfer_items i JOIN transfer_requests r ON r.id = i.request_id"
    " WHERE r.contract_id = ? ORDER BY i.bank_code, i.branch_code, i.account_number"
)
_SANDBOX = (
    "SELECT a.bank_code, a.branch_code, a.account_type, a.account_number, a.holder_kana AS beneficiary_name"
    " FROM accounts a WHERE a.kind = 'deposit' AND a.id != ? AND a.contract_id = ? ORDER BY a.id"
)


def payees(db: Database, contract_id: str, account_id: str) -> list[dict[str, Any]]:
    """Who the sample pays: beneficiaries of the contract's transfers, then its own other accounts."""
    found = rows(db, _PAID, (contract_id,))
    for acct in rows(db, _SANDBOX, (account_id, contract_id)):
        bank = beneficiaries.bank(acct["bank_code"])
        branch = bank.branches.get(acct["branch_code"]) if bank else None
        names = {"bank_name": bank.kana if bank else "", "branch_name": branch.kana if branch else ""}
        found.append({**acct, **names})
    return found


def sample_file(
    db: Database, contract: dict[str, Any], account: dict[str, Any], now: datetime, **opts: Any
) -> bytes:
    """A file of ``items`` items (default: one per payee) of kind ``type_code`` (21), CRLF unless ``crlf``
    is False, from ``account``, designated on the first day still allowed."""
    type_code = opts.get("type_code") or "21"
    if type_code not in timing.KINDS:
        raise InvalidParameter("typeCode must be 21, 11 or 12", field="typeCode")
    found = payees(db, contract["id"], account["id"])
    if not found:
        raise InvalidParameter("no payees: the contract has made no transfer and has no other account")
    count = opts.get("items") or len(found)
    timing.check_count(contract, count)
    day = timing.earliest_designated(contract, type_code, now)
    header = _header(account, type_code, day.strftime("%m%d"))
    items = [_item(n, found[(n - 1) % len(found)]) for n in range(1, count + 1)]
    return render.transfer_file(header, items, crlf=opts.get("crlf", True))


def _header(account: dict[str, Any], type_code: str, mmdd: str) -> dict[str, Any]:
    bank = beneficiaries.bank(accounts.BANK_CODE)
    branch = bank.branches.get(account["branch_code"]) if bank else None
    return {
        "typeCode": type_code,
        "remitterCode": f"{int(''.join(c for c in account['contract_id'] if c.isdigit()) or 0):010d}",
        "remitterName": render.text(account["holder_kana"]),
        "designatedDate": mmdd,
        "bankCode": accounts.BANK_CODE,
        "bankName": render.text(bank.kana if bank else ""),
        "branchCode": account["branch_code"],
        "branchName": render.text(branch.kana if branch else ""),
        "accountType": account["account_type"],
        "accountNumber": account["account_number"],
    }


def _item(number: int, payee: dict[str, Any]) -> dict[str, Any]:
    return {
        "bankCode": payee["bank_code"],
        "bankName": render.text(payee["bank_name"]),
        "branchCode": payee["branch_code"],
        "branchName": render.text(payee["branch_name"]),
        "accountType": payee["account_type"],
        "accountNumber": payee["account_number"],
        "beneficiaryName": payee["beneficiary_name"][:30],
        "amount": 10_000 + 1_000 * (number % 90),
        "newCode": 0,
        "designatedType": 7,
    }
