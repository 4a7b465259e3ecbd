"""Reading a bulk transfer request body (総合振込 as JSON, GMO Aozora-style) into a ``BulkDraft``.

The whole body is checked before anything is refused: every problem of every item comes back at once in
``transferErrorDetails``, so a 9,999-item request with one bad item names that item and creates nothing.
Beneficiaries are read exactly as for single transfers (clear, or one JWE under field encryption, §5(2)②).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sandbox.bank import contracts
from sandbox.bank.beneficiaries import digits, problem
from sandbox.bank.bulk import timing
from sandbox.bank.transfers import input as single
from sandbox.bank.transfers.errors import TransferItemInvalid
from sandbox.bank.transfers.records import Item
from sandbox.dates import parse_day
from sandbox.errors import BankError, InvalidParameter
from sandbox.fields import field
from sandbox.store import Database

NEW_CODES = ("0", "1", "2")  # 新規コード: 0 other, 1 first transfer, 2 changed


@dataclass(frozen=True)
class BulkDraft:
    """A parsed bulk request: everything checked except what needs the account or the approval."""

    data_name: str | None
    remitter_code: str | None
    designated_date: date
    type_code: str
    identification: bool
    items: list[Item]
    encrypted: bool
    remitter_name: str | None = None  # 振込依頼人名; None: the account holder's kana name


def parse_request(
    db: Database, data: dict[str, Any], *, contract: dict[str, Any], client_id: str | None, now: datetime
) -> BulkDraft:
    """The whole body: header fields, the timing rule, the item cap, the items and the totals."""
    designated = parse_day(field(data, "transferDesignatedDate"), "transferDesignatedDate")
    type_code = field(data, "typeCode", required=False) or "21"
    if type_code not in timing.KINDS:
        raise InvalidParameter("typeCode must be 21 (総合振込), 11 (給与) or 12 (賞与)", field="typeCode")
    remitter_code = _remitter_code(data)
    remitter = single.remitter_name(data)
    identification = _flag(data)
    if field(data, "transferDesignatedType", required=False) not in (None, "7"):
        raise InvalidParameter("transferDesignatedType must be 7 (電信)", field="transferDesignatedType")
    raw_items = data.get("transfers")
    if not isinstance(raw_items, list) or not raw_items:
        raise InvalidParameter("transfers must be a non-empty list of items", field="transfers")
    timing.check_count(contract, len(raw_items))
    timing.check_in_time(contract, type_code, designated, now, step="request")
    items = _items(db, raw_items, contracts.settings(contract)["fieldEncryption"], client_id, now)
    single.check_totals(data, items)
    encrypted = any(isinstance(raw, dict) and "encryptedBeneficiary" in raw for raw in raw_items)
    name = field(data, "transferDataName", required=False)
    return BulkDraft(name, remitter_code, designated, type_code, identification, items, encrypted, remitter)


def _remitter_code(data: dict[str, Any]) -> str | None:
    code = field(data, "remitterCode", required=False)
    if code is not None and not digits(code, 10):
        raise InvalidParameter("remitterCode (振込依頼人コード) must be 10 digits", field="remitterCode")
    return code


def _flag(data: dict[str, Any]) -> bool:
    value = field(data, "identification", required=False)
    if value not in (None, "Y", "N"):
        raise InvalidParameter("identification must be Y (EDI to the payee) or N", field="identification")
    return value == "Y"


def _items(db: Database, raw_items: list[Any], mode: str, client_id: str | None, now: datetime) -> list[Item]:
    """Every item, or ``TransferItemInvalid`` (or the first encryption error's class) naming all problems."""
    items, details, seen = [], [], set()
    first_error: BankError | None = None
    for index, raw in enumerate(raw_items, start=1):
        if not isinstance(raw, dict):
            details.append(
                {"itemId": str(index), "errorDetails": [problem("transfers", single.NOT_AN_OBJECT)]}
            )
            continue
        item, problems, error = _item(db, raw, index, seen, mode, client_id, now)
        first_error = first_error or error
        if problems:
            details.append({"itemId": str(raw.get("itemId", index)), "errorDetails": problems})
        elif item is not None:
            items.append(item)
    if details:
        error_class = type(first_error) if first_error is not None else TransferItemInvalid
        message = f"{len(details)} of {len(raw_items)} items are invalid"
        raise error_class(message, field="transfers", transfer_details=details)
    return items


def _item(
    db: Database,
    raw: dict[str, Any],
    index: int,
    seen: set[int],
    mode: str,
    client_id: str | None,
    now: datetime,
) -> tuple[Item | None, list[dict[str, str]], BankError | None]:
    """One item as for a single transfer, but numbered 1–9,999 and up to 9,999,999,999 yen."""
    item_id = str(raw.get("itemId", ""))
    problems = (
        [] if _item_id_ok(item_id, seen) else [problem("itemId", "itemId must be a unique number 1–9999")]
    )
    if raw.get("newCode") not in (None, *NEW_CODES):
        problems.append(
            problem("newCode", "newCode (新規コード) must be 0, 1 (first transfer) or 2 (changed)")
        )
    # the single-transfer checks, under a stand-in itemId: bulk numbers its items past 99
    checked, found, error = single.parse_item(db, raw, "1", set(), mode, client_id, now)
    problems += found
    if checked is None or problems:
        return None, problems, error
    return Item(int(item_id), checked.amount, checked.edi, checked.beneficiary), problems, error


def _item_id_ok(item_id: str, seen: set[int]) -> bool:
    """``itemId`` is 1–9999 and not used by an earlier item (which ``seen`` records)."""
    if not digits(item_id) or len(item_id) > 4 or int(item_id) == 0 or int(item_id) in seen:
        return False
    seen.add(int(item_id))
    return True
