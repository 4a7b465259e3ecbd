"""Reading a transfer request body (GMO Aozora-style camelCase, amounts as strings) into a ``Draft``.

Every item is checked and every problem reported at once in ``transferErrorDetails``. Beneficiary
fields come in clear or, under field encryption (§5(2)②), as one JWE in ``encryptedBeneficiary``
whose plaintext is the JSON object of the same five fields.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sandbox.bank import accounts, beneficiaries, contracts
from sandbox.bank.beneficiaries import FIELDS, digits, problem
from sandbox.bank.transfers import crypto
from sandbox.bank.transfers.errors import (
    FieldEncryptionOff,
    FieldEncryptionRequired,
    TransferItemInvalid,
    TransferTotalsMismatch,
)
from sandbox.bank.transfers.records import MAX_ITEMS, Draft, Item
from sandbox.dates import parse_day
from sandbox.errors import BankError, InvalidParameter
from sandbox.fields import field
from sandbox.store import Database

MAX_TOTAL = 999_999_999_999
COMMENT_MAX = 100
REMITTER_NAME_MAX = 40  # the 依頼人名 width of a 全銀 総合振込 header (C40): a sandbox rule for both APIs
NOT_AN_OBJECT = "each item must be a JSON object"


def parse_request(
    db: Database, data: dict[str, Any], *, contract: dict[str, Any], client_id: str | None, now: datetime
) -> Draft:
    """The whole request body: dates, totals and items."""
    designated = _date(field(data, "transferDesignatedDate", required=False))
    holiday_code = field(data, "transferDateHolidayCode", required=False) or "1"
    if holiday_code not in ("1", "2", "3"):
        raise InvalidParameter(
            "transferDateHolidayCode must be 1 (next business day), 2 (previous) or 3 (error)",
            field="transferDateHolidayCode",
        )
    comment = field(data, "applyComment", required=False)
    if comment is not None and len(comment) > COMMENT_MAX:
        raise InvalidParameter(f"applyComment is longer than {COMMENT_MAX} characters", field="applyComment")
    remitter = remitter_name(data)
    items, encrypted = parse_items(db, data, contract=contract, client_id=client_id, now=now)
    check_totals(data, items)
    return Draft(designated, holiday_code, items, comment, encrypted, remitter)


def remitter_name(data: dict[str, Any]) -> str | None:
    """``remitterName`` (振込依頼人名): Zengin half-width kana, at most 40; None when left out, and the
    account holder's name is used (as GMO Aozora's API does). The payee's statement line shows it."""
    value = data.get("remitterName")
    if value is None:
        return None
    return accounts.check_kana(value, "remitterName", max_length=REMITTER_NAME_MAX)


def _date(value: str | None) -> date | None:
    return None if value is None else parse_day(value, "transferDesignatedDate")


def check_totals(data: dict[str, Any], items: list[Item]) -> None:
    """``totalCount`` and ``totalAmount`` must match the items; both may be left out for one item."""
    for name, actual in (("totalCount", len(items)), ("totalAmount", sum(i.amount for i in items))):
        sent = data.get(name)
        if sent is None:
            if len(items) > 1:
                raise InvalidParameter(f"{name} is required when there is more than one item", field=name)
            continue
        if isinstance(sent, bool) or not isinstance(sent, str | int) or not digits(str(sent)):
            raise InvalidParameter(f"{name} must be a string of digits", field=name)
        if int(sent) != actual:
            raise TransferTotalsMismatch(f"{name} is {sent} but the items give {actual}", field=name)
    if sum(i.amount for i in items) > MAX_TOTAL:
        raise InvalidParameter(f"totalAmount exceeds {MAX_TOTAL}", field="totalAmount")


def parse_items(
    db: Database, data: dict[str, Any], *, contract: dict[str, Any], client_id: str | None, now: datetime
) -> tuple[list[Item], bool]:
    """The ``transfers`` list as items, and whether their beneficiaries came encrypted."""
    raw_items = data.get("transfers")
    if not isinstance(raw_items, list) or not 1 <= len(raw_items) <= MAX_ITEMS:
        raise InvalidParameter(f"transfers must be a list of 1 to {MAX_ITEMS} items", field="transfers")
    mode = contracts.settings(contract)["fieldEncryption"]
    items, details, seen = [], [], set()
    first_error: BankError | None = None
    for index, raw in enumerate(raw_items, start=1):
        if not isinstance(raw, dict):
            details.append({"itemId": str(index), "errorDetails": [problem("transfers", NOT_AN_OBJECT)]})
            continue
        item_id = str(raw.get("itemId", ""))
        item, problems, error = parse_item(db, raw, item_id, seen, mode, client_id, now)
        first_error = first_error or error
        if problems:
            details.append({"itemId": item_id or str(index), "errorDetails": problems})
        elif item is not None:
            items.append(item)
    if details:
        error_class = type(first_error) if first_error is not None else TransferItemInvalid
        raise error_class(
            f"{len(details)} of {len(raw_items)} items are invalid",
            field="transfers",
            transfer_details=details,
        )
    return items, any(isinstance(raw, dict) and "encryptedBeneficiary" in raw for raw in raw_items)


def parse_item(
    db: Database,
    raw: dict[str, Any],
    item_id: str,
    seen: set[Any],
    mode: str,
    client_id: str | None,
    now: datetime,
) -> tuple[Item | None, list[dict[str, str]], BankError | None]:
    """One item, or every problem it has; and its encryption error, which keeps its own code."""
    problems = _item_id_problems(item_id, seen)
    amount = _amount(raw, problems)
    edi = raw.get("ediInfo")
    if edi is not None:
        problems += (
            beneficiaries.kana_problems("ediInfo", edi, beneficiaries.EDI_MAX)
            if isinstance(edi, str)
            else [problem("ediInfo", "ediInfo must be a string")]
        )
    fields, error = _beneficiary_fields(db, raw, mode, client_id, now)
    if error is not None:
        problems.append(problem("encryptedBeneficiary", error.detail or error.message_en))
    ben = None
    if fields is not None:
        ben, found = beneficiaries.check(db, fields)
        problems += found
    coded = None if error is None or isinstance(error, InvalidParameter) else error
    if problems or ben is None:
        return None, problems, coded
    return Item(int(item_id), amount, edi, ben), problems, coded


def _item_id_problems(item_id: str, seen: set[Any]) -> list[dict[str, str]]:
    """``itemId`` must be a number from 1 to 99 not used by an earlier item (which ``seen`` records)."""
    well_formed = digits(item_id) and len(item_id) <= 2
    found = []
    if not well_formed or not 1 <= int(item_id) <= MAX_ITEMS or int(item_id) in seen:
        found.append(problem("itemId", f"itemId must be a unique number from 1 to {MAX_ITEMS}"))
    seen.add(int(item_id) if well_formed else item_id)
    return found


def _amount(raw: dict[str, Any], problems: list[dict[str, str]]) -> int:
    value = raw.get("transferAmount")
    if isinstance(value, str) and not digits(value):
        problems.append(
            problem("transferAmount", f"transferAmount must be a string of digits, got {value[:20]!r}")
        )
        return 0
    try:
        return accounts.check_amount(raw.get("transferAmount"), "transferAmount")
    except InvalidParameter as exc:
        problems.append(problem("transferAmount", exc.detail or "transferAmount is invalid"))
        return 0


def _beneficiary_fields(
    db: Database, raw: dict[str, Any], mode: str, client_id: str | None, now: datetime
) -> tuple[dict[str, Any] | None, BankError | None]:
    """The five beneficiary fields, from clear text or the JWE, under the contract's encryption mode."""
    sealed = raw.get("encryptedBeneficiary")
    clear = [name for name in FIELDS if name in raw]
    if sealed is not None and clear:
        return None, InvalidParameter(
            f"send the beneficiary either in encryptedBeneficiary or in clear, not both ({', '.join(clear)})",
            field="encryptedBeneficiary",
        )
    if sealed is None:
        if mode == "required":
            return None, FieldEncryptionRequired(
                "fieldEncryption is required: send the beneficiary as a JWE in encryptedBeneficiary",
                field="encryptedBeneficiary",
            )
        return raw, None
    if mode == "off":
        return None, FieldEncryptionOff(
            "fieldEncryption is off: send the beneficiary fields in clear", field="encryptedBeneficiary"
        )
    return _decrypted(db, client_id, sealed, now)


def _decrypted(
    db: Database, client_id: str | None, sealed: Any, now: datetime
) -> tuple[dict[str, Any] | None, BankError | None]:
    """The beneficiary fields inside the JWE, or why they cannot be had (§5(2)②)."""
    try:
        fields = crypto.decrypt(db, client_id, sealed, now)
    except BankError as exc:
        return None, exc
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        return None, InvalidParameter(
            f"the encrypted beneficiary has unknown fields: {', '.join(unknown)}",
            field="encryptedBeneficiary",
        )
    return fields, None
