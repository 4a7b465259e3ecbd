"""The payer simulator's use cases: schedule a payer, list and delete them, and the clock event that pays.

Each occurrence is one ``payer-payment`` event on the contract clock (a split's second part another, a day
later), so moving a clock a month costs O(payments), never O(time). A payment goes through the one
deposit-crediting use case (:func:`sandbox.bank.deposits.receive`): to an account, or to a virtual account
that credits its parent or returns the money. A payment lands on a business day: one falling on a bank
holiday waits for the next business day's 09:00.
"""

from __future__ import annotations

import calendar as months
import zlib
from datetime import datetime, time, timedelta
from typing import Any

from sandbox import calendar, clock, events
from sandbox.bank import accounts, deposits, invoices, remitters
from sandbox.bank.payers import patterns
from sandbox.bank.va import records as va_records
from sandbox.errors import InvalidParameter, NotFound
from sandbox.fields import check_int
from sandbox.store import Database, insert, row, rows, transaction

EVENT = "payer-payment"
EVERY = ("once", "daily", "weekly", "monthly")
COMPANIES = ("ｶ)ﾄｳｷﾖｳｼﾖｳｼﾞ", "ｶ)ﾐﾄﾞﾘｹﾝｾﾂ", "ﾕ)ｻｸﾗﾃﾞﾝｷ", "ｶ)ｱｵﾊﾞﾌﾞﾂｻﾝ", "ｶ)ﾋｶﾘｼｽﾃﾑ", "ﾄﾞ)ﾐﾅﾄｳﾝﾕ")


def create(db: Database, contract_id: str, spec: dict[str, Any], first_at: datetime | None) -> dict[str, Any]:
    """Schedule a payer from ``spec`` (accountId or vaId or invoiceNo, amount, pattern, remitterName, edi,
    every, times, difference, paymentBankCode/BranchCode); its first payment at ``first_at`` (default now)."""
    now = events.touch(db, contract_id)[1]
    values = _values(db, contract_id, spec)
    with transaction(db):
        payer_id = schedule(db, contract_id, values, max(first_at or now, now), now)
    return view(get(db, contract_id, payer_id))


def schedule(
    db: Database, contract_id: str, values: dict[str, Any], first_at: datetime, now: datetime
) -> int:
    """Write a payer of checked ``values`` and queue its first payment (on a business day from ``first_at``),
    inside the caller's transaction; return its id. Seeding calls it too."""
    due = landing(first_at)
    row_ = {**values, "contract_id": contract_id, "next_at": clock.to_db(due), "created_at": clock.to_db(now)}
    payer_id = insert(db, "payers", row_)
    events.schedule(db, contract_id, due, EVENT, {"payerId": payer_id})
    summary = f"payer {payer_id} scheduled ({values['pattern']}, {values['every']})"
    events.record(db, contract_id, now, "payer", summary, {"payerId": payer_id})
    return payer_id


def _values(db: Database, contract_id: str, spec: dict[str, Any]) -> dict[str, Any]:
    """The payer's columns from ``spec``, checked; an ``invoiceNo`` gives the defaults of the rest."""
    invoice = invoices.find(db, contract_id, spec["invoiceNo"]) if spec.get("invoiceNo") else {}
    target, va_id = _target(db, contract_id, spec, invoice)
    pattern = spec.get("pattern") or "exact"
    if pattern not in patterns.PATTERNS:
        raise InvalidParameter(f"pattern must be one of {', '.join(patterns.PATTERNS)}", field="pattern")
    every = spec.get("every") or "once"
    if every not in EVERY:
        raise InvalidParameter(f"every must be one of {', '.join(EVERY)}", field="every")
    name = (
        spec.get("remitterName")
        or invoice.get("customer_kana")
        or COMPANIES[zlib.crc32(repr(sorted(spec.items())).encode()) % len(COMPANIES)]
    )
    edi = spec.get("edi") if spec.get("edi") is not None else invoice.get("invoice_no")
    amount = accounts.check_amount(spec.get("amount") or invoice.get("amount"))
    name = accounts.check_kana(name, "remitterName", max_length=48)
    if edi is not None:
        accounts.check_kana(edi, "edi", max_length=20)
    bank = remitters.checked(spec.get("paymentBankCode"), spec.get("paymentBranchCode"))
    times = spec.get("times", 1 if every == "once" else None)
    return {
        "account_id": target,
        "va_id": va_id,
        "amount": amount,
        "pattern": pattern,
        "difference": check_int(spec["difference"], "difference", 1, amount)
        if spec.get("difference") is not None
        else None,
        "remitter_kana": name,
        "bank_code": bank.bank_code if bank else None,
        "branch_code": bank.branch_code if bank else None,
        "edi": edi,
        "invoice_no": invoice.get("invoice_no"),
        "every": every,
        "times": check_int(times, "times", 1, 10_000) if times is not None else None,
    }


def _target(
    db: Database, contract_id: str, spec: dict[str, Any], invoice: dict[str, Any]
) -> tuple[str, str | None]:
    """The account paid (a VA's parent) and the VA, from the spec or the invoice."""
    va_id = spec.get("vaId") or invoice.get("va_id")
    account_id = spec.get("accountId") or (None if va_id else invoice.get("account_id"))
    if (va_id is None) == (account_id is None):
        raise InvalidParameter(
            "give exactly one of accountId or vaId (or an invoiceNo that has one)", field="accountId"
        )
    if va_id:
        return va_records.get(db, contract_id, str(va_id))["ra_id"], str(va_id)
    return accounts.get(db, [contract_id], account_id)["id"], None


def landing(at: datetime) -> datetime:
    """When a payment made at ``at`` reaches the bank: then on a business day, else the next one's 09:00."""
    local = at.astimezone(clock.JST)
    if calendar.is_business_day(local.date()):
        return local
    return datetime.combine(calendar.next_business_day(local.date()), time(9, 0), clock.JST)


def get(db: Database, contract_id: str, payer_id: Any) -> dict[str, Any]:
    found = row(db, "SELECT * FROM payers WHERE contract_id = ? AND id = ?", (contract_id, str(payer_id)))
    if found is None:
        raise NotFound(f"no payer {payer_id!r} in this contract", field="payerId")
    return found


def listing(db: Database, contract_id: str) -> list[dict[str, Any]]:
    return [
        view(p)
        for p in rows(
            db,
            "SELECT * FROM payers WHERE contract_id = ? AND status != 'deleted' ORDER BY id",
            (contract_id,),
        )
    ]


def delete(db: Database, contract_id: str, payer_id: Any) -> dict[str, Any]:
    """Stop a payer: its pending payments are cancelled."""
    now = events.touch(db, contract_id)[1]
    with transaction(db):
        payer = get(db, contract_id, payer_id)
        db.conn.execute("UPDATE payers SET status = 'deleted', next_at = NULL WHERE id = ?", (payer["id"],))
        db.conn.execute(
            "UPDATE events SET status = 'cancelled' WHERE contract_id = ? AND kind = ? AND status = 'pending'"
            " AND json_extract(payload, '$.payerId') = ?",
            (contract_id, EVENT, payer["id"]),
        )
        events.record(db, contract_id, now, "payer", f"payer {payer['id']} deleted", {"payerId": payer["id"]})
    return view({**payer, "status": "deleted", "next_at": None})


def view(payer: dict[str, Any]) -> dict[str, Any]:
    found = {
        "payerId": payer["id"],
        "accountId": payer["account_id"],
        "vaId": payer["va_id"],
        "amount": str(payer["amount"]),
        "pattern": payer["pattern"],
        "difference": payer["difference"],
        "remitterName": payer["remitter_kana"],
        "edi": payer["edi"],
        "invoiceNo": payer["invoice_no"],
        "every": payer["every"],
        "times": payer["times"],
        "paid": payer["paid"],
        "status": payer["status"],
        "nextAt": clock.to_api(clock.from_db(payer["next_at"])) if payer["next_at"] else None,
    }
    return {k: v for k, v in found.items() if v is not None}


def pay_event(db: Database, contract: dict[str, Any], event: dict[str, Any], at: datetime) -> dict[str, Any]:
    """One occurrence (or a split's second part): pay it, then queue what follows."""
    payer = get(db, contract["id"], event["payload"]["payerId"])
    part = int(event["payload"].get("part", 1))
    if payer["status"] == "deleted" or (part == 1 and payer["status"] != "active"):
        return {"skipped": payer["status"]}  # a split's second part still comes after its last occurrence
    done = [_pay(db, payer, payment, at) for payment in patterns.payments(payer, part)]
    if payer["pattern"] == "split" and part == 1 and patterns.payments(payer, 2):
        events.schedule(
            db, contract["id"], landing(at + timedelta(days=1)), EVENT, {"payerId": payer["id"], "part": 2}
        )
    if part == 1:
        _next(db, payer, at)
    return {"payerId": payer["id"], "payments": done}


def _pay(db: Database, payer: dict[str, Any], payment: patterns.Payment, at: datetime) -> dict[str, Any]:
    paying = (payer["bank_code"], payer["branch_code"])
    done = deposits.receive(
        db,
        payer["contract_id"],
        payer["account_id"],
        payment.amount,
        payment.remitter,
        payment.edi,
        paying,
        va_id=payer["va_id"],
        at=at,
    )
    if payer["invoice_no"] and "journalId" in done:
        invoices.link(
            db, invoices.find(db, payer["contract_id"], payer["invoice_no"])["id"], done["journalId"]
        )
    return done


def _next(db: Database, payer: dict[str, Any], at: datetime) -> None:
    """Count the occurrence; queue the next one, or end the payer when its ``times`` are paid."""
    paid = payer["paid"] + 1
    following = (
        None
        if payer["every"] == "once" or (payer["times"] and paid >= payer["times"])
        else _after(payer["every"], at)
    )
    db.conn.execute(
        "UPDATE payers SET paid = ?, next_at = ?, status = ? WHERE id = ?",
        (paid, clock.to_db(following) if following else None, "active" if following else "done", payer["id"]),
    )
    if following is not None:
        events.schedule(db, payer["contract_id"], following, EVENT, {"payerId": payer["id"]})


def _after(every: str, at: datetime) -> datetime:
    """The next occurrence after one at ``at``: a day, a week or a month later (the month's last day at
    most), on a business day."""
    local = at.astimezone(clock.JST)
    if every == "monthly":
        year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
        return landing(
            local.replace(year=year, month=month, day=min(local.day, months.monthrange(year, month)[1]))
        )
    return landing(local + timedelta(days=1 if every == "daily" else 7))
