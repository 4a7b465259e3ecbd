"""The bulk transfer figures (総合振込, issue 11), over HTTP against the running sandbox: a 9,999-item
request with every beneficiary sealed (JWE) accepted, then its execution by one clock move.

Sealing, tokens, funding and the approval are done beforehand and untimed; each figure is one call.
"""

from __future__ import annotations

import time
from datetime import date, datetime
from datetime import time as clock_time
from typing import Any

from benchmarks.api import Client
from benchmarks.figures import sealed
from benchmarks.local import START
from benchmarks.report import Figure
from sandbox import calendar
from sandbox.bank import ledger
from sandbox.clock import JST
from sandbox.store import connect

CONTRACT = "B0004"  # no other figure uses it
ITEMS = 9_999
OTHER_BANK = {  # みずほ銀行 東京支店: a real bank and branch outside the sandbox (money leaves via clearing)
    "beneficiaryBankCode": "0001",
    "beneficiaryBranchCode": "001",
    "accountTypeCode": "1",
    "accountNumber": "1234567",
    "beneficiaryName": "ﾍﾞﾝﾁ(ｶ",
}


def designated() -> date:
    """The business day after next from START: the latest a 総合振込 made at START may still name."""
    return calendar.next_business_day(calendar.next_business_day(START.date()))


def body(client: Client, account: str) -> dict[str, Any]:
    """9,999 items of 100 yen, each beneficiary sealed as the client would (JWE per item)."""
    items = [
        {
            "itemId": str(n),
            "transferAmount": "100",
            "encryptedBeneficiary": sealed(client, CONTRACT, OTHER_BANK),
        }
        for n in range(1, ITEMS + 1)
    ]
    return {
        "accountId": account,
        "transferDesignatedDate": designated().isoformat(),
        "totalCount": str(ITEMS),
        "totalAmount": str(100 * ITEMS),
        "transfers": items,
    }


def _post(client: Client, path: str, data: dict[str, Any], headers: dict[str, str]) -> tuple[float, Any]:
    began = time.perf_counter()
    answer = client.http.post(f"{client.url}{path}", json=data, headers=headers, timeout=120)
    return time.perf_counter() - began, answer


def figures(client: Client, served: Any) -> list[Figure]:
    """Request (timed), approval (untimed), then the clock moved past the designated date's opening (timed)."""
    account = client.account(CONTRACT)
    client.control("POST", f"/contracts/{CONTRACT}/deposits", {"accountId": account, "amount": 200 * ITEMS})
    data = body(client, account)
    clerk = client.bearer(CONTRACT, "clerk", "transfer")
    seconds, answer = _post(client, "/corporation/v1/bulktransfer/request", data, clerk)
    accepted = answer.status_code == 201
    request_figure = Figure(
        "bulkRequest",
        f"POST /bulktransfer/request, {ITEMS:,} sealed items",
        seconds,
        "s",
        target="<= 1 s",
        met=accepted and seconds <= 1,
        detail={"status": answer.status_code, "bodyBytes": len(answer.request.body or b"")},
        note=f"{answer.status_code}; {len(answer.request.body or b'') / 1e6:.1f} MB body, one JWE per item",
    )
    if not accepted:
        return [
            request_figure,
            Figure("bulkExecute", "clock move executing it", None, "s", note="not requested"),
        ]
    return [request_figure, _execute(client, served, account, answer.json()["applyNo"])]


def _execute(client: Client, served: Any, account: str, apply_no: str) -> Figure:
    """Approve, then time the clock move to the designated date's opening (its one journal)."""
    approver = client.bearer(CONTRACT, "approver", "transfer-approval")
    approval = {"accountId": account, "applyNo": apply_no, "decision": "approve"}
    _seconds, decided = _post(client, "/corporation/v1/bulktransfer/approval", approval, approver)
    opening = datetime.combine(designated(), clock_time(9, 1), JST)  # just past the 09:00 opening
    began = time.perf_counter()
    moved = client.control("POST", f"/contracts/{CONTRACT}/clock/advance", {"to": opening.isoformat()})
    seconds = time.perf_counter() - began
    db = connect(served)
    status = db.conn.execute("SELECT status FROM bulk_requests WHERE apply_no = ?", (apply_no,)).fetchone()[0]
    problems = ledger.check(db)
    db.conn.close()
    ok = decided.status_code == 200 and status == "20" and not problems
    return Figure(
        "bulkExecute",
        f"clock move executing {ITEMS:,} items",
        seconds,
        "s",
        target="<= 2 s",
        met=ok and seconds <= 2,
        detail={"status": status, "eventsRun": moved.get("eventsRun"), "ledgerProblems": problems[:5]},
        note=f"status {status}; {moved.get('eventsRun')} events run (the world's own included); ledger "
        + ("balanced" if not problems else "BROKEN"),
    )
