"""Error codes of virtual accounts (振込入金口座), part of the one catalogue."""

from __future__ import annotations

from sandbox.errors import BankError


class VaNotFound(BankError):
    """No virtual account with that ``vaId`` in this contract."""

    code, status = "va_not_found", 404
    message_ja, message_en = "指定された振込入金口座は存在しません。", "No such virtual account."


class VaClosed(BankError):
    """The virtual account is deleted (削除済) or closed at a month end: it can no longer change."""

    code, status = "va_closed", 409
    message_ja = "指定された振込入金口座は削除済または解約済です。"
    message_en = "The virtual account is deleted or closed."


class VaTooMany(BankError):
    """More virtual accounts in one call than it takes (issue: 1,000; status change: 100)."""

    code, status = "va_too_many", 400
    message_ja = "一度に指定できる振込入金口座の件数を超えています。"
    message_en = "Too many virtual accounts in one call."


class VaStatusInvalid(BankError):
    """The status change does not apply to the account's status (stop a stopped one, resume a usable one)."""

    code, status = "va_status_invalid", 409
    message_ja = "現在の状態では指定の状態変更はできません。"
    message_en = "This status change does not apply to the virtual account's status."


class VaCloseRequested(BankError):
    """The parent account's virtual accounts are being (or have been) closed: no new ones, no second request."""

    code, status = "va_close_requested", 409
    message_ja = "この口座の振込入金口座は解約申込済です。"
    message_en = "The virtual accounts of this account are closed or being closed."


class VaDateRangeInvalid(BankError):
    """The VA deposit statement's range is reversed, in the future or more than 6 months back."""

    code, status = "va_date_range_invalid", 400
    message_ja = "照会期間に誤りがあります（6か月以内）。"
    message_en = "The date range is invalid (at most 6 months back)."
