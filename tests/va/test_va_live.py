"""Over real HTTP on loopback (gunicorn): issue virtual accounts with a real token, schedule payers through
the control API, move the clock a month in one call, then read the money back — from the VA deposit
statement and from the parent account's deposit statement, with the same item keys — and reconcile."""

from __future__ import annotations

import pytest
import requests

from sandbox.bank import ledger
from sandbox.store import connect
from tests.oauth_helpers import bearer, mint_tokens_live

pytestmark = pytest.mark.live


def test_a_month_of_payments_into_vas_over_http(live_server):
    server, tokens = live_server, mint_tokens_live(live_server, "C0003", "c0003-viewer", "account")
    api = f"{server.url}/corporation/v1"
    ra_id = server.control("GET", "/contracts/C0003").json()["accounts"][0]["accountId"]
    body = {"raId": ra_id, "vaTypeCode": "2", "issueRequestCount": 3}
    issued = requests.post(f"{api}/va/issue", json=body, headers=bearer(tokens), timeout=30)
    assert issued.status_code == 201, issued.text
    va_ids = [va["vaId"] for va in issued.json()["vaList"]]
    for va_id, pattern in zip(va_ids, ("exact", "split", "short"), strict=True):
        payer = {
            "vaId": va_id,
            "amount": 100_000,
            "pattern": pattern,
            "every": "weekly",
            "times": 4,
            "in": "1h",
        }
        assert server.control("POST", "/contracts/C0003/payers", payer).status_code == 201
    stop = {"vaStatusChangeCode": "1", "vaIdList": [va_ids[2]]}
    assert requests.post(f"{api}/va/status-change", json=stop, headers=bearer(tokens), timeout=30).ok
    moved = server.control("POST", "/contracts/C0003/clock/advance", {"by": "31d"})
    assert moved.status_code == 200 and moved.json()["eventsRun"] >= 12
    tokens = mint_tokens_live(server, "C0003", "c0003-viewer", "account")  # the first one expired meanwhile
    params = {"raId": ra_id, "dateFrom": "2026-04-01"}
    lines = requests.get(f"{api}/va/deposit-transactions", params=params, headers=bearer(tokens), timeout=30)
    credited = lines.json()["vaTransactions"]
    assert sorted({t["vaId"] for t in credited}) == va_ids[:2]  # the stopped VA's money went back
    assert [t["depositAmount"] for t in credited if t["vaId"] == va_ids[1]] == ["50000"] * 8  # split in two
    statement = requests.get(
        f"{api}/accounts/deposit-transactions",
        params={"accountId": ra_id, "dateFrom": "2026-04-01"},
        headers=bearer(tokens),
        timeout=30,
    ).json()["depositTransactions"]
    assert {t["itemKey"] for t in credited} <= {t["itemKey"] for t in statement if t.get("vaId")}
    db = connect(server.db_path)
    returned = db.conn.execute("SELECT COUNT(*) FROM va_payments WHERE outcome = 'returned'").fetchone()[0]
    assert returned == 4 and ledger.check(db) == []
