"""総合振込 and what the receiving banks did with each item, done carefully.

A bulk payment is requested once (its ``Idempotency-Key`` and sealed body kept, like a single payment),
approved with the approver's own short-lived token, and afterwards asked of the bank — never assumed:
``/bulktransfer/status`` with its ``unableDetailInfos`` says which items were not paid (不能, returned,
recalled). ``resend`` pays exactly those items again, once each, as single transfers to the corrected
beneficiaries the users give. :func:`money_back` checks the statement for what came back (不能, 資金返却, 組戻).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sandbox.scenario.reference_client.payments import Payment, Payments

BULK = "/corporation/v1/bulktransfer"
MONEY_BACK = ("22", "25", "40")  # single requests whose money may have come back (a recall, a return, 不能)


@dataclass
class BulkPayment:
    ref: str
    account_id: str
    day: date
    items: list[dict[str, Any]]
    name: str | None = None
    key: str = field(default_factory=lambda: str(uuid.uuid4()))
    body: dict[str, Any] | None = None
    apply_no: str | None = None
    status: str | None = None
    unable: list[dict[str, Any]] = field(default_factory=list)
    resent: dict[str, dict[str, Any]] = field(default_factory=dict)


def unpaid(infos: list[dict[str, Any]]) -> list[str]:
    """Item ids the payee does not have: refused (2), returned (isRepayment) or recalled (refundStatus 2)."""
    return sorted(
        (i["itemId"] for i in infos if i.get("transferDetailStatus") == "2" or i.get("isRepayment")), key=int
    )


class BulkPayments:
    def __init__(self, payments: Payments) -> None:
        self.payments = payments
        self.book: dict[str, BulkPayment] = {}

    def pay(
        self, ref: str, account_id: str, day: date, items: list[dict[str, Any]], name: str | None
    ) -> dict[str, Any]:
        """総合振込依頼, once: the same key and body on every retry; a second call with the ref sends nothing."""
        bulk = self.book.setdefault(ref, BulkPayment(ref, account_id, day, items, name))
        if bulk.apply_no:
            return self.view(bulk)
        if bulk.body is None:
            bulk.body = self._body(bulk)
            self.payments.operator.call("POST", f"{BULK}/transferfee", safe=True, json=bulk.body)
        answer = self.payments.operator.call(
            "POST", f"{BULK}/request", safe=True, json=bulk.body, headers={"Idempotency-Key": bulk.key}
        ).data
        bulk.apply_no, bulk.status = answer["applyNo"], answer["transferStatus"]
        return self.view(bulk)

    def _body(self, bulk: BulkPayment) -> dict[str, Any]:
        keys = self.payments.keys
        transfers = []
        for n, item in enumerate(bulk.items, start=1):
            to = item["to"]
            beneficiary = {
                "beneficiaryBankCode": to["bankCode"],
                "beneficiaryBranchCode": to["branchCode"],
                "accountTypeCode": to["accountType"],
                "accountNumber": to["accountNumber"],
                "beneficiaryName": to["name"],
            }
            one = {"itemId": str(n), "transferAmount": str(item["amount"])}
            one |= {"encryptedBeneficiary": keys.seal(beneficiary)} if keys.key else beneficiary
            transfers.append(one)
        body = {
            "accountId": bulk.account_id,
            "transferDesignatedDate": bulk.day.isoformat(),
            "totalCount": str(len(transfers)),
            "totalAmount": str(sum(int(t["transferAmount"]) for t in transfers)),
            "transfers": transfers,
        }
        return body | ({"transferDataName": bulk.name} if bulk.name else {})

    def approve(self, ref: str) -> dict[str, Any]:
        bulk = self.book[ref]
        try:
            answer = self.payments.approver.call(
                "POST",
                f"{BULK}/approval",
                safe=True,
                json={"accountId": bulk.account_id, "applyNo": bulk.apply_no, "decision": "approve"},
                headers={"Idempotency-Key": f"approve-{bulk.key}"},
            ).data
        finally:
            self.payments._forget_approval_token()
        bulk.status = answer["transferStatus"]
        return self.view(bulk)

    def status(self, ref: str) -> dict[str, Any]:
        """Where the request stands and which items were not paid, from the bank."""
        bulk = self.book[ref]
        found = self.payments.operator.call(
            "GET",
            f"{BULK}/status",
            safe=True,
            params={"accountId": bulk.account_id, "applyNo": bulk.apply_no},
        ).data["bulkTransferDetails"][0]
        bulk.status, bulk.unable = found["transferStatus"], found.get("unableDetailInfos", [])
        return self.view(bulk)

    def resend(self, ref: str, fixes: dict[str, Any]) -> dict[str, Any]:
        """Pay each unpaid item again, once, as a single transfer to its corrected beneficiary."""
        bulk = self.book[ref]
        self.status(ref)
        for item_id in unpaid(bulk.unable):
            if item_id in bulk.resent:
                continue  # already paid again: never twice
            item = bulk.items[int(item_id) - 1]
            again = f"{ref}-item{item_id}"
            self.payments.pay(
                again, bulk.account_id, int(item["amount"]), fixes.get(item_id, item["to"]), None, None
            )
            bulk.resent[item_id] = self.payments.approve(again)
        return {**self.view(bulk), "resent": bulk.resent}

    def view(self, bulk: BulkPayment) -> dict[str, Any]:
        shown = {"ref": bulk.ref, "applyNo": bulk.apply_no, "status": bulk.status, "kind": "bulk"}
        if bulk.unable:
            shown["unpaid"] = ",".join(unpaid(bulk.unable))
        return shown


def money_back(payments: Payments, payment: Payment, infos: list[dict[str, Any]]) -> None:
    """After 不能, 資金返却 or 組戻: the amounts that came back, as the statement shows them."""
    back = [i for i in infos if i.get("isRepayment")]
    if not back:
        return
    first = min(i["repaymentDate"] for i in back)
    lines = payments.operator.call(
        "GET",
        "/corporation/v1/accounts/transactions",
        safe=True,
        params={
            "accountId": payment.account_id,
            "dateFrom": first,
            "dateTo": payments.clock.now().date().isoformat(),
        },
    ).data.get("transactions", [])
    credits = [x for x in lines if x["transactionType"] == "1" and int(x["amount"]) == payment.amount]
    payment.detail["moneyBack"] = str(payment.amount) if credits else "0"
    if payment.status == "25":
        payment.detail["recalled"] = bool(credits)
