"""Errors of the fault rules: what a client sees when a rule fires, and bad rule input (control API)."""

from __future__ import annotations

import json
from typing import Any

from sandbox.errors import BankError

OAUTH_ERRORS = {503: "temporarily_unavailable", 429: "temporarily_unavailable"}

# -- what an API client sees (a rule's http_error and rate_limit effects, the rateLimit setting) ---------


class RateLimited(BankError):
    """Too many requests; ``Retry-After`` says how many seconds to wait (the contract's ``rateLimit``
    setting, or a fault rule's ``rate_limit`` effect)."""

    code, status = "rate_limited", 429
    message_ja = "リクエストが集中しています。しばらくしてから再度お試しください。"
    message_en = "Too many requests."


class ServiceUnavailable(BankError):
    """The service is temporarily unavailable (a fault rule's ``http_error`` with status 503)."""

    code, status = "service_unavailable", 503
    message_ja = "ただいまサービスをご利用いただけません。"
    message_en = "The service is temporarily unavailable."


class RequestRejected(BankError):
    """The request was refused with a 4xx status by a fault rule's ``http_error`` effect."""

    code, status = "request_rejected", 400
    message_ja = "リクエストを受け付けできませんでした。"
    message_en = "The request was rejected."


class TooManyInFlight(BankError):
    """This contract already has as many requests in flight as a worker admits
    (``WEB21_SANDBOX_MAX_IN_FLIGHT_PER_CONTRACT``, held ones included); retry after ``Retry-After``."""

    code, status = "too_many_in_flight", 429
    message_ja = "処理中のリクエストが多すぎます。しばらくしてから再度お試しください。"
    message_en = "Too many requests of this contract are in progress."


def error_payload(path: str, error: BankError, status: int, code: str) -> bytes:
    """The error body: RFC 6749 §5.2 JSON under ``/auth/v1``, the bank's error document elsewhere."""
    if path.startswith("/auth/v1"):
        data: dict[str, Any] = {
            "error": OAUTH_ERRORS.get(status, code),
            "error_description": error.message_en,
        }
    else:
        data = {**error.body(), "errorCode": code}
    return json.dumps(data, ensure_ascii=False).encode()


# -- bad control input --------------------------------------------------------------------------------


class UnknownFaultEffect(BankError):
    """A fault rule named an effect that does not exist, or gave it unknown parameters."""

    code, status = "unknown_fault_effect", 400
    message_ja, message_en = "指定された障害の種類は存在しません。", "No such fault effect."


class UnknownFaultTrigger(BankError):
    """A fault rule's trigger has an unknown key (known: probability, seed, nth, after, times, window)."""

    code, status = "unknown_fault_trigger", 400
    message_ja, message_en = "指定された発生条件は存在しません。", "No such fault trigger."


class FaultNotFound(BankError):
    """No fault rule with this id (or not one this key may see)."""

    code, status = "fault_not_found", 404
    message_ja, message_en = "指定された障害ルールは存在しません。", "No such fault rule."
