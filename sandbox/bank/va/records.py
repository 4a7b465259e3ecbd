"""Virtual accounts as stored and as the API shows them: names of codes, reads, the views.

A VA is usable (利用可能, takes money) while its status is 1, it is not closed, and — 期限型 — its expiry
date has not passed on the contract clock.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sandbox import clock
from sandbox.bank.va.errors import VaClosed, VaNotFound
from sandbox.store import Database, rows

TYPES = {"1": "期限型", "2": "継続型"}
STATUSES = {"1": "利用可能", "2": "停止中", "3": "削除済"}
# The sandbox's branch for virtual accounts (a sandbox choice: real banks name theirs per product)
BRANCH = ("701", "ﾌﾘｺﾐｾﾝﾖｳ")
PAGE = 500  # VAs per page of /va/list


def get_many(db: Database, contract_id: str, va_ids: list[str]) -> list[dict[str, Any]]:
    """The contract's VAs named in ``va_ids`` (in that order); ``VaNotFound`` naming any that it lacks."""
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(va_ids), 500):
        chunk = va_ids[start : start + 500]
        marks = ",".join("?" for _ in chunk)
        sql = f"SELECT * FROM virtual_accounts WHERE contract_id = ? AND va_id IN ({marks})"
        found.update({r["va_id"]: r for r in rows(db, sql, [contract_id, *chunk])})
    missing = [v for v in va_ids if v not in found]
    if missing:
        raise VaNotFound(f"no virtual account {missing[0]!r} in this contract", field="vaId")
    return [found[v] for v in va_ids]


def get(db: Database, contract_id: str, va_id: str) -> dict[str, Any]:
    """One VA of the contract (``VaNotFound`` otherwise, also for another contract's)."""
    return get_many(db, contract_id, [va_id])[0]


def refusal(va: dict[str, Any], today: date) -> str | None:
    """Why the VA takes no money today (``stopped``, ``deleted``, ``closed``, ``expired``), or None."""
    if va["closed_at"]:
        return "closed"
    if va["status_code"] == "3":
        return "deleted"
    if va["status_code"] == "2":
        return "stopped"
    if va["expires_on"] and va["expires_on"] < today.isoformat():
        return "expired"
    return None


def check_open(va: dict[str, Any]) -> None:
    """``VaClosed`` for a deleted or closed VA: it can no longer change."""
    if va["closed_at"] or va["status_code"] == "3":
        raise VaClosed(
            f"virtual account {va['va_id']} is {'closed' if va['closed_at'] else 'deleted'}", field="vaId"
        )


def brief(va: dict[str, Any]) -> dict[str, Any]:
    """What an issue answers of each new VA: where payers send money."""
    return {
        "vaId": va["va_id"],
        "vaBranchCode": va["branch_code"],
        "vaBranchNameKana": va["branch_name"],
        "vaAccountNumber": va["account_number"],
    }


def view(va: dict[str, Any]) -> dict[str, Any]:
    """A VA in ``/va/list``: its numbers, type, status, expiry, parent account and deposits so far."""
    found = {
        **brief(va),
        "vaTypeCode": va["type_code"],
        "vaTypeName": TYPES[va["type_code"]],
        "vaHolderNameKana": va["holder_kana"],
        "vaStatusCode": va["status_code"],
        "vaStatusName": STATUSES[va["status_code"]],
        "expireDate": va["expires_on"],
        "issueDateTime": clock.to_api(clock.from_db(va["issued_at"])),
        "closeDateTime": clock.to_api(clock.from_db(va["closed_at"])) if va["closed_at"] else None,
        "raId": va["ra_id"],
        "depositCount": str(va["deposit_count"]),
        "depositAmount": str(va["deposit_amount"]),
        "latestDepositDateTime": clock.to_api(clock.from_db(va["latest_deposit_at"]))
        if va["latest_deposit_at"]
        else None,
    }
    return {k: v for k, v in found.items() if v is not None}
