"""CPU cost per request of each benchmarked endpoint, in-process, and a profile of one of them.

No server and no load generator: the Flask test client calls the app in one thread on a seeded bench
file, and ``time.process_time`` counts this process's CPU only, so the figures hold on a busy machine.
The baseline's one-row endpoint is measured the same way. ``--profile NAME`` adds pyinstrument's tree.

    python -m benchmarks.profile                      # CPU ms per request, sandbox and baseline
    python -m benchmarks.profile --profile balances   # and where a balances request spends it
"""

from __future__ import annotations

import argparse
import base64
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from joserfc import jwe
from joserfc.jwk import OctKey

from benchmarks import baseline, local
from benchmarks.servers import ADMIN_KEY
from sandbox import create_app

CONTROL = {"X-Sandbox-Key": ADMIN_KEY}


class InProcess:
    """A client of the app in this process: consent, tokens and calls through the test client."""

    def __init__(self, db: Path) -> None:
        self.client = create_app({"DATABASE": str(db), "ADMIN_KEY": ADMIN_KEY}).test_client()

    def control(self, method: str, path: str, body: Any = None) -> Any:
        return self.client.open(f"/sandbox/v1{path}", method=method, json=body, headers=CONTROL).get_json()

    def demo(self, contract_id: str) -> dict[str, Any]:
        found = self.control("GET", f"/contracts/{contract_id}/clients")["clients"]
        return next(c for c in found if c.get("demoClientSecret"))

    def mint(self, contract_id: str, role: str, scope: str) -> dict[str, Any]:
        demo = self.demo(contract_id)
        user = f"{contract_id.lower()}-{role}"
        body = {"userId": user, "clientId": demo["clientId"], "scope": scope}
        code = self.control("POST", f"/contracts/{contract_id}/authorizations", body)["code"]
        return self.client.post(
            "/auth/v1/token",
            data={"grant_type": "authorization_code", "code": code},
            auth=(demo["clientId"], demo["demoClientSecret"]),
        ).get_json()

    def call(self, method: str, path: str, token: str, expect: int, **kwargs: Any) -> Any:
        answer = self.client.open(path, method=method, headers={"Authorization": f"Bearer {token}"}, **kwargs)
        assert answer.status_code == expect, answer.get_data(as_text=True)
        return answer.get_json()


def endpoints(app: InProcess, db: Path) -> dict[str, Callable[[], Any]]:
    """One callable per benchmarked endpoint, each a complete, successful request."""
    reader = app.mint("B0001", "clerk", "account")["access_token"]
    account = app.control("GET", "/contracts/B0001")["accounts"][0]["accountId"]
    since = (local.START.date().replace(year=local.START.year - 1)).isoformat()
    page = f"/corporation/v1/accounts/transactions?accountId={account}&dateFrom={since}&dateTo={local.START.date()}"
    app.control("PATCH", "/contracts/B0002/settings", {"revokePreviousGrant": False})
    demo = app.demo("B0002")
    chain = {"refresh": app.mint("B0002", "clerk", "account offline_access")["refresh_token"]}

    def refresh() -> None:
        answer = app.client.post(
            "/auth/v1/token",
            data={"grant_type": "refresh_token", "refresh_token": chain["refresh"]},
            auth=(demo["clientId"], demo["demoClientSecret"]),
        )
        chain["refresh"] = answer.get_json()["refresh_token"]

    clerk = app.mint("B0003", "clerk", "transfer")["access_token"]
    approver = app.mint("B0003", "approver", "transfer-approval")["access_token"]
    payer = app.control("GET", "/contracts/B0003")["accounts"][0]["accountId"]
    body = {
        "accountId": payer,
        "transferDesignatedDate": local.START.date().isoformat(),
        "transfers": [_item(app, db)],
    }
    applied: list[str] = []

    def approve() -> None:
        if not applied:
            applied.extend(local.apply_transfers(db, "B0003", 200))
        decision = {"accountId": payer, "applyNo": applied.pop(), "decision": "approve"}
        app.call("POST", "/corporation/v1/transfer/approval", approver, 200, json=decision)

    return {
        "healthz": lambda: app.client.get("/healthz"),
        "balances": lambda: app.call("GET", "/corporation/v1/accounts/balances", reader, 200),
        "transactions": lambda: app.call("GET", page, reader, 200),
        "tokenRefresh": refresh,
        "transferRequest": lambda: app.call(
            "POST", "/corporation/v1/transfer/request", clerk, 201, json=body
        ),
        "transferApproval": approve,
        "balancesRateLimited": rate_limited_balances(app),
    }


def rate_limited_balances(app: InProcess) -> Callable[[], Any]:
    """Balances for a client under a ``rateLimit`` it never reaches: the cost of taking a token."""
    app.control(
        "PATCH", "/contracts/B0004/settings", {"rateLimit": {"requestsPerSecond": 10000, "burst": 10000}}
    )
    token = app.mint("B0004", "clerk", "account")["access_token"]
    return lambda: app.call("GET", "/corporation/v1/accounts/balances", token, 200)


def _item(app: InProcess, db: Path) -> dict[str, Any]:
    """One transfer item with its beneficiary sealed under B0003's client key (§5(2)②)."""
    from sandbox.store import connect

    conn = connect(db)
    ben = local.other_bank_beneficiary(conn)
    conn.conn.close()
    demo = app.demo("B0003")
    raw = demo["encryptionKey"]
    key = OctKey.import_key(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    fields = {
        "beneficiaryBankCode": ben.bank_code,
        "beneficiaryBranchCode": ben.branch_code,
        "accountTypeCode": ben.account_type,
        "accountNumber": ben.account_number,
        "beneficiaryName": ben.name,
    }
    sealed = jwe.encrypt_compact(
        {"alg": "dir", "enc": "A256GCM", "kid": demo["keyId"]}, json.dumps(fields).encode(), key
    )
    return {"itemId": "1", "transferAmount": "1000", "encryptedBeneficiary": sealed}


def cpu_ms(fn: Callable[[], Any], count: int) -> float:
    fn()
    began = time.process_time()
    for _ in range(count):
        fn()
    return (time.process_time() - began) / count * 1000


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile", description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="Requests per endpoint (default 200).")
    parser.add_argument("--profile", metavar="NAME", help="Profile one endpoint with pyinstrument.")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="web21-profile-") as tmp:
        db = Path(tmp) / "bench.db"
        local.seed(db)
        local.pad_statement(db, "B0001", local.PAGE + 1)
        calls = endpoints(InProcess(db), db)
        row = baseline.create_app(str(db)).test_client()
        account = InProcess(db).control("GET", "/contracts/B0001")["accounts"][0]["accountId"]
        print(
            f"{'baseline GET /row':28s} {cpu_ms(lambda: row.get(f'/row/{account}'), args.count * 5):7.2f} ms CPU/request"
        )
        for name, fn in calls.items():
            count = max(20, args.count // 10) if name in ("transactions", "tokenRefresh") else args.count
            print(f"{name:28s} {cpu_ms(fn, count):7.2f} ms CPU/request")
        if args.profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            with profiler:
                for _ in range(args.count):
                    calls[args.profile]()
            print(profiler.output_text(unicode=False, color=False))


if __name__ == "__main__":
    main()
