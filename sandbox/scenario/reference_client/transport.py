"""Every HTTP call of the reference client: timeouts, safe retries, ``Retry-After``, typed errors.

The rule that matters most: retry only what is safe to repeat. A GET is; a POST is only when it
carries an ``Idempotency-Key`` *and* the same body, so that the bank can recognise the repeat (§7(1)).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

import requests

log = logging.getLogger("reference_client")

TIMEOUT = 10  # seconds per attempt: a hung connection must not hang the business
ATTEMPTS = 4  # first try + 3 retries
BACKOFF = (0.5, 1.0, 2.0)  # seconds between retries when the bank gives no Retry-After
MAX_WAIT = 30  # longest Retry-After worth waiting for in-line; longer is reported instead (§2(4))


class BankError(Exception):
    """An answer the bank gave on purpose: ``status``, its ``code`` and message."""

    def __init__(self, status: int, code: str, message: str, retry_after: int | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message, self.retry_after = status, code, message, retry_after


class Unavailable(BankError):
    """The bank asked us to come back later than we are willing to wait (maintenance, rate limit)."""


class NoAnswer(Exception):
    """No answer at all after every attempt (the request may or may not have been processed)."""


@dataclass
class Answer:
    status: int
    data: dict[str, Any]
    headers: dict[str, str]


def error_of(response: requests.Response) -> BankError:
    """A typed error from a failed answer: the bank's ``errorCode`` or OAuth's ``error``."""
    try:
        data = response.json()
    except ValueError:
        data = {}
    code = data.get("errorCode") or data.get("error") or f"http_{response.status_code}"
    details = data.get("errorDetails") or [{}]
    message = (
        details[0].get("errorDetailsMessage") or data.get("error_description") or data.get("errorMessage", "")
    )
    return BankError(response.status_code, code, message, retry_after_of(response))


def retry_after_of(response: requests.Response) -> int | None:
    value = response.headers.get("Retry-After", "")
    return int(value) if value.isdigit() else None


class Transport:
    """One ``requests.Session`` and the retry policy around it."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = requests.Session()

    def call(
        self,
        method: str,
        path: str,
        *,
        safe: bool,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> Answer:
        """Send, retrying lost answers and 5xx only when ``safe``, and 429/503 after ``Retry-After``."""
        last: Exception | None = None
        for attempt in range(ATTEMPTS):
            try:
                response = self.http.request(
                    method, self.base_url + path, headers=headers, timeout=TIMEOUT, **kwargs
                )
            except requests.RequestException as exc:  # reset, timeout, truncated body: no answer
                last = exc
                log.warning("%s %s: no answer (%s)", method, path, exc.__class__.__name__)
                if not safe:
                    raise NoAnswer(f"{method} {path}: no answer and not safe to repeat") from exc
                self._pause(attempt)
                continue
            if response.status_code < 400:
                return Answer(response.status_code, _json(response), dict(response.headers))
            last = self._retry_or_raise(method, path, response, safe, attempt)
        if isinstance(last, BankError):
            raise last
        raise NoAnswer(f"{method} {path}: no answer after {ATTEMPTS} attempts ({last.__class__.__name__})")

    def _retry_or_raise(
        self, method: str, path: str, response: requests.Response, safe: bool, attempt: int
    ) -> BankError:
        """An error answer worth another attempt (429/503 with Retry-After, waited for; 5xx when
        ``safe``, backed off) is returned for the next attempt; any other is raised."""
        error = error_of(response)
        if response.status_code in (429, 503) and error.retry_after is not None:
            if error.retry_after > MAX_WAIT:
                raise Unavailable(error.status, error.code, error.message, error.retry_after)
            log.info("%s %s: %s, waiting %s s as asked", method, path, error.code, error.retry_after)
            time.sleep(error.retry_after)
            return error
        if response.status_code >= 500 and safe:
            self._pause(attempt)
            return error
        raise error

    @staticmethod
    def _pause(attempt: int) -> None:
        """Back off before the next attempt (none after the last)."""
        if attempt < ATTEMPTS - 1:
            time.sleep(BACKOFF[min(attempt, len(BACKOFF) - 1)])


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {"items": data}
