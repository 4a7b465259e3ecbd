"""Error codes of transfers, approval, field encryption and idempotency (part of the one catalogue)."""

from __future__ import annotations

from sandbox.errors import BankError

# -- transfer requests -----------------------------------------------------------------------------


class TransferNotFound(BankError):
    """No transfer request with this applyNo on an account the caller may see."""

    code, status = "transfer_not_found", 404
    message_ja, message_en = "指定された振込依頼は存在しません。", "No such transfer request."


class TransferItemInvalid(BankError):
    """One or more transfer items are invalid; ``transferErrorDetails`` names each item and field."""

    code, status = "transfer_item_invalid", 400
    message_ja, message_en = "振込明細の内容に誤りがあります。", "One or more transfer items are invalid."


class TransferTotalsMismatch(BankError):
    """``totalCount`` or ``totalAmount`` does not match the items sent."""

    code, status = "transfer_totals_mismatch", 400
    message_ja, message_en = "合計件数または合計金額が明細と一致しません。", "Totals do not match the items."


class TransferDateInvalid(BankError):
    """The designated date is in the past, too far ahead, or today after the cut-off time."""

    code, status = "transfer_date_invalid", 400
    message_ja, message_en = "振込指定日が正しくありません。", "The designated transfer date is not valid."


class TransferDateHoliday(BankError):
    """The designated date is a bank holiday and ``transferDateHolidayCode`` is 3 (return an error)."""

    code, status = "transfer_date_holiday", 400
    message_ja, message_en = "振込指定日が銀行休業日です。", "The designated transfer date is a bank holiday."


# -- approval and cancellation ---------------------------------------------------------------------


class TransferNotAwaitingApproval(BankError):
    """The request is no longer 申請中 (returned, withdrawn, expired or cancelled): it cannot be decided."""

    code, status = "transfer_not_awaiting_approval", 409
    message_ja, message_en = (
        "この振込依頼は承認待ちではありません。",
        "The transfer request is not awaiting approval.",
    )


class TransferAlreadyApproved(BankError):
    """The request has already been approved (予約中, 手続中, 手続済, 資金返却 or 手続不成立)."""

    code, status = "transfer_already_approved", 409
    message_ja, message_en = "この振込依頼は承認済みです。", "The transfer request has already been approved."


class SelfApprovalForbidden(BankError):
    """The applicant may not approve their own request (contract setting ``selfApproval``, default off)."""

    code, status = "self_approval_forbidden", 403
    message_ja, message_en = (
        "申請者本人は承認できません。",
        "The applicant may not approve their own request.",
    )


class TransferNotCancellable(BankError):
    """Only a request 申請中 (→ 取下げ) or 予約中 (→ 予約取消) can be cancelled."""

    code, status = "transfer_not_cancellable", 409
    message_ja, message_en = "この振込依頼は取消できません。", "The transfer request cannot be cancelled."


# -- field encryption (§5(2)②) ---------------------------------------------------------------------


class FieldEncryptionRequired(BankError):
    """Beneficiary fields came in clear text but the contract's ``fieldEncryption`` is ``required``."""

    code, status = "field_encryption_required", 400
    message_ja, message_en = (
        "受取人情報は暗号化して送信してください。",
        "Beneficiary fields must be encrypted.",
    )


class FieldEncryptionOff(BankError):
    """``encryptedBeneficiary`` was sent but the contract's ``fieldEncryption`` is ``off``."""

    code, status = "field_encryption_off", 400
    message_ja, message_en = "項目暗号化は利用できません。", "Field encryption is off for this contract."


class JweInvalid(BankError):
    """``encryptedBeneficiary`` is not a JWE compact string with alg dir, enc A256GCM and a kid, or its plaintext is not a JSON object."""

    code, status = "jwe_invalid", 400
    message_ja, message_en = "暗号化項目の形式が正しくありません。", "The encrypted field is not a valid JWE."


class JweKeyUnknown(BankError):
    """The JWE's ``kid`` is not a key issued to this client."""

    code, status = "jwe_key_unknown", 400
    message_ja, message_en = "暗号鍵IDが正しくありません。", "Unknown encryption key id."


class JweKeyRetired(BankError):
    """The JWE was made with a retired key of this client (after a rotation's grace period)."""

    code, status = "jwe_key_retired", 400
    message_ja, message_en = "暗号鍵は失効しています。", "The encryption key has been retired."


class JweDecryptFailed(BankError):
    """The JWE names a key of this client but does not decrypt with it (wrong key or altered data)."""

    code, status = "jwe_decrypt_failed", 400
    message_ja, message_en = (
        "暗号化項目を復号できません。",
        "The encrypted field does not decrypt with this key.",
    )


# -- idempotency -----------------------------------------------------------------------------------


class IdempotencyKeyInvalid(BankError):
    """The ``Idempotency-Key`` header is empty, longer than 255 characters or not printable ASCII."""

    code, status = "idempotency_key_invalid", 400
    message_ja, message_en = (
        "Idempotency-Keyの形式が正しくありません。",
        "The Idempotency-Key header is not valid.",
    )


class IdempotencyKeyConflict(BankError):
    """The ``Idempotency-Key`` was already used with another request body or endpoint."""

    code, status = "idempotency_key_conflict", 409
    message_ja, message_en = (
        "このIdempotency-Keyは別の内容のリクエストで使用済みです。",
        "This Idempotency-Key was used for a different request.",
    )
