"""The fee of each item of a transfer request (§2(5)), as quoted by ``/transfer/transferfee`` and charged
when the request executes: the tier seen from the debited account, then the contract's fee table."""

from __future__ import annotations

from typing import Any

from sandbox.bank import contracts, fees
from sandbox.bank.beneficiaries import problem
from sandbox.bank.transfers.errors import TransferItemInvalid
from sandbox.bank.transfers.records import Item


def price(
    contract: dict[str, Any], account: dict[str, Any], items: list[Item]
) -> list[tuple[Item, str, int]]:
    """Each item with its fee tier and fee, seen from the debited account; rejects paying oneself."""
    settings = contracts.settings(contract)
    priced, problems = [], []
    for item in items:
        ben = item.beneficiary
        if ben.account_id == account["id"]:
            problems.append(
                {
                    "itemId": str(item.item_id),
                    "errorDetails": [problem("accountNumber", "the beneficiary is the debited account")],
                }
            )
        fee_tier = fees.tier(
            ben.bank_code, ben.branch_code, own_bank=account["bank_code"], own_branch=account["branch_code"]
        )
        priced.append((item, fee_tier, fees.transfer_fee(settings, fee_tier, item.amount)))
    if problems:
        raise TransferItemInvalid(transfer_details=problems)
    return priced
