"""Transfers, done carefully: one payment is one transfer, however often the network fails.

Each payment keeps its ``Idempotency-Key`` and the exact body it first sent (a JWE differs on every
encryption, so re-encrypting would make a *different* request). A lost answer is retried with both;
if even that fails, the bank's list of today's requests is searched for our reference (``applyComment``).
"""

from __future__ import annotations

import base64
import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

import jpholiday
from joserfc import jwe
from joserfc.jwk import OctKey

from sandbox.scenario.reference_client.session import BankClock, Session
from sandbox.scenario.reference_client.transport import BankError, NoAnswer

log = logging.getLogger("reference_client")
CUTOFF = time(15, 0)  # the bank's same-day cut-off (§2(4)); check your contract's documentation
KEY_ERRORS = ("jwe_key_retired", "jwe_key_unknown", "jwe_decrypt_failed")
TERMINAL = ("3", "4", "5", "8", "20", "22", "25", "26", "30", "40")


def business_day(day: date) -> bool:
    """Weekdays that are not national holidays nor 12/31–1/3 (the banks' year-end closing)."""
    year_end = (day.month, day.day) in ((12, 31), (1, 1), (1, 2), (1, 3))
    return day.weekday() < 5 and not jpholiday.is_holiday(day) and not year_end


class KeyStale(Exception):
    """The bank rotated the encryption key (§5(2)②): the new one must come from the bank's screen."""


class ServiceWithdrawn(Exception):
    """The token no longer carries the transfer service (privileges narrowed §5(3)②, linkage §7(4)①)."""


@dataclass
class KeyRing:
    kid: str | None
    key: str | None
    stale: bool = False

    def seal(self, fields: dict[str, str]) -> str:
        raw = base64.urlsafe_b64decode(self.key + "=" * (-len(self.key) % 4))
        header = {"alg": "dir", "enc": "A256GCM", "kid": self.kid}
        return jwe.encrypt_compact(
            header, json.dumps(fields, ensure_ascii=False).encode(), OctKey.import_key(raw)
        )


@dataclass
class Payment:
    ref: str
    account_id: str
    amount: int
    to: dict[str, str]
    wanted: date | None
    edi: str | None = None
    key: str = field(default_factory=lambda: str(uuid.uuid4()))
    body: dict[str, Any] | None = None
    apply_no: str | None = None
    status: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    note: str | None = None
    unable: list[dict[str, Any]] = field(default_factory=list)  # the bank's unableDetailInfos


class Payments:
    def __init__(self, operator: Session, approver: Session, clock: BankClock, keys: KeyRing) -> None:
        self.operator, self.approver, self.clock, self.keys = operator, approver, clock, keys
        self.book: dict[str, Payment] = {}
        self.last: str | None = None
        self.withdrawn: str | None = None  # why the transfer service was refused, until it is back

    # -- 振込依頼 --------------------------------------------------------------------------------------

    def pay(
        self, ref: str, account_id: str, amount: int, to: dict[str, str], wanted: date | None, edi: str | None
    ) -> dict[str, Any]:
        payment = self.book.setdefault(ref, Payment(ref, account_id, amount, to, wanted, edi))
        self.last = ref
        if payment.apply_no:
            return self.view(payment, note="already requested: not sent again")
        if self.keys.stale:
            raise KeyStale("the encryption key was rotated: waiting for the new key (set-key)")
        self._transfer_service()
        try:
            if payment.body is None:
                payment.body = self._body(payment)
                fee = self.operator.call(
                    "POST", "/corporation/v1/transfer/transferfee", safe=True, json=payment.body
                )
                payment.detail["quotedFee"] = fee.data.get("totalFee")
            answer = self.operator.call(
                "POST",
                "/corporation/v1/transfer/request",
                safe=True,  # safe because the key and the body stay the same on every retry
                json=payment.body,
                headers={"Idempotency-Key": payment.key},
            )
        except NoAnswer:
            return self._reconcile_lost(payment)
        except BankError as error:
            self._refused(payment, error)
            raise
        self._accepted(payment, answer.data)
        return self.view(payment)

    def _body(self, payment: Payment) -> dict[str, Any]:
        day = self.payment_date(payment.wanted)
        if payment.wanted and day != payment.wanted:
            payment.note = f"moved from {payment.wanted} to {day}: cut-off passed or bank holiday"
        beneficiary = {
            "beneficiaryBankCode": payment.to["bankCode"],
            "beneficiaryBranchCode": payment.to["branchCode"],
            "accountTypeCode": payment.to["accountType"],
            "accountNumber": payment.to["accountNumber"],
            "beneficiaryName": payment.to["name"],
        }
        item = {"itemId": "1", "transferAmount": str(payment.amount)}
        item |= {"ediInfo": payment.edi} if payment.edi else {}
        item |= {"encryptedBeneficiary": self.keys.seal(beneficiary)} if self.keys.key else beneficiary
        return {
            "accountId": payment.account_id,
            "transferDesignatedDate": day.isoformat(),
            "transferDateHolidayCode": "1",
            "applyComment": payment.ref,  # our own reference: how a lost answer is found again
            "totalCount": "1",
            "totalAmount": str(payment.amount),
            "transfers": [item],
        }

    def payment_date(self, wanted: date | None) -> date:
        """The first day on or after ``wanted`` the bank will execute: not past the cut-off, a business day."""
        now = self.clock.now()
        day = max(wanted or now.date(), now.date())
        if day == now.date() and now.time() >= CUTOFF:
            day += timedelta(days=1)
        while not business_day(day):
            day += timedelta(days=1)
        return day

    def _transfer_service(self) -> None:
        """After a refusal, ask the bank (introspection) whether the service is back before sending."""
        if not self.withdrawn:
            return
        token = self.operator.token
        config = self.operator.config
        found = self.operator.transport.call(
            "POST",
            "/auth/v1/introspect",
            safe=True,
            data={"token": token.access if token else ""},
            auth=(config.client_id, config.client_secret),
        ).data
        if "transfer" not in str(found.get("scope", "")).split():
            raise ServiceWithdrawn(f"the transfer service is still not available: {self.withdrawn}")
        self.withdrawn = None

    def _refused(self, payment: Payment, error: BankError) -> None:
        if error.code in KEY_ERRORS:
            self.keys.stale = True
            payment.body = None  # rebuilt with the new key; the refused request was not stored
        elif error.code == "insufficient_scope":
            self.withdrawn = error.message
        else:
            payment.body = None  # a refused request is not kept by the bank: fix and send anew

    def _accepted(self, payment: Payment, data: dict[str, Any]) -> None:
        payment.apply_no, payment.status = data["applyNo"], data.get("transferStatus")
        payment.detail.update(
            {k: data[k] for k in ("executionDate", "totalFee", "approvalDeadline") if k in data}
        )

    def _reconcile_lost(self, payment: Payment) -> dict[str, Any]:
        """Every attempt went unanswered: look for our reference among today's requests before anything else."""
        found = self.operator.call(
            "GET",
            "/corporation/v1/transfer/status",
            safe=True,
            params={"accountId": payment.account_id, "dateFrom": self.clock.now().date().isoformat()},
        ).data
        for detail in found.get("transferDetails", []):
            if detail.get("applyComment") == payment.ref:
                self._accepted(payment, detail)
                return self.view(payment, note="the answer was lost; found the request at the bank")
        raise NoAnswer(
            f"no answer for {payment.ref} and not found at the bank: retry later with the same key"
        )

    # -- 承認 (§2(2)④) ----------------------------------------------------------------------------------

    def approve(self, ref: str | None) -> dict[str, Any]:
        """Approve with the approver's own token, fetched now and revoked right after."""
        payment = self._find(ref)
        try:
            answer = self.approver.call(
                "POST",
                "/corporation/v1/transfer/approval",
                safe=True,
                json={"accountId": payment.account_id, "applyNo": payment.apply_no, "decision": "approve"},
                headers={"Idempotency-Key": f"approve-{payment.key}"},
            )
        finally:
            self._forget_approval_token()
        payment.status = answer.data.get("transferStatus")
        payment.detail["executionDate"] = answer.data.get("executionDate")
        return self.view(payment)

    def _forget_approval_token(self) -> None:
        try:
            self.approver.revoke()
        except (BankError, NoAnswer) as exc:  # it expires soon anyway; note it and go on
            log.warning("could not revoke the approval token: %s", exc)

    # -- 照会 and reconciliation ----------------------------------------------------------------------

    def status(self, ref: str | None) -> dict[str, Any]:
        payment = self._find(ref)
        found = self.operator.call(
            "GET",
            "/corporation/v1/transfer/status",
            safe=True,
            params={"accountId": payment.account_id, "applyNo": payment.apply_no},
        ).data["transferDetails"][0]
        payment.status = found["transferStatus"]
        payment.unable = found.get("unableDetailInfos", [])
        for key in ("transferStatusName", "executionDate", "totalFee", "feeAccountId", "failureReason"):
            if key in found:
                payment.detail[key] = found[key]
        return self.view(payment)

    def sync(self) -> dict[str, Any]:
        """Where every payment stands, from the bank; executed ones checked against the statement."""
        views = {}
        for payment in self.book.values():
            if payment.apply_no is None:
                continue
            self.status(payment.ref)
            if payment.status == "20":
                self._check_statement(payment)
            views[payment.ref] = self.view(payment)
        return {"payments": views}

    def _check_statement(self, payment: Payment) -> None:
        """The debit is on the account; the fee is where the bank charged it (a child's: the parent's, §2(5))."""
        day = payment.detail["executionDate"]
        lines = self.operator.call(
            "GET",
            "/corporation/v1/accounts/transactions",
            safe=True,
            params={"accountId": payment.account_id, "dateFrom": day, "dateTo": day},
        ).data.get("transactions", [])
        out = [line for line in lines if line["transactionType"] == "2"]
        fee, fee_here = (
            int(payment.detail.get("totalFee", 0)),
            payment.detail.get("feeAccountId") == payment.account_id,
        )
        debit = any(int(x["amount"]) == payment.amount and "ﾃｽｳﾘﾖｳ" not in x["remarks"] for x in out)
        fee_line = any(int(x["amount"]) == fee and "ﾃｽｳﾘﾖｳ" in x["remarks"] for x in out)
        payment.detail["feeBookedTo"] = "this account" if fee_here else payment.detail.get("feeAccountId")
        payment.detail["reconciled"] = debit and (fee == 0 or fee_line == fee_here)

    def _find(self, ref: str | None) -> Payment:
        ref = ref or self.last
        payment = self.book.get(ref or "")
        if payment is None or payment.apply_no is None:
            raise LookupError(f"no requested payment {ref!r}")
        return payment

    def view(self, payment: Payment, note: str | None = None) -> dict[str, Any]:
        shown = {"ref": payment.ref, "applyNo": payment.apply_no, "status": payment.status, **payment.detail}
        notes = [n for n in (payment.note, note) if n]
        return {**shown, **({"note": "; ".join(notes)} if notes else {})}
