"""Scale figures (issue 16, item 6): the workshop shape, and how cost per request grows with the world.

**Workshop shape** (a figure of ``make bench``): 30 participants, each on a contract of their own, play a
scenario's round at once against the running sandbox — token, balances, today's statement, a sealed
transfer request, its approval, a minute of their own clock — over and over, one thread each with its own
keep-alive connection, as 30 reference clients would. Meanwhile another tenant reads its balances
(2 connections, the same load generator as every figure). The figure is that tenant's p99 while the
workshop plays, beside its p99 with nobody else on the server, measured just before.

**World growth** (``python -m benchmarks.scale``): worlds of 10, 100 and 1,000 contracts (the bench
world's template, 90 days of history), each endpoint's CPU per request in-process
(:mod:`benchmarks.profile`'s method), so the table shows whether cost per request stays flat as the
bank grows. ``make bench`` prints it after the main table.

    python -m benchmarks.scale                   # 10, 100, 1,000 contracts
    python -m benchmarks.scale --sizes 10 100 --count 100
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import requests
import yaml

from benchmarks import api, figures, load, local, profile
from benchmarks.api import Client
from benchmarks.job import Job
from benchmarks.report import Figure
from sandbox import create_app
from sandbox.seeding import worlds as seeding
from sandbox.store import connect

PARTICIPANTS = 30
WORKSHOP_TARGET = "<= 50 ms"
SIZES = (10, 100, 1000)
HISTORY_DAYS = 90


class Participant(threading.Thread):
    """One workshop participant playing scenario rounds on its own contract until the deadline."""

    def __init__(self, client: Client, contract_id: str, item: dict[str, Any], deadline: float) -> None:
        super().__init__(daemon=True)
        self.client, self.contract_id, self.item, self.deadline = client, contract_id, item, deadline
        self.statuses: Counter[int] = Counter()

    def call(self, method: str, path: str, token: str, body: Any = None) -> Any:
        answer = self.client.http.request(
            method,
            f"{self.client.url}{path}",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
        self.statuses[answer.status_code] += 1
        return answer.json() if answer.content else None

    def run(self) -> None:
        cid = self.contract_id
        try:
            clerk = self.client.mint(cid, f"{cid.lower()}-clerk", "account transfer")["access_token"]
            approver = self.client.mint(cid, f"{cid.lower()}-approver", "transfer-approval")["access_token"]
            account = self.client.account(cid)
            while time.perf_counter() < self.deadline:
                self.round(clerk, approver, account)
        except (requests.RequestException, RuntimeError, KeyError):
            self.statuses[0] += 1  # counted as a failure; the figure notes it

    def round(self, clerk: str, approver: str, account: str) -> None:
        cid = self.contract_id
        self.call("GET", "/corporation/v1/accounts/balances", clerk)
        self.call("GET", f"/corporation/v1/accounts/transactions?accountId={account}", clerk)
        today = self.client.control("GET", f"/contracts/{cid}/clock")["now"][:10]
        body = {"accountId": account, "transferDesignatedDate": today, "transfers": [self.item]}
        applied = self.call("POST", "/corporation/v1/transfer/request", clerk, body) or {}
        if "applyNo" in applied:
            decision = {"accountId": account, "applyNo": applied["applyNo"], "decision": "approve"}
            self.call("POST", "/corporation/v1/transfer/approval", approver, decision)
        answer = self.client.http.post(
            f"{self.client.url}/sandbox/v1/contracts/{cid}/clock/advance",
            json={"by": "1m"},
            headers={"X-Sandbox-Key": api.servers.ADMIN_KEY},
            timeout=60,
        )
        self.statuses[answer.status_code] += 1


def workshop(port: int, served: Path, seconds: float, generator: str) -> Figure:
    """Another tenant's balances p99 while 30 participants play at once, beside it alone."""
    client = Client(port)
    made = client.control(
        "POST",
        "/contracts",
        {
            "count": PARTICIPANTS,
            "prefix": "W",
            "world": "bench",
            "start": local.START.isoformat(),
            "frozen": True,
        },
    )
    ids = [c["contractId"] for c in made["contracts"]]
    db = connect(served)
    ben = local.other_bank_beneficiary(db)
    db.conn.close()
    fields = {
        "beneficiaryBankCode": ben.bank_code,
        "beneficiaryBranchCode": ben.branch_code,
        "accountTypeCode": ben.account_type,
        "accountNumber": ben.account_number,
        "beneficiaryName": ben.name,
    }
    items = {
        cid: {
            "itemId": "1",
            "transferAmount": "1000",
            "encryptedBeneficiary": figures.sealed(client, cid, fields),
        }
        for cid in ids
    }
    observer = Job(
        "other tenant",
        port,
        "/corporation/v1/accounts/balances",
        headers=client.bearer("B0005", "clerk", "account"),
    )
    alone = load.run(observer, connections=2, seconds=seconds, generator=generator)
    deadline = time.perf_counter() + seconds + 3  # the participants start before and end after the reads
    players = [Participant(Client(port), cid, items[cid], deadline) for cid in ids]
    for player in players:
        player.start()
    time.sleep(2)  # every participant has its tokens and is playing
    during = load.run(observer, connections=2, seconds=seconds, generator=generator)
    for player in players:
        player.join(timeout=120)
    statuses = sum((p.statuses for p in players), Counter())
    played = sum(statuses.values())
    failed = sum(n for code, n in statuses.items() if code == 0 or code >= 500)
    return Figure(
        "workshop",
        f"{PARTICIPANTS} participants playing at once: another tenant's balances p99",
        during.p99_ms,
        "ms",
        baseline=alone.p99_ms,
        target=WORKSHOP_TARGET,
        met=during.p99_ms <= 50 and not failed,
        ceiling="the same reads alone",
        detail={
            "alone": load.describe(alone),
            "during": load.describe(during),
            "participantStatuses": dict(statuses),
        },
        note=(
            f"the tenant's reads {during.rps:,.0f} req/s during, {alone.rps:,.0f} alone; participants made "
            f"{played:,} requests ({played / (seconds + 3):,.0f}/s; statuses {dict(sorted(statuses.items()))})"
            + (f"; {failed} failed" if failed else "")
        ),
    )


def world_file(directory: Path, size: int) -> str:
    """The bench world with ``size`` contracts and 90 days of history, as ``scale<size>.yaml``."""
    world = yaml.safe_load((api.servers.ROOT / "seed" / "bench.yaml").read_text(encoding="utf-8"))
    name = f"scale{size}"
    world.update(world=name, historyDays=HISTORY_DAYS)
    world["generate"]["count"] = size
    (directory / f"{name}.yaml").write_text(yaml.safe_dump(world, allow_unicode=True), encoding="utf-8")
    return name


def growth(size: int, work: Path, count: int) -> dict[str, Any]:
    """Seed a world of ``size`` contracts, then each endpoint's CPU ms per request in-process."""
    name = world_file(work, size)
    db_path = work / f"{name}.db"
    app = create_app({"DATABASE": str(db_path), "ADMIN_KEY": api.servers.ADMIN_KEY, "SEED_DIR": str(work)})
    db = connect(db_path)
    began = time.perf_counter()
    with app.app_context():
        seeding.reset(db, name, 21, local.START, frozen=True)
    seeded = time.perf_counter() - began
    db.conn.close()
    local.pad_statement(db_path, "B0001", local.PAGE + 1)
    calls = profile.endpoints(profile.InProcess(db_path), db_path)
    cost = {
        key: round(
            profile.cpu_ms(fn, max(20, count // 10) if key in ("transactions", "tokenRefresh") else count), 3
        )
        for key, fn in calls.items()
    }
    return {
        "contracts": size,
        "seedSeconds": round(seeded, 2),
        "fileMiB": round(db_path.stat().st_size / 2**20, 1),
        "cpuMs": cost,
    }


def growth_table(rows: list[dict[str, Any]]) -> str:
    """Endpoints down, world sizes across, and the growth from the smallest world to the largest."""
    keys = list(rows[0]["cpuMs"])
    header = ["CPU ms per request"] + [f"{r['contracts']:,} contracts" for r in rows] + ["largest / smallest"]
    body = [
        [key]
        + [f"{r['cpuMs'][key]:.2f}" for r in rows]
        + [f"{rows[-1]['cpuMs'][key] / rows[0]['cpuMs'][key]:.2f}x" if rows[0]["cpuMs"][key] else ""]
        for key in keys
    ]
    body.append(
        ["(seed, s / file, MiB)"] + [f"{r['seedSeconds']:.1f} / {r['fileMiB']:.0f}" for r in rows] + [""]
    )
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    render = lambda line: "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()  # noqa: E731
    rule = "  ".join("-" * w for w in widths)
    return "\n".join([rule, render(header), rule, *map(render, body), rule])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=list(SIZES), help="World sizes (default 10 100 1000)."
    )
    parser.add_argument("--count", type=int, default=200, help="Requests per endpoint (default 200).")
    parser.add_argument("--json", metavar="FILE", help="Also write the rows as JSON to FILE.")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="web21-scale-") as tmp:
        rows = []
        for size in sorted(args.sizes):
            print(f"scale: {size:,} contracts", flush=True, file=sys.stderr)
            rows.append(growth(size, Path(tmp), args.count))
    print(growth_table(rows))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
