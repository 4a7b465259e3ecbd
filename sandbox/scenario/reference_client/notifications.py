"""Payment notifications, as a careful receiver takes them: a small HTTP server on loopback that checks the
bank's HTTP Basic credentials and the body's HMAC signature, books each payment once by ``messageId``
(duplicates and late arrivals are answered 200 and change nothing), and, before answering what came
in, fetches the unsent list until the bank says 404 — delivery may have been stopped or have failed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests

from sandbox.scenario.reference_client.session import Session
from sandbox.scenario.reference_client.transport import BankError

log = logging.getLogger("reference_client")
EVENT = "deposit-transaction"


class Book:
    """Incoming payments by ``messageId``: the same message twice is one payment."""

    def __init__(self) -> None:
        self.payments: dict[str, dict[str, Any]] = {}
        self.lock = threading.Lock()

    def take(self, message: dict[str, Any]) -> bool:
        """Book a message unless it is booked already; True when it was new."""
        with self.lock:
            if message["messageId"] in self.payments:
                return False
            transaction = message.get("depositTransaction") or message.get("vaTransaction") or {}
            self.payments[message["messageId"]] = transaction
            return True

    def summary(self) -> dict[str, Any]:
        with self.lock:
            amounts = [int(t.get("amount", 0)) for t in self.payments.values()]
            return {"count": len(amounts), "total": str(sum(amounts)), "messageIds": sorted(self.payments)}


class Receiver:
    """The notification endpoint: checks who sent it and that the body is what the bank signed."""

    def __init__(self, book: Book) -> None:
        self.book, self.credentials = book, {}
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status = owner.receive(dict(self.headers), body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/notifications"
        threading.Thread(target=self.server.serve_forever, name="receiver", daemon=True).start()

    def receive(self, headers: dict[str, str], body: bytes) -> int:
        """401 unless the Basic credentials and the signature are the bank's; else book it and 200."""
        creds = self.credentials
        basic = base64.b64encode(f"{creds.get('username')}:{creds.get('password')}".encode()).decode()
        mac = hmac.new(str(creds.get("signatureSecret")).encode(), body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(headers.get("Authorization", ""), f"Basic {basic}") or not (
            hmac.compare_digest(headers.get("X-Web21-Signature", ""), f"sha256={mac}")
        ):
            log.warning("a notification not signed by the bank: refused")
            return 401
        message = json.loads(body)
        if not self.book.take(message):
            log.info("notification %s again: already booked", message.get("messageId"))
        return 200


class Notifications:
    """Subscribing, receiving and catching up with the unsent list, for the operator's session."""

    def __init__(self, session: Session, base_url: str, contract_id: str, sandbox_key: str | None) -> None:
        self.session, self.book = session, Book()
        self.receiver: Receiver | None = None
        self.control = f"{base_url.rstrip('/')}/sandbox/v1/contracts/{contract_id}"
        self.key = sandbox_key

    def listen(self) -> dict[str, Any]:
        """Start the receiver, register its URL (the bank's screen, here the contract's settings), take
        the credentials the bank issued, subscribe, and catch up with anything already waiting."""
        if self.receiver is None:
            self.receiver = Receiver(self.book)
        headers = {"X-Sandbox-Key": self.key or ""}
        patch = {"notificationUrl": self.receiver.url}
        requests.patch(f"{self.control}/settings", json=patch, headers=headers, timeout=10).raise_for_status()
        shown = requests.get(f"{self.control}/notifications", headers=headers, timeout=10)
        shown.raise_for_status()
        self.receiver.credentials = shown.json()["credentials"]
        body = {"subscribeStatus": "1", "eventTypes": [{"eventType": EVENT}]}
        self.session.call("POST", "/webhooks/v1/subscribe", safe=True, json=body)
        self.catch_up()
        return {"url": self.receiver.url, "eventTypes": [EVENT]}

    def catch_up(self) -> int:
        """Fetch the unsent list until 404; return how many new payments it held."""
        new = 0
        while True:
            try:
                page = self.session.call("GET", f"/webhooks/v1/unsentlist/{EVENT}", safe=True).data
            except BankError as error:
                if error.code == "no_unsent_notifications":
                    return new
                raise
            new += sum(self.book.take(message) for message in page.get("messages", []))

    def receipts(self) -> dict[str, Any]:
        """What came in: after catching up, each payment once."""
        fetched = self.catch_up()
        return {**self.book.summary(), "fromUnsentList": fetched}
