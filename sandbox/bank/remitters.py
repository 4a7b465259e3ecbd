"""Who paid an incoming transfer (振込入金): the paying bank and branch the deposit statement shows.

Names come from the zengin data (:func:`sandbox.bank.beneficiaries.bank`) in half-width kana, as the bank
writes them. A deposit made without a paying bank is shown from one of a few real banks chosen by the
remitter's name, so the same remitter always pays from the same branch.
"""

from __future__ import annotations

import zlib
from typing import NamedTuple

from sandbox.bank import accounts, beneficiaries, kana
from sandbox.errors import InvalidParameter
from sandbox.store import Database

# (bank, branch) pairs a remitter without a given bank pays from: city, regional and shinkin banks
_USUAL = (
    ("0005", "001"),
    ("0001", "004"),
    ("0010", "005"),
    ("0017", "104"),
    ("0150", "150"),
    ("1310", "003"),
)


class PayingBank(NamedTuple):
    bank_code: str
    bank_name: str
    branch_code: str
    branch_name: str


def paying_bank(bank_code: str, branch_code: str) -> PayingBank | None:
    """The bank and branch with their kana names, or None when the zengin data has no such branch."""
    found = beneficiaries.bank(bank_code) if beneficiaries.digits(bank_code, 4) else None
    branch = found.branches.get(branch_code) if found else None
    if found is None or branch is None:
        return None
    return PayingBank(bank_code, kana.to_zengin(found.kana), branch_code, kana.to_zengin(branch.kana))


def checked(bank_code: object, branch_code: object) -> PayingBank | None:
    """``paymentBankCode`` / ``paymentBranchCode`` of a deposit: both or neither, a real Zengin branch."""
    if bank_code is None and branch_code is None:
        return None
    if not isinstance(bank_code, str) or not beneficiaries.digits(bank_code, 4):
        raise InvalidParameter("paymentBankCode must be a 4-digit Zengin bank code", field="paymentBankCode")
    if not isinstance(branch_code, str) or not beneficiaries.digits(branch_code, 3):
        raise InvalidParameter(
            "paymentBranchCode must be 3 digits with paymentBankCode", field="paymentBranchCode"
        )
    if beneficiaries.bank(bank_code) is None:
        raise InvalidParameter(f"no bank with code {bank_code!r} (Zengin)", field="paymentBankCode")
    found = paying_bank(bank_code, branch_code)
    if found is None:
        raise InvalidParameter(f"bank {bank_code} has no branch {branch_code!r}", field="paymentBranchCode")
    return found


def record(db: Database, journal_id: int, bank: PayingBank) -> None:
    """Note the paying bank of a deposit's journal (inside the caller's transaction)."""
    db.conn.execute(
        "INSERT INTO remitters (journal_id, bank_code, bank_name, branch_code, branch_name)"
        " VALUES (?, ?, ?, ?, ?)",
        (journal_id, *bank),
    )


def usual(remitter: str | None) -> PayingBank:
    """The bank a remitter without a recorded bank pays from: the same one for the same name."""
    bank_code, branch_code = _USUAL[zlib.crc32((remitter or "").encode()) % len(_USUAL)]
    found = paying_bank(bank_code, branch_code)
    assert found is not None  # the pairs above are in the zengin data (tested)
    return found


def sandbox_branch(branch_code: str) -> PayingBank:
    """A branch of the sandbox's own bank (a transfer between sandbox accounts); the code itself when the
    zengin data does not know it."""
    found = paying_bank(accounts.BANK_CODE, branch_code)
    if found is not None:
        return found
    bank = beneficiaries.bank(accounts.BANK_CODE)
    return PayingBank(accounts.BANK_CODE, kana.to_zengin(bank.kana) if bank else "", branch_code, branch_code)
