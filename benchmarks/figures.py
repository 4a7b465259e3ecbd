"""The HTTP figures in the order they are measured, each a :class:`~benchmarks.api.Spec`."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from pathlib import Path

from joserfc import jwe
from joserfc.jwk import OctKey

from benchmarks import api, local, servers
from benchmarks.api import Client, Spec
from benchmarks.job import MARKER, Job, LoadResult
from benchmarks.local import START
from benchmarks.report import Figure
from sandbox.bank import ledger
from sandbox.store import connect

PAGE = 500
BALANCES_TARGET = ">= 75 % of 3-row, p99 <= 2x its p99"
STATEMENT_TARGET = ">= 50 % of 500-row"
REFRESH_TARGET = ">= 40 % of insert"
WRITE_TARGET = ">= 33 % of insert"


def all_specs(sandbox: servers.Server, served: Path, connections: int, seconds: float) -> list[Spec]:
    client = Client(sandbox.port)
    specs = [
        Spec(
            "healthz",
            "GET /healthz (no auth: framework + store floor)",
            jobs=lambda: api.healthz_job(sandbox.port),
        )
    ]
    missing = api.available("sandbox.oauth.protect", "sandbox.http.api.accounts")
    if missing:
        return specs + [
            Spec(key, label, target, why=missing)
            for key, label, target in (
                ("balances", "GET /accounts/balances", BALANCES_TARGET),
                ("transactions", "GET /accounts/transactions (500 lines)", ""),
                ("tokenRefresh", "POST /auth/v1/token refresh", ""),
            )
        ]
    specs += [balances(client), transactions(client), token_refresh(client, connections)]
    if api.routed(client, "/corporation/v1/transfer/request"):
        specs += transfer_specs(client, served, seconds)
    else:
        why = "not served yet (POST /corporation/v1/transfer/request answers 404)"
        specs += [
            Spec("transferRequest", "POST /transfer/request", WRITE_TARGET, why=why),
            Spec("transferApproval", "POST /transfer/approval", "", why=why),
        ]
    return specs


def balances(client: Client) -> Spec:
    headers = client.bearer(api.BALANCES, "clerk", "account")
    path = "/corporation/v1/accounts/balances"
    shown = client.get(path, headers)
    assert shown["count"] == 3, shown

    def check(figure: Figure, runs: list[LoadResult]) -> None:
        p99 = figure.detail["sandbox"]["p99Ms"]
        base_p99 = figure.detail["baseline"]["p99Ms"]
        figure.met = bool(figure.ratio and figure.ratio >= 0.75 and p99 <= 2 * base_p99)
        figure.note = (
            f"p50 {figure.detail['sandbox']['p50Ms']:.1f} ms, p99 {p99:.1f} ms (baseline p99 {figure.detail['baseline']['p99Ms']:.1f} ms)"
            + (f"; {figure.note}" if figure.note else "")
        )

    return Spec(
        "balances",
        "GET /accounts/balances (3 accounts)",
        BALANCES_TARGET,
        jobs=lambda: Job("balances", client.port, path, headers=headers),
        check=check,
        ceiling="balances",
    )


def statement_dates() -> tuple[str, str]:
    """The statement page's value-date range: the year to START (the baseline reads the same rows)."""
    return (START - timedelta(days=365)).date().isoformat(), START.date().isoformat()


def transactions(client: Client) -> Spec:
    headers = client.bearer(api.TRANSACTIONS, "approver", "account")  # another user: a new grant for
    # the same user and client would revoke the balances token (revokePreviousGrant)
    account = client.account(api.TRANSACTIONS)
    date_from, date_to = statement_dates()
    path = f"/corporation/v1/accounts/transactions?accountId={account}&dateFrom={date_from}&dateTo={date_to}"
    page = client.get(path, headers)
    if page["count"] != PAGE:
        return Spec(
            "transactions",
            "GET /accounts/transactions",
            why=f"the page has {page['count']} lines, not {PAGE}",
        )
    return Spec(
        "transactions",
        f"GET /accounts/transactions ({PAGE}-line page)",
        STATEMENT_TARGET,
        jobs=lambda: Job("transactions", client.port, path, headers=headers),
        check=lambda figure, runs: _ratio_met(figure, 0.5),
        ceiling="statement",
    )


def token_refresh(client: Client, connections: int) -> Spec:
    """Refresh chains, two per connection: each rotated refresh token goes back into the pool."""
    client.control("PATCH", f"/contracts/{api.REFRESH}/settings", {"revokePreviousGrant": False})
    basic = client.basic(api.REFRESH)
    user = f"{api.REFRESH.lower()}-clerk"

    def job() -> Job:
        pool = [
            client.mint(api.REFRESH, user, "account offline_access")["refresh_token"]
            for _ in range(2 * connections)
        ]
        return Job(
            "refresh",
            client.port,
            "/auth/v1/token",
            "POST",
            headers={"Authorization": basic, "Content-Type": api.FORM},
            body="grant_type=refresh_token&refresh_token=" + MARKER,
            pool=pool,
            chain="refresh_token",
        )

    return Spec(
        "tokenRefresh",
        "POST /auth/v1/token (refresh, rotating)",
        REFRESH_TARGET,
        jobs=job,
        check=lambda figure, runs: (
            _ratio_met(figure, 0.4),
            _note(figure, f"{2 * connections} grants; each rotated refresh token reused at once"),
        ),
        ceiling="insert",
    )


def _ratio_met(figure: Figure, share: float) -> None:
    figure.met = figure.ratio is not None and figure.ratio >= share


def _note(figure: Figure, text: str) -> None:
    figure.note = text + (f"; {figure.note}" if figure.note else "")


def sealed(client: Client, contract_id: str, fields: dict[str, str]) -> str:
    """The beneficiary as the client sends it: JWE (dir, A256GCM) under the client's current key."""
    demo = client.demo_client(contract_id)
    raw = demo["encryptionKey"]
    key = OctKey.import_key(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    plaintext = json.dumps(fields, ensure_ascii=False).encode()
    return jwe.encrypt_compact({"alg": "dir", "enc": "A256GCM", "kid": demo["keyId"]}, plaintext, key)


APPROVALS_PER_SECOND = 700  # pool size per second of an approval run: above any rate seen on 2 cores


def transfer_specs(client: Client, served: Path, seconds: float) -> list[Spec]:
    """Requests by the clerk, then approval of exactly those by the approver (each applyNo once)."""
    account = client.account(api.TRANSFER)
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
    body = {
        "accountId": account,
        "transferDesignatedDate": START.date().isoformat(),
        "transfers": [
            {
                "itemId": "1",
                "transferAmount": "1000",
                "encryptedBeneficiary": sealed(client, api.TRANSFER, fields),
            }
        ],
    }
    clerk = {**client.bearer(api.TRANSFER, "clerk", "transfer"), "Content-Type": "application/json"}
    approver = {
        **client.bearer(api.TRANSFER, "approver", "transfer-approval"),
        "Content-Type": "application/json",
    }
    applied: list[list[str]] = []

    def collect(figure: Figure, runs: list[LoadResult]) -> None:
        applied.extend(r.captured for r in runs)
        _ratio_met(figure, 0.33)
        _note(
            figure, f"{sum(len(a) for a in applied):,} requests 申請中 (JWE beneficiary), kept for approval"
        )

    def approvals() -> Job:
        """The requests made over HTTP, topped up (in-process, untimed) so a run never runs dry."""
        pool = applied.pop(0) if applied else []
        wanted = int(APPROVALS_PER_SECOND * seconds)
        pool += local.apply_transfers(served, api.TRANSFER, max(0, wanted - len(pool)))
        approval = {"accountId": account, "applyNo": MARKER, "decision": "approve"}
        return Job(
            "approval",
            client.port,
            "/corporation/v1/transfer/approval",
            "POST",
            headers=approver,
            body=json.dumps(approval),
            pool=pool,
        )

    def audit(figure: Figure, runs: list[LoadResult]) -> None:
        db = connect(served)
        problems = ledger.check(db)
        statuses = dict(
            db.conn.execute(
                "SELECT status, COUNT(*) FROM transfer_requests WHERE contract_id = ? GROUP BY status",
                (api.TRANSFER,),
            ).fetchall()
        )
        db.conn.close()
        figure.detail.update(ledgerProblems=problems[:5], transferStatuses=statuses)
        dry = sum(r.exhausted for r in runs)
        _note(
            figure,
            f"executed at once (same day, before cut-off); ledger {'balanced' if not problems else 'BROKEN: ' + problems[0]}"
            + ("; approvals ran out of requests, the rate is a lower bound" if dry else ""),
        )

    return [
        Spec(
            "transferRequest",
            "POST /transfer/request (1 item)",
            WRITE_TARGET,
            jobs=lambda: Job(
                "request",
                client.port,
                "/corporation/v1/transfer/request",
                "POST",
                headers=clerk,
                body=json.dumps(body),
                capture="applyNo",
            ),
            check=collect,
            ceiling="insert",
        ),
        Spec(
            "transferApproval",
            "POST /transfer/approval (executes)",
            WRITE_TARGET,
            jobs=approvals,
            check=lambda figure, runs: (_ratio_met(figure, 0.33), audit(figure, runs)),
            ceiling="insert",
        ),
    ]
