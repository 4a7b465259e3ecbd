"""One notification sent over HTTP: the message as JSON, HTTP Basic credentials the bank issued, and an
HMAC-SHA256 signature of the body, with a timeout so that a receiver that hangs costs one worker thread
for a bounded time. Redirects are not followed (a redirect could lead off loopback)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
import time
from dataclasses import dataclass
from typing import Any

import requests
import urllib3

SIGNATURE_HEADER = "X-Web21-Signature"
EXCERPT = 200  # characters of the receiver's answer kept in the request log and timeline


@dataclass
class Sent:
    """What one attempt got: the receiver's status (None: no answer), how long it took, what it said."""

    status: int | None
    latency_ms: float
    outcome: str  # response | timeout | refused | error
    excerpt: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def signature(secret: str, body: bytes) -> str:
    """``sha256=`` + the hex HMAC-SHA256 of the body under the contract's signature secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def headers(
    credentials: dict[str, Any], body: bytes, message_id: str, event_type: str, *, bad: bool = False
) -> dict[str, str]:
    """The headers of a delivery; ``bad``: a signature made with the wrong secret (a fault)."""
    basic = base64.b64encode(f"{credentials['username']}:{credentials['password']}".encode()).decode()
    secret = credentials["signature_secret"] + ("-wrong" if bad else "")
    return {
        "Content-Type": "application/json;charset=UTF-8",
        "Authorization": f"Basic {basic}",
        SIGNATURE_HEADER: signature(secret, body),
        "X-Web21-Message-Id": message_id,
        "X-Web21-Event-Type": event_type,
        "User-Agent": "web21-sandbox-notify/1",
    }


_local = threading.local()


def _session() -> requests.Session:
    """This thread's session (a session is not shared between threads); no proxies from the
    environment, so loopback stays loopback."""
    if getattr(_local, "session", None) is None:
        _local.session = requests.Session()
        _local.session.trust_env = False
    return _local.session


def post(url: str, body: bytes, head: dict[str, str], timeout_s: float) -> Sent:
    """POST ``body`` to ``url``; never raises for what the network or the receiver does."""
    started = time.monotonic()
    try:
        answer = _session().post(
            url,
            data=body,
            headers=head,
            timeout=(min(timeout_s, 2.0), timeout_s),
            allow_redirects=False,
            stream=True,  # only the start of the answer is read: a huge one costs no memory
        )
        with answer:
            return Sent(answer.status_code, _ms(started), "response", _excerpt(answer))
    except requests.Timeout:
        return Sent(None, _ms(started), "timeout", "no answer within the timeout")
    except requests.ConnectionError as exc:
        return Sent(None, _ms(started), "refused", str(exc)[:EXCERPT])
    except requests.RequestException as exc:
        return Sent(None, _ms(started), "error", str(exc)[:EXCERPT])


def _excerpt(answer: requests.Response) -> str:
    """The first characters of the answer's body ("" when the body stalls or breaks off: the status
    line decided already)."""
    try:
        raw = answer.raw.read(EXCERPT * 4, decode_content=True)
    except (urllib3.exceptions.HTTPError, OSError):
        return ""
    return raw.decode("utf-8", "replace")[:EXCERPT]


def _ms(started: float) -> float:
    return (time.monotonic() - started) * 1000
