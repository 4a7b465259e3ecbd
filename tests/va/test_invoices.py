"""Seeded invoices: a month of them, paid by the history's deposits (exact, short, over, split, another
name) the control API lists them with the item keys that pay them
and grades a client's matching on the timeline."""

from __future__ import annotations

from collections import Counter

INVOICES = "/contracts/C0001/invoices"


def test_a_month_of_invoices_with_the_statement_lines_that_pay_them(bank, control):
    invoices = control("GET", INVOICES, status=200)["invoices"]
    patterns = Counter(i["pattern"] for i in invoices)
    assert patterns["exact"] >= 5 and patterns["short"] and patterns["split"] and patterns["unpaid"] == 2
    account_id = invoices[0]["accountId"]
    token = bank.token("C0001", "account")
    month = {"accountId": account_id, "dateFrom": "2026-03-01"}
    lines = {
        t["itemKey"]: t
        for t in bank.get("/accounts/deposit-transactions", token, **month).get_json()["depositTransactions"]
    }
    for invoice in (i for i in invoices if i["accountId"] == account_id and i["dueDate"] <= "2026-04-01"):
        paid = sum(int(lines[k]["amount"]) for k in invoice["paidBy"])
        owed = int(invoice["amount"])
        expected = {"exact": paid == owed, "short": 0 < owed - paid <= 880, "over": paid - owed == 1000}
        assert expected.get(invoice["pattern"], True), invoice
        assert (len(invoice["paidBy"]), invoice["pattern"] == "split") in ((1, False), (2, True), (0, False))


def test_a_payer_pays_an_open_invoice_in_two(control):
    invoices = control("GET", INVOICES, status=200)["invoices"]
    unpaid = next(i for i in invoices if i["pattern"] == "unpaid")
    assert unpaid["paidBy"] == []
    payer = control(
        "POST", "/contracts/C0001/payers", {"invoiceNo": unpaid["invoiceNo"], "pattern": "split"}, status=201
    )
    assert (payer["amount"], payer["edi"], payer["remitterName"]) == (
        unpaid["amount"],
        unpaid["invoiceNo"],
        unpaid["customerNameKana"],
    )
    control.advance("C0001", "3d")
    after = {i["invoiceNo"]: i for i in control("GET", INVOICES, status=200)["invoices"]}
    assert len(after[unpaid["invoiceNo"]]["paidBy"]) == 2


def test_reconciliation_is_graded_on_the_timeline(control):
    invoices = control("GET", INVOICES, status=200)["invoices"]
    due = [i for i in invoices if i["dueDate"] <= "2026-04-01"]
    right = {i["invoiceNo"]: i["paidBy"] for i in due}
    grade = control("POST", f"{INVOICES}/reconciliation", {"matches": right}, status=200)
    assert grade == {"invoices": len(due), "correct": len(due), "wrong": 0, "unknown": 0, "wrongInvoices": []}
    partial = {k: v for k, v in right.items() if len(v) == 1}  # no split found
    graded = control("POST", f"{INVOICES}/reconciliation", {"matches": partial}, status=200)
    assert graded["wrong"] >= 1 and all(len(right[n]) == 2 for n in graded["wrongInvoices"])
    timeline = control("GET", "/contracts/C0001/timeline", status=200)
    kinds = [e for e in timeline["entries"] if e.get("kind") == "reconciliation"]
    assert len(kinds) == 2
    bad = control("POST", f"{INVOICES}/reconciliation", {"matches": {"X": "1"}}, status=400)
    assert bad["errorCode"] == "invalid_parameter"
