"""The second half of the tour (``sandbox/cli/api_tour.py``): a recall, 全銀 files, virtual accounts, payers and
invoices, notifications, and last the archive of a throwaway contract — each operation called once, in an order
where each answer is a real success on the demo world."""

from __future__ import annotations

from typing import Any

from sandbox.cli import api_tour_calls as calls
from sandbox.cli.transfer import seal

Call = calls.Call
PARENT = "791011571600"  # C0001's first account
SPAN = {"accountId": PARENT, "dateFrom": "2026-11-20", "dateTo": "2026-11-27"}
RECALLED = {**calls.OTHER_BANK, "accountNumber": "9990007"}  # the receiving bank accepts a recall


def more(call: Call, key: dict[str, str], demo: dict[str, Any]) -> None:
    """Every operation the first half leaves out, C0001 unless said."""
    _recall(call, key, demo)
    _files(call, key, demo)
    _virtual_accounts(call, key, demo)
    _payers_and_invoices(call, key)
    _notifications(call, key, demo)
    _archive(call, key)


def _bearer(call: Call, key: dict[str, str], demo: dict[str, Any], user: str, scope: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {calls.token(call, key, demo, user, scope)['access_token']}"}


def _recall(call: Call, key: dict[str, str], demo: dict[str, Any]) -> None:
    """A transfer to the magic beneficiary 9990007, approved and paid, then recalled (組戻; docs/transfers.md)."""
    clerk = _bearer(call, key, demo, "c0001-clerk", "transfer")
    sealed = seal(demo["keyId"], demo["encryptionKey"], RECALLED)
    item = {"itemId": "1", "transferAmount": "45000", "ediInfo": "INV202612", "encryptedBeneficiary": sealed}
    body = {"accountId": PARENT, "transfers": [item]}
    apply_no = call("POST", "/corporation/v1/transfer/request", json=body, headers=clerk)["applyNo"]
    approver = _bearer(call, key, demo, "c0001-approver", "transfer-approval")
    decision = {"accountId": PARENT, "applyNo": apply_no, "decision": "approve"}
    call("POST", "/corporation/v1/transfer/approval", json=decision, headers=approver)
    call("POST", f"/sandbox/v1/contracts/C0001/transfers/{apply_no}/recall", json={}, headers=key)


def _files(call: Call, key: dict[str, str], demo: dict[str, Any]) -> None:
    """An account's statement and deposit notices as 全銀 files; a sample 総合振込 file uploaded, and its result."""
    viewer = _bearer(call, key, demo, "c0001-viewer", "account")
    call("GET", "/corporation/v1/accounts/transactions/zengin", query=SPAN, headers=viewer)
    call("GET", "/corporation/v1/accounts/deposit-transactions/zengin", query=SPAN, headers=viewer)
    span = {"dateFrom": SPAN["dateFrom"], "dateTo": SPAN["dateTo"]}
    call("GET", f"/sandbox/v1/contracts/C0001/accounts/{PARENT}/zengin/01", query=span, headers=key)
    base = "/sandbox/v1/contracts/C0001/bulk-files"
    data = call("GET", f"{base}/sample", query={"accountId": PARENT, "items": 2}, headers=key).data
    created = call("POST", base, query={"accountId": PARENT}, data=data, headers=key)
    apply_no = created["bulkTransfer"]["applyNo"]
    call("GET", f"/sandbox/v1/contracts/C0001/bulk-transfers/{apply_no}/result", headers=key)
    which = {"accountId": PARENT, "applyNo": apply_no}
    call("GET", "/corporation/v1/bulktransfer/result", query=which, headers=viewer)


def _virtual_accounts(call: Call, key: dict[str, str], demo: dict[str, Any]) -> None:
    """Two VAs issued, one paid into, one stopped, the list, the VA statement, then the close request."""
    viewer = _bearer(call, key, demo, "c0001-viewer", "account")
    issue = {"raId": PARENT, "vaTypeCode": "2", "issueRequestCount": 2}
    issued = call("POST", "/corporation/v1/va/issue", json=issue, headers=viewer)["vaList"]
    paid = {"vaId": issued[0]["vaId"], "amount": 33000, "remitterName": "ｶ)ﾄﾘﾋｷｻｷ", "edi": "INV0002"}
    call("POST", "/sandbox/v1/contracts/C0001/deposits", json=paid, headers=key)
    stop = {"vaStatusChangeCode": "1", "vaIdList": [{"vaId": issued[1]["vaId"]}]}
    call("POST", "/corporation/v1/va/status-change", json=stop, headers=viewer)
    call("POST", "/corporation/v1/va/list", json={"raId": PARENT}, headers=viewer)
    query = {"raId": PARENT, "dateFrom": "2026-11-27"}
    call("GET", "/corporation/v1/va/deposit-transactions", query=query, headers=viewer)
    call("POST", "/corporation/v1/va/close-request", json={"raId": PARENT}, headers=viewer)


def _payers_and_invoices(call: Call, key: dict[str, str]) -> None:
    """A payer who pays an invoice exactly in an hour (then removed); the month's invoices, a reconciliation graded."""
    base = "/sandbox/v1/contracts/C0001"
    payer = {"accountId": PARENT, "amount": 110000, "remitterName": "ｶ)ﾄﾘﾋｷｻｷ", "edi": "INV0001", "in": "1h",
             "pattern": "exact"}  # fmt: skip
    made = call("POST", f"{base}/payers", json=payer, headers=key)
    call("GET", f"{base}/payers", headers=key)
    call("DELETE", f"{base}/payers/{made['payerId']}", headers=key)
    invoices = call("GET", f"{base}/invoices", headers=key)["invoices"]
    paid = [i for i in invoices if i.get("paidBy")][:3]  # the client's matches: invoice → its statement lines
    matches = {i["invoiceNo"]: i["paidBy"] for i in paid}
    call("POST", f"{base}/invoices/reconciliation", json={"matches": matches}, headers=key)


def _notifications(call: Call, key: dict[str, str], demo: dict[str, Any]) -> None:
    """A receiver's URL, a subscription, a deposit: its message shown, fetched from the unsent list, none left."""
    base = "/sandbox/v1/contracts/C0001"
    url = {"notificationUrl": "http://127.0.0.1:8080/web21/notifications"}
    call("PATCH", f"{base}/settings", json=url, headers=key)
    viewer = _bearer(call, key, demo, "c0001-viewer", "account")
    body = {"subscribeStatus": "1", "eventTypes": [{"eventType": "deposit-transaction"}]}
    call("POST", "/webhooks/v1/subscribe", json=body, headers=viewer)
    deposit = {"accountId": PARENT, "amount": 12000, "remitterName": "ｶ)ﾃｽﾄ", "edi": "INV0003"}
    call("POST", f"{base}/deposits", json=deposit, headers=key)
    drawn = {"username": "<username>", "password": "<password>", "signatureSecret": "<signature secret>"}
    call("GET", f"{base}/notifications", headers=key, volatile=drawn)
    call("GET", "/webhooks/v1/unsentlist/deposit-transaction", headers=viewer)
    call("POST", f"{base}/notifications/deliver", headers=key)  # fetched already: nothing left to deliver


def _archive(call: Call, key: dict[str, str]) -> None:
    """Last: a throwaway contract made, then archived."""
    fresh = {"count": 1, "prefix": "X", "start": "2026-11-27T10:00:00+09:00", "frozen": True}
    made = call("POST", "/sandbox/v1/contracts", json=fresh, headers=key)
    call("POST", f"/sandbox/v1/contracts/{made['contracts'][0]['contractId']}/archive", headers=key)
