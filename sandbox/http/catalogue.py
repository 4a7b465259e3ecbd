"""The error catalogue: every public error code, wherever its class lives, in one written-out list.

``GET /sandbox/v1/errors`` and the README's table (``python -m sandbox.cli.docs``) read it; a test checks that
every ``BankError`` subclass with a code is listed. Adding an error: define its class beside the code that
raises it, then add it here.
"""

from __future__ import annotations

from typing import Any

from sandbox import errors
from sandbox.bank import limits, notices, statements
from sandbox.bank.bulk import errors as bulk_errors
from sandbox.bank.transfers import errors as transfer_errors
from sandbox.bank.transfers.outcomes import errors as outcome_errors
from sandbox.bank.va import errors as va_errors
from sandbox.bank.zengin import errors as zengin_errors
from sandbox.errors import BankError
from sandbox.incidents import errors as incident_errors
from sandbox.notify import targets as notify_targets
from sandbox.oauth import errors as oauth_errors
from sandbox.wire import errors as wire_errors

ERRORS: tuple[type[BankError], ...] = (
    # sandbox/errors.py: the request, the control API and the store
    errors.InvalidParameter,
    errors.MalformedJson,
    errors.NotFound,
    errors.MethodNotAllowed,
    errors.PayloadTooLarge,
    errors.SandboxKeyMissing,
    errors.SandboxKeyInvalid,
    errors.SandboxKeyThrottled,
    errors.SandboxForbidden,
    errors.ContractNotFound,
    errors.AccountNotFound,
    errors.UserNotFound,
    errors.ClockBackwards,
    errors.UnknownWorld,
    errors.ContractExists,
    errors.UnknownSetting,
    errors.ContractNotActive,
    errors.StoreBusy,
    # sandbox/bank/statements.py: statements (入出金明細)
    statements.ItemKeyInvalid,
    statements.StatementHistoryExceeded,
    # sandbox/bank/transfers/errors.py: transfers, approval, field encryption, idempotency
    transfer_errors.TransferNotFound,
    transfer_errors.TransferItemInvalid,
    transfer_errors.TransferTotalsMismatch,
    transfer_errors.TransferDateInvalid,
    transfer_errors.TransferDateHoliday,
    transfer_errors.TransferNotAwaitingApproval,
    transfer_errors.TransferAlreadyApproved,
    transfer_errors.SelfApprovalForbidden,
    transfer_errors.TransferNotCancellable,
    transfer_errors.FieldEncryptionRequired,
    transfer_errors.FieldEncryptionOff,
    transfer_errors.JweInvalid,
    transfer_errors.JweKeyUnknown,
    transfer_errors.JweKeyRetired,
    transfer_errors.JweDecryptFailed,
    transfer_errors.IdempotencyKeyInvalid,
    transfer_errors.IdempotencyKeyConflict,
    # sandbox/oauth/errors.py: OAuth and bearer tokens
    oauth_errors.TokenMissing,
    oauth_errors.AuthorizationMalformed,
    oauth_errors.TokenInvalid,
    oauth_errors.TokenExpired,
    oauth_errors.TokenRevoked,
    oauth_errors.InsufficientScope,
    oauth_errors.ClientNotFound,
    oauth_errors.RedirectUriInvalid,
    oauth_errors.ScopeInvalid,
    oauth_errors.ScopeNotPermitted,
    oauth_errors.UserLocked,
    oauth_errors.GrantNotFound,
    # sandbox/bank/bulk/errors.py: bulk transfers (総合振込/給与振込)
    bulk_errors.BulkTransferTooLate,
    bulk_errors.BulkTransferTooManyItems,
    bulk_errors.BulkTransferNotFound,
    bulk_errors.BulkTransferNotCancellable,
    # sandbox/bank/limits.py: transfer limits (振込限度額), single and bulk
    limits.TransferLimitExceeded,
    limits.DailyTransferLimitExceeded,
    # sandbox/bank/zengin/errors.py: 全銀 files
    zengin_errors.ZenginFileInvalid,
    # sandbox/bank/va/errors.py: virtual accounts (振込入金口座)
    va_errors.VaNotFound,
    va_errors.VaClosed,
    va_errors.VaTooMany,
    va_errors.VaStatusInvalid,
    va_errors.VaCloseRequested,
    va_errors.VaDateRangeInvalid,
    # sandbox/bank/outcomes/errors.py: item outcomes at the receiving bank, recalls (組戻)
    outcome_errors.RecallNotPossible,
    # sandbox/incidents/errors.py: incidents: service hours, maintenance, double login, the contract's state
    incident_errors.OutsideServiceHours,
    incident_errors.Maintenance,
    incident_errors.DoubleLogin,
    incident_errors.UnknownIncident,
    incident_errors.IncidentNotFound,
    incident_errors.IncidentNotApplicable,
    incident_errors.ContractTerminated,
    incident_errors.IncidentUnsupported,
    # sandbox/wire/errors.py: fault rules and the faults they inject
    wire_errors.RateLimited,
    wire_errors.ServiceUnavailable,
    wire_errors.RequestRejected,
    wire_errors.UnknownFaultEffect,
    wire_errors.UnknownFaultTrigger,
    wire_errors.FaultNotFound,
    # sandbox/bank/notices.py, sandbox/notify/targets.py: notifications (webhooks)
    notices.UnknownEventType,
    notices.NoUnsentNotifications,
    notices.NotificationUrlMissing,
    notices.NotificationUrlInvalid,
    notify_targets.NotificationUrlNotAllowed,
    wire_errors.TooManyInFlight,
)


def _by_code(classes: tuple[type[BankError], ...]) -> dict[str, type[BankError]]:
    """Each class by its code; two classes with one code are a programming error, caught at import."""
    found: dict[str, type[BankError]] = {}
    for cls in classes:
        if cls.code in found:
            raise TypeError(f"duplicate error code {cls.code}: {found[cls.code].__name__} and {cls.__name__}")
        found[cls.code] = cls
    return found


BY_CODE = _by_code(ERRORS)


def entries() -> list[dict[str, Any]]:
    """Every error code with its status and meaning, for the README and ``/sandbox/v1/errors``."""
    return [
        {
            "code": cls.code,
            "status": cls.status,
            "messageJa": cls.message_ja,
            "messageEn": cls.message_en,
            "meaning": " ".join((cls.__doc__ or "").split()),
        }
        for cls in sorted(ERRORS, key=lambda c: (c.status, c.code))
    ]
