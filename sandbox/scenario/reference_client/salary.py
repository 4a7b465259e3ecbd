"""Salaries (給与振込, 種別 11; 賞与 12) as one bulk transfer, done carefully: the payday is not the client's.

A salary file must be requested *and approved* by three business days before payday (the bank's lead,
``bulkSalaryLeadDays``). When the approval comes too late the bank refuses it with
``bulk_transfer_too_late``; then nothing the client does alone can pay on that day. Retrying the approval
only repeats the refusal, and sending the file again for a later date moves the employees' payday, which
the employer decided (and the work rules fix). So the client sends the approval once, reports the bank's
code with the last day it names, refuses to send it again, and leaves the choice — a later payday, or
ordinary transfers that can still execute on the day — to a person.
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sandbox.scenario.reference_client.payments import KeyRing
from sandbox.scenario.reference_client.session import Session
from sandbox.scenario.reference_client.transport import BankError, NoAnswer

KINDS = {"salary": "11", "bonus": "12"}
TOO_LATE = "bulk_transfer_too_late"


@dataclass
class Salary:
    ref: str
    account_id: str
    payday: date
    kind: str
    items: list[dict[str, Any]]
    key: str = field(default_factory=lambda: str(uuid.uuid4()))
    body: dict[str, Any] | None = None
    apply_no: str | None = None
    status: str | None = None
    refused: BankError | None = None  # the bank's final word on this file; never sent again after it


class Salaries:
    def __init__(self, operator: Session, approver: Session, keys: KeyRing) -> None:
        self.operator, self.approver, self.keys = operator, approver, keys
        self.book: dict[str, Salary] = {}

    def request(
        self, ref: str, account_id: str, payday: date, items: list[dict[str, Any]], kind: str
    ) -> dict[str, Any]:
        """One file per ref, one ``Idempotency-Key`` and one body for every retry of it."""
        salary = self.book.setdefault(ref, Salary(ref, account_id, payday, KINDS[kind], items))
        if salary.apply_no:
            return self.view(salary, "already requested: not sent again")
        salary.body = salary.body or self._body(salary)
        answer = self.operator.call(
            "POST",
            "/corporation/v1/bulktransfer/request",
            safe=True,
            json=salary.body,
            headers={"Idempotency-Key": salary.key},
        )
        salary.apply_no, salary.status = answer.data["applyNo"], answer.data.get("transferStatus")
        return self.view(salary)

    def _body(self, salary: Salary) -> dict[str, Any]:
        transfers = []
        for number, item in enumerate(salary.items, start=1):
            to = item["to"]
            beneficiary = {
                "beneficiaryBankCode": to["bankCode"],
                "beneficiaryBranchCode": to["branchCode"],
                "accountTypeCode": to["accountType"],
                "accountNumber": to["accountNumber"],
                "beneficiaryName": to["name"],
            }
            sealed = {"encryptedBeneficiary": self.keys.seal(beneficiary)} if self.keys.key else beneficiary
            transfers.append({"itemId": str(number), "transferAmount": str(item["amount"]), **sealed})
        return {
            "accountId": salary.account_id,
            "transferDesignatedDate": salary.payday.isoformat(),
            "typeCode": salary.kind,
            "transferDataName": salary.ref,
            "totalCount": str(len(transfers)),
            "totalAmount": str(sum(int(item["amount"]) for item in salary.items)),
            "transfers": transfers,
        }

    def approve(self, ref: str) -> dict[str, Any]:
        """Approve once with the approver's own token; a refusal for lateness is final for this file."""
        salary = self.book[ref]
        if salary.refused is not None:
            raise salary.refused  # reported again, not sent again
        try:
            answer = self.approver.call(
                "POST",
                "/corporation/v1/bulktransfer/approval",
                safe=True,
                json={"accountId": salary.account_id, "applyNo": salary.apply_no, "decision": "approve"},
                headers={"Idempotency-Key": f"approve-{salary.key}"},
            )
        except BankError as error:
            if error.code == TOO_LATE:
                error.message = (
                    f"{error.message} — payday {salary.payday} can no longer be met by this salary file;"
                    " a person must choose another payday or pay by ordinary transfers"
                )
                salary.refused = error
            raise
        finally:
            self._forget_approval_token()
        salary.status = answer.data.get("transferStatus")
        return self.view(salary)

    def _forget_approval_token(self) -> None:
        with contextlib.suppress(BankError, NoAnswer):  # it expires soon anyway
            self.approver.revoke()

    def view(self, salary: Salary, note: str | None = None) -> dict[str, Any]:
        shown = {
            "ref": salary.ref,
            "applyNo": salary.apply_no,
            "status": salary.status,
            "payday": salary.payday.isoformat(),
        }
        return {**shown, **({"note": note} if note else {})}
