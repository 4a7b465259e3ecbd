"""Notifications delivered per second: deposits of several contracts, each subscribed, delivered over real
HTTP to a receiver on loopback by one synchronous pass of the delivery worker (``notify.worker``: claim
with a lease, fault check, signed POST, request log and timeline per attempt)."""

from __future__ import annotations

import shutil
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from benchmarks.local import START, open_db
from benchmarks.report import Figure
from sandbox.bank import accounts, contract_admin, contracts, deposits, notices
from sandbox.notify import worker

CONTRACTS = 3  # the first three contracts of the seeded world
PER_CONTRACT = 300


class _Receiver(BaseHTTPRequestHandler):
    count = 0
    lock = threading.Lock()

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with _Receiver.lock:
            _Receiver.count += 1
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def delivered_per_second(seeded: Path, path: Path) -> Figure:
    """Write ``PER_CONTRACT`` messages for each of three contracts, then time the pass that delivers them."""
    shutil.copyfile(seeded, path)
    app, db = open_db(path)
    servers = [ThreadingHTTPServer(("127.0.0.1", 0), _Receiver) for _ in range(CONTRACTS)]
    chosen = [c["id"] for c in contracts.list_all(db)[:CONTRACTS]]
    for server in servers:
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
    _Receiver.count = 0
    try:
        _write_messages(app, db, chosen, servers)
        began = time.perf_counter()
        counts = worker.deliver_due(str(path), app.config)
        seconds = time.perf_counter() - began
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
        db.conn.close()
    total = CONTRACTS * PER_CONTRACT
    value = counts["delivered"] / seconds
    return Figure(
        "notificationsPerSecond",
        "notifications delivered per second (3 contracts, real HTTP on loopback)",
        value,
        "/s",
        target=">= 100 /s",
        met=value >= 100 and counts["delivered"] == total == _Receiver.count,
        detail={
            "messages": total,
            "delivered": counts["delivered"],
            "received": _Receiver.count,
            "seconds": round(seconds, 3),
        },
        note=f"{total} messages in {seconds:.2f} s; each attempt also logged and on the timeline",
    )


def _write_messages(app: Any, db: Any, chosen: list[str], servers: list[ThreadingHTTPServer]) -> None:
    """Each contract: its receiver's URL, a started subscription, ``PER_CONTRACT`` deposits."""
    with app.app_context():
        for contract_id, server in zip(chosen, servers, strict=True):
            url = f"http://127.0.0.1:{server.server_address[1]}/hook"
            contract_admin.change_settings(db, contract_id, {"notificationUrl": url})
            body = {"subscribeStatus": "1", "eventTypes": [{"eventType": "deposit-transaction"}]}
            notices.subscribe(db, contract_id, body, START, url)
            account = accounts.for_contracts(db, [contract_id])[0]["id"]
            for _ in range(PER_CONTRACT):
                deposits.receive(db, contract_id, account, 1000)
