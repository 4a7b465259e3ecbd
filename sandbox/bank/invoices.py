"""Invoices a contract issued to its customers, and the credits that truly pay them: what reconciliation
(消込) is practised and graded against. Seeded worlds have a month of them; the payer simulator pays them.

The bank never sees invoices in real life: they are the sandbox's answer key. ``GET …/invoices`` shows a
client what to match (number, customer, amount, due date); :func:`grade` compares a client's matching with
the truth and notes the result on the contract's timeline, so a scenario can judge it from the bank's side.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sandbox import events
from sandbox.errors import InvalidParameter
from sandbox.store import Database, row, rows

_PAID = (
    "SELECT ip.invoice_id, p.item_key FROM invoice_payments ip JOIN invoices i ON i.id = ip.invoice_id"
    " JOIN postings p ON p.journal_id = ip.journal_id AND p.amount > 0"
    " WHERE i.contract_id = ? ORDER BY p.item_key"
)


def find(db: Database, contract_id: str, invoice_no: str) -> dict[str, Any]:
    """One invoice of the contract by its number (``InvalidParameter`` naming ``invoiceNo`` otherwise)."""
    found = row(
        db, "SELECT * FROM invoices WHERE contract_id = ? AND invoice_no = ?", (contract_id, invoice_no)
    )
    if found is None:
        raise InvalidParameter(f"no invoice {invoice_no!r} in this contract", field="invoiceNo")
    return found


def link(db: Database, invoice_id: int, journal_id: int) -> None:
    """Note that the credit of ``journal_id`` pays (part of) the invoice (inside the caller's transaction)."""
    db.conn.execute(
        "INSERT OR IGNORE INTO invoice_payments (invoice_id, journal_id) VALUES (?, ?)",
        (invoice_id, journal_id),
    )


def listing(db: Database, contract_id: str) -> list[dict[str, Any]]:
    """Every invoice of the contract with what a client may know of it, and (as ``paidBy``) the statement
    item keys of the credits that pay it — the answer key a practising client can check itself against."""
    paid: dict[int, list[str]] = {}
    for found in rows(db, _PAID, (contract_id,)):
        paid.setdefault(found["invoice_id"], []).append(found["item_key"])
    invoices = rows(
        db, "SELECT * FROM invoices WHERE contract_id = ? ORDER BY due_on, invoice_no", (contract_id,)
    )
    return [view(i, paid.get(i["id"], [])) for i in invoices]


def view(invoice: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    found = {
        "invoiceNo": invoice["invoice_no"],
        "customerName": invoice["customer_name"],
        "customerNameKana": invoice["customer_kana"],
        "amount": str(invoice["amount"]),
        "issueDate": invoice["issued_on"],
        "dueDate": invoice["due_on"],
        "accountId": invoice["account_id"],
        "vaId": invoice["va_id"],
        "pattern": invoice["pattern"],
        "paidBy": keys,
    }
    return {k: v for k, v in found.items() if v is not None}


def grade(db: Database, contract_id: str, matches: dict[str, list[str]], now: datetime) -> dict[str, Any]:
    """Compare a client's matching (invoice number → the item keys it says pay it) with the truth, for the
    invoices due by today; note the result on the timeline (kind ``reconciliation``) and return it."""
    due = [i for i in listing(db, contract_id) if i["dueDate"] <= now.date().isoformat()]
    wrong = [
        i["invoiceNo"]
        for i in due
        if i["paidBy"] and sorted(matches.get(i["invoiceNo"], [])) != sorted(i["paidBy"])
    ]
    wrong_unpaid = [i["invoiceNo"] for i in due if not i["paidBy"] and matches.get(i["invoiceNo"])]
    unknown = sorted(set(matches) - {i["invoiceNo"] for i in due})
    result = {
        "invoices": len(due),
        "correct": len(due) - len(wrong) - len(wrong_unpaid),
        "wrong": len(wrong) + len(wrong_unpaid),
        "unknown": len(unknown),
        "wrongInvoices": (wrong + wrong_unpaid)[:50],
    }
    summary = f"reconciliation graded: {result['correct']} of {result['invoices']} invoices right"
    events.record(db, contract_id, now, "reconciliation", summary, result)
    return result
