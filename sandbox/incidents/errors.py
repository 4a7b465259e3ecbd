"""Errors of bank-side incidents and service hours: what a client sees, and bad control input.

The fault rules' errors are in ``sandbox/wire/errors.py``.
"""

from __future__ import annotations

from sandbox.errors import BankError

# -- what an API client sees -------------------------------------------------------------------------


class OutsideServiceHours(BankError):
    """The contract clock is outside the service hours (setting ``serviceHours``, §2(4)); ``Retry-After`` says when they open."""

    code, status = "outside_service_hours", 503
    message_ja = "サービス提供時間外です。"
    message_en = "Outside the service hours."


class Maintenance(BankError):
    """The service is in a maintenance window (§2(4)); ``Retry-After`` says when to come back."""

    code, status = "maintenance", 503
    message_ja = "ただいまメンテナンス中のため、サービスをご利用いただけません。"
    message_en = "The service is under maintenance."


class DoubleLogin(BankError):
    """The user is logged in to internet banking at the same time; their tokens fail until they log out."""

    code, status = "double_login", 403
    message_ja = "同一の利用者IDで他の端末からログインしているため、ご利用いただけません。"
    message_en = "The user is logged in elsewhere (double login)."


# -- bad control input --------------------------------------------------------------------------------


class UnknownIncident(BankError):
    """An incident named a type that does not exist."""

    code, status = "unknown_incident", 400
    message_ja, message_en = "指定されたインシデントの種類は存在しません。", "No such incident type."


class IncidentNotFound(BankError):
    """No incident with this id in the contract."""

    code, status = "incident_not_found", 404
    message_ja, message_en = "指定されたインシデントは存在しません。", "No such incident."


class IncidentNotApplicable(BankError):
    """The incident makes no sense in the contract's current state (e.g. resume an active contract)."""

    code, status = "incident_not_applicable", 409
    message_ja = "現在の状態ではこのインシデントは実行できません。"
    message_en = "This incident does not apply in the current state."


class ContractTerminated(BankError):
    """The contract is terminated (§8, §9): nothing more can happen to it."""

    code, status = "contract_terminated", 409
    message_ja, message_en = "ご契約は解約済みです。", "The contract is terminated."


class IncidentUnsupported(BankError):
    """The incident needs a subsystem this sandbox build does not have yet (named in the detail)."""

    code, status = "incident_unsupported", 501
    message_ja = "このインシデントは現在サポートされていません。"
    message_en = "This incident is not supported by this build."
