"""Typed errors and the one JSON error handler; the codes of requests, the control API and the store.

The codes of each domain live beside it (``bank/transfers/errors.py``, ``oauth/errors.py``, ...); the one list
of them all is :mod:`sandbox.http.catalogue`. Each ``BankError`` subclass carries a stable ``code``, an HTTP ``status`` and a Japanese and English
message. Views never build error bodies themselves: they raise, and :func:`render` answers in the
DESIGN §4 shape ``{"errorCode", "errorMessage", "errorDetails": [...], "transferErrorDetails": [...]}``.
"""

from __future__ import annotations

import sqlite3
from typing import Any, ClassVar

from flask import Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException


class BankError(Exception):
    """Base of every error the sandbox reports to a client."""

    code: ClassVar[str] = "internal_error"
    status: ClassVar[int] = 500
    message_ja: ClassVar[str] = "システムエラーが発生しました。"
    message_en: ClassVar[str] = "An internal error occurred."

    def __init__(
        self,
        detail: str | None = None,
        *,
        field: str | None = None,
        details: list[dict[str, str]] | None = None,
        transfer_details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or self.message_en)
        self.detail = detail
        self.details = list(details or [])
        if detail:
            self.details.insert(0, {"errorDetailsCode": field or self.code, "errorDetailsMessage": detail})
        self.transfer_details = transfer_details or []
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"errorCode": self.code, "errorMessage": self.message_ja}
        if self.details:
            body["errorDetails"] = self.details
        if self.transfer_details:
            body["transferErrorDetails"] = self.transfer_details
        return body


# -- generic request errors ------------------------------------------------------------------------


class InvalidParameter(BankError):
    """A field is missing, has the wrong type or an invalid value; the detail names the field."""

    code, status = "invalid_parameter", 400
    message_ja, message_en = "入力内容に誤りがあります。", "A request parameter is invalid."


class MalformedJson(BankError):
    """The request body is not a JSON object."""

    code, status = "malformed_json", 400
    message_ja, message_en = "リクエストの形式が正しくありません。", "The request body is not a JSON object."


class NotFound(BankError):
    """No such endpoint."""

    code, status = "not_found", 404
    message_ja, message_en = "指定されたリソースは存在しません。", "No such resource."


class MethodNotAllowed(BankError):
    """The endpoint exists but not with this HTTP method."""

    code, status = "method_not_allowed", 405
    message_ja, message_en = "このメソッドは利用できません。", "Method not allowed on this endpoint."


class PayloadTooLarge(BankError):
    """The request body exceeds the size limit."""

    code, status = "payload_too_large", 413
    message_ja, message_en = "リクエストが大きすぎます。", "The request body is too large."


# -- sandbox control ---------------------------------------------------------------------------------


class SandboxKeyMissing(BankError):
    """A ``/sandbox/v1`` call came without an ``X-Sandbox-Key`` header."""

    code, status = "sandbox_key_missing", 401
    message_ja, message_en = "サンドボックス管理キーが必要です。", "X-Sandbox-Key header is required."


class SandboxKeyInvalid(BankError):
    """The ``X-Sandbox-Key`` is neither the admin key nor a contract key."""

    code, status = "sandbox_key_invalid", 401
    message_ja, message_en = "サンドボックス管理キーが正しくありません。", "X-Sandbox-Key is not valid."


class SandboxKeyThrottled(BankError):
    """Too many wrong keys (``X-Sandbox-Key`` or dashboard sign-ins) from this address: wait ``Retry-After``."""

    code, status = "sandbox_key_throttled", 429
    message_ja, message_en = (
        "管理キーの誤りが続いたため、しばらくお待ちください。",
        "Too many wrong keys from this address; retry later.",
    )


class SandboxForbidden(BankError):
    """A contract key was used for another contract or for an admin-only call."""

    code, status = "sandbox_forbidden", 403
    message_ja, message_en = "この操作は許可されていません。", "This key may not perform this operation."


class ContractNotFound(BankError):
    """No contract with this id."""

    code, status = "contract_not_found", 404
    message_ja, message_en = "指定された契約は存在しません。", "No such contract."


class AccountNotFound(BankError):
    """No account with this id in the contract (or one the caller may see)."""

    code, status = "account_not_found", 404
    message_ja, message_en = "指定された口座は存在しません。", "No such account."


class UserNotFound(BankError):
    """No user with this id in the contract."""

    code, status = "user_not_found", 404
    message_ja, message_en = "指定された利用者は存在しません。", "No such user."


class ClockBackwards(BankError):
    """A clock may only move forward: the requested time is before the contract's current time."""

    code, status = "clock_backwards", 409
    message_ja, message_en = "時計を過去に戻すことはできません。", "The clock only moves forward."


class UnknownWorld(BankError):
    """``reset``/``seed`` named a world that has no file in ``seed/``."""

    code, status = "unknown_world", 400
    message_ja, message_en = "指定されたワールドは存在しません。", "No such seed world."


class ContractExists(BankError):
    """A contract with the requested id already exists."""

    code, status = "contract_exists", 409
    message_ja, message_en = "指定された契約は既に存在します。", "A contract with this id already exists."


class UnknownSetting(BankError):
    """A settings PATCH named a setting that does not exist."""

    code, status = "unknown_setting", 400
    message_ja, message_en = "指定された設定項目は存在しません。", "No such setting."


class ContractNotActive(BankError):
    """The contract is suspended or terminated (§7(4)②, §8, §9)."""

    code, status = "contract_not_active", 403
    message_ja, message_en = "ご契約は現在ご利用いただけません。", "The contract is not active."


class StoreBusy(BankError):
    """The store stayed locked by another write for longer than the busy timeout; retry after a moment."""

    code, status = "store_busy", 503
    message_ja, message_en = (
        "ただいま混み合っています。しばらくしてから再度お試しください。",
        "The sandbox is busy; retry shortly.",
    )


def render(error: BankError) -> Response:
    response = jsonify(error.body())
    response.status_code = error.status
    response.headers.update(error.headers)
    return response


def init_app(app: Flask) -> None:
    """Answer every error in the DESIGN §4 shape: domain errors, HTTP errors and anything unexpected."""
    app.register_error_handler(BankError, render)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, unexpected)


def http_error(exc: HTTPException) -> Response:
    """Werkzeug's HTTP errors (no route, wrong method, too large, bad JSON) as error codes."""
    if exc.code == 404:
        return render(NotFound(f"no endpoint {request.method} {request.path}"))
    if exc.code == 405:  # RFC 9110 §15.5.6: the answer lists the methods the resource has
        allow = dict(exc.get_headers()).get("Allow", "")
        error = MethodNotAllowed(
            f"{request.method} is not allowed on {request.path}", headers={"Allow": allow}
        )
        return render(error)
    if exc.code == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        return render(PayloadTooLarge(f"the request body may be at most {limit} bytes"))
    if exc.code == 400:
        return render(MalformedJson(exc.description))
    response = render(BankError(exc.description))
    response.status_code = exc.code or 500
    return response


def unexpected(exc: Exception) -> Response:
    """A locked store is ``store_busy`` (retry); anything else is logged and answered ``internal_error``."""
    if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
        return render(StoreBusy("another write held the store too long", headers={"Retry-After": "1"}))
    current_app.logger.exception("unhandled error")
    return render(BankError())
