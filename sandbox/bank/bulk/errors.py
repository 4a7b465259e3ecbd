"""Error codes of bulk transfers (総合振込/給与振込), part of the one catalogue."""

from __future__ import annotations

from sandbox.errors import BankError


class BulkTransferTooLate(BankError):
    """The request or approval comes after the last business day the designated date allows."""

    code, status = "bulk_transfer_too_late", 400
    message_ja = "総合振込の依頼・承認期限を過ぎています。"
    message_en = "Too late to request or approve this bulk transfer for its designated date."


class BulkTransferTooManyItems(BankError):
    """More items than the contract's ``bulkTransferMaxItems`` setting allows in one request."""

    code, status = "bulk_transfer_too_many_items", 400
    message_ja = "総合振込の明細件数が上限を超えています。"
    message_en = "The bulk transfer has more items than the contract allows."


class BulkTransferNotFound(BankError):
    """No bulk request with that ``applyNo`` on the account, as far as this token can see."""

    code, status = "bulk_transfer_not_found", 404
    message_ja = "指定された総合振込が見つかりません。"
    message_en = "No such bulk transfer request."


class BulkTransferNotCancellable(BankError):
    """The request is not in the state ``cancelTargetKeyClass`` cancels (3 申請中, 4 予約中)."""

    code, status = "bulk_transfer_not_cancellable", 409
    message_ja = "この総合振込は指定の区分では取消できません。"
    message_en = "This bulk transfer cannot be cancelled with that cancelTargetKeyClass."
